// Queueing a pg-boss job inside the transaction of the change that asks for it.
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * pg-boss's database option for one call (`send`, `insert`) that runs its SQL through an open Kysely
 * transaction: the job is queued in that transaction and commits (or rolls back) with the change.
 */
export function inTransaction(trx: Kysely<Database>): { executeSql: PgBossExecuteSql } {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as never[] };
    },
  };
}

type PgBossExecuteSql = (text: string, values: unknown[]) => Promise<{ rows: never[] }>;
