// Uploaded files are UTF-8 text (a dealer file, a lender-event CSV, a funding file, the OFAC SDN list):
// bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252) must never become contracts, events
// or names with U+FFFD where a letter was. This decodes a file chunk by chunk, a character split between
// two chunks put back together, and marks each byte that is not part of a UTF-8 character with NOT_UTF8,
// so that the reader rejects the row that holds it (or refuses the file), by line and column, and reads
// on. A leading byte-order mark is kept for the CSV reader, which drops it. Pure: no I/O.
import { isUtf8 } from 'node:buffer';

/**
 * Stands in the text for each byte that is not UTF-8: a lone low surrogate, which no UTF-8 text can
 * decode to (the encodings of surrogates are themselves invalid UTF-8), so a mark is never a character.
 */
export const NOT_UTF8 = '\uDFFF';

const EMPTY = new Uint8Array(0);

/**
 * The bytes of `bytes` up to the start of a character the chunk ends in the middle of: the rest waits for
 * the next chunk. Only the last three bytes can begin such a character (UTF-8 takes at most four).
 */
function completeLength(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 3; i -= 1) {
    const byte = bytes[i]!;
    if (byte >= 0x80 && byte < 0xc0) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** The length of the UTF-8 character at `i` (Unicode's table 3-7), or 0 when the byte there starts none. */
function characterLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i]!;
  if (first < 0x80) return 1;
  const within = (at: number, low: number, high: number) => {
    const byte = bytes[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return within(i + 1, 0x80, 0xbf) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return within(i + 1, low, high) && within(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return within(i + 1, low, high) && within(i + 2, 0x80, 0xbf) && within(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

export interface Utf8ChunkDecoder {
  /** The text of the characters this chunk completes (NOT_UTF8 for each byte that is not UTF-8). */
  decode(chunk: Uint8Array): string;
  /** The end of the file: a character left unfinished there is not UTF-8 either. */
  end(): string;
}

export function createUtf8ChunkDecoder(): Utf8ChunkDecoder {
  // A leading byte-order mark is kept as U+FEFF: the CSV reader drops it at the start of the file, and
  // only there (one at the start of a later chunk is data).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // The start of a character the last chunk ended in the middle of (at most three bytes).
  let carry: Uint8Array = EMPTY;

  /** Slow path, for a chunk that is not all UTF-8: the valid runs decoded, each other byte marked. */
  function decodeMarking(bytes: Uint8Array): string {
    let text = '';
    let runStart = 0;
    let i = 0;
    while (i < bytes.length) {
      const length = characterLength(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      text += decoder.decode(bytes.subarray(runStart, i)) + NOT_UTF8;
      i += 1;
      runStart = i;
    }
    return text + decoder.decode(bytes.subarray(runStart));
  }

  return {
    decode(chunk) {
      let bytes = chunk;
      if (carry.length > 0) {
        bytes = new Uint8Array(carry.length + chunk.length);
        bytes.set(carry);
        bytes.set(chunk, carry.length);
      }
      const complete = completeLength(bytes);
      carry = complete === bytes.length ? EMPTY : bytes.slice(complete);
      const whole = bytes.subarray(0, complete);
      // The common case: one fast check that the chunk is UTF-8 (SIMD in Node), then one decode.
      return isUtf8(whole) ? decoder.decode(whole) : decodeMarking(whole);
    },
    end() {
      const left = carry;
      carry = EMPTY;
      return left.length === 0 ? '' : decodeMarking(left);
    },
  };
}

/**
 * A mark: U+DFFF with no high surrogate before it. (U+DFFF is also the second half of a few characters
 * above U+FFFF, U+1F3FF among them, written as a surrogate pair; those are text, not marks.)
 */
const MARK = /(?<![\uD800-\uDBFF])\uDFFF/;
const MARKS = new RegExp(MARK.source, 'g');

/** Whether the text holds a byte that was not UTF-8 (a search for the character first: it is rare). */
export function holdsNotUtf8(text: string): boolean {
  return text.includes(NOT_UTF8) && MARK.test(text);
}

/** The text as a reader of the file would see it: each byte that was not UTF-8 as U+FFFD. */
export function shownNotUtf8(text: string): string {
  return text.replace(MARKS, '\uFFFD');
}

/**
 * What a cell with a mark holds and the one fix, for a refusal's detail: "<column>: "<cell>" " + this +
 * how to send the file again.
 */
export const NOT_UTF8_WORDS =
  'holds bytes that are not UTF-8 text (was the file saved as Latin-1 or Windows-1252?); save the file as UTF-8';

/** A cell quoted back in a refusal is cut to this many characters. */
const QUOTED_CELL_CHARACTERS = 40;

/**
 * The first field of a record that holds a byte that was not UTF-8, or null: its index and the cell as a
 * reader of the file would see it (trimmed, each such byte as U+FFFD, cut for quoting in a refusal).
 */
export function firstNotUtf8Field(fields: readonly string[]): { index: number; shown: string } | null {
  const index = fields.findIndex(holdsNotUtf8);
  if (index === -1) return null;
  const shown = shownNotUtf8(fields[index]!.trim());
  return {
    index,
    shown: shown.length > QUOTED_CELL_CHARACTERS ? `${shown.slice(0, QUOTED_CELL_CHARACTERS)}…` : shown,
  };
}
