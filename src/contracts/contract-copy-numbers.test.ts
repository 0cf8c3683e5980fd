// contractNumbersOfCopyCsv reads back the contract numbers of the COPY lines the import writes, whatever
// the other fields hold (commas, quotes, line breaks): the books post an import batch by those numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { contractCopyLine, contractNumbersOfCopyCsv } from './contract.repository.js';

describe('contractNumbersOfCopyCsv', () => {
  const rows = [...syntheticRows(5, loadDefaultCatalog(), 1)];

  it('reads the first field of each line, quoted or not', () => {
    const csv = `${rows.map((row) => contractCopyLine(row)).join('\n')}\n`;
    expect(contractNumbersOfCopyCsv(csv)).toEqual(rows.map((row) => row.contract_number));
  });

  it('is not misled by commas, quotes and line breaks in any field', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\n', '\r', '\\', ' ', 'Z'),
      minLength: 1,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, text), { minLength: 1, maxLength: 6 }), (values) => {
        const lines = values.map(([number, line1, city], index) =>
          contractCopyLine({
            ...rows[index % rows.length]!,
            contract_number: number,
            address_line1: line1,
            address_city: city,
          }),
        );
        expect(contractNumbersOfCopyCsv(`${lines.join('\n')}\n`)).toEqual(values.map(([number]) => number));
      }),
      { seed: 1617, numRuns: 300 },
    );
  });
});
