// A streaming reader of RFC 4180 CSV for dealer files: fields separated by commas, records by LF,
// CR LF or CR; a field may be quoted, and inside quotes commas and line breaks are data and a quote is
// written twice. Each record comes with the file line it starts on (a quoted line break moves the
// lines after it), which is what a dealer needs to find a rejected row. Empty lines are skipped.
//
// Written for the import's hot path (several times faster than a general-purpose parser): a line
// without quotes is split in one call; only lines with quotes are read a character at a time.

export interface CsvRecord {
  fields: string[];
  /** The file line the record starts on, the first line being 1. */
  line: number;
}

/** The text cannot be read as CSV from `line` on; the records before it were all handed out. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`The file is not valid CSV at line ${line}: ${reason}.`);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvReader {
  /** Reads a piece of the text; returns the records it completes and the error that stops the reading, if any. */
  push(text: string): { records: CsvRecord[]; error: CsvSyntaxError | null };
  /** The end of the text: the last record, if it had no line break after it. */
  end(): { records: CsvRecord[]; error: CsvSyntaxError | null };
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;
const NEEDS_CAREFUL_READING = /["\r]/;

/** The outcome of reading one record at a position: a record, an empty line, more text needed, or an error. */
type Step =
  | { kind: 'record'; fields: string[]; next: number; lineBreaks: number }
  | { kind: 'empty'; next: number }
  | { kind: 'incomplete' }
  | { kind: 'error'; reason: string; lineBreaks: number };

export function createCsvReader(options: { maxRecordCharacters: number }): CsvReader {
  const { maxRecordCharacters } = options;
  let pending = '';
  let line = 1;
  let started = false;
  let failed: CsvSyntaxError | null = null;

  function read(text: string, final: boolean): { records: CsvRecord[]; error: CsvSyntaxError | null } {
    if (failed) return { records: [], error: failed };
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const all = pending.length === 0 ? text : pending + text;
    const records: CsvRecord[] = [];
    let position = 0;
    while (position < all.length) {
      const step = readRecord(all, position, final);
      if (step.kind === 'incomplete') break;
      if (step.kind === 'error') {
        failed = new CsvSyntaxError(line + step.lineBreaks, step.reason);
        pending = '';
        return { records, error: failed };
      }
      if (step.kind === 'record') {
        records.push({ fields: step.fields, line });
        line += step.lineBreaks;
      } else {
        line += 1;
      }
      position = step.next;
    }
    pending = position === 0 ? all : all.slice(position);
    if (pending.length > maxRecordCharacters) {
      failed = new CsvSyntaxError(
        line,
        `a record runs past ${maxRecordCharacters.toLocaleString('en-US')} characters (a quote that is never closed?)`,
      );
      pending = '';
      return { records, error: failed };
    }
    if (final && pending.length > 0) {
      // Only an unclosed quote leaves text behind at the end.
      failed = new CsvSyntaxError(
        line,
        'a quoted field is never closed (a quote inside a quoted field is written twice: "")',
      );
      pending = '';
      return { records, error: failed };
    }
    return { records, error: null };
  }

  function readRecord(text: string, start: number, final: boolean): Step {
    // The common case: a whole line with no quote and no CR but the one of a CR LF.
    const lf = text.indexOf('\n', start);
    if (lf !== -1 || final) {
      const lineEnd = lf === -1 ? text.length : lf;
      const contentEnd = lineEnd > start && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      const content = text.slice(start, contentEnd);
      if (!NEEDS_CAREFUL_READING.test(content)) {
        if (content.length > maxRecordCharacters) return tooLong(0);
        const next = lf === -1 ? text.length : lf + 1;
        if (content.length === 0) return { kind: 'empty', next };
        return { kind: 'record', fields: content.split(','), next, lineBreaks: 1 };
      }
    }
    return readCarefully(text, start, final);
  }

  function tooLong(lineBreaks: number): Step {
    return {
      kind: 'error',
      reason: `a record runs past ${maxRecordCharacters.toLocaleString('en-US')} characters`,
      lineBreaks,
    };
  }

  /** Reads a record a field at a time, quotes and all. */
  function readCarefully(text: string, start: number, final: boolean): Step {
    const fields: string[] = [];
    let i = start;
    let lineBreaks = 0;
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        field = '';
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) return { kind: 'incomplete' };
          field += text.slice(from, quote);
          // A quote at the end of the text so far may be the first of a doubled one.
          if (quote + 1 === text.length && !final) return { kind: 'incomplete' };
          if (text.charCodeAt(quote + 1) === QUOTE) {
            field += '"';
            from = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        lineBreaks += countLineBreaks(field);
        const after = text.charCodeAt(i);
        if (i < text.length && after !== COMMA && after !== LF && after !== CR) {
          return {
            kind: 'error',
            reason: `"${text[i]}" follows the closing quote of a field where a comma or the end of the line belongs (a quote inside a quoted field is written twice: "")`,
            lineBreaks,
          };
        }
      } else {
        let end = i;
        while (end < text.length) {
          const code = text.charCodeAt(end);
          if (code === COMMA || code === LF || code === CR) break;
          end += 1;
        }
        field = text.slice(i, end);
        if (field.includes('"')) {
          return {
            kind: 'error',
            reason: `a quote inside field ${fields.length + 1}, which does not start with one (quote the whole field and write the quote twice: "a ""b""")`,
            lineBreaks,
          };
        }
        i = end;
      }
      fields.push(field);
      if (i - start > maxRecordCharacters) return tooLong(lineBreaks);
      if (i >= text.length) {
        if (!final) return { kind: 'incomplete' };
        return finish(fields, text.length, lineBreaks);
      }
      const code = text.charCodeAt(i);
      if (code === COMMA) {
        i += 1;
        // A comma at the very end of the text so far: the next field is still to come.
        if (i >= text.length && !final) return { kind: 'incomplete' };
        if (i >= text.length) {
          fields.push('');
          return finish(fields, i, lineBreaks);
        }
        continue;
      }
      if (code === CR) {
        // A CR at the end of the text so far may be the first half of a CR LF.
        if (i + 1 >= text.length && !final) return { kind: 'incomplete' };
        return finish(fields, text.charCodeAt(i + 1) === LF ? i + 2 : i + 1, lineBreaks + 1);
      }
      return finish(fields, i + 1, lineBreaks + 1);
    }
  }

  function finish(fields: string[], next: number, lineBreaks: number): Step {
    if (fields.length === 1 && fields[0] === '' && lineBreaks <= 1) return { kind: 'empty', next };
    return { kind: 'record', fields, next, lineBreaks: Math.max(lineBreaks, 1) };
  }

  return {
    push: (text) => read(text, false),
    end: () => read('', true),
  };
}

/** Line breaks inside a quoted field: CR LF, LF and CR count one each. */
function countLineBreaks(field: string): number {
  let count = 0;
  for (let i = 0; i < field.length; i++) {
    const code = field.charCodeAt(i);
    if (code === LF) count += 1;
    else if (code === CR) {
      count += 1;
      if (field.charCodeAt(i + 1) === LF) i += 1;
    }
  }
  return count;
}
