// The streamed CSV reader of lender events and funded deals holds one batch at a time, never the file:
// a generated 20,000-row file is read through a source that counts what it has handed out, and the
// first batch must arrive long before the source is exhausted (structure, not timing or RSS).
import { describe, expect, it } from 'vitest';
import { type CsvBatchStats, CsvFileRefusedError, readCsvBatches } from './csv-batches.js';

const SPEC = {
  columns: ['vin', 'event', 'eventDate', 'odometer', 'reference'] as const,
  required: ['vin', 'event', 'eventDate'] as const,
  aliases: { date: 'eventDate' as const },
};

async function* generated(rows: number, counter: { chunks: number; rows: number }, chunkRows = 100) {
  yield 'vin,event,event_date\n';
  for (let start = 0; start < rows; start += chunkRows) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + chunkRows); i++) {
      text += `VIN${String(i).padStart(14, '0')},payoff,2026-10-01\n`;
    }
    counter.chunks += 1;
    counter.rows = Math.min(rows, start + chunkRows);
    yield Buffer.from(text);
  }
}

async function collect(source: Iterable<Buffer | string>, batchSize = 100) {
  const items = [];
  for await (const batch of readCsvBatches(source, SPEC, { batchSize })) items.push(...batch);
  return items;
}

describe('readCsvBatches', () => {
  it('reads 20,000 rows a batch at a time while the source is still being read', async () => {
    const counter = { chunks: 0, rows: 0 };
    const stats: CsvBatchStats = { bytesRead: 0, rowsRead: 0, peakRecordsHeld: 0 };
    let batches = 0;
    let rowsSourcedAtFirstBatch = -1;
    let lastLine = 1;
    for await (const batch of readCsvBatches(generated(20_000, counter), SPEC, { batchSize: 500, stats })) {
      if (batches === 0) rowsSourcedAtFirstBatch = counter.rows;
      batches += 1;
      expect(batch.length).toBeLessThanOrEqual(500);
      for (const item of batch) {
        expect(item.line).toBe(lastLine + 1);
        lastLine = item.line;
      }
    }
    expect(stats.rowsRead).toBe(20_000);
    expect(batches).toBe(40);
    // The first batch was handed out after about one batch's worth of the file, not the whole file.
    expect(rowsSourcedAtFirstBatch).toBeLessThanOrEqual(600);
    // What was held at once: a batch being filled plus one chunk's records, far below the file.
    expect(stats.peakRecordsHeld).toBeLessThanOrEqual(500 + 100);
  });

  it('maps header names loosely, keeps file lines across quoted line breaks and rejects a short record', async () => {
    const text =
      'VIN,Event,Date,Reference\nA,payoff,2026-10-01,"two\nlines"\nB,payoff\n\nC,repossession,2026-10-02,x\n';
    const items = await collect([text]);
    expect(items.map((i) => [i.line, i.values.vin, i.values.eventDate, i.rejection?.code ?? null])).toEqual([
      [2, 'A', '2026-10-01', null],
      [4, 'B', '', 'validation_failed'],
      [6, 'C', '2026-10-02', null],
    ]);
    expect(items[0]!.values.reference).toBe('two\nlines');
    expect(items[0]!.values.odometer).toBe('');
  });

  it('handles a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('vin,event,event_date,reference\nA,payoff,2026-10-01,Núñez\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const items = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(items[0]!.values.reference).toBe('Núñez');
  });

  const refusals: [string, string, string | null][] = [
    ['an unknown column', 'vin,event,event_date,colour\n', 'colour'],
    ['a missing required column', 'vin,event\n', 'eventDate'],
    ['a column twice', 'vin,vin,event,event_date\n', 'vin'],
    ['an empty file', '', null],
    ['an unclosed quote', 'vin,event,event_date\n"A,payoff,2026-10-01\n', null],
  ];
  it.each(refusals)('refuses %s', async (_name, text, param) => {
    const error = await collect([text]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileRefusedError);
    expect((error as CsvFileRefusedError).param).toBe(param);
  });

  // Bytes that are not UTF-8 (a file saved as Windows-1252: 0xF1 is its ñ) reject their row with
  // invalid_encoding, naming the column; the other rows read on. Each row: the file's chunks, then per
  // record its line, reference as read, rejection code and param.
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const HEADER = 'vin,event,event_date,reference\n';
  const encodings: [string, Buffer[], [number, string, string | null, string | null][]][] = [
    [
      'a Windows-1252 ñ rejects its row only',
      [latin1(`${HEADER}A,payoff,2026-10-01,Nuñez\nB,payoff,2026-10-01,ok\n`)],
      [
        [2, 'Nu\uFFFDez', 'invalid_encoding', 'reference'],
        [3, 'ok', null, null],
      ],
    ],
    [
      'a byte-order mark is taken, not read as part of the first column',
      [utf8(`\uFEFF${HEADER}A,payoff,2026-10-01,Núñez\n`)],
      [[2, 'Núñez', null, null]],
    ],
    [
      'a character split across three chunks is put back together',
      (() => {
        const bytes = utf8(`${HEADER}A,payoff,2026-10-01,日本\n`);
        const at = bytes.indexOf(0xe6);
        return [bytes.subarray(0, at + 1), bytes.subarray(at + 1, at + 2), bytes.subarray(at + 2)];
      })(),
      [[2, '日本', null, null]],
    ],
    [
      'a character cut off by the end of the file rejects the last row',
      [utf8(`${HEADER}A,payoff,2026-10-01,x\nB,payoff,2026-10-01,`), Buffer.from([0xe6, 0x97])],
      [
        [2, 'x', null, null],
        [3, '\uFFFD\uFFFD', 'invalid_encoding', 'reference'],
      ],
    ],
    [
      'a bad byte in a row of the wrong width is said as the encoding',
      [latin1(`${HEADER}A,payoff,2026-10-01,Nuñez,extra\n`)],
      [[2, 'Nu\uFFFDez', 'invalid_encoding', 'reference']],
    ],
  ];
  it.each(encodings)('%s', async (_name, chunks, expected) => {
    const items = await collect(chunks);
    expect(
      items.map((i) => [i.line, i.values.reference, i.rejection?.code ?? null, i.rejection?.param ?? null]),
    ).toEqual(expected);
    for (const item of items.filter((i) => i.rejection?.code === 'invalid_encoding'))
      expect(item.rejection!.detail).toMatch(/^reference: ".*" holds bytes that are not UTF-8 text/);
  });

  it('refuses a header holding bytes that are not UTF-8, by its line', async () => {
    const error = await collect([latin1('vin,event,event_date,référence\n')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileRefusedError);
    expect((error as CsvFileRefusedError).detail).toMatch(
      /^Line 1: the header holds bytes that are not UTF-8/,
    );
  });
});
