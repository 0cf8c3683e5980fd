// The general ledger's SQL: posting entries (each with its lines, in the caller's transaction), the
// contracts-written postings (one contract or a whole import batch, set-based), and the reads (trial
// balance, journal pages, premium by month). The database checks that each entry balances when the
// statement writing it ends (migration 0039).
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../platform/audit/audit.repository.js';
import type { Database, JournalEntryRow, JournalLineRow } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { assertCents } from '../shared/money.js';
import { ACCOUNTS } from './chart-of-accounts.js';
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
  const posted = await postJournalEntries(db, [entry]);
  return posted.get(entry.eventKey) ?? null;
}

/** Journal lines per statement: bounds one statement's JSON (an entry's lines are never split). */
const LINES_PER_STATEMENT = 4000;

/**
 * Posts many entries in the caller's transaction (a batch of cancellations, say), each entry with its
 * lines in ONE statement: the database checks, when that statement ends, that every entry it wrote
 * balances (migration 0039), so an entry and its lines always go in together. The entries and lines go
 * as two JSON documents (one parameter each, however many rows). Entries with no lines, or whose event
 * key was already posted, are left out. Answers the posted entries by event key.
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
    // A programmer error, caught before the database refuses the statement.
    if (!isBalanced(entry.lines)) throw new Error(`journal entry ${entry.eventKey} does not balance`);
  }
  // Chunks end on entry boundaries: an entry's lines always go in with its own statement.
  for (let start = 0; start < withLines.length; ) {
    let end = start;
    let lineCount = 0;
    while (
      end < withLines.length &&
      (end === start || lineCount + withLines[end]!.lines.length <= LINES_PER_STATEMENT)
    ) {
      lineCount += withLines[end]!.lines.length;
      end += 1;
    }
    const chunk = withLines.slice(start, end);
    start = end;
    const heads: unknown[] = [];
    const lines: unknown[] = [];
    for (const entry of chunk) {
      const id = randomUUID();
      heads.push({
        id,
        effective_on: entry.effectiveOn,
        event_type: entry.eventType,
        event_id: entry.eventId,
        event_key: entry.eventKey,
        contract_id: entry.contractId ?? null,
        reverses_entry_id: entry.reversesEntryId ?? null,
        memo: entry.memo,
        created_by: entry.actor.label,
        request_id: entry.requestId ?? null,
      });
      entry.lines.forEach((line, index) => {
        lines.push({
          entry_id: id,
          line_number: index + 1,
          account_code: line.account,
          debit_cents: line.debitCents,
          credit_cents: line.creditCents,
          contract_id: line.contractId ?? null,
          plan_code: line.planCode ?? null,
          state: line.state ?? null,
          dealer_code: line.dealerCode ?? null,
        });
      });
    }
    // An entry whose event key is taken is skipped, and so are its lines (joined to the entries written).
    const rows = await sql<{ id: string; entry_number: number; event_key: string }>`
      with written as (
        insert into journal_entries (id, effective_on, event_type, event_id, event_key, contract_id,
                                     reverses_entry_id, memo, created_by, request_id)
        select * from jsonb_to_recordset(${JSON.stringify(heads)}::jsonb) as e(id uuid, effective_on date,
               event_type text, event_id text, event_key text, contract_id uuid, reverses_entry_id uuid,
               memo text, created_by text, request_id text)
        on conflict (event_key) do nothing
        returning id, entry_number, event_key
      ),
      written_lines as (
        insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents,
                                   contract_id, plan_code, state, dealer_code)
        select l.entry_id, l.line_number, l.account_code, l.debit_cents, l.credit_cents, l.contract_id,
               l.plan_code, l.state, l.dealer_code
          from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as l(entry_id uuid, line_number integer,
               account_code text, debit_cents bigint, credit_cents bigint, contract_id uuid, plan_code text,
               state text, dealer_code text)
          join written w on w.id = l.entry_id
      )
      select id, entry_number, event_key from written`.execute(db);
    for (const row of rows.rows)
      posted.set(row.event_key, { id: row.id, entryNumber: Number(row.entry_number) });
  }
  return posted;
}

/**
 * The administrator's premium of a contract (alias `c`): the dealer cost when one is recorded (the
 * dealer keeps the markup; dealer-channel bookings, migration 0016), otherwise the price.
 */
export const PREMIUM_SQL = sql<number>`coalesce(c.dealer_cost_cents, c.price_cents)::bigint`;

/** A contract `c` is on its dealer's statement: it has a dealer account and a dealer cost (postings.ts). */
export const ON_DEALER_STATEMENT_SQL = sql<boolean>`(c.dealer_id is not null and c.dealer_cost_cents is not null)`;

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
  const groups = await sql<{
    plan_code: string;
    state: string;
    dealer_code: string | null;
    on_statement: boolean;
    premium: number;
  }>`
    select c.plan_code, c.purchase_state as state, c.selling_dealer_code as dealer_code,
           ${ON_DEALER_STATEMENT_SQL} as on_statement, sum(${premium})::bigint as premium
      from contracts c where ${filter} and c.status <> 'void'
     group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db);
  const contractId = single ? (contracts as { contractIds: string[] }).contractIds[0]! : null;
  const lines = groups.rows.flatMap((group) =>
    contractWrittenLines(
      Number(group.premium),
      { contractId, planCode: group.plan_code, state: group.state, dealerCode: group.dealer_code },
      group.on_statement,
    ),
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

/**
 * What the books say each dealer owes as of `asOf`: the dealer receivable and chargebacks receivable
 * (1100 + 1150) per dealer code, the dimension every line on them keeps (null: lines naming no dealer).
 */
export async function dealerAccountsByDealer(
  db: Kysely<Database>,
  asOf: CalendarDate,
): Promise<{ dealerCode: string | null; netCents: number }[]> {
  const result = await sql<{ dealer_code: string | null; net: string | number }>`
    select l.dealer_code, sum(l.debit_cents - l.credit_cents)::bigint as net
      from journal_lines l join journal_entries e on e.id = l.entry_id
     where l.account_code in (${ACCOUNTS.dealerReceivable}, ${ACCOUNTS.dealerChargebacks})
       and e.effective_on <= ${asOf}::date
     group by l.dealer_code`.execute(db);
  return result.rows.map((row) => ({ dealerCode: row.dealer_code, netCents: Number(row.net) }));
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
        // A lender-event batch's summary entry carries no contract; its cancellations name it.
        eb(
          'e.id',
          'in',
          eb
            .selectFrom('cancellations as cx')
            .select('cx.journal_entry_id')
            .where('cx.contract_id', '=', contractId)
            .where('cx.journal_entry_id', 'is not', null),
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
