// All SQL of lender events: runs, their staged rows (written in batches as the file streams in),
// the applied events keyed by (VIN, event, date), their refunds, and the set-based look-ups a batch
// needs (events already applied), and the batch's writes (one statement each).
import { type Kysely, sql } from 'kysely';
import { sameLienholder } from '../contracts/contract.repository.js';
import { insertJsonRows } from '../platform/db/json-rows.repository.js';
import type {
  Database,
  LenderEventCancellationJson,
  LenderEventRowStatus,
  LenderEventRunStatus,
  LenderEventRunsTable,
  LenderEventType,
  Role,
} from '../platform/db/schema.js';
import type { RawLenderEvent } from './lender-event-rules.js';

export interface StartedBy {
  userId: string;
  email: string;
  role: Role;
  lienholderName: string | null;
}

export async function insertRun(
  db: Kysely<Database>,
  run: {
    id: string;
    source: 'json' | 'csv';
    fileName: string | null;
    lienholderName: string | null;
    startedBy: StartedBy;
    requestId: string | null;
    idempotency: { principal: string; key: string } | null;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('lender_event_runs')
    .values({
      id: run.id,
      status: 'receiving',
      source: run.source,
      file_name: run.fileName,
      content_sha256: null,
      idempotency_principal: run.idempotency?.principal ?? null,
      idempotency_key: run.idempotency?.key ?? null,
      lienholder_name: run.lienholderName,
      failure: null,
      started_by: JSON.stringify(run.startedBy),
      request_id: run.requestId,
      created_at: run.now,
      updated_at: run.now,
      finished_at: null,
    })
    .execute();
}

export async function findRunByIdempotencyKey(db: Kysely<Database>, principal: string, key: string) {
  return db
    .selectFrom('lender_event_runs')
    .selectAll()
    .where('idempotency_principal', '=', principal)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function findRun(db: Kysely<Database>, id: string) {
  return db.selectFrom('lender_event_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export type RunRow = NonNullable<Awaited<ReturnType<typeof findRun>>>;

export async function listRuns(
  db: Kysely<Database>,
  filter: { lienholderName: string | null; limit: number },
): Promise<RunRow[]> {
  let query = db
    .selectFrom('lender_event_runs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (filter.lienholderName !== null) query = query.where('lienholder_name', '=', filter.lienholderName);
  return query.limit(filter.limit).execute();
}

/** A staged row: pending (to apply) or already rejected (it could not be read as an event). */
export interface StagedRow {
  line: number;
  raw: RawLenderEvent;
  rejection: { code: string; detail: string; param: string | null } | null;
}

/** Writes one batch of staged rows (one multi-row insert). */
export async function stageRows(
  db: Kysely<Database>,
  runId: string,
  rows: readonly StagedRow[],
): Promise<void> {
  await insertJsonRows(
    db,
    'lender_event_rows',
    rows.map((row) => ({
      run_id: runId,
      line: row.line,
      vin: row.raw.vin,
      event: row.raw.event,
      event_date: row.raw.eventDate,
      odometer: row.raw.odometer,
      reference: row.raw.reference,
      status: row.rejection ? ('rejected' as const) : ('pending' as const),
      code: row.rejection?.code ?? null,
      detail: row.rejection?.detail ?? null,
      param: row.rejection?.param ?? null,
    })),
  );
}

export async function setRunStatus(
  db: Kysely<Database>,
  runId: string,
  values: Partial<Pick<LenderEventRunsTable, 'status' | 'content_sha256' | 'failure'>> & {
    now: Date;
    finished?: boolean;
  },
): Promise<void> {
  const { now, finished, ...rest } = values;
  await db
    .updateTable('lender_event_runs')
    .set({ ...rest, updated_at: now, ...(finished ? { finished_at: now } : {}) })
    .where('id', '=', runId)
    .execute();
}

/** Counts the staged rows into rows_total (and those rejected while reading into the counters). */
export async function sealStagedRun(
  db: Kysely<Database>,
  runId: string,
  contentSha256: string,
  now: Date,
  csvColumns: Record<string, string> | null = null,
): Promise<void> {
  await sql`
    update lender_event_runs r set
      status = 'queued',
      content_sha256 = ${contentSha256},
      csv_columns = ${csvColumns === null ? null : JSON.stringify(csvColumns)}::jsonb,
      rows_total = s.total,
      rows_done = s.rejected,
      rejected = s.rejected,
      updated_at = ${now}
    from (
      select count(*)::int as total, count(*) filter (where status = 'rejected')::int as rejected
      from lender_event_rows where run_id = ${runId}
    ) s
    where r.id = ${runId}`.execute(db);
}

export async function deleteStagedRun(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('lender_event_rows').where('run_id', '=', runId).execute();
}

/** The tables a run reads by key and grows (contracts: read by VIN and updated). */
const RUN_TABLES = [
  'journal_entries',
  'journal_lines',
  'cancellations',
  'ledger_entries',
  'lender_events',
  'lender_event_rows',
  'contracts',
] as const;

/**
 * Refreshes the planner's statistics of the tables a run of `rows` events reads by key and grows, when
 * they are stale for it. The embedded database (PGlite) has no autovacuum: a table analyzed while nearly
 * empty stays "empty" to the planner, and the per-row checks (foreign keys into journal_entries and
 * lender_events) and the journal's balance check then scan the whole table, so each batch got slower than
 * the one before. A table is analyzed when it was never analyzed or its statistics count fewer rows than
 * the run is about to add (pg_class.reltuples, both engines); one already larger keeps its statistics
 * (analyzing it cost about as much as applying a few hundred events, at every run of a nightly file).
 * On a PostgreSQL server autovacuum keeps them fresh anyway.
 */
export async function analyzeGrowingTables(db: Kysely<Database>, rows: number): Promise<string[]> {
  const stale = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    where c.oid = any(array[${sql.join(RUN_TABLES.map((name) => sql.lit(name)))}]::regclass[])
      and c.reltuples < ${rows}
    order by c.relname`.execute(db);
  const names = stale.rows.map((row) => row.name);
  if (names.length > 0) await sql`analyze ${sql.join(names.map((name) => sql.table(name)))}`.execute(db);
  return names;
}

export interface PendingRow {
  line: number;
  raw: RawLenderEvent;
}

/** The next pending rows of a run after line `afterLine`, in file order. */
export async function nextPendingRows(
  db: Kysely<Database>,
  runId: string,
  limit: number,
  afterLine = 0,
): Promise<PendingRow[]> {
  const rows = await db
    .selectFrom('lender_event_rows')
    .select(['line', 'vin', 'event', 'event_date', 'odometer', 'reference'])
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    line: row.line,
    raw: {
      vin: row.vin,
      event: row.event,
      eventDate: row.event_date,
      odometer: row.odometer,
      reference: row.reference,
    },
  }));
}

/** Re-counts the run's progress from its rows (one statement): rows done and the outcome counters. */
export async function refreshRunProgress(
  db: Kysely<Database>,
  runId: string,
  now: Date,
  finalStatus: LenderEventRunStatus | null,
): Promise<void> {
  await sql`
    update lender_event_runs r set
      rows_done = s.done,
      cancelled = s.cancelled,
      skipped = s.skipped,
      rejected = s.rejected,
      updated_at = ${now},
      status = coalesce(${finalStatus}::text, r.status),
      finished_at = case when ${finalStatus}::text is null then r.finished_at else ${now}::timestamptz end
    from (
      select
        count(*) filter (where status <> 'pending')::int as done,
        count(*) filter (where status = 'cancelled')::int as cancelled,
        count(*) filter (where status = 'skipped')::int as skipped,
        count(*) filter (where status = 'rejected')::int as rejected
      from lender_event_rows where run_id = ${runId}
    ) s
    where r.id = ${runId}`.execute(db);
}

export interface AppliedEvent {
  vin: string;
  event: LenderEventType;
  eventDate: string;
  status: 'cancelled' | 'skipped';
  code: string | null;
  cancellations: LenderEventCancellationJson[];
}

const naturalKey = (vin: string, event: string, eventDate: string) => `${vin}|${event}|${eventDate}`;

/** Events of the batch already applied (by any run), keyed by VIN|event|date. */
/**
 * The GAP addenda among `gapContractIds` with a total loss on record: an earlier total-loss event left
 * them for their claim, or a GAP claim was opened on them and not denied.
 */
export async function gapAddendaWithTotalLoss(
  db: Kysely<Database>,
  gapContractIds: readonly string[],
): Promise<Set<string>> {
  if (gapContractIds.length === 0) return new Set();
  const ids = [...new Set(gapContractIds)];
  const rows = await sql<{ contract_id: string }>`
    select x->>'contractId' as contract_id
    from lender_events e
    cross join lateral jsonb_array_elements(e.cancellations) x
    where e.vin in (select vin from contracts where id = any(${ids}::uuid[]))
      and e.event = 'total_loss'
      and x->>'outcome' = 'claimed_not_cancelled'
      and x->>'contractId' = any(${ids}::text[])
    union
    select contract_id::text from gap_claims
    where contract_id = any(${ids}::uuid[]) and status <> 'denied'`.execute(db);
  return new Set(rows.rows.map((row) => row.contract_id));
}

export async function appliedEvents(
  db: Kysely<Database>,
  keys: readonly { vin: string; event: LenderEventType; eventDate: string }[],
): Promise<Map<string, AppliedEvent>> {
  const found = new Map<string, AppliedEvent>();
  if (keys.length === 0) return found;
  const rows = await db
    .selectFrom('lender_events')
    .select([
      'vin',
      'event',
      sql<string>`to_char(event_date, 'YYYY-MM-DD')`.as('event_date'),
      'status',
      'code',
      'cancellations',
    ])
    .where('vin', 'in', [...new Set(keys.map((k) => k.vin))])
    .execute();
  const wanted = new Set(keys.map((k) => naturalKey(k.vin, k.event, k.eventDate)));
  for (const row of rows) {
    const key = naturalKey(row.vin, row.event, row.event_date);
    if (wanted.has(key)) {
      found.set(key, {
        vin: row.vin,
        event: row.event,
        eventDate: row.event_date,
        status: row.status,
        code: row.code,
        cancellations: row.cancellations,
      });
    }
  }
  return found;
}

export { naturalKey };

/** A batch's events with their outcomes, claimed with one insert; answers the ids it inserted. */
export async function claimEvents(
  db: Kysely<Database>,
  events: readonly {
    id: string;
    vin: string;
    event: LenderEventType;
    eventDate: string;
    odometer: number | null;
    reference: string | null;
    runId: string;
    line: number;
    status: 'cancelled' | 'skipped';
    code: string | null;
    cancellations: LenderEventCancellationJson[];
  }[],
): Promise<Set<string>> {
  const rows = await insertJsonRows<{ id: string }>(
    db,
    'lender_events',
    events.map((event) => ({
      id: event.id,
      vin: event.vin,
      event: event.event,
      event_date: event.eventDate,
      odometer: event.odometer,
      reference: event.reference,
      run_id: event.runId,
      line: event.line,
      status: event.status,
      code: event.code,
      cancellations: event.cancellations,
    })),
    { onConflictDoNothing: { constraint: 'lender_events_natural_key' }, returning: ['id'] },
  );
  return new Set(rows.map((row) => row.id));
}

export interface RowOutcome {
  line: number;
  status: Exclude<LenderEventRowStatus, 'pending'>;
  code: string | null;
  detail: string | null;
  param: string | null;
  cancellations: LenderEventCancellationJson[];
}

/**
 * Finishes a batch's rows with one statement (a row already finished is left as it is); answers how
 * many rows it finished with each outcome.
 */
export async function finishRows(
  db: Kysely<Database>,
  runId: string,
  outcomes: readonly RowOutcome[],
): Promise<{ cancelled: number; skipped: number; rejected: number }> {
  const counts = { cancelled: 0, skipped: 0, rejected: 0 };
  if (outcomes.length === 0) return counts;
  const result = await sql<{ status: 'cancelled' | 'skipped' | 'rejected' }>`
    update lender_event_rows r set
      status = v.status, code = v.code, detail = v.detail, param = v.param, cancellations = v.cancellations
    from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
      as v(line integer, status text, code text, detail text, param text, cancellations jsonb)
    where r.run_id = ${runId} and r.line = v.line and r.status = 'pending'
    returning r.status`.execute(db);
  for (const row of result.rows) counts[row.status] += 1;
  return counts;
}

/** Adds a batch's outcomes to the run's progress (in the batch's transaction, so it counts each row once). */
export async function addRunProgress(
  db: Kysely<Database>,
  runId: string,
  counts: { cancelled: number; skipped: number; rejected: number },
  now: Date,
): Promise<void> {
  await db
    .updateTable('lender_event_runs')
    .set((eb) => ({
      rows_done: eb('rows_done', '+', counts.cancelled + counts.skipped + counts.rejected),
      cancelled: eb('cancelled', '+', counts.cancelled),
      skipped: eb('skipped', '+', counts.skipped),
      rejected: eb('rejected', '+', counts.rejected),
      updated_at: now,
    }))
    .where('id', '=', runId)
    .execute();
}

export interface ReportRow {
  line: number;
  vin: string;
  event: string;
  eventDate: string;
  status: LenderEventRowStatus;
  code: string | null;
  detail: string | null;
  param: string | null;
  cancellations: LenderEventCancellationJson[];
}

/** A page of the run's report in file order, after `afterLine`. */
export async function reportPage(
  db: Kysely<Database>,
  runId: string,
  afterLine: number,
  limit: number,
): Promise<ReportRow[]> {
  const rows = await db
    .selectFrom('lender_event_rows')
    .selectAll()
    .where('run_id', '=', runId)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    line: row.line,
    vin: row.vin,
    event: row.event,
    eventDate: row.event_date,
    status: row.status,
    code: row.code,
    detail: row.detail,
    param: row.param,
    cancellations: row.cancellations,
  }));
}

// ---------------------------------------------------------------------------------------------------
// The compliance view: lender-event refunds with their deadlines

export interface RefundRow {
  cancellationId: string;
  contractId: string;
  contractNumber: string;
  vin: string;
  event: LenderEventType;
  eventDate: string;
  lienholderName: string | null;
  refundCents: number;
  payeeKind: 'holder' | 'lienholder';
  payeeName: string;
  refundDueOn: string;
  paidOn: string | null;
  status: 'paid_on_time' | 'paid_late' | 'due' | 'overdue';
}

/** The SQL twin of refundComplianceStatus (refund-compliance.ts), so the filter and counts are set-based. */
const statusSql = (today: string) => sql<RefundRow['status']>`case
  when r.paid_on is not null and r.paid_on <= r.refund_due_on then 'paid_on_time'
  when r.paid_on is not null then 'paid_late'
  when ${today}::date <= r.refund_due_on then 'due'
  else 'overdue' end`;

export async function listRefunds(
  db: Kysely<Database>,
  filter: {
    today: string;
    lienholderName: string | null;
    status: RefundRow['status'] | null;
    startingAfter: string | null;
    limit: number;
    cancellationId?: string;
  },
): Promise<RefundRow[]> {
  const rows = await sql<{
    cancellation_id: string;
    contract_id: string;
    contract_number: string;
    vin: string;
    event: LenderEventType;
    event_date: string;
    lienholder_name: string | null;
    refund_cents: string | number;
    payee_kind: 'holder' | 'lienholder';
    payee_name: string;
    refund_due_on: string;
    paid_on: string | null;
    status: RefundRow['status'];
  }>`
    select * from (
      select r.id as cancellation_id, r.contract_id, c.contract_number, e.vin, e.event,
        to_char(e.event_date, 'YYYY-MM-DD') as event_date, c.lienholder_name, r.refund_cents,
        r.payee_kind, r.payee_name, to_char(r.refund_due_on, 'YYYY-MM-DD') as refund_due_on,
        to_char(r.paid_on, 'YYYY-MM-DD') as paid_on, ${statusSql(filter.today)} as status,
        r.refund_due_on as due_sort
      from cancellations r
      join lender_events e on e.id = r.lender_event_id
      join contracts c on c.id = r.contract_id
      where r.lender_event_id is not null
        and (${filter.lienholderName}::text is null or ${sameLienholder('c.lienholder_name', filter.lienholderName ?? '')})
        and (${filter.cancellationId ?? null}::uuid is null or r.id = ${filter.cancellationId ?? null})
    ) x
    where (${filter.status}::text is null or x.status = ${filter.status})
      and (${filter.startingAfter}::uuid is null or (x.due_sort, x.cancellation_id) >
        (select refund_due_on, id from cancellations where id = ${filter.startingAfter}))
    order by x.due_sort, x.cancellation_id
    limit ${filter.limit}`.execute(db);
  return rows.rows.map((row) => ({
    cancellationId: row.cancellation_id,
    contractId: row.contract_id,
    contractNumber: row.contract_number,
    vin: row.vin,
    event: row.event,
    eventDate: row.event_date,
    lienholderName: row.lienholder_name,
    refundCents: Number(row.refund_cents),
    payeeKind: row.payee_kind,
    payeeName: row.payee_name,
    refundDueOn: row.refund_due_on,
    paidOn: row.paid_on,
    status: row.status,
  }));
}

export async function refundCounts(
  db: Kysely<Database>,
  filter: { today: string; lienholderName: string | null },
): Promise<Record<RefundRow['status'], { count: number; amountCents: number }>> {
  const rows = await sql<{ status: RefundRow['status']; n: number; cents: string | number }>`
    select ${statusSql(filter.today)} as status, count(*)::int as n, coalesce(sum(r.refund_cents), 0)::bigint as cents
    from cancellations r
    where r.lender_event_id is not null
      and (${filter.lienholderName}::text is null
        or exists (select 1 from contracts c where c.id = r.contract_id and ${sameLienholder('c.lienholder_name', filter.lienholderName ?? '')}))
    group by 1`.execute(db);
  const counts = {
    paid_on_time: { count: 0, amountCents: 0 },
    paid_late: { count: 0, amountCents: 0 },
    due: { count: 0, amountCents: 0 },
    overdue: { count: 0, amountCents: 0 },
  };
  for (const row of rows.rows) counts[row.status] = { count: Number(row.n), amountCents: Number(row.cents) };
  return counts;
}

/**
 * Locks the cancellation (as the payment runs lock it before paying its refund) and answers its
 * lender-event refund; undefined when it is no lender-event refund.
 */
export async function refundForUpdate(db: Kysely<Database>, cancellationId: string) {
  return db
    .selectFrom('cancellations')
    .select(['id', 'contract_id', 'refund_cents', 'payee_name', 'paid_on', 'lender_event_id', 'cancel_on'])
    .where('id', '=', cancellationId)
    .forUpdate()
    .executeTakeFirst()
    .then((row) => (row && row.lender_event_id !== null ? row : undefined));
}

export async function markRefundPaid(
  db: Kysely<Database>,
  cancellationId: string,
  paidOn: string,
  reference: string,
): Promise<void> {
  await db
    .updateTable('cancellations')
    .set({ paid_on: paidOn, payment_reference: reference })
    .where('id', '=', cancellationId)
    .execute();
}
