// Migration 0055: the transfers' status takes `closed` (with closed_at and closed_reason), and the
// transfers still waiting for their fee on a contract already cancelled or void are closed, each with a
// system audit row saying so. A pending transfer on an active contract and a completed one are left as
// they are. Going down makes the closed transfers wait for their fee again (audited) and the check
// refuses `closed` again; going up again closes them again.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  databaseAtMigration,
  insertMigrationContract,
  type MigratedDatabase,
} from '../../test/support/migrated-database.js';

const BEFORE = '0054-premium-receivable-off-statement';
const AFTER = '0055-transfer-closed';

/** Each contract's status, and the status of the transfer on it before the migration. */
const CASES = [
  { contract: 'c5c5c5c5-0000-4000-8000-000000000001', status: 'cancelled', transfer: 'pending_fee' },
  { contract: 'c5c5c5c5-0000-4000-8000-000000000002', status: 'void', transfer: 'pending_fee' },
  { contract: 'c5c5c5c5-0000-4000-8000-000000000003', status: 'active', transfer: 'pending_fee' },
  { contract: 'c5c5c5c5-0000-4000-8000-000000000004', status: 'cancelled', transfer: 'completed' },
] as const;

describeEachEngine('migration 0055 (transfer closed)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const transfers = async () =>
    (
      await sql<{ contract_id: string; status: string; closed_reason: string | null; closed: boolean }>`
        select contract_id, status, closed_reason, closed_at is not null as closed
          from transfers order by contract_id`.execute(db)
    ).rows;

  const audits = async (action: string) =>
    (
      await sql<{ actor_kind: string; entity_id: string; reason: string | null; data: unknown }>`
        select actor_kind, entity_id, reason, data from audit_events where action = ${action}
         order by entity_id, id`.execute(db)
    ).rows;

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    for (const [i, item] of CASES.entries()) {
      await insertMigrationContract(db, {
        id: item.contract,
        contractNumber: `MIG-55-${i}`,
        vin: `1HGCM82633A00455${i}`,
        status: item.status,
      });
      await sql`insert into transfers (contract_id, status, ownership_transferred_on, sale_type, odometer,
          fee_cents, seller, buyer_first_name, buyer_last_name, buyer_address_line1, buyer_address_city,
          buyer_address_state, buyer_address_zip, requested_by)
        values (${item.contract}, ${item.transfer}, '2026-11-15', 'private', 20000, 5000, '{}', 'Bo', 'Hara',
          '9 Bay Rd', 'Tampa', 'FL', '33602', 'test')`.execute(db);
    }
    const after = await migrator.migrateTo(AFTER);
    expect(after.error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it('closes the pending transfers of cancelled and void contracts, and only those', async () => {
    expect(await transfers()).toEqual([
      { contract_id: CASES[0].contract, status: 'closed', closed_reason: 'contract_cancelled', closed: true },
      { contract_id: CASES[1].contract, status: 'closed', closed_reason: 'contract_voided', closed: true },
      { contract_id: CASES[2].contract, status: 'pending_fee', closed_reason: null, closed: false },
      { contract_id: CASES[3].contract, status: 'completed', closed_reason: null, closed: false },
    ]);
  });

  it('audits each closed transfer on its contract as the system, saying it is the migration', async () => {
    expect(await audits('contract.transfer_closed')).toEqual(
      [CASES[0], CASES[1]].map((item, index) => ({
        actor_kind: 'system',
        entity_id: item.contract,
        reason: 'Backfill of migration 0055-transfer-closed: the contract had ended',
        data: {
          transferId: expect.any(String),
          closedReason: index === 0 ? 'contract_cancelled' : 'contract_voided',
        },
      })),
    );
  });

  it('refuses an unknown status and an unknown reason', async () => {
    await expect(
      sql`update transfers set status = 'lost' where contract_id = ${CASES[2].contract}`.execute(db),
    ).rejects.toThrow(/transfers_status_check/);
    await expect(
      sql`update transfers set closed_reason = 'bored' where contract_id = ${CASES[2].contract}`.execute(db),
    ).rejects.toThrow(/check/);
  });

  it('makes closed transfers wait for their fee again going down (audited), and closes them again going up', async () => {
    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    expect(
      (await sql<{ status: string }>`select status from transfers order by contract_id`.execute(db)).rows,
    ).toEqual(CASES.map((item) => ({ status: item.transfer })));
    expect((await audits('contract.transfer_reopened')).map((row) => row.entity_id)).toEqual([
      CASES[0].contract,
      CASES[1].contract,
    ]);
    await expect(
      sql`update transfers set status = 'closed' where contract_id = ${CASES[0].contract}`.execute(db),
    ).rejects.toThrow(/transfers_status_check/);
    const up = await migrator.migrateTo(AFTER);
    expect(up.error).toBeUndefined();
    expect((await transfers()).filter((row) => row.status === 'closed')).toHaveLength(2);
    expect(await audits('contract.transfer_closed')).toHaveLength(4);
  });
});
