// All SQL of funding reconciliation: an upload's funded deals (written a batch at a time as the file
// streams in), read back a page at a time with the registered contracts on their VINs.
import { type Kysely, sql } from 'kysely';
import { sameLienholder } from '../contracts/contract.repository.js';
import type { Database } from '../platform/db/schema.js';
import type { FundedDeal, RegisteredContract } from './funding-reconciliation.js';

export async function insertUpload(
  db: Kysely<Database>,
  upload: { id: string; lienholderName: string; fileName: string | null; startedBy: string },
): Promise<void> {
  await db
    .insertInto('funding_uploads')
    .values({
      id: upload.id,
      lienholder_name: upload.lienholderName,
      file_name: upload.fileName,
      started_by: upload.startedBy,
    })
    .execute();
}

export async function insertDeals(
  db: Kysely<Database>,
  uploadId: string,
  lienholderName: string,
  deals: readonly FundedDeal[],
): Promise<void> {
  if (deals.length === 0) return;
  await db
    .insertInto('funded_deals')
    .values(
      deals.map((deal) => ({
        upload_id: uploadId,
        line: deal.line,
        lienholder_name: lienholderName,
        vin: deal.vin,
        product: deal.product,
        amount_financed_cents: deal.amountFinancedCents,
        funded_on: deal.fundedOn,
        dealer_code: deal.dealerCode,
      })),
    )
    .execute();
}

/**
 * Which of these dealer codes are known: a dealer on file, or the selling dealer a registered contract
 * names (a contract imported or entered before its dealer was on file names its dealer only so). Each
 * code is looked up on its own and the contracts are read only until one names it.
 */
export async function knownDealerCodes(db: Kysely<Database>, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await sql<{ code: string }>`
    select x.code from unnest(${[...codes]}::text[]) as x(code)
     where exists (select 1 from dealers d where d.code = x.code)
        or exists (select 1 from contracts c where c.selling_dealer_code = x.code)`.execute(db);
  return new Set(rows.rows.map((row) => row.code));
}

export async function finishUpload(
  db: Kysely<Database>,
  uploadId: string,
  rowsRead: number,
  rejected: { line: number; code: string; detail: string; param: string | null }[],
): Promise<void> {
  await db
    .updateTable('funding_uploads')
    .set({ rows_read: rowsRead, rejected: JSON.stringify(rejected) })
    .where('id', '=', uploadId)
    .execute();
}

export async function findUpload(db: Kysely<Database>, id: string) {
  return db.selectFrom('funding_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest uploads first (of one lienholder when named), for the dashboard to open one. */
export async function recentUploads(db: Kysely<Database>, lienholderName: string | null, limit: number) {
  let query = db
    .selectFrom('funding_uploads')
    .select(['id', 'lienholder_name', 'file_name', 'rows_read', 'started_by', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (lienholderName !== null) query = query.where('lienholder_name', '=', lienholderName);
  return query.execute();
}

/** The newest upload of each lienholder (what the recurring job reconciles). */
export async function latestUploads(db: Kysely<Database>) {
  return db
    .selectFrom('funding_uploads')
    .selectAll()
    .distinctOn('lienholder_name')
    .orderBy('lienholder_name')
    .orderBy('created_at', 'desc')
    .execute();
}

export async function dealsPage(
  db: Kysely<Database>,
  uploadId: string,
  afterLine: number,
  limit: number,
): Promise<FundedDeal[]> {
  const rows = await db
    .selectFrom('funded_deals')
    .select([
      'line',
      'vin',
      'product',
      'amount_financed_cents',
      sql<string>`to_char(funded_on, 'YYYY-MM-DD')`.as('funded_on'),
      'dealer_code',
    ])
    .where('upload_id', '=', uploadId)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    line: row.line,
    vin: row.vin,
    product: row.product,
    amountFinancedCents: Number(row.amount_financed_cents),
    fundedOn: row.funded_on,
    dealerCode: row.dealer_code,
  }));
}

/**
 * The registered contracts on these VINs, as the matching needs them. `booked`: a dealer cost is on
 * the dealer's account (dealer channel). `remitted`: the dealer's remittances (migration 0024) cover
 * the contract — see remittedContracts.
 */
export async function contractsOnVins(
  db: Kysely<Database>,
  vins: readonly string[],
  lienholderName: string,
): Promise<RegisteredContract[]> {
  if (vins.length === 0) return [];
  const rows = await db
    .selectFrom('contracts as c')
    .leftJoin('dealers as d', 'd.id', 'c.dealer_id')
    .select([
      'c.id',
      'c.contract_number',
      'c.vin',
      'c.product',
      'c.price_cents',
      'c.purchase_date',
      'c.status',
      'c.dealer_cost_cents',
      sql<string | null>`coalesce(d.code, c.selling_dealer_code)`.as('dealer_code'),
    ])
    .where('c.vin', 'in', [...new Set(vins)])
    .where(sameLienholder('c.lienholder_name', lienholderName))
    .execute();
  const remitted = await remittedContracts(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    contractNumber: row.contract_number,
    vin: row.vin,
    product: row.product,
    priceCents: row.price_cents,
    purchaseDate: row.purchase_date,
    dealerCode: row.dealer_code,
    booked: row.dealer_cost_cents !== null,
    remitted: remitted.has(row.id),
    status: row.status,
  }));
}

/**
 * Which of these contracts their dealer has paid for, as the dealer statement ages the account (open
 * items, dealer-statement.ts): the dealer's credits (remittances, and credits left over on other
 * contracts) pay its contracts' charges oldest first; a contract is remitted when the credits cover
 * every charge up to and including its own. A contract with nothing on a dealer's account is not.
 */
export async function remittedContracts(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Set<string>> {
  if (contractIds.length === 0) return new Set();
  const rows = await sql<{ contract_id: string }>`
    with dealers_of as (
      select distinct dealer_id from dealer_account_events
       where contract_id in (${sql.join([...new Set(contractIds)])})
    ),
    per_contract as (
      select e.dealer_id, e.contract_id, coalesce(min(e.occurred_on) filter (where e.amount_cents > 0), min(e.occurred_on)) as dated,
             sum(e.amount_cents) as net
        from dealer_account_events e join dealers_of d on d.dealer_id = e.dealer_id
       where e.contract_id is not null
       group by e.dealer_id, e.contract_id
    ),
    credits as (
      select d.dealer_id,
             coalesce((select -sum(e.amount_cents) from dealer_account_events e
                        where e.dealer_id = d.dealer_id and e.contract_id is null), 0)
           + coalesce((select -sum(p.net) from per_contract p where p.dealer_id = d.dealer_id and p.net < 0), 0) as paid
        from dealers_of d
    ),
    running as (
      select p.dealer_id, p.contract_id,
             sum(greatest(p.net, 0)) over (partition by p.dealer_id order by p.dated, p.contract_id
                                           rows between unbounded preceding and current row) as cumulative
        from per_contract p
    )
    select r.contract_id from running r join credits c on c.dealer_id = r.dealer_id
     where r.cumulative <= c.paid and r.contract_id in (${sql.join([...new Set(contractIds)])})`.execute(db);
  return new Set(rows.rows.map((row) => row.contract_id));
}

export async function dealerEmails(db: Kysely<Database>, codes: readonly string[]) {
  if (codes.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('dealers')
    .select(['code', 'contact_email'])
    .where('code', 'in', [...codes])
    .where('contact_email', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.code, row.contact_email as string]));
}

export async function lenderEmails(db: Kysely<Database>, lienholderName: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where('role', '=', 'lender')
    .where('lienholder_name', '=', lienholderName)
    .where('disabled_at', 'is', null)
    .execute();
  return rows.map((row) => row.email);
}
