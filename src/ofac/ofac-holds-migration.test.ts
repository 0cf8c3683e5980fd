// Migration 0050: one open OFAC hold per payable. The holds that earlier previews piled up on one payable
// are backfilled: an open hold of a payable with a decided hold is settled with it (blocked wins over
// released), several open holds are merged into the newest, and the items of draft runs follow (a ready
// item of a blocked payable is blocked). Each change is audited as the system. A unique index then refuses
// a second open hold on a payable; going down drops it.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  databaseAtMigration,
  insertMigrationContract,
  type MigratedDatabase,
} from '../../test/support/migrated-database.js';

const BEFORE = '0049-benefit-claim-decisions';
const AFTER = '0050-ofac-one-hold-per-payable';

const CONTRACT = 'c5c5c5c5-0000-4000-8000-000000000001';
const LIST = 'c5c5c5c5-0000-4000-8000-0000000000a1';
const RUNS = {
  discarded: 'c5c5c5c5-0000-4000-8000-0000000000b1',
  draft: 'c5c5c5c5-0000-4000-8000-0000000000b2',
  approved: 'c5c5c5c5-0000-4000-8000-0000000000b3',
} as const;
type Run = keyof typeof RUNS;

/** A payable's id: `P` and a digit (the holds and items below are named after their payable). */
const payable = (n: number) => `c5c5c5c5-0000-4000-8000-00000000010${n}`;

/**
 * Each payable's run items and holds before the migration, oldest first, and what the migration leaves:
 * the holds' statuses (null: merged away) and the items' statuses.
 */
const CASES = [
  {
    name: 'two open holds: the newest stays, the older is merged into it',
    payable: 1,
    items: [
      { run: 'discarded', status: 'held', after: 'held' },
      { run: 'draft', status: 'held', after: 'held' },
    ],
    holds: [
      { run: 'discarded', status: 'held', after: null },
      { run: 'draft', status: 'held', after: 'held' },
    ],
  },
  {
    name: 'blocked, then held again: the open hold is blocked with it and its draft item blocked',
    payable: 2,
    items: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'draft', status: 'held', after: 'blocked' },
    ],
    holds: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'draft', status: 'held', after: 'blocked' },
    ],
  },
  {
    name: 'released, then held again: the open hold is released with it and its draft item ready',
    payable: 3,
    items: [
      { run: 'discarded', status: 'ready', after: 'ready' },
      { run: 'draft', status: 'held', after: 'ready' },
    ],
    holds: [
      { run: 'discarded', status: 'released', after: 'released' },
      { run: 'draft', status: 'held', after: 'released' },
    ],
  },
  {
    name: 'blocked and released (QA): both decisions stay, the draft item made ready is blocked',
    payable: 4,
    items: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'draft', status: 'ready', after: 'blocked' },
    ],
    holds: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'draft', status: 'released', after: 'released' },
    ],
  },
  {
    name: 'one open hold: left as it is',
    payable: 5,
    items: [{ run: 'draft', status: 'held', after: 'held' }],
    holds: [{ run: 'draft', status: 'held', after: 'held' }],
  },
  {
    name: 'blocked, and held in an approved run: the hold is blocked, the approved run is not changed',
    payable: 6,
    items: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'approved', status: 'held', after: 'held' },
    ],
    holds: [
      { run: 'discarded', status: 'blocked', after: 'blocked' },
      { run: 'approved', status: 'held', after: 'blocked' },
    ],
  },
] as const;

const itemId = (n: number, run: Run) =>
  `c5c5c5c5-0000-4000-8000-00000000${n}${Object.keys(RUNS).indexOf(run)}00`;
/** A payable's holds are numbered in the order they were made (created an hour apart). */
const holdId = (n: number, index: number) => `c5c5c5c5-0000-4000-8000-00000000${n}${index}99`;

describeEachEngine('migration 0050 (one OFAC hold per payable)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const holdStatuses = async () =>
    new Map(
      (await sql<{ id: string; status: string }>`select id, status from ofac_holds`.execute(db)).rows.map(
        (row) => [row.id, row.status],
      ),
    );
  const itemStatuses = async () =>
    new Map(
      (
        await sql<{ id: string; status: string }>`select id, status from payment_run_items`.execute(db)
      ).rows.map((row) => [row.id, row.status]),
    );
  const audits = async (action: string) =>
    (
      await sql<{
        actor_kind: string;
        entity_type: string;
        entity_id: string;
        reason: string;
        data: Record<string, unknown>;
      }>`select actor_kind, entity_type, entity_id, reason, data from audit_events
         where action = ${action} order by entity_id, id`.execute(db)
    ).rows;
  const insertHold = (n: number, index: number, item: string, status: string) =>
    sql`insert into ofac_holds (id, item_id, source_type, source_id, payee_name, list_id, ent_num, matched_name,
          score, status, decided_by, decided_at, decision_reason, created_at)
        values (${holdId(n, index)}, ${item}, 'cancellation', ${payable(n)}, 'Ximena Zabaleta', ${LIST}, 9001,
          'ZABALETA, Ximena', 0.95, ${status}, ${status === 'held' ? null : 'admin@coverwise.test'},
          ${status === 'held' ? null : '2026-11-20T15:00:00Z'}, ${status === 'held' ? null : 'decided'},
          ${new Date(Date.UTC(2026, 10, 20, 10 + index)).toISOString()})`.execute(db);

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    await insertMigrationContract(db, {
      id: CONTRACT,
      contractNumber: 'MIG-50-1',
      vin: '1HGCM82633A004352',
      status: 'cancelled',
      firstName: 'Ximena',
      lastName: 'Zabaleta',
      termMonths: 60,
      termDays: 1826,
      expiresOn: '2031-01-15',
      priceCents: 79_500,
    });
    await sql`insert into ofac_lists (id, loaded_by, entry_count) values (${LIST}, 'test', 2)`.execute(db);
    for (const [run, id] of Object.entries(RUNS))
      await sql`insert into payment_runs (id, status, pay_on, created_by, ofac_list_id)
        values (${id}, ${run}, '2026-11-25', 'test', ${LIST})`.execute(db);
    for (const each of CASES) {
      for (const item of each.items)
        await sql`insert into payment_run_items (id, run_id, source_type, source_id, contract_id, payee_type,
            payee_name, method, amount_cents, status)
          values (${itemId(each.payable, item.run)}, ${RUNS[item.run]}, 'cancellation', ${payable(each.payable)},
            ${CONTRACT}, 'holder', 'Ximena Zabaleta', 'check', 12500, ${item.status})`.execute(db);
      for (const [index, hold] of each.holds.entries())
        await insertHold(each.payable, index, itemId(each.payable, hold.run), hold.status);
    }
    const after = await migrator.migrateTo(AFTER);
    expect(after.error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it.each(CASES)('$name', async (each) => {
    const holds = await holdStatuses();
    expect(each.holds.map((_, index) => holds.get(holdId(each.payable, index)) ?? null)).toEqual(
      each.holds.map((hold) => hold.after),
    );
    const items = await itemStatuses();
    expect(each.items.map((item) => items.get(itemId(each.payable, item.run)))).toEqual(
      each.items.map((item) => item.after),
    );
  });

  it('audits each hold settled, merged and item changed as the system, saying it is the migration', async () => {
    const reason = expect.stringMatching(/^Backfill of migration 0050-ofac-one-hold-per-payable/);
    expect(await audits('ofac.hold_blocked')).toEqual(
      [holdId(2, 1), holdId(6, 1)].map((id, i) => ({
        actor_kind: 'system',
        entity_type: 'ofac_hold',
        entity_id: id,
        reason,
        data: expect.objectContaining({
          settledWith: holdId([2, 6][i]!, 0),
          source: { type: 'cancellation', id: payable([2, 6][i]!) },
        }),
      })),
    );
    expect(await audits('ofac.hold_released')).toEqual([
      expect.objectContaining({
        entity_id: holdId(3, 1),
        data: expect.objectContaining({ settledWith: holdId(3, 0) }),
      }),
    ]);
    expect(await audits('ofac.hold_merged')).toEqual([
      {
        actor_kind: 'system',
        entity_type: 'ofac_hold',
        entity_id: holdId(1, 0),
        reason: expect.stringContaining(`merged into hold ${holdId(1, 1)}`),
        data: expect.objectContaining({
          mergedInto: holdId(1, 1),
          itemId: itemId(1, 'discarded'),
          matchedName: 'ZABALETA, Ximena',
          entNum: 9001,
        }),
      },
    ]);
    const settled = (await audits('payment_run.item_settled')).map((row) => ({
      runId: row.entity_id,
      itemId: row.data.itemId,
      status: row.data.status,
    }));
    expect(settled.sort((a, b) => String(a.itemId).localeCompare(String(b.itemId)))).toEqual(
      [2, 3, 4].map((n) => ({
        runId: RUNS.draft,
        itemId: itemId(n, 'draft'),
        status: n === 3 ? 'ready' : 'blocked',
      })),
    );
    const decided = await sql<{
      decided_by: string;
      decision_reason: string;
    }>`select decided_by, decision_reason
      from ofac_holds where id = ${holdId(2, 1)}`.execute(db);
    expect(decided.rows[0]).toEqual({
      decided_by: 'system',
      decision_reason: `Settled with hold ${holdId(2, 0)}, blocked by admin@coverwise.test: one hold per payable (migration 0050).`,
    });
  });

  it('refuses a second open hold on a payable, and drops the rule going down', async () => {
    const extra = itemId(5, 'approved');
    await sql`insert into payment_run_items (id, run_id, source_type, source_id, contract_id, payee_type,
        payee_name, method, amount_cents, status)
      values (${extra}, ${RUNS.approved}, 'cancellation', ${payable(5)}, ${CONTRACT}, 'holder',
        'Ximena Zabaleta', 'check', 12500, 'held')`.execute(db);
    await expect(insertHold(5, 8, extra, 'held')).rejects.toThrow(/ofac_holds_one_open_per_payable/);
    // Decided holds are history: several may name one payable.
    await insertHold(5, 8, extra, 'released');
    await sql`delete from ofac_holds where id = ${holdId(5, 8)}`.execute(db);

    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    await insertHold(5, 8, extra, 'held');
    await sql`delete from ofac_holds where id = ${holdId(5, 8)}`.execute(db);
    const up = await migrator.migrateTo(AFTER);
    expect(up.error).toBeUndefined();
    await expect(insertHold(5, 8, extra, 'held')).rejects.toThrow(/ofac_holds_one_open_per_payable/);
  });
});
