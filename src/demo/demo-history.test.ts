// The living demo (issue 19) on a real database: after the demo seed and its year of history, every
// dashboard chart has a non-zero data point, the work queue and the GAP claims list have items, the
// books balance, and seeding again changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { creditBalance, trialBalanceOf } from '../../test/support/journal-entries.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { ACCOUNTS } from '../accounting/chart-of-accounts.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { createOutbox } from '../notifications/outbox.js';
import { FakeClock } from '../platform/clock.js';
import type { DocumentStore } from '../platform/storage/document-store.js';
import { seedDemoHistory } from './demo-history.js';

const clock = new FakeClock('2026-12-04T15:00:00Z');

const TABLES = [
  'repair_claims',
  'rental_claims',
  'trip_interruption_claims',
  'roadside_requests',
  'cancellations',
  'gap_claims',
  'documents',
  'journal_entries',
  'audit_events',
  'contracts',
  'transfers',
  'contract_imports',
] as const;

describeEachEngine('demo history', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, demo: true, demoHistory: true });
    admin = await staffClient(server, 'admin@coverwise.test');
    // The history's dealer file is checked in a worker thread, which loads the TypeScript sources
    // through tsx in tests (seconds, not the compiled build's milliseconds): room for a busy machine.
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives every dashboard chart at least one non-zero data point', async () => {
    const response = await admin({ method: 'GET', url: '/api/v1/dashboard' });
    expect(response.statusCode).toBe(200);
    const dashboard = response.json() as {
      charts: { id: string; columns: { key: string; kind: string }[]; rows: Record<string, unknown>[] }[];
    };
    expect(dashboard.charts.length).toBeGreaterThan(0);
    for (const chart of dashboard.charts) {
      const numeric = chart.columns.filter((c) => c.kind !== 'text').map((c) => c.key);
      const nonZero = chart.rows.some((row) => numeric.some((key) => Number(row[key]) > 0));
      expect({ chart: chart.id, nonZero }).toEqual({ chart: chart.id, nonZero: true });
    }
    const loss = dashboard.charts.find((c) => c.id === 'loss_ratio_by_plan')!;
    expect(loss.rows.some((row) => Number(row.paidClaimsCents) > 0)).toBe(true);
  });

  it('fills the work queue and the GAP claims list, and the books balance', async () => {
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const queue = await adjuster({ method: 'GET', url: '/api/v1/work-queue' });
    expect(queue.statusCode).toBe(200);
    expect((queue.json() as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const gap = await adjuster({ method: 'GET', url: '/api/v1/gap-claims' });
    expect(gap.statusCode).toBe(200);
    const claims = (gap.json() as { data: { status: string }[] }).data;
    expect(new Set(claims.map((c) => c.status)).size).toBeGreaterThanOrEqual(2);
    const trial = await admin({ method: 'GET', url: '/api/v1/accounting/trial-balance' });
    expect(trial.statusCode).toBe(200);
    const balance = trial.json() as { balanced: boolean; totalDebitCents: number; totalCreditCents: number };
    expect(balance.balanced).toBe(true);
    expect(balance.totalDebitCents).toBe(balance.totalCreditCents);
    expect(balance.totalDebitCents).toBeGreaterThan(0);
    // The history's backdated cancellations and lender events release premium already on the books: at
    // no month end of the past year is unearned premium (2000) a debit balance, before or after earning.
    const unearnedAt = async (asOf: string) =>
      creditBalance(await trialBalanceOf(admin, asOf), ACCOUNTS.unearnedPremium);
    const monthEnds = Array.from({ length: 13 }, (_, i) =>
      new Date(Date.UTC(2026, 11 - i, 0)).toISOString().slice(0, 10),
    );
    for (const asOf of monthEnds) expect(await unearnedAt(asOf), asOf).toBeGreaterThanOrEqual(0);
    const earned = await admin({
      method: 'POST',
      url: '/api/v1/accounting/earning-runs',
      payload: { month: '2026-11' },
    });
    expect(earned.statusCode, earned.body).toBe(200);
    for (const asOf of monthEnds) expect(await unearnedAt(asOf), asOf).toBeGreaterThanOrEqual(0);
  });

  it('has transfers (paid and one waiting for its fee) and an imported dealer file with its report', async () => {
    const { db } = server.built.database;
    const transfers = await db.selectFrom('transfers').select('status').orderBy('created_at').execute();
    expect(transfers.map((t) => t.status)).toEqual(['completed', 'completed', 'pending_fee']);
    const imports = await admin({ method: 'GET', url: '/api/v1/contracts/imports' });
    expect(imports.statusCode, imports.body).toBe(200);
    expect(imports.json().data).toEqual([
      expect.objectContaining({
        fileName: 'plaza-honda-weekly.csv',
        status: 'finished',
        accepted: 5,
        rejected: 1,
      }),
    ]);
    // The imported contracts' dealer cost is booked to Plaza Honda, which paid for two of them.
    const dealers = (await admin({ method: 'GET', url: '/api/v1/dealers' })).json().data;
    const plaza = dealers.find((dealer: { code: string }) => dealer.code === 'D-1001');
    const remittances = await admin({ method: 'GET', url: `/api/v1/dealers/${plaza.id}/remittances` });
    expect(remittances.statusCode, remittances.body).toBe(200);
    expect(remittances.json().data).toEqual([
      expect.objectContaining({ amountCents: 261_000, reference: 'PLAZA-ACH-20431', status: 'recorded' }),
    ]);
  });

  it('has lender events, an SDN list and an approved payment run with one payee held for review', async () => {
    const runs = (await admin({ url: '/api/v1/lender-events/runs' })).json().data;
    expect(runs.length).toBe(2);
    expect(runs.every((run: { status: string }) => run.status === 'finished')).toBe(true);
    expect(runs.reduce((total: number, run: { cancelled: number }) => total + run.cancelled, 0)).toBe(5);
    expect(runs.reduce((total: number, run: { rejected: number }) => total + run.rejected, 0)).toBe(1);
    const refunds = await admin({ url: '/api/v1/lender-events/refunds' });
    expect(refunds.statusCode, refunds.body).toBe(200);
    const statuses = new Set(refunds.json().data.map((row: { status: string }) => row.status));
    expect(statuses.size).toBeGreaterThanOrEqual(2);
    const list = await admin({ url: '/api/v1/ofac/sdn-lists/current' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().entryCount).toBe(5);
    const holds = (await admin({ url: '/api/v1/ofac/holds' })).json().data;
    expect(holds).toEqual([
      expect.objectContaining({
        payeeName: 'Dana Whitfield',
        status: 'held',
        matchedEntry: expect.objectContaining({ entNum: 9001, name: 'WHITFIELD, Dana Maria' }),
      }),
    ]);
    const paymentRuns = (await admin({ url: '/api/v1/payment-runs' })).json().data;
    expect(paymentRuns).toEqual([expect.objectContaining({ status: 'approved' })]);
    const monthEnd = await admin({ url: '/api/v1/reports/month-end' });
    expect(monthEnd.statusCode, monthEnd.body).toBe(200);
  });

  it('records nothing after the moment it was seeded', async () => {
    const db = server.built.database.db;
    const late = await db
      .selectFrom('documents')
      .select(['id', 'received_at', 'reviewed_at'])
      .where((eb) => eb.or([eb('received_at', '>', clock.now()), eb('reviewed_at', '>', clock.now())]))
      .execute();
    expect(late).toEqual([]);
  });

  it('decides every rental and trip-interruption claim before the payment run pays the approved ones', async () => {
    const db = server.built.database.db;
    const statuses = async (table: 'rental_claims' | 'trip_interruption_claims') =>
      (await db.selectFrom(table).select('status').orderBy('created_at').execute()).map((row) => row.status);
    expect(await statuses('rental_claims')).toEqual(['paid', 'paid', 'paid', 'paid']);
    expect(await statuses('trip_interruption_claims')).toEqual(['paid', 'paid', 'denied']);
  });

  it("has a lender's funded-deals upload whose reconciliation shows every kind of finding", async () => {
    const uploads = await admin({ url: '/api/v1/funding-uploads' });
    expect(uploads.statusCode, uploads.body).toBe(200);
    const [latest] = uploads.json().data;
    expect(latest).toMatchObject({
      lienholderName: 'Heartland Credit Union',
      fileName: 'heartland-funded-deals.csv',
      rowsRead: 6,
    });
    const report = await admin({ url: `/api/v1/funding-uploads/${latest.uploadId}/reconciliation` });
    expect(report.statusCode, report.body).toBe(200);
    const kinds = report
      .json()
      .dealers.flatMap((dealer: { exceptions: { kind: string }[] }) =>
        dealer.exceptions.map((exception) => exception.kind),
      );
    expect(new Set(kinds)).toEqual(
      new Set(['financed_not_registered', 'registered_not_remitted', 'price_mismatch']),
    );
  });

  it('writes nothing when seeded again', async () => {
    const { db } = server.built.database;
    const count = async () => {
      const counts: Record<string, number> = {};
      for (const table of TABLES) {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        counts[table] = Number(row.n);
      }
      return counts;
    };
    const before = await count();
    expect(before.repair_claims).toBeGreaterThan(0);
    const unusedStore = {} as DocumentStore;
    const again = await seedDemoHistory(db, {
      catalog: createCatalogService({ db }),
      clock,
      timeZone: 'America/New_York',
      store: unusedStore,
      outbox: createOutbox({ clock }),
      publicUrl: 'https://coverwise.example.com',
    });
    expect(again).toBeNull();
    expect(await count()).toEqual(before);
  });
});
