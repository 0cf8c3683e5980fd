import { describe, expect, it } from 'vitest';
import { FIRST_SALE_YEAR, modelYearProblem } from './model-year.js';

describe('model year of a vehicle sold on a date', () => {
  it.each([
    { modelYear: 2026, saleDate: '2026-09-14', problem: null },
    { modelYear: 2028, saleDate: '2026-09-14', problem: null },
    { modelYear: 1981, saleDate: '2026-09-14', problem: null },
    { modelYear: 1981, saleDate: '1979-01-01', problem: null },
    {
      modelYear: 2029,
      saleDate: '2026-09-14',
      problem: {
        field: 'model_year',
        detail: 'The model year must be between 1981 and 2028 for a sale in 2026.',
      },
    },
    {
      modelYear: 1980,
      saleDate: '2026-09-14',
      problem: {
        field: 'model_year',
        detail: 'The model year must be between 1981 and 2028 for a sale in 2026.',
      },
    },
    {
      modelYear: 1982,
      saleDate: '1979-06-30',
      problem: {
        field: 'model_year',
        detail: 'The model year must be between 1981 and 1981 for a sale in 1979.',
      },
    },
    // A sale before any model year could be sold: the date is the mistake, whatever the model year.
    {
      modelYear: 2022,
      saleDate: '1900-01-01',
      problem: {
        field: 'sale_date',
        detail:
          '1900-01-01 is before 1979, the earliest year of sale: a vehicle is of model year 1981 or later ' +
          '(17-character VINs) and is sold at most 2 years before its model year.',
      },
    },
    { modelYear: 1981, saleDate: '1978-12-31', problem: expect.objectContaining({ field: 'sale_date' }) },
  ])('model year $modelYear sold $saleDate → $problem.field', ({ modelYear, saleDate, problem }) => {
    expect(modelYearProblem(modelYear, saleDate)).toEqual(problem);
  });

  it('never names a range whose ends are inverted', () => {
    for (let saleYear = FIRST_SALE_YEAR - 100; saleYear <= 2200; saleYear += 1) {
      for (const modelYear of [1900, 1980, 1981, saleYear, saleYear + 3, 2100]) {
        const problem = modelYearProblem(modelYear, `${saleYear}-06-15`);
        const range = problem?.detail.match(/between (\d+) and (\d+)/);
        if (range) expect(Number(range[1])).toBeLessThanOrEqual(Number(range[2]));
      }
    }
  });
});
