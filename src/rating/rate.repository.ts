// SQL of stored rates: every priced offer is a row a dealer may book once before it expires.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, RatesTable } from '../platform/db/schema.js';

export async function insertRates(db: Kysely<Database>, rows: Insertable<RatesTable>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('rates').values(rows).returning('id').execute();
  return inserted.map((row) => row.id);
}

/** The rate, locked until the transaction ends: two bookings of one rate take turns. */
export function findRateForUpdate(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('rates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Marks the rate booked by the contract; false when another booking took it first. */
export async function markRateUsed(
  trx: Transaction<Database>,
  id: string,
  contractId: string,
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('rates')
    .set({ used_at: now, contract_id: contractId })
    .where('id', '=', id)
    .where('contract_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
