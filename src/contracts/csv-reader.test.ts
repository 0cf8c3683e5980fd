// The dealer-file CSV reader: records and the lines they start on, however the text is cut into
// chunks; errors with the line to fix. csv-parse, a general-purpose parser, is the oracle for records.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvSyntaxError, createCsvReader } from './csv-reader.js';

const MAX = 1000;

/** Reads `chunks` in order; returns the records and the error, if any. */
function readChunks(chunks: string[], maxRecordCharacters = MAX) {
  const reader = createCsvReader({ maxRecordCharacters });
  const records: CsvRecord[] = [];
  for (const chunk of chunks) {
    const step = reader.push(chunk);
    records.push(...step.records);
    if (step.error) return { records, error: step.error };
  }
  const last = reader.end();
  records.push(...last.records);
  return { records, error: last.error };
}

/** The text cut at the given offsets. */
function cut(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}

describe('dealer-file CSV reader', () => {
  it.each([
    { name: 'one record a line', text: 'a,b\n1,2\n3,4\n', lines: [1, 2, 3] },
    { name: 'no line break at the end', text: 'a,b\n1,2', lines: [1, 2] },
    { name: 'CR LF line ends', text: 'a,b\r\n1,2\r\n', lines: [1, 2] },
    { name: 'CR line ends (old Mac files)', text: 'a,b\r1,2\r3,4', lines: [1, 2, 3] },
    { name: 'a quoted LF', text: 'a,b\n1,"x\ny"\n3,4\n', lines: [1, 2, 4] },
    { name: 'a quoted CR LF in a CR LF file', text: 'a,b\r\n1,"x\r\ny"\r\n3,4\r\n', lines: [1, 2, 4] },
    {
      name: 'two quoted CR LFs and an empty line',
      text: 'a,b\r\n1,"x\r\n\r\ny"\r\n\r\n3,4\r\n5,6',
      lines: [1, 2, 6, 7],
    },
    { name: 'empty lines skipped, counted', text: '\n\na,b\n\n1,2\n\n', lines: [3, 5] },
  ])('gives each record the line it starts on: $name', ({ text, lines }) => {
    const { records, error } = readChunks([text]);
    expect(error).toBeNull();
    expect(records.map((r) => r.line)).toEqual(lines);
  });

  it.each([
    { name: 'a quoted comma', text: 'a,"b,c"\n', fields: [['a', 'b,c']] },
    { name: 'a doubled quote', text: '"say ""hi""",x\n', fields: [['say "hi"', 'x']] },
    {
      name: 'empty fields',
      text: ',,\n"",x,\n',
      fields: [
        ['', '', ''],
        ['', 'x', ''],
      ],
    },
    { name: 'a byte-order mark', text: '\uFEFFa,b\n', fields: [['a', 'b']] },
    { name: 'spaces kept (the import trims)', text: ' a , b \n', fields: [[' a ', ' b ']] },
    { name: 'a quoted field ending the file', text: 'a,"b"', fields: [['a', 'b']] },
    { name: 'a comma ending the file', text: 'a,', fields: [['a', '']] },
  ])('reads the fields: $name', ({ text, fields }) => {
    const { records, error } = readChunks([text]);
    expect(error).toBeNull();
    expect(records.map((r) => r.fields)).toEqual(fields);
  });

  it.each([
    {
      name: 'a quote never closed',
      text: 'a,b\n1,2\n3,"four\n5,6\n',
      line: 3,
      reason: /quoted field is never closed/,
      before: 2,
    },
    {
      name: 'text after a closing quote',
      text: 'a,b\n1,"x"y\n',
      line: 2,
      reason: /"y" follows the closing quote/,
      before: 1,
    },
    {
      name: 'a quote in a field that does not start with one',
      text: 'a,b\n1,2\n3,fo"ur\n',
      line: 3,
      reason: /quote inside field 2/,
      before: 2,
    },
    {
      name: 'the error on the line it is found, after quoted line breaks',
      text: 'a,b\n1,"x\ny\nz"!\n',
      line: 4,
      reason: /"!" follows/,
      before: 1,
    },
    {
      name: 'a record longer than the limit',
      text: `a,b\n1,"${'x'.repeat(MAX + 10)}"\n`,
      line: 2,
      reason: /runs past 1,000 characters/,
      before: 1,
    },
  ])(
    'stops at $name, with its line, after handing out the records before',
    ({ text, line, reason, before }) => {
      // Whole, and a character at a time.
      for (const chunks of [[text], [...text]]) {
        const { records, error } = readChunks(chunks);
        expect(records).toHaveLength(before);
        expect(error).toBeInstanceOf(CsvSyntaxError);
        expect(error).toMatchObject({ line });
        expect(error?.reason).toMatch(reason);
        expect(error?.message).toContain(`not valid CSV at line ${line}:`);
      }
    },
  );

  it('reads nothing more after an error', () => {
    const reader = createCsvReader({ maxRecordCharacters: MAX });
    expect(reader.push('a,"b"c\n').error).toBeInstanceOf(CsvSyntaxError);
    expect(reader.push('1,2\n')).toMatchObject({ records: [], error: expect.any(CsvSyntaxError) });
  });

  it('reads what csv-parse reads, with true start lines, however the text is cut into chunks', () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z ]{0,5}$/),
      fc.stringMatching(/^[a-z,"]{0,4}(\n|\r\n|\r)?[a-z",]{0,3}$/),
    );
    const file = fc.record({
      lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
      records: fc.array(
        fc.record({ fields: fc.array(field, { minLength: 1, maxLength: 4 }), blankLinesBefore: fc.nat(2) }),
        { minLength: 1, maxLength: 12 },
      ),
      finalLineEnd: fc.boolean(),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(file, ({ lineEnd, records, finalLineEnd, cuts }) => {
        let text = '';
        let line = 1;
        const expected: { fields: string[]; line: number }[] = [];
        for (const [index, { fields, blankLinesBefore }] of records.entries()) {
          // A record of one empty field would be an empty line, which both skip.
          if (fields.length === 1 && fields[0] === '') continue;
          text += lineEnd.repeat(blankLinesBefore);
          line += blankLinesBefore;
          expected.push({ fields, line });
          const serialized = fields.map(csvCell).join(',');
          text += serialized;
          if (index < records.length - 1 || finalLineEnd) text += lineEnd;
          line += 1 + (serialized.match(/\r\n|\n|\r/g)?.length ?? 0);
        }
        const { records: read, error } = readChunks(cut(text, cuts));
        expect(error).toBeNull();
        expect(read).toEqual(expected);
        expect(readChunks([...text])).toEqual({ records: expected, error: null });
        if (text !== '') {
          const oracle = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true });
          expect(read.map((r) => r.fields)).toEqual(oracle);
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});
