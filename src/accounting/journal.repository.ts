// The general ledger's SQL: posting entries (each with its lines, in the caller's transaction), the
// contracts-written postings (one contract or a whole import batch, set-based), and the reads (trial
// balance, journal pages, premium by month). The database checks at commit that each entry balances.
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../platform/audit/audit.repository.js';
import type { Database, JournalEntryRow, JournalLineRow } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { assertCents } from '../shared/money.js';
import { contractWrittenLines, isBalanced, type JournalLine } from './postings.js';

export interface NewJournalEntry {
  /** What caused the entry: contract_written, cancellation, repair_claim_authorized, … */
  eventType: string;
  /** The id of the causing record (contract, cancellation, claim, import run, month). */
  eventId: string;
  /** Unique: the same event never posts twice (a second post is a no-op). */
  eventKey: string;
  effectiveOn: CalendarDate;
  memo: string;
  contractId?: string | null;
  reversesEntryId?: string | null;
  lines: JournalLine[];
  actor: Actor;
  requestId?: string | null;
}

export interface PostedEntry {
  id: string;
  entryNumber: number;
}

/**
 * Posts one entry in the caller's transaction and returns it; returns null when its event key was
 * already posted (the event's entry exists: nothing changes) or when it has no lines (nothing moved).
 */
export async function postJournalEntry(
  db: Kysely<Database>,
  entry: NewJournalEntry,
): Promise<PostedEntry | null> {
  if (entry.lines.length === 0) return null;
  for (const line of entry.lines) {
    assertCents(line.debitCents, 'debit');
    assertCents(line.creditCents, 'credit');
  }
  // A programmer error, caught before the database would refuse the whole transaction at commit.
  if (!isBalanced(entry.lines)) throw new Error(`journal entry ${entry.eventKey} does not balance`);
  const row = await db
    .insertInto('journal_entries')
    .values({
      effective_on: entry.effectiveOn,
      event_type: entry.eventType,
      event_id: entry.eventId,
      event_key: entry.eventKey,
      contract_id: entry.contractId ?? null,
      reverses_entry_id: entry.reversesEntryId ?? null,
      memo: entry.memo,
      created_by: entry.actor.label,
      request_id: entry.requestId ?? null,
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning(['id', 'entry_number'])
    .executeTakeFirst();
  if (!row) return null;
  await db
    .insertInto('journal_lines')
    .values(
      entry.lines.map((line, index) => ({
        entry_id: row.id,
        line_number: index + 1,
        account_code: line.account,
        debit_cents: line.debitCents,
        credit_cents: line.creditCents,
        contract_id: line.contractId ?? null,
        plan_code: line.planCode ?? null,
        state: line.state ?? null,
        dealer_code: line.dealerCode ?? null,
      })),
    )
    .execute();
  return { id: row.id, entryNumber: row.entry_number };
}

/** Journal lines per multi-row insert: 9 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 4000;

/**
 * Posts many entries in the caller's transaction with one insert for the entries and one for their lines
 * (a batch of cancellations, say); the same checks as postJournalEntry, and the same deferred trigger
 * checks each entry balances at commit. Entries with no lines, or whose event key was already posted,
 * are left out. Answers the posted entries by event key.
 */
export async function postJournalEntries(
  db: Kysely<Database>,
  entries: readonly NewJournalEntry[],
): Promise<Map<string, PostedEntry>> {
  const posted = new Map<string, PostedEntry>();
  const withLines = entries.filter((entry) => entry.lines.length > 0);
  if (withLines.length === 0) return posted;
  for (const entry of withLines) {
    for (const line of entry.lines) {
      assertCents(line.debitCents, 'debit');
      assertCents(line.creditCents, 'credit');
    }
    if (!isBalanced(entry.lines)) throw new Error(`journal entry ${entry.eventKey} does not balance`);
  }
  // Chunks end on entry boundaries: an entry's lines always go in with one statement.
  for (let start = 0; start < withLines.length; ) {
    let end = start;
    let lineCount = 0;
    while (
      end < withLines.length &&
      (end === start || lineCount + withLines[end]!.lines.length <= ROWS_PER_INSERT)
    ) {
      lineCount += withLines[end]!.lines.length;
      end += 1;
    }
    const chunk = withLines.slice(start, end);
    start = end;
    const byKey = new Map(chunk.map((entry) => [entry.eventKey, entry]));
    const rows = await db
      .insertInto('journal_entries')
      .values(
        chunk.map((entry) => ({
          effective_on: entry.effectiveOn,
          event_type: entry.eventType,
          event_id: entry.eventId,
          event_key: entry.eventKey,
          contract_id: entry.contractId ?? null,
          reverses_entry_id: entry.reversesEntryId ?? null,
          memo: entry.memo,
          created_by: entry.actor.label,
          request_id: entry.requestId ?? null,
        })),
      )
      .onConflict((oc) => oc.column('event_key').doNothing())
      .returning(['id', 'entry_number', 'event_key'])
      .execute();
    if (rows.length === 0) continue;
    for (const row of rows) posted.set(row.event_key, { id: row.id, entryNumber: row.entry_number });
    await db
      .insertInto('journal_lines')
      .values(
        rows.flatMap((row) =>
          byKey.get(row.event_key)!.lines.map((line, index) => ({
            entry_id: row.id,
            line_number: index + 1,
            account_code: line.account,
            debit_cents: line.debitCents,
            credit_cents: line.creditCents,
            contract_id: line.contractId ?? null,
            plan_code: line.planCode ?? null,
            state: line.state ?? null,
            dealer_code: line.dealerCode ?? null,
          })),
        ),
      )
      .execute();
  }
  return posted;
}

/**
 * The administrator's premium of a contract (alias `c`): the dealer cost when one is recorded (the
 * dealer keeps the markup; dealer-channel bookings, migration 0016), otherwise the price.
 */
export const PREMIUM_SQL = sql<number>`coalesce(c.dealer_cost_cents, c.price_cents)::bigint`;

/** The dealer cost recorded on a contract, or null when none is. */
export async function dealerCostCentsOf(db: Kysely<Database>, contractId: string): Promise<number | null> {
  const result = await sql<{ cost: number | null }>`
    select dealer_cost_cents::bigint as cost from contracts where id = ${contractId}`.execute(db);
  const cost = result.rows[0]?.cost;
  return cost === null || cost === undefined ? null : Number(cost);
}

export type WrittenContracts =
  | { contractIds: string[] }
  /** The contracts of an import batch: its numbers, inserted by this run in this very transaction. */
  | { importId: string; contractNumbers: string[] };

/**
 * Posts the premium of newly written contracts: one entry, one pair of lines per plan and state (per
 * contract when there is one contract). Set-based, so an import batch of thousands costs one query.
 */
export async function postContractsWritten(
  db: Kysely<Database>,
  contracts: WrittenContracts,
  event: Omit<NewJournalEntry, 'lines' | 'contractId'>,
): Promise<PostedEntry | null> {
  const premium = PREMIUM_SQL;
  const filter =
    'contractIds' in contracts
      ? sql`c.id = any(${contracts.contractIds}::uuid[])`
      : // now() is the transaction's start: the same run's rows from an earlier batch are older.
        sql`c.contract_number = any(${contracts.contractNumbers}::text[]) and c.import_id = ${contracts.importId}
            and c.created_at = now()`;
  if (
    'contractIds' in contracts ? contracts.contractIds.length === 0 : contracts.contractNumbers.length === 0
  )
    return null;
  const single = 'contractIds' in contracts && contracts.contractIds.length === 1;
  const groups = await sql<{ plan_code: string; state: string; dealer_code: string | null; premium: number }>`
    select c.plan_code, c.purchase_state as state,
           c.selling_dealer_code as dealer_code, sum(${premium})::bigint as premium
      from contracts c where ${filter} and c.status <> 'void'
     group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  const contractId = single ? (contracts as { contractIds: string[] }).contractIds[0]! : null;
  const lines = groups.rows.flatMap((group) =>
    contractWrittenLines(Number(group.premium), {
      contractId,
      planCode: group.plan_code,
      state: group.state,
      dealerCode: group.dealer_code,
    }),
  );
  return postJournalEntry(db, { ...event, contractId, lines });
}

export interface AccountBalance {
  code: string;
  name: string;
  type: string;
  debitCents: number;
  creditCents: number;
}

/** Each account's balance on its side (net debit or net credit) from the entries effective by `asOf`. */
export async function trialBalance(db: Kysely<Database>, asOf: CalendarDate): Promise<AccountBalance[]> {
  const result = await sql<{ code: string; name: string; type: string; net: number }>`
    select a.code, a.name, a.type, coalesce(sum(l.debit_cents - l.credit_cents), 0)::bigint as net
      from gl_accounts a
      left join (journal_lines l join journal_entries e on e.id = l.entry_id and e.effective_on <= ${asOf}::date)
        on l.account_code = a.code
     group by a.code, a.name, a.type
     order by a.code`.execute(db);
  return result.rows.map((row) => {
    const net = Number(row.net);
    return {
      code: row.code,
      name: row.name,
      type: row.type,
      debitCents: Math.max(net, 0),
      creditCents: Math.max(-net, 0),
    };
  });
}

export interface JournalFilter {
  account?: string | undefined;
  from?: CalendarDate | undefined;
  to?: CalendarDate | undefined;
  eventType?: string | undefined;
  eventId?: string | undefined;
  contractId?: string | undefined;
}

export interface JournalEntryWithLines {
  entry: JournalEntryRow;
  lines: (JournalLineRow & { account_name: string })[];
}

/** A page of entries, newest first, after the entry numbered `beforeNumber`. */
export async function listJournalEntries(
  db: Kysely<Database>,
  filter: JournalFilter,
  page: { limit: number; beforeNumber?: number | undefined; ascending?: boolean },
): Promise<JournalEntryWithLines[]> {
  let query = db.selectFrom('journal_entries as e').selectAll('e');
  if (filter.from) query = query.where('e.effective_on', '>=', filter.from);
  if (filter.to) query = query.where('e.effective_on', '<=', filter.to);
  if (filter.eventType) query = query.where('e.event_type', '=', filter.eventType);
  if (filter.eventId) query = query.where('e.event_id', '=', filter.eventId);
  if (filter.contractId) {
    const contractId = filter.contractId;
    query = query.where((eb) =>
      eb.or([
        eb('e.contract_id', '=', contractId),
        eb.exists(
          eb
            .selectFrom('journal_lines as cl')
            .select('cl.id')
            .whereRef('cl.entry_id', '=', 'e.id')
            .where('cl.contract_id', '=', contractId),
        ),
      ]),
    );
  }
  if (filter.account) {
    const account = filter.account;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('journal_lines as al')
          .select('al.id')
          .whereRef('al.entry_id', '=', 'e.id')
          .where('al.account_code', '=', account),
      ),
    );
  }
  if (page.beforeNumber !== undefined)
    query = query.where('e.entry_number', page.ascending ? '>' : '<', page.beforeNumber);
  const entries = await query
    .orderBy('e.entry_number', page.ascending ? 'asc' : 'desc')
    .limit(page.limit)
    .execute();
  if (entries.length === 0) return [];
  const lines = await db
    .selectFrom('journal_lines as l')
    .innerJoin('gl_accounts as a', 'a.code', 'l.account_code')
    .selectAll('l')
    .select('a.name as account_name')
    .where(
      'l.entry_id',
      'in',
      entries.map((entry) => entry.id),
    )
    .orderBy('l.entry_id')
    .orderBy('l.line_number')
    .execute();
  const byEntry = new Map<string, JournalEntryWithLines['lines']>();
  for (const line of lines) {
    const list = byEntry.get(line.entry_id) ?? [];
    list.push(line);
    byEntry.set(line.entry_id, list);
  }
  return entries.map((entry) => ({ entry, lines: byEntry.get(entry.id) ?? [] }));
}

export async function findJournalEntryNumber(db: Kysely<Database>, id: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('journal_entries')
    .select('entry_number')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.entry_number;
}

export async function findJournalEntryByKey(db: Kysely<Database>, eventKey: string) {
  return db.selectFrom('journal_entries').selectAll().where('event_key', '=', eventKey).executeTakeFirst();
}

export async function listAccounts(db: Kysely<Database>) {
  return db.selectFrom('gl_accounts').selectAll().orderBy('code').execute();
}

export interface PremiumMonth {
  month: string;
  writtenCents: number;
  earnedCents: number;
}

/**
 * Written premium (credits less debits to unearned premium by the entries that write or void contracts)
 * and earned premium (net credits to earned premium) per month of the entries' effective dates.
 */
export async function premiumByMonth(
  db: Kysely<Database>,
  range: { from: CalendarDate; to: CalendarDate },
): Promise<PremiumMonth[]> {
  const result = await sql<{ month: string; written: number; earned: number }>`
    select to_char(e.effective_on, 'YYYY-MM') as month,
           coalesce(sum(l.credit_cents - l.debit_cents) filter (
             where l.account_code = '2000' and e.event_type in ('contract_written', 'contracts_imported', 'contracts_seeded', 'opening_balance', 'contract_voided')
               and not (e.event_type = 'opening_balance' and l.debit_cents > 0)), 0)::bigint as written,
           coalesce(sum(l.credit_cents - l.debit_cents) filter (where l.account_code = '4000'), 0)::bigint as earned
      from journal_entries e join journal_lines l on l.entry_id = e.id
     where e.effective_on between ${range.from}::date and ${range.to}::date
     group by 1 order by 1`.execute(db);
  return result.rows.map((row) => ({
    month: row.month,
    writtenCents: Number(row.written),
    earnedCents: Number(row.earned),
  }));
}
