// Migration 0053: an approved run's item still `held` although its payable's OFAC hold was decided after
// the run was approved says what became of it: skipped (released_after_approval) when released, blocked
// when any hold of the payable was blocked. Items still held for an open hold, and draft runs' items,
// are left alone. Each change is audited as the system, saying it is the migration.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  databaseAtMigration,
  insertMigrationContract,
  type MigratedDatabase,
} from '../../test/support/migrated-database.js';

const BEFORE = '0052-dealer-contracts-order-index';
const AFTER = '0053-ofac-decided-after-approval';

const CONTRACT = 'c5c5c5c5-0000-4000-8000-000000000053';
const LIST = 'c5c5c5c5-0000-4000-8000-0000000053a1';
const RUNS = {
  approved: 'c5c5c5c5-0000-4000-8000-0000000053b1',
  draft: 'c5c5c5c5-0000-4000-8000-0000000053b2',
  discarded: 'c5c5c5c5-0000-4000-8000-0000000053b3',
} as const;

const payable = (n: number) => `c5c5c5c5-0000-4000-8000-00000005310${n}`;
const itemId = (n: number, run: keyof typeof RUNS) =>
  `c5c5c5c5-0000-4000-8000-0000000532${n}${Object.keys(RUNS).indexOf(run)}`;
const holdId = (n: number, index: number) => `c5c5c5c5-0000-4000-8000-0000000533${n}${index}`;

/**
 * Each payable's items (run, status before, status and skip reason after) and holds, oldest first, each
 * naming the item of a run (one hold per item).
 */
const CASES = [
  {
    name: 'released after approval: skipped, released_after_approval',
    payable: 1,
    items: [{ run: 'approved', status: 'held', after: ['skipped', 'released_after_approval'] }],
    holds: [['approved', 'released']],
  },
  {
    name: 'blocked after approval: blocked',
    payable: 2,
    items: [{ run: 'approved', status: 'held', after: ['blocked', null] }],
    holds: [['approved', 'blocked']],
  },
  {
    name: 'released once, blocked since: blocked',
    payable: 3,
    items: [
      { run: 'discarded', status: 'ready', after: ['ready', null] },
      { run: 'approved', status: 'held', after: ['blocked', null] },
    ],
    holds: [
      ['discarded', 'released'],
      ['approved', 'blocked'],
    ],
  },
  {
    name: 'still waiting for a decision: held',
    payable: 4,
    items: [{ run: 'approved', status: 'held', after: ['held', null] }],
    holds: [['approved', 'held']],
  },
  {
    name: 'a draft run is left as it is',
    payable: 5,
    items: [{ run: 'draft', status: 'held', after: ['held', null] }],
    holds: [['draft', 'released']],
  },
  {
    name: 'paid by the approved run: left as it is',
    payable: 6,
    items: [{ run: 'approved', status: 'paid', after: ['paid', null] }],
    holds: [['approved', 'released']],
  },
] as const;

describeEachEngine('migration 0053 (OFAC decisions after approval)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    await insertMigrationContract(db, {
      id: CONTRACT,
      contractNumber: 'MIG-53-1',
      vin: '1HGCM82633A004353',
      status: 'cancelled',
      firstName: 'Ximena',
      lastName: 'Zabaleta',
    });
    await sql`insert into ofac_lists (id, loaded_by, entry_count) values (${LIST}, 'test', 1)`.execute(db);
    for (const [status, id] of Object.entries(RUNS))
      await sql`insert into payment_runs (id, status, pay_on, created_by, ofac_list_id)
        values (${id}, ${status}, '2026-11-25', 'test', ${LIST})`.execute(db);
    for (const each of CASES) {
      for (const item of each.items)
        await sql`insert into payment_run_items (id, run_id, source_type, source_id, contract_id, payee_type,
            payee_name, method, amount_cents, status)
          values (${itemId(each.payable, item.run)}, ${RUNS[item.run]}, 'cancellation', ${payable(each.payable)},
            ${CONTRACT}, 'holder', 'Ximena Zabaleta', 'check', 12500, ${item.status})`.execute(db);
      for (const [index, [run, status]] of each.holds.entries())
        await sql`insert into ofac_holds (id, item_id, source_type, source_id, payee_name, list_id, ent_num,
            matched_name, score, status, decided_by, decided_at, decision_reason, created_at)
          values (${holdId(each.payable, index)}, ${itemId(each.payable, run)}, 'cancellation',
            ${payable(each.payable)}, 'Ximena Zabaleta', ${LIST}, 9001, 'ZABALETA, Ximena', 0.95, ${status},
            ${status === 'held' ? null : 'admin@coverwise.test'},
            ${status === 'held' ? null : '2026-11-26T15:00:00Z'}, ${status === 'held' ? null : 'decided'},
            ${new Date(Date.UTC(2026, 10, 25, 10 + index)).toISOString()})`.execute(db);
    }
    const after = await migrator.migrateTo(AFTER);
    expect(after.error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it.each(CASES)('$name', async (each) => {
    for (const item of each.items) {
      const row = await sql<{ status: string; skip_reason: string | null }>`select status, skip_reason
        from payment_run_items where id = ${itemId(each.payable, item.run)}`.execute(db);
      expect([row.rows[0]!.status, row.rows[0]!.skip_reason]).toEqual(item.after);
    }
  });

  it('audits each item it changed as the system, saying it is the migration', async () => {
    const audits = await sql<{
      actor_kind: string;
      entity_id: string;
      reason: string;
      data: { itemId: string; status: string; skipReason: string | null };
    }>`select actor_kind, entity_id, reason, data from audit_events
      where action = 'payment_run.item_settled' order by data->>'itemId'`.execute(db);
    expect(audits.rows).toEqual(
      [
        [1, 'skipped', 'released_after_approval'],
        [2, 'blocked', null],
        [3, 'blocked', null],
      ].map(([n, status, skipReason]) => ({
        actor_kind: 'system',
        entity_id: RUNS.approved,
        reason: expect.stringMatching(/^Backfill of migration 0053-ofac-decided-after-approval/),
        data: expect.objectContaining({ itemId: itemId(n as number, 'approved'), status, skipReason }),
      })),
    );
  });

  it('goes down and up again without changing the items', async () => {
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect((await migrator.migrateTo(AFTER)).error).toBeUndefined();
    const row = await sql<{ status: string }>`select status from payment_run_items
      where id = ${itemId(1, 'approved')}`.execute(db);
    expect(row.rows[0]!.status).toBe('skipped');
  });
});
