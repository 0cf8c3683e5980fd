// Migration 0045: a lender-event refund moves onto its cancellation (lender_event_id, refund_due_on,
// paid_on, payment_reference) and `lender_event_refunds` is dropped. Refunds recorded before — one paid,
// one still due — keep their deadline and payment on their cancellation; a cancellation made by hand
// names no lender event. Going back down rebuilds the old table from the cancellations, row for row.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { databaseAtMigration, type MigratedDatabase } from '../../test/support/migrated-database.js';

const RUN = '5a5a5a5a-0000-4000-8000-000000000001';
const CONTRACTS = [
  'c0c0c0c0-0000-4000-8000-000000000001',
  'c0c0c0c0-0000-4000-8000-000000000002',
  'c0c0c0c0-0000-4000-8000-000000000003',
];
const EVENTS = ['e0e0e0e0-0000-4000-8000-000000000001', 'e0e0e0e0-0000-4000-8000-000000000002'];
const CANCELLATIONS = [
  'ca0ca0ca-0000-4000-8000-000000000001', // payoff, refund paid
  'ca0ca0ca-0000-4000-8000-000000000002', // total loss, refund still due
  'ca0ca0ca-0000-4000-8000-000000000003', // by hand, no lender event
];
const VINS = ['1HGCM82633A004352', '2HGCM82633A004353', '3HGCM82633A004354'];

const BEFORE = '0044-rate-limits-hot-updates';
const AFTER = '0045-lender-refunds-on-cancellations';

/** The refunds as the old table held them, in cancellation order. */
const OLD_REFUNDS = [
  {
    cancellation_id: CANCELLATIONS[0],
    lender_event_id: EVENTS[0],
    contract_id: CONTRACTS[0],
    vin: VINS[0],
    event: 'payoff',
    event_date: '2026-11-02',
    lienholder_name: 'First Lender Bank',
    refund_cents: 41_250,
    payee_kind: 'lienholder',
    payee_name: 'First Lender Bank',
    refund_due_on: '2026-12-02',
    paid_on: '2026-11-20',
    payment_reference: 'ACH 000123',
  },
  {
    cancellation_id: CANCELLATIONS[1],
    lender_event_id: EVENTS[1],
    contract_id: CONTRACTS[1],
    vin: VINS[1],
    event: 'total_loss',
    event_date: '2026-11-10',
    lienholder_name: 'First Lender Bank',
    refund_cents: 18_000,
    payee_kind: 'lienholder',
    payee_name: 'First Lender Bank',
    refund_due_on: '2026-12-10',
    paid_on: null,
    payment_reference: null,
  },
];

describeEachEngine('migration 0045 (lender-event refunds on their cancellations)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const tableExists = async (name: string) =>
    (await sql<{ found: boolean }>`select to_regclass(${name}) is not null as found`.execute(db)).rows[0]!
      .found;

  const refundColumns = async () =>
    (
      await sql<{
        id: string;
        lender_event_id: string | null;
        refund_due_on: string | null;
        paid_on: string | null;
        payment_reference: string | null;
      }>`select id, lender_event_id, refund_due_on::text, paid_on::text, payment_reference
         from cancellations order by id`.execute(db)
    ).rows;

  const oldRefunds = async () =>
    (
      await sql`select cancellation_id, lender_event_id, contract_id, vin, event, event_date::text,
          lienholder_name, refund_cents::int, payee_kind, payee_name, refund_due_on::text, paid_on::text,
          payment_reference
        from lender_event_refunds order by cancellation_id`.execute(db)
    ).rows;

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    for (const [i, id] of CONTRACTS.entries())
      await sql`insert into contracts (id, contract_number, product, plan_code, catalog_version, status,
          holder_first_name, holder_last_name, holder_last_name_key, address_line1, address_city, address_state,
          address_zip, vin, vehicle_year, vehicle_make, vehicle_model, odometer_at_sale, purchase_date,
          purchase_state, term_months, term_days, expires_on, price_cents, source, lienholder_name)
        values (${id}, ${`MIG-45-${i}`}, 'vsc', 'VALUE_GUARD', 1, 'cancelled', 'Ann', 'Lee', 'LEE', '1 Main St',
          'Austin', 'TX', '78701', ${VINS[i]}, 2024, 'Honda', 'Accord', 1000, '2026-01-15', 'TX', 36, 1095,
          '2029-01-15', 150000, 'api', 'First Lender Bank')`.execute(db);
    await sql`insert into lender_event_runs (id, status, source, started_by)
      values (${RUN}, 'finished', 'csv', '{"kind":"user","id":"u1","label":"lender@example.com"}')`.execute(
      db,
    );
    for (const refund of OLD_REFUNDS)
      await sql`insert into lender_events (id, vin, event, event_date, run_id, line, status, cancellations)
        values (${refund.lender_event_id}, ${refund.vin}, ${refund.event}, ${refund.event_date}, ${RUN},
          ${OLD_REFUNDS.indexOf(refund) + 2}, 'cancelled', '[]')`.execute(db);
    for (const [i, id] of CANCELLATIONS.entries()) {
      const refund = OLD_REFUNDS[i];
      await sql`insert into cancellations (id, contract_id, cancel_on, odometer, reason, method,
          gross_refund_cents, fee_cents, claims_deducted_cents, refund_cents, payee_kind, payee_name, quote,
          requested_by)
        values (${id}, ${CONTRACTS[i]}, ${refund?.event_date ?? '2026-11-15'}, 12000,
          ${refund ? refund.event : 'customer_request'}, 'pro_rata', ${refund?.refund_cents ?? 9_000}, 0, 0,
          ${refund?.refund_cents ?? 9_000}, ${refund ? 'lienholder' : 'holder'},
          ${refund ? refund.payee_name : 'Ann Lee'}, '{}', 'test')`.execute(db);
    }
    for (const refund of OLD_REFUNDS)
      await sql`insert into lender_event_refunds (cancellation_id, lender_event_id, contract_id, vin, event,
          event_date, lienholder_name, refund_cents, payee_kind, payee_name, refund_due_on, paid_on,
          payment_reference)
        values (${refund.cancellation_id}, ${refund.lender_event_id}, ${refund.contract_id}, ${refund.vin},
          ${refund.event}, ${refund.event_date}, ${refund.lienholder_name}, ${refund.refund_cents},
          ${refund.payee_kind}, ${refund.payee_name}, ${refund.refund_due_on}, ${refund.paid_on},
          ${refund.payment_reference})`.execute(db);
    const after = await migrator.migrateTo(AFTER);
    expect(after.error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it('moves each refund onto its cancellation and drops the old table', async () => {
    expect(await tableExists('lender_event_refunds')).toBe(false);
    expect(await refundColumns()).toEqual([
      {
        id: CANCELLATIONS[0],
        lender_event_id: EVENTS[0],
        refund_due_on: '2026-12-02',
        paid_on: '2026-11-20',
        payment_reference: 'ACH 000123',
      },
      {
        id: CANCELLATIONS[1],
        lender_event_id: EVENTS[1],
        refund_due_on: '2026-12-10',
        paid_on: null,
        payment_reference: null,
      },
      // The cancellation made by hand names no lender event and had no deadline recorded.
      {
        id: CANCELLATIONS[2],
        lender_event_id: null,
        refund_due_on: null,
        paid_on: null,
        payment_reference: null,
      },
    ]);
  });

  it('refuses a lender-event cancellation without a deadline', async () => {
    await expect(
      sql`update cancellations set refund_due_on = null where id = ${CANCELLATIONS[1]}`.execute(db),
    ).rejects.toThrow(/cancellations_lender_refund_due/);
  });

  it('rebuilds the old table row for row going down, and goes up again', async () => {
    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    expect(await oldRefunds()).toEqual(OLD_REFUNDS);
    const up = await migrator.migrateTo(AFTER);
    expect(up.error).toBeUndefined();
    expect(await tableExists('lender_event_refunds')).toBe(false);
    expect((await refundColumns()).map((row) => row.refund_due_on)).toEqual([
      '2026-12-02',
      '2026-12-10',
      null,
    ]);
  });
});
