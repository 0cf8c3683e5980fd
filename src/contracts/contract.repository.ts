import { type Kysely, sql } from 'kysely';
import type { ContractRow, Database, NewContractRow } from '../platform/db/schema.js';

export function findContractById(db: Kysely<Database>, id: string): Promise<ContractRow | undefined> {
  return db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findContractsByVin(db: Kysely<Database>, vin: string): Promise<ContractRow[]> {
  return db
    .selectFrom('contracts')
    .selectAll()
    .where('vin', '=', vin)
    .orderBy('purchase_date', 'desc')
    .limit(50)
    .execute();
}

export async function nextContractNumber(
  db: Kysely<Database>,
  product: 'vsc' | 'gap',
  year: string,
): Promise<string> {
  const result = await sql<{ n: number }>`select nextval('contract_number_seq') as n`.execute(db);
  return `${product.toUpperCase()}-${year}-${String(result.rows[0]!.n).padStart(6, '0')}`;
}

export async function insertContract(db: Kysely<Database>, row: NewContractRow): Promise<ContractRow> {
  return db.insertInto('contracts').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Inserts many contracts in one multi-row statement; a contract number already in the registry is
 * skipped (re-importing a dealer file creates nothing new). Returns the numbers actually inserted.
 */
/** PostgreSQL's wire protocol allows at most 65,535 bind parameters in one statement. */
const MAX_BIND_PARAMETERS = 65_535;

/**
 * Inserts many contracts with multi-row statements (as many rows per statement as the protocol's
 * parameter limit allows); a contract number already in the registry is skipped, so re-importing a
 * dealer file creates nothing new. Returns the numbers actually inserted.
 */
export async function insertContractsSkippingExisting(
  db: Kysely<Database>,
  rows: NewContractRow[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (rows.length === 0) return inserted;
  const columns = Math.max(...rows.map((row) => Object.keys(row).length));
  const rowsPerStatement = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / columns));
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const result = await db
      .insertInto('contracts')
      .values(rows.slice(start, start + rowsPerStatement))
      .onConflict((oc) => oc.column('contract_number').doNothing())
      .returning('contract_number')
      .execute();
    for (const row of result) inserted.add(row.contract_number);
  }
  return inserted;
}

export interface ContractFilter {
  vin?: string | undefined;
  contractNumber?: string | undefined;
  lastNameKeyPrefix?: string | undefined;
}

export function listContracts(
  db: Kysely<Database>,
  filter: ContractFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<ContractRow[]> {
  let query = db
    .selectFrom('contracts')
    .selectAll()
    .orderBy('id')
    .limit(page.limit + 1);
  if (filter.vin) query = query.where('vin', '=', filter.vin);
  if (filter.contractNumber) query = query.where('contract_number', '=', filter.contractNumber);
  if (filter.lastNameKeyPrefix) {
    // LIKE with the pattern-ops index; the key holds letters only, so no LIKE wildcard can be in it.
    query = query.where('holder_last_name_key', 'like', `${filter.lastNameKeyPrefix}%`);
  }
  if (page.startingAfter) query = query.where('id', '>', page.startingAfter);
  return query.execute();
}
