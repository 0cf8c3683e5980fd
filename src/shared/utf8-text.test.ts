import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUtf8ChunkDecoder, holdsNotUtf8, NOT_UTF8, shownNotUtf8 } from './utf8-text.js';

const M = NOT_UTF8;

/** Decodes the chunks one after another, then the end. */
function decodeChunks(chunks: number[][]): string {
  const decoder = createUtf8ChunkDecoder();
  return chunks.map((chunk) => decoder.decode(Uint8Array.from(chunk))).join('') + decoder.end();
}

const bytesOf = (text: string) => [...Buffer.from(text, 'utf8')];

describe('UTF-8 text of a dealer file, chunk by chunk', () => {
  it.each([
    { name: 'ASCII', chunks: [bytesOf('Jose,Smith\n')], text: 'Jose,Smith\n' },
    { name: 'é in one chunk', chunks: [bytesOf('José')], text: 'José' },
    {
      name: 'é split between two chunks',
      chunks: [
        [0x4a, 0x6f, 0x73, 0xc3],
        [0xa9, 0x2c],
      ],
      text: 'José,',
    },
    { name: '€ split after its first byte', chunks: [[0xe2], [0x82, 0xac]], text: '€' },
    { name: '€ split after its second byte', chunks: [[0xe2, 0x82], [0xac]], text: '€' },
    { name: '€ a byte a chunk', chunks: [[0xe2], [0x82], [0xac], [0x31]], text: '€1' },
    { name: '𝄞 (four bytes) split 1+3', chunks: [[0xf0], [0x9d, 0x84, 0x9e]], text: '𝄞' },
    { name: '𝄞 split 3+1', chunks: [[0xf0, 0x9d, 0x84], [0x9e]], text: '𝄞' },
    { name: 'empty chunks between', chunks: [[0xc3], [], [0xa9]], text: 'é' },
    {
      name: 'a leading byte-order mark is kept for the CSV reader',
      chunks: [[0xef, 0xbb, 0xbf, 0x61]],
      text: '\uFEFFa',
    },
    { name: 'a real U+FFFD stays a character', chunks: [[0xef, 0xbf, 0xbd]], text: '\uFFFD' },
    {
      name: 'U+1F3FF (its second half is U+DFFF) stays a character',
      chunks: [bytesOf('a🏿b')],
      text: 'a🏿b',
    },
    // Bytes that are not UTF-8: each is marked.
    { name: 'Latin-1 é', chunks: [[0x4a, 0x6f, 0x73, 0xe9, 0x2c, 0x41]], text: `Jos${M},A` },
    {
      name: 'Latin-1 é at the end of a chunk',
      chunks: [
        [0x4a, 0xe9],
        [0x2c, 0x41],
      ],
      text: `J${M},A`,
    },
    { name: 'Latin-1 é as the last byte of the file', chunks: [[0x4a, 0xe9]], text: `J${M}` },
    { name: 'a character cut off by the end of the file', chunks: [[0x61, 0xe2, 0x82]], text: `a${M}${M}` },
    { name: 'a lead byte followed by ASCII', chunks: [[0xc3], [0x41]], text: `${M}A` },
    { name: 'a continuation byte alone', chunks: [[0x41, 0x80, 0x42]], text: `A${M}B` },
    { name: 'an overlong encoding of "/"', chunks: [[0xc0, 0xaf]], text: `${M}${M}` },
    { name: 'an encoded surrogate', chunks: [[0xed, 0xa0, 0x80]], text: `${M}${M}${M}` },
    { name: 'above U+10FFFF', chunks: [[0xf4, 0x90, 0x80, 0x80]], text: `${M}${M}${M}${M}` },
    { name: 'Windows-1252 quotes', chunks: [[0x93, 0x68, 0x69, 0x94]], text: `${M}hi${M}` },
  ])('$name', ({ chunks, text }) => {
    expect(decodeChunks(chunks)).toBe(text);
  });

  it('decodes UTF-8 the same however it is cut into chunks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const bytes = bytesOf(text);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => bytes.slice(from, [...points, bytes.length][i]));
        const decoded = decodeChunks(chunks);
        expect(decoded).toBe(text);
        expect(holdsNotUtf8(decoded)).toBe(false);
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });

  it('marks any bytes exactly as it does in one chunk, and only where the text is not UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const all = [...bytes];
        const points = [...new Set(cuts.map((cut) => cut % (all.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => all.slice(from, [...points, all.length][i]));
        const decoded = decodeChunks(chunks);
        expect(decoded).toBe(decodeChunks([all]));
        expect(holdsNotUtf8(decoded)).toBe(!isValid(bytes));
        if (isValid(bytes)) expect(decoded).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      }),
      { seed: 20261205, numRuns: 500 },
    );
  });

  it('shows each mark as U+FFFD, and nothing else', () => {
    expect(shownNotUtf8(`Jos${M} 🏿`)).toBe('Jos\uFFFD 🏿');
  });
});

function isValid(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
