// Rating in the what-if: sample vehicles rated under the current catalog and a draft; only the offers
// whose price or availability differ are listed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { rateVehicle } from '../rating/rating.js';
import { compareRating, sampleVehicles } from './rating-changes.js';

const TODAY = '2026-11-25';
const CATALOG = loadDefaultCatalog();

function draftWith(change: (rating: NonNullable<Catalog['rating']>) => void): Catalog {
  const draft = structuredClone(CATALOG);
  change(draft.rating!);
  return draft;
}

describe('sample vehicles', () => {
  it('rates a newer car with a loan and an older 4WD turbo diesel per class, and the newer car in each capped state', () => {
    const samples = sampleVehicles(CATALOG, CATALOG, TODAY);
    const classes = CATALOG.rating!.vehicleClasses;
    expect(samples).toHaveLength(classes.length * 2 + CATALOG.rating!.stateMarkupCaps.length);
    expect(samples.map((s) => s.request.vehicle.make)).toEqual(
      expect.arrayContaining(classes.map((c) => c.makes[0])),
    );
    expect(samples.filter((s) => s.request.loan)).toHaveLength(
      classes.length + CATALOG.rating!.stateMarkupCaps.length,
    );
    // A state without a cap of its own, and every capped state once.
    const capped = new Set(CATALOG.rating!.stateMarkupCaps.map((c) => c.state));
    expect(capped.has(samples[0]!.request.purchaseState)).toBe(false);
    for (const state of capped)
      expect(samples.filter((s) => s.request.purchaseState === state)).toHaveLength(1);
  });
});

describe('comparing rating', () => {
  it('finds nothing when the draft rates like the current catalog', () => {
    const result = compareRating(CATALOG, structuredClone(CATALOG), TODAY);
    expect(result.offersCompared).toBeGreaterThan(100);
    expect(result.offersChanged).toBe(0);
    expect(result.changes).toEqual([]);
  });

  it.each([
    {
      name: 'a dearer rate-table row changes that plan, class and term only, by the same amount',
      draft: draftWith((rating) => {
        const row = rating.vscRates.find(
          (r) => r.planCode === 'VALUE_GUARD' && r.vehicleClass === 'A' && r.termMonths === 36,
        )!;
        row.dealerCostCents += 5_000;
      }),
      check: (changes: ReturnType<typeof compareRating>['changes']) => {
        // Two class-A samples in the plain state and one per capped state, × three deductibles.
        expect(changes.length).toBe((2 + CATALOG.rating!.stateMarkupCaps.length) * 3);
        for (const c of changes) {
          expect(c).toMatchObject({ planCode: 'VALUE_GUARD', termMonths: 36 });
          expect(c.draftDealerCostCents! - c.currentDealerCostCents!).toBe(5_000);
          expect(c.draftMaxRetailCents! - c.currentMaxRetailCents!).toBe(5_000);
        }
      },
    },
    {
      name: 'a tighter age limit stops offering the plan to the older car, with the reason',
      draft: draftWith((rating) => {
        rating.eligibility.find((e) => e.planCode === 'MAJOR_GUARD')!.maxVehicleAgeYears = 4;
      }),
      check: (changes: ReturnType<typeof compareRating>['changes']) => {
        expect(changes.length).toBeGreaterThan(0);
        for (const c of changes) {
          expect(c).toMatchObject({ planCode: 'MAJOR_GUARD', draftDealerCostCents: null });
          expect(c.currentDealerCostCents).not.toBeNull();
          expect(c.draftReasonCode).toBe('vehicle_too_old');
          expect(c.vehicle).toContain('4WD turbo diesel');
        }
      },
    },
    {
      name: 'a new state markup cap lowers maximum retail there, not the dealer cost',
      draft: draftWith((rating) => {
        rating.stateMarkupCaps.push({ state: 'FL', maxMarkupCents: 100_000 });
      }),
      check: (changes: ReturnType<typeof compareRating>['changes']) => {
        expect(changes.length).toBeGreaterThan(0);
        for (const c of changes) {
          expect(c.vehicle).toContain(', FL');
          expect(c.draftDealerCostCents).toBe(c.currentDealerCostCents);
          expect(c.draftMaxRetailCents).toBe(c.draftDealerCostCents! + 100_000);
        }
      },
    },
    {
      name: 'a make dropped from its class is no longer rated',
      draft: draftWith((rating) => {
        const b = rating.vehicleClasses.find((c) => c.code === 'B')!;
        b.makes = b.makes.slice(1);
      }),
      check: (changes: ReturnType<typeof compareRating>['changes']) => {
        const dropped = CATALOG.rating!.vehicleClasses.find((c) => c.code === 'B')!.makes[0]!;
        expect(changes.length).toBeGreaterThan(0);
        for (const c of changes) {
          expect(c.vehicle).toContain(dropped);
          expect(c).toMatchObject({ draftDealerCostCents: null, draftReasonCode: 'vehicle_not_rated' });
        }
      },
    },
  ])('$name', ({ draft, check }) => {
    check(compareRating(CATALOG, draft, TODAY).changes);
  });

  it('shows a change of the turbo surcharge on every VSC offer of the turbo cars, by the same amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000, max: 50_000 }).filter((d) => d !== 0),
        (delta) => {
          const draft = draftWith((rating) => {
            const turbo = rating.surcharges.find((s) => s.condition === 'turbo')!;
            turbo.amountCents = (turbo.amountCents ?? 0) + delta;
          });
          const result = compareRating(CATALOG, draft, TODAY);
          const vscOffersOfTurboCars = sampleVehicles(CATALOG, draft, TODAY)
            .filter((s) => s.request.vehicle.turbo)
            .reduce(
              (sum, s) =>
                sum + rateVehicle(CATALOG, s.request).offers.filter((o) => o.product === 'vsc').length,
              0,
            );
          expect(vscOffersOfTurboCars).toBeGreaterThan(0);
          expect(result.offersChanged).toBe(vscOffersOfTurboCars);
          for (const c of result.changes) {
            expect(c.vehicle).toContain('turbo');
            expect(c.planCode).not.toBe('GAP');
            expect(c.draftDealerCostCents! - c.currentDealerCostCents!).toBe(delta);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
