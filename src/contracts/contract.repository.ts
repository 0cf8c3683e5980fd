import { type CompiledQuery, createQueryId, type Kysely, sql } from 'kysely';
import type { CopyIn } from '../platform/db/database.js';
import { prepared } from '../platform/db/prepared.js';
import type { ContractRow, Database, NewContractRow } from '../platform/db/schema.js';

export function findContractById(db: Kysely<Database>, id: string): Promise<ContractRow | undefined> {
  return db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findContractByNumber(db: Kysely<Database>, contractNumber: string) {
  return db
    .selectFrom('contracts')
    .select('id')
    .where('contract_number', '=', contractNumber)
    .executeTakeFirst();
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

/** Every contract's id, number and plan (the demo seed's few; not for a real portfolio). */
export function listContractNumbers(db: Kysely<Database>) {
  return db.selectFrom('contracts').select(['id', 'contract_number', 'plan_code']).execute();
}

/** The facts holder sign-in checks of the contracts on a VIN (at most 50, in no particular order). */
export async function findHolderFactsByVin(db: Kysely<Database>, vin: string) {
  const query = db
    .selectFrom('contracts')
    .select(['id', 'holder_last_name_key', 'address_zip', 'address_state'])
    .where('vin', '=', vin)
    .limit(50)
    .compile();
  return (await db.executeQuery(prepared(query))).rows;
}

/** The columns a repair shop's coverage answer is made of (no personal data of the holder). */
export const COVERAGE_COLUMNS = [
  'id',
  'contract_number',
  'plan_code',
  'catalog_version',
  'purchase_state',
  'status',
  'odometer_at_sale',
  'deductible_cents',
  'selling_dealer_code',
  'term_days',
  'expires_on',
  'expires_at_miles',
  'waiting_period_ends_on',
  'waiting_period_ends_at_miles',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
] as const;
export type CoverageRow = Pick<ContractRow, (typeof COVERAGE_COLUMNS)[number]>;

/** Stands for the VIN in the coverage select compiled once (the select's other parameters differ). */
const VIN_SLOT = '(vin)';
const coverageSelects = new WeakMap<Kysely<Database>, { query: CompiledQuery<CoverageRow>; vinAt: number }>();

/**
 * The coverage select of `db`, compiled once: building and compiling it with Kysely took more CPU than
 * PostgreSQL took to answer it (~40 µs a lookup, the busiest read repair shops make); only the VIN differs.
 */
function coverageSelect(db: Kysely<Database>) {
  let compiled = coverageSelects.get(db);
  if (!compiled) {
    const query = db
      .selectFrom('contracts')
      .select(COVERAGE_COLUMNS)
      .where('vin', '=', VIN_SLOT)
      .where('product', '=', 'vsc')
      .orderBy('purchase_date', 'desc')
      .limit(50)
      .compile();
    compiled = { query: prepared(query), vinAt: query.parameters.indexOf(VIN_SLOT) };
    coverageSelects.set(db, compiled);
  }
  return compiled;
}

/** A VIN's service contracts (not GAP addenda), most recently sold first, with the coverage columns only. */
export async function findServiceContractsByVin(db: Kysely<Database>, vin: string): Promise<CoverageRow[]> {
  const { query, vinAt } = coverageSelect(db);
  const parameters = [...query.parameters];
  parameters[vinAt] = vin;
  const run: CompiledQuery<CoverageRow> = { ...query, parameters, queryId: createQueryId() };
  const result = await db.executeQuery(run);
  return result.rows;
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
  if (unnestable(rows)) return insertContractsByUnnest(db, rows);
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

/** The PostgreSQL type of each contracts column a new row may carry (for the unnest insert). */
const COLUMN_TYPES: Partial<Record<keyof NewContractRow, string>> = {
  contract_number: 'text',
  product: 'text',
  plan_code: 'text',
  catalog_version: 'int4',
  status: 'text',
  holder_first_name: 'text',
  holder_last_name: 'text',
  holder_last_name_key: 'text',
  holder_email: 'text',
  holder_phone: 'text',
  address_line1: 'text',
  address_city: 'text',
  address_state: 'text',
  address_zip: 'text',
  vin: 'text',
  vehicle_year: 'int4',
  vehicle_make: 'text',
  vehicle_model: 'text',
  odometer_at_sale: 'int4',
  purchase_date: 'date',
  purchase_state: 'text',
  term_months: 'int4',
  term_miles: 'int4',
  term_days: 'int4',
  expires_on: 'date',
  expires_at_miles: 'int4',
  waiting_period_ends_on: 'date',
  waiting_period_ends_at_miles: 'int4',
  price_cents: 'int8',
  deductible_cents: 'int8',
  lienholder_name: 'text',
  selling_dealer_code: 'text',
  selling_dealer_name: 'text',
  amount_financed_cents: 'int8',
  msrp_cents: 'int8',
  source: 'text',
  import_id: 'uuid',
};

/** Rows that all carry the same known columns (dates as strings) can go in as one array per column. */
function unnestable(rows: NewContractRow[]): boolean {
  const keys = Object.keys(rows[0]!);
  if (!keys.every((key) => key in COLUMN_TYPES)) return false;
  return rows.every((row) => {
    const own = Object.keys(row);
    return (
      own.length === keys.length &&
      keys.every((key) => key in row && !(row[key as keyof NewContractRow] instanceof Date))
    );
  });
}

/**
 * One statement however many rows: each column is sent as one array parameter and unnest() turns them
 * back into rows. Much cheaper than a VALUES list of ~36 parameters a row (the import's hot path).
 */
async function insertContractsByUnnest(db: Kysely<Database>, rows: NewContractRow[]): Promise<Set<string>> {
  const columns = Object.keys(rows[0]!) as (keyof NewContractRow)[];
  const arrays = columns.map(
    (column) => sql`${rows.map((row) => row[column] ?? null)}::${sql.raw(COLUMN_TYPES[column]!)}[]`,
  );
  const result = await sql<{ contract_number: string }>`
    insert into contracts (${sql.join(columns.map((column) => sql.ref(column)))})
    select * from unnest(${sql.join(arrays)})
    on conflict (contract_number) do nothing
    returning contract_number`.execute(db);
  return new Set(result.rows.map((row) => row.contract_number));
}

/** The contracts columns a new contract fills, in the order of its COPY lines. */
export const CONTRACT_COPY_COLUMNS = [
  'contract_number',
  'product',
  'plan_code',
  'catalog_version',
  'status',
  'holder_first_name',
  'holder_last_name',
  'holder_last_name_key',
  'holder_email',
  'holder_phone',
  'address_line1',
  'address_city',
  'address_state',
  'address_zip',
  'vin',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
  'odometer_at_sale',
  'purchase_date',
  'purchase_state',
  'term_months',
  'term_miles',
  'term_days',
  'expires_on',
  'expires_at_miles',
  'waiting_period_ends_on',
  'waiting_period_ends_at_miles',
  'price_cents',
  'deductible_cents',
  'lienholder_name',
  'selling_dealer_code',
  'selling_dealer_name',
  'amount_financed_cents',
  'msrp_cents',
  'source',
  'import_id',
  'dealer_id',
  'dealer_cost_cents',
] as const satisfies readonly (keyof NewContractRow)[];

export const CONTRACTS_COPY_SQL = `COPY contracts (${CONTRACT_COPY_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`;

const NEEDS_QUOTES = /[",\n\r\\]/;

/** One value as a COPY csv field: null → an unquoted empty field, '' → "" (the two differ in COPY). */
function copyField(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : value;
  // A backslash is quoted too, so that no line can read as COPY's end-of-data marker \.
  if (text === '' || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

const copyFields: string[] = new Array(CONTRACT_COPY_COLUMNS.length);

/**
 * One new contract as a COPY csv line (CONTRACT_COPY_COLUMNS order, no line break). Joined, not
 * concatenated: a line built with += is a tree of ~80 pieces until it is read, and an import keeps a
 * batch's lines (thousands) alive while it is checked, which the garbage collector then copies.
 */
export function contractCopyLine(row: NewContractRow): string {
  for (let index = 0; index < CONTRACT_COPY_COLUMNS.length; index++) {
    copyFields[index] = copyField(row[CONTRACT_COPY_COLUMNS[index]!]);
  }
  return copyFields.join(',');
}

/**
 * Adds the contracts of `csv` (COPY lines in CONTRACT_COPY_COLUMNS order) with COPY, all at once, in the
 * caller's transaction, and returns how many it added: the rows of a new file are new. When a number is
 * taken (the same file sent again, or another transaction that took it meanwhile) the COPY fails with
 * a unique violation (isContractNumberTaken) and the transaction cannot go on: the caller undoes it and
 * writes the batch again with mergeNewContracts (the same signature, so either is passed as the batch's
 * writer; this one needs only the transaction's COPY). No savepoint: a subtransaction and two more round
 * trips in every batch, for the rare batch that needs the second way.
 */
export async function copyNewContracts(
  _trx: Kysely<Database>,
  copyIn: CopyIn,
  csv: string | Uint8Array,
): Promise<number> {
  if (csv.length === 0) return 0;
  return copyIn(CONTRACTS_COPY_SQL, csv);
}

/** Whether copyNewContracts failed because a contract number of its rows is taken. */
export function isContractNumberTaken(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/**
 * Adds the contracts of `csv` whose numbers are not in the registry yet, in the caller's transaction,
 * and returns how many it added: the rows go through a temporary table and INSERT … ON CONFLICT DO
 * NOTHING (slower than copyNewContracts, but a taken number is skipped instead of failing the batch).
 */
export async function mergeNewContracts(
  trx: Kysely<Database>,
  copyIn: CopyIn,
  csv: string | Uint8Array,
): Promise<number> {
  if (csv.length === 0) return 0;
  // Per connection, emptied at each commit.
  await sql`create temporary table if not exists contracts_staging
    (like contracts including defaults) on commit delete rows`.execute(trx);
  await copyIn(CONTRACTS_COPY_SQL.replace('COPY contracts ', 'COPY contracts_staging '), csv);
  const columns = sql.join(CONTRACT_COPY_COLUMNS.map((column) => sql.ref(column)));
  const inserted = await sql`
    insert into contracts (${columns})
    select ${columns} from contracts_staging
    on conflict (contract_number) do nothing`.execute(trx);
  await sql`delete from contracts_staging`.execute(trx);
  return Number(inserted.numAffectedRows ?? 0);
}

const UNIQUE_VIOLATION = '23505';

/** The contract numbers (first fields) of COPY csv lines as contractCopyLine writes them. */
export function contractNumbersOfCopyCsv(data: string | Uint8Array): string[] {
  const csv = typeof data === 'string' ? data : new TextDecoder().decode(data);
  const numbers: string[] = [];
  let index = 0;
  while (index < csv.length) {
    // The first field: quoted ("" is a quote inside) or plain up to the first comma.
    let number = '';
    if (csv[index] === '"') {
      index++;
      for (;;) {
        const quote = csv.indexOf('"', index);
        if (quote < 0) throw new Error('unterminated quoted field in COPY csv');
        number += csv.slice(index, quote);
        if (csv[quote + 1] === '"') {
          number += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
    } else {
      const comma = csv.indexOf(',', index);
      number = csv.slice(index, comma < 0 ? csv.length : comma);
      index = comma < 0 ? csv.length : comma;
    }
    if (number !== '') numbers.push(number);
    // Skip the rest of the record: a line break ends it unless it sits inside quotes (an odd number of
    // quote characters since the record's first field). Jumps from line break to line break.
    let quotes = 0;
    for (;;) {
      const end = csv.indexOf('\n', index);
      const stop = end < 0 ? csv.length : end;
      for (let at = csv.indexOf('"', index); at >= 0 && at < stop; at = csv.indexOf('"', at + 1)) quotes++;
      index = stop + 1;
      if (quotes % 2 === 0 || end < 0) break;
    }
  }
  return numbers;
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

/**
 * A dealer's contracts, newest sale first: purchase date descending, then, within a sale day, newest
 * booked first (created_at, then id, both descending; the id makes the order total). Contract numbers
 * are not the order within a day: they sort as text, so every GAP-… came after every VSC-…, and an
 * imported dealer file's numbers follow the dealer's own scheme. The index of migration 0052 reads in
 * this order. `limit` + 1 rows (the extra one says there is more); `startingAfter` continues after that
 * contract of the dealer, undefined when it names none. The cursor's values are compared in SQL, not
 * read into JavaScript first: a Date would drop created_at's microseconds and skip or repeat a row.
 */
export async function listDealerContracts(
  db: Kysely<Database>,
  dealerId: string,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<ContractRow[] | undefined> {
  let query = db
    .selectFrom('contracts')
    .selectAll()
    .where('dealer_id', '=', dealerId)
    .orderBy('purchase_date', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.startingAfter) {
    const cursorId = page.startingAfter;
    const cursor = await db
      .selectFrom('contracts')
      .select('id')
      .where('id', '=', cursorId)
      .where('dealer_id', '=', dealerId)
      .executeTakeFirst();
    if (!cursor) return undefined;
    query = query.where(
      sql<boolean>`(purchase_date, created_at, id) < (select c.purchase_date, c.created_at, c.id
        from contracts c where c.id = ${cursorId})`,
    );
  }
  return query.execute();
}

/** Sets a contract void (only an active one); the updated row, or undefined when it was not active. */
export function voidContractRow(
  trx: Kysely<Database>,
  id: string,
  values: { reason: string; now: Date },
): Promise<ContractRow | undefined> {
  return trx
    .updateTable('contracts')
    .set((eb) => ({
      status: 'void',
      voided_at: values.now,
      void_reason: values.reason,
      updated_at: values.now,
      row_version: eb('row_version', '+', 1),
    }))
    .where('id', '=', id)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
}

/** The contract, locked until the transaction ends. */
export function findContractForUpdate(trx: Kysely<Database>, id: string): Promise<ContractRow | undefined> {
  return trx.selectFrom('contracts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Sets the contract's status when its row_version is still `rowVersion` (optimistic check on top of
 * the caller's lock); the updated row, or undefined when the contract changed meanwhile.
 */
export function setContractStatus(
  trx: Kysely<Database>,
  row: Pick<ContractRow, 'id' | 'row_version'>,
  values: { status: ContractRow['status']; now: Date },
): Promise<ContractRow | undefined> {
  return trx
    .updateTable('contracts')
    .set({ status: values.status, row_version: row.row_version + 1, updated_at: values.now })
    .where('id', '=', row.id)
    .where('row_version', '=', row.row_version)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Sets the status of many contracts (a batch use case holding their locks), each only while its
 * row_version is still the one given; answers the ids it updated.
 */
export async function setContractsStatus(
  trx: Kysely<Database>,
  rows: readonly Pick<ContractRow, 'id' | 'row_version'>[],
  values: { status: ContractRow['status']; now: Date },
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: string }>`
    update contracts c set status = ${values.status}, row_version = c.row_version + 1, updated_at = ${values.now}
      from jsonb_to_recordset(${JSON.stringify(rows.map((row) => ({ id: row.id, v: row.row_version })))}::jsonb)
        as v(id uuid, v integer)
     where c.id = v.id and c.row_version = v.v
    returning c.id`.execute(trx);
  return result.rows.map((row) => row.id);
}

/**
 * The contracts on these VINs, locked for update in id order (a batch use case that may change them;
 * the order keeps two batches from deadlocking); only those naming `lienholderName` when it is given.
 */
/**
 * A contract's lienholder compared with a lender's name as people write names: case and outer or
 * repeated spaces aside ('heartland  credit union' is Heartland Credit Union's loan). Dealers type the
 * lienholder on each deal; the lender's name is the one on its users.
 */
export function sameLienholder(column: string, name: string) {
  return sql<boolean>`lower(regexp_replace(btrim(${sql.ref(column)}), '\\s+', ' ', 'g')) = lower(regexp_replace(btrim(${name}::text), '\\s+', ' ', 'g'))`;
}

export async function lockContractsByVin(
  trx: Kysely<Database>,
  vins: readonly string[],
  lienholderName: string | null,
): Promise<ContractRow[]> {
  if (vins.length === 0) return [];
  let query = trx
    .selectFrom('contracts')
    .selectAll()
    .where('vin', 'in', [...new Set(vins)]);
  if (lienholderName !== null) query = query.where(sameLienholder('lienholder_name', lienholderName));
  return query.orderBy('id').forUpdate().execute();
}

/** The contract number of a contract (for views of records that name it). */
export async function contractNumberOf(db: Kysely<Database>, id: string): Promise<string> {
  const row = await db
    .selectFrom('contracts')
    .select('contract_number')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.contract_number;
}

/**
 * Makes the named person the contract's holder when its row_version is still `row_version` (a
 * transfer); false when the contract changed meanwhile.
 */
export async function setContractHolder(
  trx: Kysely<Database>,
  row: Pick<ContractRow, 'id' | 'row_version'>,
  holder: Pick<
    ContractRow,
    | 'holder_first_name'
    | 'holder_last_name'
    | 'holder_last_name_key'
    | 'holder_email'
    | 'holder_phone'
    | 'address_line1'
    | 'address_city'
    | 'address_state'
    | 'address_zip'
  >,
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('contracts')
    .set({ ...holder, row_version: row.row_version + 1, updated_at: now })
    .where('id', '=', row.id)
    .where('row_version', '=', row.row_version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The GAP addenda among these contracts, most recently sold first, locked until the transaction ends. */
export function findGapContractsForUpdate(trx: Kysely<Database>, ids: string[]): Promise<ContractRow[]> {
  return trx
    .selectFrom('contracts')
    .selectAll()
    .where('id', 'in', ids)
    .where('product', '=', 'gap')
    .orderBy('purchase_date', 'desc')
    .forUpdate()
    .execute();
}

/**
 * A GAP addendum whose benefit was paid ends (DOMAIN.md "After a GAP benefit is paid"): sets it
 * `claimed` while it is an active GAP addendum; the updated row, or undefined when it was not.
 */
export function claimGapAddendum(
  trx: Kysely<Database>,
  id: string,
  now: Date,
): Promise<ContractRow | undefined> {
  return trx
    .updateTable('contracts')
    .set((eb) => ({ status: 'claimed', updated_at: now, row_version: eb('row_version', '+', 1) }))
    .where('id', '=', id)
    .where('product', '=', 'gap')
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
}

/** A claim ends the full-refund free look: marks the contract as having claims; false when it had. */
export async function markContractHasClaims(trx: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('contracts')
    .set((eb) => ({ has_claims: true, updated_at: now, row_version: eb('row_version', '+', 1) }))
    .where('id', '=', id)
    .where('has_claims', '=', false)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
