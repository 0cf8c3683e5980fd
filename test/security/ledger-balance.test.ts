// The ledger balances and cannot be rewritten: after cancellations, repair payments and transfer
// fees made through the API, every money-moving record has exactly one original ledger entry of its
// amount (net of reversals), and the database itself refuses UPDATE and DELETE on the ledger and the
// audit trail.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { describeEachEngine } from '../support/engines.js';
import { staffClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('ledger balance and immutability', (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    const { db } = server.built.database;
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const shop = await staffClient(server, 'shop@coverwise.test');
    const contractOf = (vin: string) =>
      db
        .selectFrom('contracts')
        .select(['id', 'odometer_at_sale'])
        .where('vin', '=', vin)
        .where('product', '=', 'vsc')
        .executeTakeFirstOrThrow();

    // A cancellation (refund) ...
    const cancelled = await contractOf(DEMO_HOLDERS[2]!.vin);
    const cancellation = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${cancelled.id}/cancellation`,
      payload: {
        cancelOn: '2026-11-25',
        odometer: cancelled.odometer_at_sale + 100,
        reason: 'customer_request',
      },
    });
    expect(cancellation.statusCode, cancellation.body).toBe(201);
    // ... a paid repair claim (payout to the shop) ...
    const repaired = await contractOf(DEMO_HOLDERS[0]!.vin);
    const claim = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin: DEMO_HOLDERS[0]!.vin,
        odometer: repaired.odometer_at_sale + 5_000,
        complaint: 'Engine knocks',
        cause: 'Failed rod bearing',
        correction: 'Replace bearing',
        lines: [
          {
            componentGroup: 'engine',
            description: 'Rod bearing',
            partsCents: 40_000,
            laborHours: 3,
            laborRateCents: 13_500,
          },
        ],
      },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    const authorization = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.json().id}/authorization`,
      payload: { lines: claim.json().lines.map((line: { id: string }) => ({ id: line.id, approved: true })) },
    });
    expect(authorization.statusCode, authorization.body).toBe(200);
    const payment = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.json().id}/payment`,
      payload: { method: 'check', reference: 'CHK-2001' },
    });
    expect(payment.statusCode, payment.body).toBe(200);
  });
  afterAll(() => server.close());

  /** Net amount of the original entries of a source, less their reversals. */
  async function netOf(
    sourceType: string,
    sourceId: string,
  ): Promise<{ originals: number; netCents: number }> {
    const { db } = server.built.database;
    const entries = await db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('source_type', '=', sourceType)
      .where('source_id', '=', sourceId)
      .execute();
    const originals = entries.filter((e) => e.reverses_entry_id === null);
    const reversed = new Set(
      entries.filter((e) => e.reverses_entry_id !== null).map((e) => e.reverses_entry_id),
    );
    return {
      originals: originals.length,
      netCents: originals.filter((e) => !reversed.has(e.id)).reduce((sum, e) => sum + e.amount_cents, 0),
    };
  }

  it("matches every cancellation's refund with one refund entry of the same amount", async () => {
    const { db } = server.built.database;
    const cancellations = await db.selectFrom('cancellations').selectAll().execute();
    expect(cancellations.length).toBeGreaterThan(0);
    for (const cancellation of cancellations) {
      const contract = await db
        .selectFrom('contracts')
        .select('status')
        .where('id', '=', cancellation.contract_id)
        .executeTakeFirstOrThrow();
      expect(contract.status).toBe('cancelled');
      const { originals, netCents } = await netOf('cancellation', cancellation.id);
      expect(originals).toBe(cancellation.refund_cents > 0 ? 1 : 0);
      expect(netCents).toBe(cancellation.refund_cents);
    }
    // And no cancelled contract lacks its cancellation.
    const orphans = await sql<{ n: number }>`
      select count(*)::int as n from contracts c
      where c.status = 'cancelled' and not exists (select 1 from cancellations x where x.contract_id = c.id)`.execute(
      db,
    );
    expect(orphans.rows[0]!.n).toBe(0);
  });

  it("matches every paid repair claim's payable with one payout entry, and unpaid claims with none", async () => {
    const { db } = server.built.database;
    const claims = await db.selectFrom('repair_claims').select(['id', 'status', 'payable_cents']).execute();
    expect(claims.some((c) => c.status === 'paid')).toBe(true);
    for (const claim of claims) {
      const { netCents } = await netOf('repair_claim', claim.id);
      expect(netCents, claim.id).toBe(claim.status === 'paid' ? (claim.payable_cents ?? 0) : 0);
    }
  });

  it.each(['ledger_entries', 'audit_events'])(
    'refuses UPDATE and DELETE on %s at the database level',
    async (table) => {
      const { db } = server.built.database;
      await expect(sql`update ${sql.table(table)} set request_id = 'tampered'`.execute(db)).rejects.toThrow();
      await expect(sql`delete from ${sql.table(table)}`.execute(db)).rejects.toThrow();
      const count = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
      expect(count.rows[0]!.n).toBeGreaterThan(0);
    },
  );
});
