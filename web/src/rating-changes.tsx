import type { ApiResponse } from './api.js';
import { formatCents, formatCount, formatMiles, formatMonths } from './format.js';
import { TableScroll } from './table-scroll.js';

// The what-if's rating comparison: dealer prices of sample vehicles under the current catalog and the
// draft, one row per offer whose dealer cost, maximum retail or availability differs.

/** The what-if answer's `rating` (generated from the API document: web/src/api-types.ts). */
export type RatingComparison = ApiResponse<'post', '/catalog/what-if'>['rating'];

const REASON_WORDS: Record<string, string> = {
  plan_not_rated: 'plan not rated',
  vehicle_not_rated: 'make not rated',
  vehicle_too_old: 'vehicle too old',
  odometer_too_high: 'too many miles',
  commercial_use_not_rated: 'not for commercial use',
  loan_details_missing: 'no loan',
  ltv_above_cap: 'loan above the LTV cap',
  loan_term_not_rated: 'loan term not rated',
  offer_not_rated: 'term or deductible not offered',
};

function price(dealerCostCents: number | null, maxRetailCents: number | null, reasonCode: string | null) {
  if (dealerCostCents === null) return `Not offered (${REASON_WORDS[reasonCode ?? ''] ?? reasonCode})`;
  return `${formatCents(dealerCostCents)} (max retail ${formatCents(maxRetailCents ?? dealerCostCents)})`;
}

export function RatingChanges({
  rating,
  currentLabel,
  planName,
}: {
  rating: RatingComparison;
  currentLabel: string;
  planName: (code: string) => string;
}) {
  return (
    <>
      <h3 id="rating-changes-heading">Dealer prices</h3>
      <p>
        {formatCount(rating.vehicles.length)} sample vehicles rated under both catalogs:{' '}
        {rating.offersChanged === 0
          ? `none of their ${formatCount(rating.offersCompared)} offers changes.`
          : `${formatCount(rating.offersChanged)} of ${formatCount(rating.offersCompared)} offers change${
              rating.changes.length < rating.offersChanged
                ? ` (the first ${formatCount(rating.changes.length)} are listed)`
                : ''
            }.`}
      </p>
      {rating.changes.length > 0 ? (
        <TableScroll labelledBy="rating-changes-caption">
          <table className="table">
            <caption id="rating-changes-caption">Offers whose dealer cost or maximum retail changes</caption>
            <thead>
              <tr>
                <th scope="col">Vehicle</th>
                <th scope="col">Plan</th>
                <th scope="col">Term</th>
                <th scope="col">Deductible</th>
                <th scope="col">{currentLabel}</th>
                <th scope="col">Draft</th>
                <th scope="col">Dealer cost difference</th>
              </tr>
            </thead>
            <tbody>
              {rating.changes.map((c) => (
                <tr key={`${c.vehicle}|${c.planCode}|${c.termMonths}|${c.termMiles}|${c.deductibleCents}`}>
                  <td>{c.vehicle}</td>
                  <td>{planName(c.planCode)}</td>
                  <td>
                    {formatMonths(c.termMonths)}
                    {c.termMiles === null ? '' : ` / ${formatMiles(c.termMiles)}`}
                  </td>
                  <td>{formatCents(c.deductibleCents)}</td>
                  <td>{price(c.currentDealerCostCents, c.currentMaxRetailCents, c.currentReasonCode)}</td>
                  <td>{price(c.draftDealerCostCents, c.draftMaxRetailCents, c.draftReasonCode)}</td>
                  <td>
                    {c.currentDealerCostCents !== null && c.draftDealerCostCents !== null
                      ? `${c.draftDealerCostCents > c.currentDealerCostCents ? '+' : ''}${formatCents(c.draftDealerCostCents - c.currentDealerCostCents)}`
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </>
  );
}
