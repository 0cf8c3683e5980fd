// The SQL of roadside requests.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, RoadsideRequestsTable, RoadsideStatus } from '../platform/db/schema.js';

export type RoadsideRow = Selectable<RoadsideRequestsTable>;

export function insertRoadsideRequest(
  trx: Kysely<Database>,
  row: Insertable<RoadsideRequestsTable>,
): Promise<RoadsideRow> {
  return trx.insertInto('roadside_requests').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findRoadsideRequest(
  db: Kysely<Database>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<RoadsideRow | undefined> {
  let query = db.selectFrom('roadside_requests').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Requests oldest first, `limit` + 1 rows (the extra one says there is more); `startingAfter`
 * continues after that request (none when it names no request).
 */
export async function listRoadsideRequests(
  db: Kysely<Database>,
  filter: { status?: RoadsideStatus | undefined; contractId?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<RoadsideRow[]> {
  let query = db
    .selectFrom('roadside_requests')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.contractId) query = query.where('contract_id', '=', filter.contractId);
  if (page.startingAfter) {
    const after = await db
      .selectFrom('roadside_requests')
      .select(['created_at', 'id'])
      .where('id', '=', page.startingAfter)
      .executeTakeFirst();
    if (!after) return [];
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '>', after.created_at),
        eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.execute();
}

/** Moves the request to a status (with the towing figures when a tow completes). */
export function updateRoadsideRequest(
  trx: Kysely<Database>,
  id: string,
  values: {
    status: RoadsideStatus;
    now: Date;
    towing?: { costCents: number; payableCents: number; lines: unknown[] } | null;
  },
): Promise<RoadsideRow> {
  const { towing } = values;
  return trx
    .updateTable('roadside_requests')
    .set((eb) => ({
      status: values.status,
      updated_at: values.now,
      row_version: eb('row_version', '+', 1),
      ...(towing
        ? {
            towing_cost_cents: towing.costCents,
            payable_cents: towing.payableCents,
            lines: JSON.stringify(towing.lines),
          }
        : {}),
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
