// The unearned-reserve report on a small hand-computed portfolio (both engines): each case is its own
// plan code, so each report row is one contract's earned/unearned cents; then a shared group, the
// HTTP route (JSON, CSV, access, bad dates) and the nightly snapshot.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { FakeClock } from '../platform/clock.js';
import type { ContractStatusValue } from '../platform/db/schema.js';
import {
  findUnearnedReserveSnapshot,
  storeUnearnedReserveSnapshot,
  unearnedReserve,
} from './reports.service.js';

const AS_OF = '2026-11-25';
const TIME_ZONE = 'America/New_York';
const clock = new FakeClock('2026-11-25T15:00:00Z');

interface Case {
  planCode: string;
  state: string;
  purchaseDate: string;
  termDays: number;
  priceCents: number;
  status?: ContractStatusValue;
  cancelled?: { on: string; refundCents: number };
  /** A GAP addendum whose benefit was paid at this instant (status claimed). */
  benefitPaidAt?: string;
}

// name, contract, expected report row (null: not in the report)
const CASES: [string, Case, { earnedCents: number; unearnedCents: number; refundedCents: number } | null][] =
  [
    [
      'sold on the as-of date: all unearned',
      { planCode: 'CASE_A', state: 'KS', purchaseDate: '2026-11-25', termDays: 1095, priceCents: 100_000 },
      { earnedCents: 0, unearnedCents: 100_000, refundedCents: 0 },
    ],
    [
      'a year into a 1,095-day term: a third earned',
      { planCode: 'CASE_B', state: 'KS', purchaseDate: '2025-11-25', termDays: 1095, priceCents: 109_500 },
      { earnedCents: 36_500, unearnedCents: 73_000, refundedCents: 0 },
    ],
    [
      'half a cent unearned rounds up',
      { planCode: 'CASE_C', state: 'KS', purchaseDate: '2026-11-24', termDays: 2, priceCents: 1 },
      { earnedCents: 0, unearnedCents: 1, refundedCents: 0 },
    ],
    [
      'a third of a dollar unearned rounds down to 33 cents',
      { planCode: 'CASE_D', state: 'KS', purchaseDate: '2026-11-23', termDays: 3, priceCents: 100 },
      { earnedCents: 67, unearnedCents: 33, refundedCents: 0 },
    ],
    [
      'past its term: fully earned',
      { planCode: 'CASE_E', state: 'TX', purchaseDate: '2020-01-01', termDays: 1095, priceCents: 250_000 },
      { earnedCents: 250_000, unearnedCents: 0, refundedCents: 0 },
    ],
    [
      'sold after the as-of date: not written yet',
      { planCode: 'CASE_F', state: 'TX', purchaseDate: '2026-12-01', termDays: 1095, priceCents: 100_000 },
      null,
    ],
    [
      'cancelled before the date: refunded, the rest earned, nothing unearned',
      {
        planCode: 'CASE_G',
        state: 'TX',
        purchaseDate: '2026-01-10',
        termDays: 1095,
        priceCents: 200_000,
        status: 'cancelled',
        cancelled: { on: '2026-06-01', refundCents: 120_000 },
      },
      { earnedCents: 80_000, unearnedCents: 0, refundedCents: 120_000 },
    ],
    [
      'cancelled on the as-of date counts as refunded',
      {
        planCode: 'CASE_H',
        state: 'CA',
        purchaseDate: '2026-10-26',
        termDays: 1000,
        priceCents: 100_000,
        status: 'cancelled',
        cancelled: { on: AS_OF, refundCents: 97_000 },
      },
      { earnedCents: 3_000, unearnedCents: 0, refundedCents: 97_000 },
    ],
    [
      'cancelled after the as-of date: still in force on it',
      {
        planCode: 'CASE_I',
        state: 'CA',
        purchaseDate: '2026-11-15',
        termDays: 1000,
        priceCents: 100_000,
        status: 'cancelled',
        cancelled: { on: '2026-12-10', refundCents: 95_000 },
      },
      { earnedCents: 1_000, unearnedCents: 99_000, refundedCents: 0 },
    ],
    // A GAP addendum whose benefit was paid has spent its coverage: nothing is unearned from that day
    // (in the business time zone: 02:00 UTC on the 25th is still the 24th in New York).
    [
      'benefit paid before the date: all earned',
      {
        planCode: 'CASE_L',
        state: 'CO',
        purchaseDate: '2026-01-01',
        termDays: 1095,
        priceCents: 100_000,
        status: 'claimed',
        benefitPaidAt: '2026-11-25T02:00:00Z',
      },
      { earnedCents: 100_000, unearnedCents: 0, refundedCents: 0 },
    ],
    [
      'benefit paid after the date: still in force on it',
      {
        planCode: 'CASE_M',
        state: 'CO',
        purchaseDate: '2026-01-01',
        termDays: 1095,
        priceCents: 109_500,
        status: 'claimed',
        benefitPaidAt: '2026-11-26T06:00:00Z',
      },
      // 328 of 1,095 days elapsed.
      { earnedCents: 32_800, unearnedCents: 76_700, refundedCents: 0 },
    ],
    [
      'void: never in force',
      {
        planCode: 'CASE_J',
        state: 'CA',
        purchaseDate: '2026-01-01',
        termDays: 1095,
        priceCents: 100_000,
        status: 'void',
      },
      null,
    ],
    // Two contracts in one plan and state add up: 10 of 100 days → 90,000 + 50 of 100 days → 50,000.
    [
      'group member 1',
      { planCode: 'CASE_K', state: 'MO', purchaseDate: '2026-11-15', termDays: 100, priceCents: 100_000 },
      null,
    ],
    [
      'group member 2',
      { planCode: 'CASE_K', state: 'MO', purchaseDate: '2026-10-06', termDays: 100, priceCents: 100_000 },
      null,
    ],
    [
      'same plan, other state',
      { planCode: 'CASE_K', state: 'NV', purchaseDate: '2026-10-06', termDays: 100, priceCents: 100_000 },
      null,
    ],
  ];

describeEachEngine('unearned-reserve report', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      demo: false,
      env: { COVERWISE_ADMIN_EMAIL: 'admin@reports.test', COVERWISE_ADMIN_PASSWORD: 'reports-password-1' },
    });
    admin = await staffClient(server, 'admin@reports.test', 'reports-password-1');
    const { db } = server.built.database;
    const rows = [...syntheticRows(CASES.length, loadDefaultCatalog(), 1)];
    for (const [index, [, c]] of CASES.entries()) {
      const inserted = await db
        .insertInto('contracts')
        .values({
          ...rows[index]!,
          plan_code: c.planCode,
          purchase_state: c.state,
          purchase_date: c.purchaseDate,
          term_days: c.termDays,
          price_cents: c.priceCents,
          status: c.status ?? 'active',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (c.benefitPaidAt) {
        await db
          .insertInto('gap_claims')
          .values({
            claim_number: `GAP-${c.planCode}`,
            contract_id: inserted.id,
            status: 'paid',
            loss_type: 'total_loss',
            date_of_loss: '2026-10-01',
            required_documents: JSON.stringify([]),
            benefit_cents: 500_000,
            paid_at: new Date(c.benefitPaidAt),
            opened_at: new Date('2026-10-02T15:00:00Z'),
            opened_by: 'test',
          })
          .execute();
      }
      if (c.cancelled) {
        await db
          .insertInto('cancellations')
          .values({
            contract_id: inserted.id,
            cancel_on: c.cancelled.on,
            odometer: 20_000,
            reason: 'customer_request',
            method: 'pro_rata_days',
            gross_refund_cents: c.cancelled.refundCents,
            fee_cents: 0,
            claims_deducted_cents: 0,
            refund_cents: c.cancelled.refundCents,
            payee_kind: 'holder',
            payee_name: 'Pat Holder',
            quote: JSON.stringify({}),
            requested_by: 'test',
          })
          .execute();
      }
    }
  });
  afterAll(() => server.close());

  it.each(CASES.filter(([, , expected]) => expected !== null))('%s', async (_name, c, expected) => {
    const report = await unearnedReserve(server.built.database.db, AS_OF, TIME_ZONE);
    const row = report.rows.find((r) => r.planCode === c.planCode && r.state === c.state);
    expect(row).toEqual({
      planCode: c.planCode,
      state: c.state,
      contracts: 1,
      cancelledContracts: c.cancelled && c.cancelled.on <= AS_OF ? 1 : 0,
      writtenPremiumCents: c.priceCents,
      ...expected,
    });
  });

  it('leaves out contracts sold after the date and void contracts', async () => {
    const report = await unearnedReserve(server.built.database.db, AS_OF, TIME_ZONE);
    expect(report.rows.map((r) => r.planCode)).not.toContain('CASE_F');
    expect(report.rows.map((r) => r.planCode)).not.toContain('CASE_J');
  });

  it('adds up contracts of one plan and state, apart per state', async () => {
    const report = await unearnedReserve(server.built.database.db, AS_OF, TIME_ZONE);
    expect(report.rows.filter((r) => r.planCode === 'CASE_K')).toEqual([
      {
        planCode: 'CASE_K',
        state: 'MO',
        contracts: 2,
        cancelledContracts: 0,
        writtenPremiumCents: 200_000,
        earnedCents: 60_000,
        unearnedCents: 140_000,
        refundedCents: 0,
      },
      {
        planCode: 'CASE_K',
        state: 'NV',
        contracts: 1,
        cancelledContracts: 0,
        writtenPremiumCents: 100_000,
        earnedCents: 50_000,
        unearnedCents: 50_000,
        refundedCents: 0,
      },
    ]);
    // Totals are the sum of the rows, and written = earned + unearned + refunded.
    expect(report.totals.writtenPremiumCents).toBe(
      report.totals.earnedCents + report.totals.unearnedCents + report.totals.refundedCents,
    );
    expect(report.totals.contracts).toBe(13);
  });

  it('answers an admin with JSON, as of today in the business time zone by default', async () => {
    const response = await admin({ method: 'GET', url: '/api/v1/reports/unearned-reserve' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.asOf).toBe('2026-11-25');
    expect(body.totals).toEqual((await unearnedReserve(server.built.database.db, AS_OF, TIME_ZONE)).totals);
  });

  it.each([
    ['Accept: text/csv', { url: `/api/v1/reports/unearned-reserve?asOf=${AS_OF}`, accept: 'text/csv' }],
    ['format=csv', { url: `/api/v1/reports/unearned-reserve?asOf=${AS_OF}&format=csv`, accept: '*/*' }],
  ])('answers CSV for %s', async (_name, { url, accept }) => {
    const response = await admin({ method: 'GET', url, headers: { accept } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.trim().split('\n');
    expect(lines[0]).toBe(
      'plan_code,state,contracts,cancelled_contracts,written_premium_cents,earned_cents,unearned_cents,refunded_cents',
    );
    expect(lines).toContain('CASE_B,KS,1,0,109500,36500,73000,0');
    expect(lines).toContain('CASE_G,TX,1,1,200000,80000,0,120000');
  });

  it.each([
    ['2026-02-30', 422, 'invalid_date'],
    ['25/11/2026', 400, 'validation_failed'],
    // Year 0 is no PostgreSQL date (it answered 500); the window is 1900–2199.
    ['0000-01-01', 400, 'validation_failed'],
    ['9999-12-31', 400, 'validation_failed'],
  ])('refuses asOf=%s with %i %s', async (asOf, status, code) => {
    const response = await admin({ method: 'GET', url: `/api/v1/reports/unearned-reserve?asOf=${asOf}` });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
  });

  it('is for admins only', async () => {
    const anonymous = await server.built.app.inject({
      method: 'GET',
      url: '/api/v1/reports/unearned-reserve',
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('stores one nightly snapshot per date, replacing a re-run', async () => {
    const { db } = server.built.database;
    expect(await storeUnearnedReserveSnapshot(db, AS_OF, TIME_ZONE)).toEqual({ asOf: AS_OF, rows: 12 });
    expect(await storeUnearnedReserveSnapshot(db, AS_OF, TIME_ZONE)).toEqual({ asOf: AS_OF, rows: 12 });
    const stored = await db.selectFrom('report_snapshots').select('as_of').execute();
    expect(stored).toEqual([{ as_of: AS_OF }]);
    const snapshot = await findUnearnedReserveSnapshot(db, AS_OF);
    expect(snapshot?.data).toEqual(JSON.parse(JSON.stringify(await unearnedReserve(db, AS_OF, TIME_ZONE))));
  });

  it('two snapshot runs at once (two workers) leave one snapshot for the date', async () => {
    const { db } = server.built.database;
    await Promise.all([
      storeUnearnedReserveSnapshot(db, '2026-11-24', TIME_ZONE),
      storeUnearnedReserveSnapshot(db, '2026-11-24', TIME_ZONE),
    ]);
    const stored = await db
      .selectFrom('report_snapshots')
      .select('as_of')
      .where('as_of', '=', '2026-11-24')
      .execute();
    expect(stored).toHaveLength(1);
  });
});
