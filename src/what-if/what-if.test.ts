// The rule what-if on a small hand-built portfolio (both engines): rental claims re-capped by a new daily
// limit, refunds when a state's free look shrinks (checked against the pure refund calculator), the
// validation of the draft and who may ask.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { quoteCancellationRefund } from '../cancellations/refund-quote.js';
import type { Catalog } from '../catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import { FakeClock } from '../platform/clock.js';
import type { ContractRow } from '../platform/db/schema.js';
import { addDays } from '../shared/calendar-date.js';
import { insertRentalClaim } from './what-if.fixtures.js';

const TODAY = '2026-11-25';
const clock = new FakeClock('2026-11-25T15:00:00Z');
const CATALOG = loadDefaultCatalog();

function draftWith(change: (draft: Catalog) => void): Catalog {
  const draft = structuredClone(CATALOG);
  change(draft);
  return draft;
}

const rentalDaily40 = draftWith((draft) => {
  for (const plan of draft.plans)
    if (plan.product === 'vsc' && plan.benefits.rental) plan.benefits.rental.dailyLimitCents = 4_000;
});

const ohioFreeLook30 = draftWith((draft) => {
  draft.stateRules.push({
    id: 'OH-vsc-free-look',
    state: 'OH',
    products: ['vsc'],
    sentence: 'In Ohio, you may cancel for a full refund within 30 days if no claim was filed.',
    overrides: { cancellation: { freeLookDays: 30 } },
  });
});

// name, plan, state, days since purchase, price
const CONTRACTS = [
  ['value-tx', 'VALUE_GUARD', 'TX', 200, 200_000],
  ['major-tx', 'MAJOR_GUARD', 'TX', 100, 300_000],
  ['basic-ks', 'BASIC_GUARD', 'KS', 55, 150_000],
  ['value-oh-45', 'VALUE_GUARD', 'OH', 45, 100_000],
  ['value-oh-20', 'VALUE_GUARD', 'OH', 20, 120_000],
  ['value-oh-400', 'VALUE_GUARD', 'OH', 400, 180_000],
] as const;

describeEachEngine('rule what-if', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const contracts = new Map<string, ContractRow>();

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      demo: false,
      env: { COVERWISE_ADMIN_EMAIL: 'admin@what-if.test', COVERWISE_ADMIN_PASSWORD: 'what-if-password-1' },
    });
    admin = await staffClient(server, 'admin@what-if.test', 'what-if-password-1');
    const { db } = server.built.database;
    const rows = [...syntheticRows(CONTRACTS.length, CATALOG, 1)];
    for (const [index, [name, planCode, state, daysAgo, priceCents]] of CONTRACTS.entries()) {
      const purchaseDate = addDays(TODAY, -daysAgo);
      const row = rows[index]!;
      const inserted = await db
        .insertInto('contracts')
        .values({
          ...row,
          plan_code: planCode,
          purchase_state: state,
          price_cents: priceCents,
          purchase_date: purchaseDate,
          // A one-year, 1,000-day term keeps the expected pro-rata shares readable.
          term_days: 1_000,
          expires_on: addDays(purchaseDate, 1_000),
          status: 'active',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      contracts.set(name, inserted);
    }
    const valueTx = contracts.get('value-tx')!.id;
    // $50 + $30 + ($40 + $20 on one day): $35/day pays 35 + 30 + 35 = $100; $40/day pays 40 + 30 + 40 = $110.
    await insertRentalClaim(db, {
      contractId: valueTx,
      createdAt: '2026-06-01T12:00:00Z',
      expenses: [
        { date: '2026-05-30', requestedCents: 5_000 },
        { date: '2026-05-31', requestedCents: 3_000 },
        { date: '2026-06-01', requestedCents: 4_000 },
        { date: '2026-06-01', requestedCents: 2_000 },
      ],
    });
    // Six days at $50: the $175 per-visit limit binds under both daily limits, so nothing changes.
    await insertRentalClaim(db, {
      contractId: contracts.get('major-tx')!.id,
      createdAt: '2026-09-10T12:00:00Z',
      expenses: [10, 11, 12, 13, 14, 15].map((day) => ({
        date: `2026-09-${day}`,
        requestedCents: 5_000,
      })),
    });
    // Older than 365 days: not part of last year's claims.
    await insertRentalClaim(db, {
      contractId: valueTx,
      createdAt: '2025-11-01T12:00:00Z',
      expenses: [{ date: '2025-10-31', requestedCents: 9_000 }],
    });
  });
  afterAll(() => server.close());

  const whatIf = (document: unknown) =>
    admin({ method: 'POST', url: '/api/v1/catalog/what-if', payload: { document } });

  it('re-caps last year’s rental claims at $40 a day: one claim changes by $10', async () => {
    const response = await whatIf(rentalDaily40);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      asOf: TODAY,
      catalogVersion: 1,
      claimsAffected: 1,
      moneyDifferenceCents: 1_000,
    });
    const rental = body.details.filter((d: { area: string }) => d.area === 'rental_claims');
    expect(rental).toEqual([
      expect.objectContaining({
        planCode: 'MAJOR_GUARD',
        claimsAffected: 0,
        currentCents: 17_500,
        draftCents: 17_500,
      }),
      expect.objectContaining({
        planCode: 'VALUE_GUARD',
        claimsAffected: 1,
        currentCents: 10_000,
        draftCents: 11_000,
      }),
    ]);
  });

  it('counts the active contracts whose rental terms change (every plan with rental, not Basic Guard)', async () => {
    const body = (await whatIf(rentalDaily40)).json();
    expect(body.contractsAffected).toBe(5);
    expect(body.changedTerms).toContainEqual({
      planCode: 'VALUE_GUARD',
      state: 'TX',
      fields: ['benefits.rental.dailyLimitCents'],
    });
    expect(body.changedTerms.some((t: { planCode: string }) => t.planCode === 'BASIC_GUARD')).toBe(false);
  });

  it('prices a shorter Ohio free look like the refund calculator, contract by contract', async () => {
    const body = (await whatIf(ohioFreeLook30)).json();
    const refund = (contract: ContractRow, freeLookDays: number) => {
      const quote = quoteCancellationRefund({
        priceCents: contract.price_cents,
        purchaseDate: contract.purchase_date,
        expiresOn: contract.expires_on,
        termDays: contract.term_days,
        odometerAtSale: contract.odometer_at_sale,
        expiresAtMiles: contract.expires_at_miles,
        termMiles: contract.term_miles,
        cancelOn: TODAY,
        odometer: contract.odometer_at_sale,
        hasClaims: false,
        claimsPaidCents: 0,
        rule: { ...CATALOG.plans[1]!.cancellation, freeLookDays },
      });
      if (!quote.ok) throw new Error(quote.code);
      return quote.refundCents;
    };
    const ohio = ['value-oh-45', 'value-oh-20', 'value-oh-400'].map((name) => contracts.get(name)!);
    const current = ohio.reduce((sum, c) => sum + refund(c, 60), 0);
    const draft = ohio.reduce((sum, c) => sum + refund(c, 30), 0);
    // Only the contract 45 days old leaves the free look: 20 days is inside both, 400 outside both.
    expect(refund(contracts.get('value-oh-45')!, 60)).toBe(100_000);
    expect(body.details).toEqual([
      expect.objectContaining({ area: 'contract_terms', planCode: 'VALUE_GUARD', contractsAffected: 3 }),
      expect.objectContaining({
        area: 'cancellation_refunds',
        planCode: 'VALUE_GUARD',
        contractsAffected: 1,
        currentCents: current,
        draftCents: draft,
        differenceCents: draft - current,
      }),
    ]);
    expect(draft - current).toBeLessThan(0);
    expect(body).toMatchObject({
      contractsAffected: 3,
      claimsAffected: 0,
      moneyDifferenceCents: draft - current,
    });
  });

  it('prices a switch to the Rule of 78s like the refund calculator, state rules included', async () => {
    const ruleOf78s = draftWith((draft) => {
      const plan = draft.plans.find((p) => p.code === 'VALUE_GUARD')!;
      plan.allowedCancellationMethods = ['pro_rata', 'rule_of_78s'];
      plan.cancellation.method = 'rule_of_78s';
    });
    const body = (await whatIf(ruleOf78s)).json();
    const refund = (contract: ContractRow, catalog: Catalog) => {
      const terms = resolveTerms(catalog, contract.plan_code, contract.purchase_state)!;
      const quote = quoteCancellationRefund({
        priceCents: contract.price_cents,
        purchaseDate: contract.purchase_date,
        expiresOn: contract.expires_on,
        termDays: contract.term_days,
        termMonths: contract.term_months,
        odometerAtSale: contract.odometer_at_sale,
        expiresAtMiles: contract.expires_at_miles,
        termMiles: contract.term_miles,
        cancelOn: TODAY,
        odometer: contract.odometer_at_sale,
        hasClaims: false,
        claimsPaidCents: 0,
        rule: terms.cancellation,
      });
      if (!quote.ok) throw new Error(quote.code);
      return quote.refundCents;
    };
    const valueGuard = [...contracts.values()].filter((c) => c.plan_code === 'VALUE_GUARD');
    const current = valueGuard.reduce((sum, c) => sum + refund(c, CATALOG), 0);
    const draft = valueGuard.reduce((sum, c) => sum + refund(c, ruleOf78s), 0);
    const changed = valueGuard.filter((c) => refund(c, CATALOG) !== refund(c, ruleOf78s)).length;
    expect(body.details.find((d: { area: string }) => d.area === 'cancellation_refunds')).toMatchObject({
      planCode: 'VALUE_GUARD',
      contractsAffected: changed,
      currentCents: current,
      draftCents: draft,
    });
    expect(changed).toBeGreaterThan(0);
  });

  it('answers zeros for a draft that changes no terms', async () => {
    const response = await whatIf(draftWith((draft) => (draft.description = 'only words changed')));
    expect(response.json()).toMatchObject({
      contractsAffected: 0,
      claimsAffected: 0,
      moneyDifferenceCents: 0,
      details: [],
      rating: { offersChanged: 0, changes: [] },
    });
  });

  it('shows what a dearer rate table does to dealer prices, even when no contract terms change', async () => {
    const draft = draftWith((d) => {
      for (const row of d.rating!.vscRates) if (row.planCode === 'BASIC_GUARD') row.dealerCostCents += 2_500;
    });
    const body = (await whatIf(draft)).json();
    expect(body).toMatchObject({ contractsAffected: 0, moneyDifferenceCents: 0, details: [] });
    expect(body.rating.vehicles.length).toBeGreaterThan(0);
    expect(body.rating.offersChanged).toBeGreaterThan(0);
    for (const change of body.rating.changes) {
      expect(change.planCode).toBe('BASIC_GUARD');
      expect(change.draftDealerCostCents - change.currentDealerCostCents).toBe(2_500);
    }
  });

  it('refuses an invalid draft with 422 invalid_catalog and every error', async () => {
    const broken = draftWith((draft) => {
      const plan = draft.plans[1]!;
      if (plan.product === 'vsc') plan.coveredComponentGroups.push('no_such_group');
      (draft.plans[0] as { code: string }).code = 'lower case';
    });
    const response = await whatIf(broken);
    expect(response.statusCode).toBe(422);
    const body = response.json();
    expect(body).toMatchObject({ code: 'invalid_catalog', param: 'document' });
    expect(body.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('is for admins only and stores nothing', async () => {
    const before = await server.built.database.db.selectFrom('catalog_versions').select('version').execute();
    const anonymous = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/catalog/what-if',
      payload: { document: rentalDaily40 },
    });
    expect(anonymous.statusCode).toBe(401);
    await whatIf(rentalDaily40);
    const after = await server.built.database.db.selectFrom('catalog_versions').select('version').execute();
    expect(after).toEqual(before);
  });
});
