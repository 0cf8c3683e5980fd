// Races across app instances: two apps, each with its own connection pool, on one PostgreSQL
// database, take 50 concurrent requests for the same effect; exactly one wins and the rest are
// refused, whatever instance they reach. (test/process/multi-process.test.ts runs two real OS
// processes on one database; here both apps live in the test process so the requests can be fired
// at the same instant.) PostgreSQL only: PGlite has a single connection and cannot race.
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { ENGINES } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/server.js';

const engine = ENGINES.find((e) => e.name === 'postgres');
const clock = new FakeClock('2026-11-25T15:00:00Z');
const CONCURRENT = 50;

describe.skipIf(!engine)('races across two app instances on one PostgreSQL', () => {
  let databaseUrl: string;
  let apps: TestServer[];
  const tokens: string[][] = [];

  async function login(server: TestServer, email: string): Promise<string> {
    const response = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'coverwise-demo' },
    });
    return response.json().token;
  }

  /** Fires the same request CONCURRENT times, alternating between the two apps. */
  async function storm(email: string, options: InjectOptions) {
    const sessions = await Promise.all(apps.map((server) => login(server, email)));
    tokens.push(sessions);
    return Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        apps[i % 2]!.built.app.inject({
          ...options,
          headers: { ...options.headers, authorization: `Bearer ${sessions[i % 2]}` },
        }),
      ),
    );
  }

  async function contractOf(vin: string): Promise<{ id: string; odometer_at_sale: number }> {
    return apps[0]!.built.database.db
      .selectFrom('contracts')
      .select(['id', 'odometer_at_sale'])
      .where('vin', '=', vin)
      .where('product', '=', 'vsc')
      .executeTakeFirstOrThrow();
  }

  beforeAll(async () => {
    databaseUrl = (await engine!.createMigratedDatabaseUrl())!;
    const first = await startTestServer({ engine, clock, sharedDatabaseUrl: databaseUrl });
    const second = await startTestServer({ engine, clock, sharedDatabaseUrl: databaseUrl });
    apps = [first, second];
  });
  afterAll(async () => {
    for (const server of apps ?? []) await server.close();
    await engine?.dropDatabase(databaseUrl);
  });

  it('authorizes one repair claim once under 50 concurrent authorizations', async () => {
    const holder = DEMO_HOLDERS[0]!;
    const shop = await login(apps[0]!, 'shop@coverwise.test');
    const claim = await apps[0]!.built.app.inject({
      method: 'POST',
      url: '/api/v1/repair-claims',
      headers: { authorization: `Bearer ${shop}` },
      payload: {
        vin: holder.vin,
        odometer: (await contractOf(holder.vin)).odometer_at_sale + 5_000,
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
    const { id, lines } = claim.json();
    const responses = await storm('adjuster@coverwise.test', {
      method: 'POST',
      url: `/api/v1/repair-claims/${id}/authorization`,
      payload: { lines: lines.map((line: { id: string }) => ({ id: line.id, approved: true })) },
    });
    const statuses = responses.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      JSON.stringify(statuses),
    ).toBe(true);
    const numbers = new Set(
      responses.filter((r) => r.statusCode === 200).map((r) => r.json().authorizationNumber),
    );
    expect(numbers.size).toBe(1);
    const row = await apps[1]!.built.database.db
      .selectFrom('repair_claims')
      .select('authorization_number')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.authorization_number).toBe([...numbers][0]);
  });

  it('cancels a contract once, with one refund ledger entry, under 50 concurrent cancellations', async () => {
    const holder = DEMO_HOLDERS[2]!;
    const contract = await contractOf(holder.vin);
    const responses = await storm('adjuster@coverwise.test', {
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/cancellation`,
      payload: {
        cancelOn: '2026-11-25',
        odometer: contract.odometer_at_sale + 100,
        reason: 'customer_request',
      },
    });
    const statuses = responses.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s === 201),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      JSON.stringify(statuses),
    ).toBe(true);
    const { db } = apps[0]!.built.database;
    const entries = await db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('contract_id', '=', contract.id)
      .where('source_type', '=', 'cancellation')
      .execute();
    const cancellations = await db
      .selectFrom('cancellations')
      .selectAll()
      .where('contract_id', '=', contract.id)
      .execute();
    expect(cancellations).toHaveLength(1);
    expect(entries.filter((e) => e.reverses_entry_id === null)).toHaveLength(1);
    expect(entries[0]!.amount_cents).toBe(cancellations[0]!.refund_cents);
  });

  it('records one transfer under 50 concurrent transfer requests', async () => {
    const holder = DEMO_HOLDERS[1]!;
    const contract = await contractOf(holder.vin);
    const responses = await storm('adjuster@coverwise.test', {
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/transfers`,
      payload: {
        ownershipTransferredOn: '2026-11-20',
        saleType: 'private',
        buyer: {
          firstName: 'Pat',
          lastName: 'Buyer',
          address: { line1: '9 Oak St', city: 'Lawrence', state: 'KS', zip: '66044' },
        },
        odometer: contract.odometer_at_sale + 100,
      },
    });
    const statuses = responses.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s === 201),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      JSON.stringify(statuses),
    ).toBe(true);
    const transfers = await apps[0]!.built.database.db
      .selectFrom('transfers')
      .select(['id'])
      .where('contract_id', '=', contract.id)
      .execute();
    expect(transfers).toHaveLength(1);
    // Paying the fee completes the transfer: 50 concurrent payments → one payment, one new holder.
    const paid = await storm('adjuster@coverwise.test', {
      method: 'POST',
      url: `/api/v1/transfers/${transfers[0]!.id}/fee-payment`,
      payload: { method: 'check', reference: 'CHK-1001' },
    });
    const paidStatuses = paid.map((r) => r.statusCode);
    expect(
      paidStatuses.filter((s) => s === 200),
      JSON.stringify(paidStatuses),
    ).toHaveLength(1);
    expect(
      paidStatuses.every((s) => s === 200 || s === 409),
      JSON.stringify(paidStatuses),
    ).toBe(true);
    const { db } = apps[1]!.built.database;
    const after = await db
      .selectFrom('contracts')
      .select(['holder_last_name'])
      .where('id', '=', contract.id)
      .executeTakeFirstOrThrow();
    expect(after.holder_last_name).toBe('Buyer');
    const fees = await sql<{
      n: number;
    }>`select count(*)::int as n from ledger_entries where source_id = ${transfers[0]!.id} and reverses_entry_id is null`.execute(
      db,
    );
    expect(fees.rows[0]!.n).toBe(1);
  });
});
