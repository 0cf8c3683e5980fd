// A CSV body of any size read as batches of named records, with the import's streaming reader
// (src/contracts/csv-reader.ts): the text is decoded chunk by chunk and records are handed out a batch
// at a time, so what is held at once is one batch plus the reader's unfinished line, never the file.
// The first record is the header; its column names are matched loosely (case, `_` and spaces ignored,
// aliases allowed). A record with the wrong number of fields is handed out as rejected with its line,
// and so is one holding bytes that are not UTF-8 (invalid_encoding, naming its column): the text is
// decoded strictly (src/shared/utf8-text.ts), never with U+FFFD put silently where a letter was.
import { type CsvRecord, createCsvReader } from '../contracts/csv-reader.js';
import {
  createUtf8ChunkDecoder,
  firstNotUtf8Field,
  holdsNotUtf8,
  NOT_UTF8,
  NOT_UTF8_WORDS,
  shownNotUtf8,
} from '../shared/utf8-text.js';

export interface CsvColumnSpec<C extends string> {
  /** Canonical names, in the order the README documents them. */
  columns: readonly C[];
  required: readonly C[];
  /** Other accepted header names (normalized: lower case, no `_`, `-` or spaces) → canonical name. */
  aliases?: Record<string, C>;
}

export type CsvBatchItem<C extends string> =
  | { line: number; values: Record<C, string>; rejection: null }
  | {
      line: number;
      values: Record<C, string>;
      rejection: { code: string; detail: string; param: string | null };
    };

export class CsvFileRefusedError extends Error {
  constructor(
    readonly detail: string,
    readonly param: string | null,
    readonly line: number | null,
  ) {
    super(detail);
    this.name = 'CsvFileRefusedError';
  }
}

export interface CsvBatchStats {
  bytesRead: number;
  rowsRead: number;
  /** The most records held at once (a batch being filled plus the records one chunk completed). */
  peakRecordsHeld: number;
}

const normalize = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
const MAX_RECORD_CHARACTERS = 64 * 1024;

/**
 * Reads `source` as CSV and yields batches of at most `batchSize` records, in file order. Throws
 * CsvFileRefusedError when the header is wrong, the text stops being CSV or the file passes `maxBytes`.
 */
export async function* readCsvBatches<C extends string>(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  spec: CsvColumnSpec<C>,
  options: {
    batchSize: number;
    maxBytes?: number;
    stats?: CsvBatchStats;
    onChunk?: (chunk: Buffer) => void;
    /**
     * Told, once the header is read, each column's name as the file writes it (`amount_financed_cents`,
     * `Amount Financed`): a rejected row names its column the way the sender wrote it.
     */
    onHeader?: (written: ReadonlyMap<C, string>) => void;
  },
): AsyncGenerator<CsvBatchItem<C>[]> {
  const stats = options.stats ?? { bytesRead: 0, rowsRead: 0, peakRecordsHeld: 0 };
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const reader = createCsvReader({ maxRecordCharacters: MAX_RECORD_CHARACTERS });
  const decoder = createUtf8ChunkDecoder();
  // Set once a chunk held a byte that was not UTF-8: until then no record is searched for one, so a
  // file that is all UTF-8 (nearly every file) costs one search per chunk, none per record.
  let notUtf8Seen = false;
  let header: Map<C, number> | null = null;
  // Each column's name as the file's header writes it: a row rejected here names its column so.
  let writtenNames: ReadonlyMap<C, string> = new Map();
  let batch: CsvBatchItem<C>[] = [];

  const byName = new Map<string, C>();
  for (const column of spec.columns) byName.set(normalize(column), column);
  for (const [alias, column] of Object.entries(spec.aliases ?? {}) as [string, C][])
    byName.set(alias, column);

  function readHeader(record: CsvRecord): Map<C, number> {
    if (notUtf8Seen && record.fields.some(holdsNotUtf8))
      throw new CsvFileRefusedError(
        `Line ${record.line}: the header ${NOT_UTF8_WORDS} and send it again.`,
        null,
        record.line,
      );
    const columns = new Map<C, number>();
    const written = new Map<C, string>();
    for (const [index, raw] of record.fields.entries()) {
      const column = byName.get(normalize(raw));
      if (!column) {
        throw new CsvFileRefusedError(
          `Line ${record.line}: the header names an unknown column "${raw.trim()}"; the columns are ${spec.columns.join(', ')}.`,
          raw.trim(),
          record.line,
        );
      }
      if (columns.has(column)) {
        throw new CsvFileRefusedError(`The header names the column "${column}" twice.`, column, record.line);
      }
      columns.set(column, index);
      written.set(column, raw.trim());
    }
    const missing = spec.required.filter((column) => !columns.has(column));
    if (missing.length > 0) {
      throw new CsvFileRefusedError(
        `The header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        missing[0] ?? null,
        record.line,
      );
    }
    writtenNames = written;
    options.onHeader?.(written);
    return columns;
  }

  function toItem(record: CsvRecord, columns: Map<C, number>): CsvBatchItem<C> {
    if (notUtf8Seen) {
      const notUtf8 = firstNotUtf8Field(record.fields);
      if (notUtf8) return notUtf8Item(record, columns, notUtf8);
    }
    const values = {} as Record<C, string>;
    for (const column of spec.columns) {
      const index = columns.get(column);
      values[column] = index === undefined ? '' : (record.fields[index] ?? '');
    }
    if (record.fields.length !== columns.size) {
      return {
        line: record.line,
        values,
        rejection: {
          code: 'validation_failed',
          detail: `The record has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}; the header has ${columns.size}.`,
          param: null,
        },
      };
    }
    return { line: record.line, values, rejection: null };
  }

  /**
   * A record holding bytes that were not UTF-8: rejected, naming the column as the file's header writes
   * it; its values as a reader of the file sees them (each such byte U+FFFD, never stored as a mark).
   */
  function notUtf8Item(
    record: CsvRecord,
    columns: Map<C, number>,
    notUtf8: { index: number; shown: string },
  ): CsvBatchItem<C> {
    const values = {} as Record<C, string>;
    let param: string | null = null;
    for (const column of spec.columns) {
      const index = columns.get(column);
      if (index === notUtf8.index) param = writtenNames.get(column) ?? column;
      values[column] = index === undefined ? '' : shownNotUtf8(record.fields[index] ?? '');
    }
    return {
      line: record.line,
      values,
      rejection: {
        code: 'invalid_encoding',
        detail: `${param ?? `field ${notUtf8.index + 1}`}: "${notUtf8.shown}" ${NOT_UTF8_WORDS} and send it again.`,
        param,
      },
    };
  }

  /** The text of a chunk, noting whether it held a byte that was not UTF-8. */
  function decoded(text: string): string {
    if (!notUtf8Seen && text.includes(NOT_UTF8)) notUtf8Seen = holdsNotUtf8(text);
    return text;
  }

  function* take(records: CsvRecord[], error: Error | null): Generator<CsvBatchItem<C>[]> {
    stats.peakRecordsHeld = Math.max(stats.peakRecordsHeld, batch.length + records.length);
    for (const record of records) {
      if (!header) {
        header = readHeader(record);
        continue;
      }
      stats.rowsRead += 1;
      batch.push(toItem(record, header));
      if (batch.length >= options.batchSize) {
        const full = batch;
        batch = [];
        yield full;
      }
    }
    if (error) throw new CsvFileRefusedError(error.message, null, (error as { line?: number }).line ?? null);
  }

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    stats.bytesRead += buffer.length;
    if (stats.bytesRead > maxBytes) {
      throw new CsvFileRefusedError(`The file is larger than the ${maxBytes} bytes accepted.`, null, null);
    }
    options.onChunk?.(buffer);
    const { records, error } = reader.push(decoded(decoder.decode(buffer)));
    yield* take(records, error);
  }
  const rest = decoded(decoder.end());
  if (rest) {
    const { records, error } = reader.push(rest);
    yield* take(records, error);
  }
  const { records, error } = reader.end();
  yield* take(records, error);
  if (!header) {
    throw new CsvFileRefusedError(
      `The file is empty: its first line must be the header (${spec.required.join(', ')}, …).`,
      null,
      null,
    );
  }
  if (batch.length > 0) yield batch;
}
