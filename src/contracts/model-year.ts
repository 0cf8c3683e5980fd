// The model years a contract's (or a rate's) vehicle may have: 1981 on, because the 17-character VIN
// with its check digit, which every VIN here must pass, began with model year 1981; and at most two years
// ahead of the sale (a next year's model sold this year is common, more is a typo). So no sale can be
// earlier than 1979, and a sale date before that is itself the mistake, whatever the model year.
import type { CalendarDate } from '../shared/calendar-date.js';

export const FIRST_MODEL_YEAR = 1981;
export const MODEL_YEARS_AHEAD_OF_SALE = 2;
/** The earliest year of a sale: the first model year, sold as far ahead of it as the rule allows. */
export const FIRST_SALE_YEAR = FIRST_MODEL_YEAR - MODEL_YEARS_AHEAD_OF_SALE;

export type ModelYearProblem =
  /** The sale date is before any model year could be sold: the date is wrong (checked first). */
  { field: 'sale_date'; detail: string } | { field: 'model_year'; detail: string };

/** What is wrong with a vehicle's model year for a sale on `saleDate` (a calendar date), or null. */
export function modelYearProblem(modelYear: number, saleDate: CalendarDate): ModelYearProblem | null {
  const saleYear = Number(saleDate.slice(0, 4));
  if (saleYear < FIRST_SALE_YEAR) {
    return {
      field: 'sale_date',
      detail:
        `${saleDate} is before ${FIRST_SALE_YEAR}, the earliest year of sale: a vehicle is of model year ` +
        `${FIRST_MODEL_YEAR} or later (17-character VINs) and is sold at most ${MODEL_YEARS_AHEAD_OF_SALE} ` +
        'years before its model year.',
    };
  }
  const latest = saleYear + MODEL_YEARS_AHEAD_OF_SALE;
  if (modelYear < FIRST_MODEL_YEAR || modelYear > latest) {
    return {
      field: 'model_year',
      detail: `The model year must be between ${FIRST_MODEL_YEAR} and ${latest} for a sale in ${saleYear}.`,
    };
  }
  return null;
}
