// Migration 0047: the contracts' status takes `claimed` (a GAP addendum whose benefit was paid), and the
// GAP addenda paid before it, still `active`, are backfilled `claimed`, each with a system audit row
// saying so. An addendum whose claim was denied or is still open, a cancelled one and a service contract
// are left as they are. Going down makes the claimed addenda active again (audited) and the check
// refuses `claimed` again; going up again claims them again.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { databaseAtMigration, type MigratedDatabase } from '../../test/support/migrated-database.js';

const BEFORE = '0046-rate-limits-failed-at';
const AFTER = '0047-contract-status-claimed';

/** Each contract: its product, its status before the migration and its GAP claim (status), if any. */
const CONTRACTS = [
  { id: 'c1c1c1c1-0000-4000-8000-000000000001', product: 'gap', status: 'active', claim: 'paid' },
  { id: 'c1c1c1c1-0000-4000-8000-000000000002', product: 'gap', status: 'active', claim: 'denied' },
  { id: 'c1c1c1c1-0000-4000-8000-000000000003', product: 'gap', status: 'active', claim: 'under_review' },
  { id: 'c1c1c1c1-0000-4000-8000-000000000004', product: 'gap', status: 'active', claim: null },
  { id: 'c1c1c1c1-0000-4000-8000-000000000005', product: 'gap', status: 'cancelled', claim: 'paid' },
  { id: 'c1c1c1c1-0000-4000-8000-000000000006', product: 'vsc', status: 'active', claim: null },
] as const;
const PAID = CONTRACTS[0];

describeEachEngine('migration 0047 (contract status claimed)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const statuses = async () =>
    (await sql<{ id: string; status: string }>`select id, status from contracts order by id`.execute(db))
      .rows;

  const audits = async (action: string) =>
    (
      await sql<{
        actor_kind: string;
        actor_label: string;
        entity_type: string;
        entity_id: string;
        reason: string | null;
        data: unknown;
      }>`select actor_kind, actor_label, entity_type, entity_id, reason, data from audit_events
         where action = ${action} order by id`.execute(db)
    ).rows;

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    for (const [i, contract] of CONTRACTS.entries()) {
      await sql`insert into contracts (id, contract_number, product, plan_code, catalog_version, status,
          holder_first_name, holder_last_name, holder_last_name_key, address_line1, address_city, address_state,
          address_zip, vin, vehicle_year, vehicle_make, vehicle_model, odometer_at_sale, purchase_date,
          purchase_state, term_months, term_days, expires_on, price_cents, source, lienholder_name)
        values (${contract.id}, ${`MIG-47-${i}`}, ${contract.product},
          ${contract.product === 'gap' ? 'GAP' : 'VALUE_GUARD'}, 1, ${contract.status}, 'Ann', 'Lee', 'LEE',
          '1 Main St', 'Austin', 'TX', '78701', ${`1HGCM82633A00435${i}`}, 2024, 'Honda', 'Accord', 1000,
          '2026-01-15', 'TX', 60, 1826, '2031-01-15', 79500, 'api', 'First Lender Bank')`.execute(db);
      if (contract.claim)
        await sql`insert into gap_claims (claim_number, contract_id, status, loss_type, date_of_loss,
            required_documents, benefit_cents, paid_at, opened_at, opened_by)
          values (${`GAP-CL-2026-00004${i}`}, ${contract.id}, ${contract.claim}, 'total_loss', '2026-10-01', '[]',
            ${contract.claim === 'paid' ? 500_000 : null},
            ${contract.claim === 'paid' ? '2026-11-02T15:00:00Z' : null}, '2026-10-02T15:00:00Z', 'test')`.execute(
          db,
        );
    }
    const after = await migrator.migrateTo(AFTER);
    expect(after.error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it('claims the active GAP addenda whose benefit was paid, and only those', async () => {
    expect(await statuses()).toEqual(
      CONTRACTS.map((contract) => ({
        id: contract.id,
        status: contract === PAID ? 'claimed' : contract.status,
      })),
    );
  });

  it('audits each backfilled addendum as the system, saying it is the migration', async () => {
    expect(await audits('contract.claimed')).toEqual([
      {
        actor_kind: 'system',
        actor_label: 'system',
        entity_type: 'contract',
        entity_id: PAID.id,
        reason:
          'Backfill of migration 0047-contract-status-claimed: GAP benefit paid on claim GAP-CL-2026-000040',
        data: {
          from: 'active',
          to: 'claimed',
          gapClaimId: expect.any(String),
          claimNumber: 'GAP-CL-2026-000040',
        },
      },
    ]);
  });

  it('takes claimed as a status and still refuses an unknown one', async () => {
    const other = CONTRACTS[3].id;
    await sql`update contracts set status = 'claimed' where id = ${other}`.execute(db);
    await sql`update contracts set status = 'active' where id = ${other}`.execute(db);
    await expect(sql`update contracts set status = 'spent' where id = ${other}`.execute(db)).rejects.toThrow(
      /contracts_status_check/,
    );
  });

  it('makes claimed addenda active again going down (audited), and claims them again going up', async () => {
    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    expect((await statuses()).map((row) => row.status)).toEqual(CONTRACTS.map((contract) => contract.status));
    expect(await audits('contract.unclaimed')).toEqual([
      expect.objectContaining({
        actor_kind: 'system',
        entity_id: PAID.id,
        data: { from: 'claimed', to: 'active' },
      }),
    ]);
    await expect(
      sql`update contracts set status = 'claimed' where id = ${PAID.id}`.execute(db),
    ).rejects.toThrow(/contracts_status_check/);
    const up = await migrator.migrateTo(AFTER);
    expect(up.error).toBeUndefined();
    expect((await statuses()).find((row) => row.id === PAID.id)?.status).toBe('claimed');
    expect(await audits('contract.claimed')).toHaveLength(2);
  });
});
