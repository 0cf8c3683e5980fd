// The SQL of OFAC screening: loaded SDN lists and their names, and the holds a possible match puts on a
// payable (one open hold per payable, naming the newest run item that holds the payment; listed, decided).
import { type Kysely, sql } from 'kysely';
import type { Database, OfacHoldStatus, PayableSourceType } from '../platform/db/schema.js';

export interface NewSdnName {
  entNum: number;
  altNum: number | null;
  name: string;
  normalizedName: string;
  sdnType: string | null;
  program: string | null;
  remarks: string | null;
}

export async function insertOfacList(db: Kysely<Database>, loadedBy: string): Promise<string> {
  const row = await db
    .insertInto('ofac_lists')
    .values({ loaded_by: loadedBy, entry_count: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertSdnNames(db: Kysely<Database>, listId: string, names: NewSdnName[]) {
  if (names.length === 0) return;
  await db
    .insertInto('ofac_names')
    .values(
      names.map((name) => ({
        list_id: listId,
        ent_num: name.entNum,
        alt_num: name.altNum,
        name: name.name,
        normalized_name: name.normalizedName,
        sdn_type: name.sdnType,
        program: name.program,
        remarks: name.remarks,
      })),
    )
    .execute();
}

export async function setListCounts(
  db: Kysely<Database>,
  listId: string,
  counts: { entryCount?: number; alternateCount?: number },
) {
  await db
    .updateTable('ofac_lists')
    .set({
      ...(counts.entryCount !== undefined ? { entry_count: counts.entryCount } : {}),
      ...(counts.alternateCount !== undefined ? { alternate_count: counts.alternateCount } : {}),
    })
    .where('id', '=', listId)
    .execute();
}

/** The newest loaded list (screening always uses it). */
export function currentOfacList(db: Kysely<Database>) {
  return db
    .selectFrom('ofac_lists')
    .selectAll()
    .where('entry_count', '>', 0)
    .orderBy('loaded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function findOfacList(db: Kysely<Database>, id: string) {
  return db.selectFrom('ofac_lists').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The primary entry of each ent_num in the list (alternates name the entry's SDN type and program). */
export async function primaryEntNums(db: Kysely<Database>, listId: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom('ofac_names')
    .select('ent_num')
    .where('list_id', '=', listId)
    .where('alt_num', 'is', null)
    .execute();
  return new Set(rows.map((row) => Number(row.ent_num)));
}

export async function listSdnNames(db: Kysely<Database>, listId: string) {
  const rows = await db
    .selectFrom('ofac_names')
    .select(['ent_num', 'alt_num', 'name', 'normalized_name', 'sdn_type', 'program', 'remarks'])
    .where('list_id', '=', listId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    entNum: Number(row.ent_num),
    altNum: row.alt_num === null ? null : Number(row.alt_num),
    name: row.name,
    normalizedName: row.normalized_name,
    sdnType: row.sdn_type,
    program: row.program,
    remarks: row.remarks,
  }));
}

export interface NewOfacHold {
  itemId: string;
  sourceType: PayableSourceType;
  sourceId: string;
  payeeName: string;
  listId: string;
  entNum: number;
  matchedName: string;
  sdnType: string | null;
  program: string | null;
  remarks: string | null;
  score: number;
}

function holdValues(hold: NewOfacHold) {
  return {
    item_id: hold.itemId,
    payee_name: hold.payeeName,
    list_id: hold.listId,
    ent_num: hold.entNum,
    matched_name: hold.matchedName,
    sdn_type: hold.sdnType,
    program: hold.program,
    remarks: hold.remarks,
    score: hold.score.toFixed(4),
  };
}

/**
 * Puts a payable on hold; false when another preview's open hold on it came first (the unique index of
 * migration 0050: one open hold per payable), which the caller then reuses.
 */
export async function insertOfacHold(db: Kysely<Database>, hold: NewOfacHold): Promise<boolean> {
  const row = await db
    .insertInto('ofac_holds')
    .values({ ...holdValues(hold), source_type: hold.sourceType, source_id: hold.sourceId, status: 'held' })
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Every hold ever put on a payable, locked (a decision on one waits, and is seen once it is in), oldest
 * first: a preview reuses the open one, and a blocked one stops the payment.
 */
export function lockHoldsOfPayable(db: Kysely<Database>, sourceType: PayableSourceType, sourceId: string) {
  return db
    .selectFrom('ofac_holds')
    .select(['id', 'status'])
    .where('source_type', '=', sourceType)
    .where('source_id', '=', sourceId)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The payable's open hold now holds the payment in a newer run item, with that screening's match. */
export async function reuseOfacHold(db: Kysely<Database>, id: string, hold: NewOfacHold): Promise<void> {
  await db
    .updateTable('ofac_holds')
    .set(holdValues(hold))
    .where('id', '=', id)
    .where('status', '=', 'held')
    .execute();
}

/** Sources a person already released after a possible match: the same payable is not held again. */
export async function releasedSources(
  db: Kysely<Database>,
  sources: { sourceType: string; sourceId: string }[],
): Promise<Set<string>> {
  if (sources.length === 0) return new Set();
  const rows = await db
    .selectFrom('ofac_holds')
    .select(['source_type', 'source_id'])
    .where('status', '=', 'released')
    .where(
      'source_id',
      'in',
      sources.map((source) => source.sourceId),
    )
    .execute();
  return new Set(rows.map((row) => `${row.source_type}:${row.source_id}`));
}

export function listOfacHolds(
  db: Kysely<Database>,
  filter: { status?: OfacHoldStatus | undefined; limit: number; id?: string },
) {
  let query = db
    .selectFrom('ofac_holds as h')
    .innerJoin('payment_run_items as i', 'i.id', 'h.item_id')
    .innerJoin('payment_runs as r', 'r.id', 'i.run_id')
    .selectAll('h')
    .select([
      'i.run_id',
      'r.run_number',
      'i.amount_cents',
      'i.payee_type',
      'i.method',
      'i.status as item_status',
    ]);
  if (filter.status) query = query.where('h.status', '=', filter.status);
  if (filter.id) query = query.where('h.id', '=', filter.id);
  return query.orderBy('h.created_at', 'desc').orderBy('h.id').limit(filter.limit).execute();
}

export function lockOfacHold(db: Kysely<Database>, id: string) {
  return db.selectFrom('ofac_holds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function decideOfacHold(
  db: Kysely<Database>,
  id: string,
  decision: { status: 'released' | 'blocked'; decidedBy: string; decidedAt: Date; reason: string },
) {
  await db
    .updateTable('ofac_holds')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      decision_reason: decision.reason,
    })
    .where('id', '=', id)
    .execute();
}

/** The skip reason of an item whose hold was released after its run was approved (a later run pays it). */
export const RELEASED_AFTER_APPROVAL = 'released_after_approval';

/**
 * The hold of each item of a run that has one, by the item's id: the hold naming the item, or, for an
 * item still held or blocked (or skipped because its hold was released after its run was approved), its
 * payable's hold (an open hold names only the newest item holding the payment, and a decision settles
 * the items of every draft and approved run). A payable released before this run was previewed is
 * ready here with no hold.
 */
export async function ofacHoldsOfRun(db: Kysely<Database>, runId: string) {
  const result = await sql<{
    run_item_id: string;
    id: string;
    status: OfacHoldStatus;
    matched_name: string;
    ent_num: number;
    program: string | null;
    score: string;
  }>`
    select i.id as run_item_id, h.id, h.status, h.matched_name, h.ent_num, h.program, h.score
      from payment_run_items i
      join lateral (
        select * from ofac_holds h
         where h.source_type = i.source_type and h.source_id = i.source_id
           and (h.item_id = i.id or i.status in ('held', 'blocked')
                or i.skip_reason = ${RELEASED_AFTER_APPROVAL})
         order by (h.item_id = i.id) desc, h.created_at desc, h.id
         limit 1) h on true
     where i.run_id = ${runId}`.execute(db);
  return result.rows;
}

/**
 * The payment-run items a decided hold held, made to say what the decision means for each run (the
 * payment-run items are written here, beside their hold, since payment runs use OFAC screening and not
 * the reverse):
 * - in a draft run, the payment is `ready` to pay (released) or `blocked`: every item of the payable
 *   still held in a draft run (a payable previewed in several runs is held in each);
 * - in an approved run, which paid around it, the item is no payment of that run: released, it is
 *   `skipped` with the reason `released_after_approval` (the payable is still open, so a later run pays
 *   it: a draft that holds it now has it ready, or the next run previewed takes it); blocked, `blocked`.
 * Discarded runs pay nothing and are left as they were.
 */
export async function settleHeldRunItems(
  trx: Kysely<Database>,
  payable: { sourceType: PayableSourceType; sourceId: string },
  decision: 'released' | 'blocked',
): Promise<void> {
  const heldIn = (runStatus: 'draft' | 'approved') =>
    trx
      .updateTable('payment_run_items')
      .where('source_type', '=', payable.sourceType)
      .where('source_id', '=', payable.sourceId)
      .where('status', '=', 'held')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('payment_runs as r')
            .select('r.id')
            .whereRef('r.id', '=', 'payment_run_items.run_id')
            .where('r.status', '=', runStatus),
        ),
      );
  await heldIn('draft')
    .set({ status: decision === 'released' ? 'ready' : 'blocked' })
    .execute();
  await heldIn('approved')
    .set(
      decision === 'released'
        ? { status: 'skipped', skip_reason: RELEASED_AFTER_APPROVAL }
        : { status: 'blocked' },
    )
    .execute();
}

/**
 * The undecided or blocking OFAC hold on a payable (held for review, or blocked), if any: money recorded
 * as paid by hand must not pass a screening that a payment run would stop at.
 */
export function unreleasedOfacHold(db: Kysely<Database>, sourceType: PayableSourceType, sourceId: string) {
  return db
    .selectFrom('ofac_holds')
    .select(['id', 'status', 'payee_name', 'matched_name'])
    .where('source_type', '=', sourceType)
    .where('source_id', '=', sourceId)
    .where('status', 'in', ['held', 'blocked'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}
