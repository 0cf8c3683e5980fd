// The staff dashboard on a small hand-built portfolio (both engines): each chart's rows as computed by
// hand, the CSV export of a chart, and who may see it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { FakeClock } from '../platform/clock.js';
import type { ContractStatusValue } from '../platform/db/schema.js';
import { insertRentalClaim, insertRepairClaim } from '../what-if/what-if.fixtures.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');

// name, plan, state, price, status
const CONTRACTS: [string, string, string, number, ContractStatusValue][] = [
  ['a', 'VALUE_GUARD', 'TX', 200_000, 'active'],
  ['b', 'VALUE_GUARD', 'TX', 100_000, 'active'],
  ['c', 'BASIC_GUARD', 'KS', 150_000, 'active'],
  ['d', 'MAJOR_GUARD', 'CA', 300_000, 'cancelled'],
  ['e', 'MAJOR_GUARD', 'CA', 999_900, 'void'],
];

describeEachEngine('staff dashboard', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      demo: false,
      env: {
        COVERWISE_ADMIN_EMAIL: 'admin@dashboard.test',
        COVERWISE_ADMIN_PASSWORD: 'dashboard-password-1',
      },
    });
    admin = await staffClient(server, 'admin@dashboard.test', 'dashboard-password-1');
    const { db } = server.built.database;
    const rows = [...syntheticRows(CONTRACTS.length, loadDefaultCatalog(), 1)];
    for (const [index, [name, planCode, state, priceCents, status]] of CONTRACTS.entries()) {
      const inserted = await db
        .insertInto('contracts')
        .values({
          ...rows[index]!,
          plan_code: planCode,
          purchase_state: state,
          price_cents: priceCents,
          status,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(name, inserted.id);
    }
    const a = ids.get('a')!;
    const d = ids.get('d')!;

    // Claims: a repair claim 5 days old, an authorized one 20 days old, a GAP claim 55 days old, a rental claim today.
    await insertRepairClaim(db, { contractId: a, submittedAt: '2026-11-20T14:00:00Z', status: 'submitted' });
    await insertRepairClaim(db, { contractId: ids.get('b')!, submittedAt: '2026-11-05T14:00:00Z' });
    await db
      .insertInto('gap_claims')
      .values({
        claim_number: 'GAP-FIX-1',
        contract_id: ids.get('c')!,
        status: 'awaiting_documents',
        loss_type: 'total_loss',
        date_of_loss: '2026-09-28',
        required_documents: JSON.stringify([]),
        opened_at: '2026-10-01T14:00:00Z',
        opened_by: 'fixture',
      })
      .execute();
    await insertRentalClaim(db, {
      contractId: a,
      createdAt: '2026-11-25T13:00:00Z',
      expenses: [{ date: '2026-11-24', requestedCents: 3_000 }],
    });

    // Ledger: $500 repair payment, a $200 one reversed, and a refund (premium, not a claim).
    const sources = { r1: randomUUID(), r2: randomUUID(), x1: randomUUID() };
    const entry = (
      kind: string,
      direction: 'payout' | 'receipt',
      amountCents: number,
      source: keyof typeof sources,
    ) => ({
      contract_id: kind === 'cancellation_refund' ? d : a,
      kind,
      direction,
      amount_cents: amountCents,
      payee_kind: 'repair_facility' as const,
      payee_name: 'Fixture Garage',
      source_type: 'repair_claim',
      source_id: sources[source],
      created_by: 'fixture',
    });
    await db
      .insertInto('ledger_entries')
      .values(entry('repair_payment', 'payout', 50_000, 'r1'))
      .execute();
    const reversed = await db
      .insertInto('ledger_entries')
      .values(entry('repair_payment', 'payout', 20_000, 'r2'))
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('ledger_entries')
      .values({ ...entry('repair_payment', 'receipt', 20_000, 'r2'), reverses_entry_id: reversed.id })
      .execute();
    await db
      .insertInto('ledger_entries')
      .values(entry('cancellation_refund', 'payout', 250_000, 'x1'))
      .execute();
    for (const [cancelOn, refundCents, contract] of [
      ['2026-10-15', 250_000, d],
      ['2025-10-15', 1_000, ids.get('e')!],
    ] as const) {
      await db
        .insertInto('cancellations')
        .values({
          contract_id: contract,
          cancel_on: cancelOn,
          odometer: 20_000,
          reason: 'customer_request',
          method: 'pro_rata_days',
          gross_refund_cents: refundCents,
          fee_cents: 0,
          claims_deducted_cents: 0,
          refund_cents: refundCents,
          payee_kind: 'holder',
          payee_name: 'Pat Holder',
          quote: JSON.stringify({}),
          requested_by: 'fixture',
        })
        .execute();
    }

    // Documents: due today, overdue, reviewed on time, reviewed a day late (the last three due Fri 2026-11-20).
    const documents: [string, string, string | null][] = [
      ['pending_review', '2026-11-25', null],
      ['pending_review', '2026-11-20', null],
      ['accepted', '2026-11-20', '2026-11-20T21:00:00Z'], // 16:00 in New York: on the due date
      ['rejected', '2026-11-20', '2026-11-21T14:00:00Z'],
    ];
    for (const [index, [status, dueOn, reviewedAt]] of documents.entries()) {
      await db
        .insertInto('documents')
        .values({
          contract_id: ids.get('c')!,
          owner_type: 'gap_claim',
          owner_id: randomUUID(),
          document_type: 'payoff',
          status: status as 'pending_review',
          sha256: `${index}`.padStart(64, '0'),
          size_bytes: 10,
          content_type: 'application/pdf',
          received_at: '2026-11-18T14:00:00Z',
          review_due_on: dueOn,
          reviewed_at: reviewedAt,
          uploaded_by: 'fixture',
        })
        .execute();
    }
  });
  afterAll(() => server.close());

  async function chart(id: string) {
    const response = await admin({ method: 'GET', url: `/api/v1/dashboard/${id}` });
    expect(response.statusCode).toBe(200);
    return response.json() as { rows: Record<string, string | number>[]; columns: { key: string }[] };
  }

  it('counts claims by kind, status and age since opened', async () => {
    expect((await chart('claims_by_status')).rows).toEqual([
      { kind: 'gap', status: 'awaiting_documents', age0to7: 0, age8to30: 0, age31plus: 1, total: 1 },
      { kind: 'rental', status: 'submitted', age0to7: 1, age8to30: 0, age31plus: 0, total: 1 },
      { kind: 'repair', status: 'authorized', age0to7: 1, age8to30: 1, age31plus: 0, total: 2 },
      { kind: 'repair', status: 'submitted', age0to7: 1, age8to30: 0, age31plus: 0, total: 1 },
    ]);
  });

  it('tells reviews due today and overdue, and SLA adherence per week of the due date', async () => {
    const response = await admin({ method: 'GET', url: '/api/v1/dashboard' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ asOf: '2026-11-25', reviewsDueToday: 1, reviewsOverdue: 1 });
    expect(body.charts.map((c: { id: string }) => c.id)).toEqual([
      'claims_by_status',
      'document_reviews_sla',
      'loss_ratio_by_plan',
      'cancellations_by_month',
      'portfolio_by_tier_state',
    ]);
    expect((await chart('document_reviews_sla')).rows).toEqual([
      { week: '2026-11-16', due: 3, onTime: 1, adherenceBasisPoints: 3_333 },
      { week: '2026-11-23', due: 1, onTime: 0, adherenceBasisPoints: 0 },
    ]);
  });

  it('sets paid claims net of reversals against written premium, per plan', async () => {
    expect((await chart('loss_ratio_by_plan')).rows).toEqual([
      { planCode: 'BASIC_GUARD', writtenPremiumCents: 150_000, paidClaimsCents: 0, lossRatioBasisPoints: 0 },
      { planCode: 'MAJOR_GUARD', writtenPremiumCents: 300_000, paidClaimsCents: 0, lossRatioBasisPoints: 0 },
      {
        planCode: 'VALUE_GUARD',
        writtenPremiumCents: 300_000,
        paidClaimsCents: 50_000,
        lossRatioBasisPoints: 1_667,
      },
    ]);
  });

  it('adds up cancellations and refunds per month of the last twelve', async () => {
    expect((await chart('cancellations_by_month')).rows).toEqual([
      { month: '2026-10', cancellations: 1, refundCents: 250_000 },
    ]);
  });

  it('counts active contracts by plan and state', async () => {
    expect((await chart('portfolio_by_tier_state')).rows).toEqual([
      { planCode: 'BASIC_GUARD', state: 'KS', contracts: 1, premiumCents: 150_000 },
      { planCode: 'VALUE_GUARD', state: 'TX', contracts: 2, premiumCents: 300_000 },
    ]);
  });

  it('exports a chart’s table as CSV', async () => {
    const response = await admin({
      method: 'GET',
      url: '/api/v1/dashboard/portfolio_by_tier_state?format=csv',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="portfolio_by_tier_state-2026-11-25.csv"',
    );
    expect(response.body).toBe(
      'planCode,state,contracts,premiumCents\nBASIC_GUARD,KS,1,150000\nVALUE_GUARD,TX,2,300000\n',
    );
  });

  it('answers 400 for an unknown chart', async () => {
    const response = await admin({ method: 'GET', url: '/api/v1/dashboard/no_such_chart' });
    expect(response.statusCode).toBe(400);
  });

  it.each([
    ['adjuster', 200],
    ['reviewer', 200],
    ['repair_facility', 403],
  ])('answers a %s with %i', async (role, status) => {
    const email = `${role}@dashboard.test`;
    await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: { email, password: 'dashboard-password-2', role, displayName: role },
    });
    const user = await staffClient(server, email, 'dashboard-password-2');
    expect((await user({ method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(status);
  });

  it('is not for anonymous callers', async () => {
    const response = await server.built.app.inject({ method: 'GET', url: '/api/v1/dashboard' });
    expect(response.statusCode).toBe(401);
  });
});
