// The SQL of contract e-signatures: one row per signature, naming the exact form (its SHA-256) signed.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ContractSignaturesTable, Database } from '../platform/db/schema.js';

export type ContractSignatureRow = Selectable<ContractSignaturesTable>;

export function insertSignature(
  trx: Kysely<Database>,
  row: Insertable<ContractSignaturesTable>,
): Promise<ContractSignatureRow> {
  return trx.insertInto('contract_signatures').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A contract's signatures, oldest first (`limit` rows at the most). */
export function listSignatures(
  db: Kysely<Database>,
  contractId: string,
  limit: number,
): Promise<ContractSignatureRow[]> {
  return db
    .selectFrom('contract_signatures')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('signed_at')
    .limit(limit)
    .execute();
}
