// SQL of dealer statements and remittances. Set-based: the opening balance and the open items for aging
// are aggregates; only the period's lines come back row by row.
import { type Kysely, sql } from 'kysely';
import type { Database, DealerRemittanceStatus } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { OpenItem, StatementLineKind } from './dealer-statement.js';

export async function openingBalanceCents(
  db: Kysely<Database>,
  dealerId: string,
  before: CalendarDate,
): Promise<number> {
  const result = await sql<{ total: string | number | null }>`
    select coalesce(sum(amount_cents), 0)::bigint as total
      from dealer_account_events where dealer_id = ${dealerId} and occurred_on < ${before}::date`.execute(db);
  return Number(result.rows[0]?.total ?? 0);
}

export interface StatementLineRow {
  date: CalendarDate;
  kind: StatementLineKind;
  amountCents: number;
  /** How many movements the line sums: 1 for a movement, the day's number of that kind when summed by day. */
  count: number;
  contractId: string | null;
  contractNumber: string | null;
  remittanceId: string | null;
  reference: string | null;
}

/** Where a page of a period's lines ends: the next page starts after this event (keyset, in order). */
export interface StatementLineCursor {
  date: CalendarDate;
  eventId: number;
}

/** How many events the period holds, counted up to `atMost` (so a huge period costs no more than that). */
export async function countStatementEvents(
  db: Kysely<Database>,
  dealerId: string,
  from: CalendarDate,
  to: CalendarDate,
  atMost: number,
): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from dealer_account_events
       where dealer_id = ${dealerId} and occurred_on >= ${from}::date and occurred_on <= ${to}::date
       limit ${atMost}) as capped`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * The period's events in order (day, then the order they were written), with the contract number or
 * the remittance reference: a page of `limit` after `after` (keyset on the account's index, so every
 * page costs the same however far into the period it is).
 */
export async function statementLines(
  db: Kysely<Database>,
  dealerId: string,
  from: CalendarDate,
  to: CalendarDate,
  page: { limit: number; after?: StatementLineCursor | null | undefined },
): Promise<{ lines: StatementLineRow[]; last: StatementLineCursor | null }> {
  let query = db
    .selectFrom('dealer_account_events as e')
    .leftJoin('contracts as c', 'c.id', 'e.contract_id')
    .leftJoin('dealer_remittances as r', 'r.id', 'e.remittance_id')
    .select([
      'e.id',
      'e.occurred_on as date',
      'e.kind',
      'e.amount_cents',
      'e.contract_id',
      'c.contract_number',
      'e.remittance_id',
      'r.reference',
    ])
    .where('e.dealer_id', '=', dealerId)
    .where('e.occurred_on', '>=', from)
    .where('e.occurred_on', '<=', to);
  const after = page.after;
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('e.occurred_on', 'e.id'), '>', eb.tuple(after.date, after.eventId)),
    );
  const rows = await query.orderBy('e.occurred_on').orderBy('e.id').limit(page.limit).execute();
  const lastRow = rows.at(-1);
  return {
    lines: rows.map((row) => ({
      date: row.date,
      kind: row.kind,
      amountCents: Number(row.amount_cents),
      count: 1,
      contractId: row.contract_id,
      contractNumber: row.contract_number,
      remittanceId: row.remittance_id,
      reference: row.reference,
    })),
    last: lastRow ? { date: lastRow.date, eventId: Number(lastRow.id) } : null,
  };
}

/**
 * The period's events summed by day and kind (a line per day and kind, with how many movements it
 * sums), in order of day and then bookings, voids, chargebacks, remittances; at most `limit` lines.
 */
export async function statementDays(
  db: Kysely<Database>,
  dealerId: string,
  from: CalendarDate,
  to: CalendarDate,
  limit: number,
): Promise<StatementLineRow[]> {
  const result = await sql<{ date: string; kind: StatementLineKind; amount: number; n: number }>`
    select to_char(occurred_on, 'YYYY-MM-DD') as date, kind, sum(amount_cents)::bigint as amount,
           count(*)::int as n
      from dealer_account_events
     where dealer_id = ${dealerId} and occurred_on >= ${from}::date and occurred_on <= ${to}::date
     group by occurred_on, kind
     order by occurred_on,
              case kind when 'contract_booked' then 1 when 'contract_voided' then 2
                        when 'chargeback' then 3 else 4 end
     limit ${limit}`.execute(db);
  return result.rows.map((row) => ({
    date: row.date,
    kind: row.kind,
    amountCents: Number(row.amount),
    count: Number(row.n),
    contractId: null,
    contractNumber: null,
    remittanceId: null,
    reference: null,
  }));
}

/**
 * What aging needs as of `asOf`: each contract's net (its booking less its void, plus its chargeback),
 * dated by its first charge and summed per day; and the remittances (credits not tied to a contract).
 */
export async function openItemsAsOf(
  db: Kysely<Database>,
  dealerId: string,
  asOf: CalendarDate,
): Promise<{ items: OpenItem[]; unappliedCreditsCents: number }> {
  const items = await sql<{ date: string; net: string | number }>`
    with per_contract as (
      select coalesce(min(occurred_on) filter (where amount_cents > 0), min(occurred_on)) as dated,
             sum(amount_cents) as net
        from dealer_account_events
       where dealer_id = ${dealerId} and occurred_on <= ${asOf}::date and contract_id is not null
       group by contract_id
      having sum(amount_cents) <> 0
    )
    select to_char(dated, 'YYYY-MM-DD') as date, sum(net)::bigint as net from per_contract group by dated`.execute(
    db,
  );
  const credits = await sql<{ total: string | number | null }>`
    select coalesce(sum(amount_cents), 0)::bigint as total from dealer_account_events
     where dealer_id = ${dealerId} and occurred_on <= ${asOf}::date and contract_id is null`.execute(db);
  return {
    items: items.rows.map((row) => ({ date: row.date, amountCents: Number(row.net) })),
    unappliedCreditsCents: Number(credits.rows[0]?.total ?? 0),
  };
}

/** The day of the dealer's first account event (a booking, a void, a chargeback, a remittance), or null. */
export async function firstAccountEventOn(
  db: Kysely<Database>,
  dealerId: string,
): Promise<CalendarDate | null> {
  const row = await db
    .selectFrom('dealer_account_events')
    .select(sql<string | null>`to_char(min(occurred_on), 'YYYY-MM-DD')`.as('first_on'))
    .where('dealer_id', '=', dealerId)
    .executeTakeFirst();
  return row?.first_on ?? null;
}

export type RemittanceRow = {
  id: string;
  dealer_id: string;
  amount_cents: number;
  reference: string;
  received_on: string;
  status: DealerRemittanceStatus;
  created_by: string;
  created_at: Date;
  matched_by: string | null;
  matched_at: Date | null;
};

export function insertRemittance(
  db: Kysely<Database>,
  values: {
    dealerId: string;
    amountCents: number;
    reference: string;
    receivedOn: CalendarDate;
    status: DealerRemittanceStatus;
    createdBy: string;
    requestId: string | null;
  },
): Promise<RemittanceRow> {
  return db
    .insertInto('dealer_remittances')
    .values({
      dealer_id: values.dealerId,
      amount_cents: values.amountCents,
      reference: values.reference,
      received_on: values.receivedOn,
      status: values.status,
      created_by: values.createdBy,
      request_id: values.requestId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findRemittanceForUpdate(
  db: Kysely<Database>,
  dealerId: string,
  id: string,
): Promise<RemittanceRow | undefined> {
  return db
    .selectFrom('dealer_remittances')
    .selectAll()
    .where('id', '=', id)
    .where('dealer_id', '=', dealerId)
    .forUpdate()
    .executeTakeFirst();
}

export function markRemittanceMatched(
  db: Kysely<Database>,
  id: string,
  by: string,
  at: Date,
): Promise<RemittanceRow | undefined> {
  return db
    .updateTable('dealer_remittances')
    .set({ status: 'matched', matched_by: by, matched_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

export function listRemittanceRows(
  db: Kysely<Database>,
  dealerId: string,
  filter: { status?: DealerRemittanceStatus | undefined; limit: number },
): Promise<RemittanceRow[]> {
  let query = db
    .selectFrom('dealer_remittances')
    .selectAll()
    .where('dealer_id', '=', dealerId)
    .orderBy('received_on', 'desc')
    .orderBy('created_at', 'desc')
    .limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}

/** Puts a remittance on the dealer's account (once: the remittance id is unique there). */
export async function insertRemittanceEvent(
  db: Kysely<Database>,
  values: {
    dealerId: string;
    remittanceId: string;
    amountCents: number;
    occurredOn: CalendarDate;
    requestId: string | null;
  },
): Promise<void> {
  await db
    .insertInto('dealer_account_events')
    .values({
      dealer_id: values.dealerId,
      contract_id: null,
      remittance_id: values.remittanceId,
      kind: 'remittance',
      amount_cents: -values.amountCents,
      occurred_on: values.occurredOn,
      request_id: values.requestId,
    })
    .execute();
}

/** Every dealer's open items as of `asOf` (the month-end receivables aging), one query. */
export async function allDealersOpenItems(db: Kysely<Database>, asOf: CalendarDate) {
  const items = await sql<{ dealer_id: string; date: string; net: string | number }>`
    with per_contract as (
      select dealer_id, coalesce(min(occurred_on) filter (where amount_cents > 0), min(occurred_on)) as dated,
             sum(amount_cents) as net
        from dealer_account_events
       where occurred_on <= ${asOf}::date and contract_id is not null
       group by dealer_id, contract_id
      having sum(amount_cents) <> 0
    )
    select dealer_id, to_char(dated, 'YYYY-MM-DD') as date, sum(net)::bigint as net
      from per_contract group by dealer_id, dated`.execute(db);
  const credits = await sql<{ dealer_id: string; total: string | number }>`
    select dealer_id, sum(amount_cents)::bigint as total from dealer_account_events
     where occurred_on <= ${asOf}::date and contract_id is null group by dealer_id`.execute(db);
  const dealers = await db.selectFrom('dealers').select(['id', 'code', 'name']).orderBy('code').execute();
  return dealers.map((dealer) => ({
    dealer,
    items: items.rows
      .filter((row) => row.dealer_id === dealer.id)
      .map((row) => ({ date: row.date, amountCents: Number(row.net) })),
    unappliedCreditsCents: Number(credits.rows.find((row) => row.dealer_id === dealer.id)?.total ?? 0),
  }));
}

/** Each dealer's statement balance as of `asOf` (what its account says it owes; one query for all). */
export async function allDealersBalances(db: Kysely<Database>, asOf: CalendarDate) {
  const balances = await sql<{ dealer_id: string; total: string | number }>`
    select dealer_id, sum(amount_cents)::bigint as total from dealer_account_events
     where occurred_on <= ${asOf}::date group by dealer_id`.execute(db);
  const byDealer = new Map(balances.rows.map((row) => [row.dealer_id, Number(row.total)]));
  const dealers = await db.selectFrom('dealers').select(['id', 'code', 'name']).orderBy('code').execute();
  return dealers.map((dealer) => ({ ...dealer, balanceCents: byDealer.get(dealer.id) ?? 0 }));
}
