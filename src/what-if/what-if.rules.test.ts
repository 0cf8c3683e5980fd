// The pure half of the rule what-if: per-plan totals read from the portfolio become details and sums
// (draft minus current), table-driven, with a property test of the sums.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import {
  changedPairs,
  claimsLookbackStart,
  groupChangedTerms,
  noDifference,
  whatIfResult,
} from './what-if.js';

const TODAY = '2026-11-25';
const NO_RATING_CHANGES = { vehicles: [], offersCompared: 0, offersChanged: 0, changes: [] };

describe('whatIfResult', () => {
  it('adds the refund and rental differences and counts contracts from the terms rows only', () => {
    const result = whatIfResult(
      TODAY,
      [],
      {
        terms: [{ plan: 'VALUE_GUARD', contracts: 4 }],
        refunds: [{ plan: 'VALUE_GUARD', contracts: 2, currentCents: 10_000, draftCents: 12_500 }],
        rentals: [{ plan: 'MAJOR_GUARD', claims: 3, currentCents: 9_000, draftCents: 6_000 }],
      },
      NO_RATING_CHANGES,
    );
    expect(result).toMatchObject({
      asOf: TODAY,
      contractsAffected: 4,
      claimsAffected: 3,
      moneyDifferenceCents: 2_500 - 3_000,
    });
    expect(result.details.map((d) => [d.area, d.planCode, d.differenceCents])).toEqual([
      ['contract_terms', 'VALUE_GUARD', 0],
      ['cancellation_refunds', 'VALUE_GUARD', 2_500],
      ['rental_claims', 'MAJOR_GUARD', -3_000],
    ]);
  });

  it('answers no difference with no rows', () => {
    expect(whatIfResult(TODAY, [], { terms: [], refunds: [], rentals: [] }, NO_RATING_CHANGES)).toEqual(
      noDifference(TODAY, [], NO_RATING_CHANGES),
    );
  });

  it('sums every refund and rental difference (property)', () => {
    const totals = fc.array(
      fc.record({
        plan: fc.constantFrom('A', 'B', 'C'),
        count: fc.nat(1_000),
        currentCents: fc.nat(10_000_000),
        draftCents: fc.nat(10_000_000),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(totals, totals, (refunds, rentals) => {
        const result = whatIfResult(
          TODAY,
          [],
          {
            terms: [],
            refunds: refunds.map(({ count, ...r }) => ({ ...r, contracts: count })),
            rentals: rentals.map(({ count, ...r }) => ({ ...r, claims: count })),
          },
          NO_RATING_CHANGES,
        );
        const expected = [...refunds, ...rentals].reduce((sum, r) => sum + r.draftCents - r.currentCents, 0);
        expect(result.moneyDifferenceCents).toBe(expected);
        expect(result.claimsAffected).toBe(rentals.reduce((sum, r) => sum + r.count, 0));
      }),
      { seed: 18, numRuns: 200 },
    );
  });
});

describe('changedPairs', () => {
  it('finds no pair when the draft is the current catalog', () => {
    const catalog = loadDefaultCatalog();
    const pairs = changedPairs(catalog, structuredClone(catalog));
    expect(pairs).toEqual([]);
    expect(groupChangedTerms(catalog, catalog, pairs)).toEqual([]);
  });
});

describe('claimsLookbackStart', () => {
  it('is 365 days before today', () => {
    expect(claimsLookbackStart('2026-11-25')).toBe('2025-11-25');
  });
});
