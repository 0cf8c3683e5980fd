// Lender events (issue 16; shared/API.md "Money", POST /lender-events): a lender reports payoffs,
// repossessions and total losses, as JSON or as a CSV of any size. The rows are first staged in the
// database in batches as the body streams in (memory stays flat whatever the size), then applied a batch
// at a time, each batch in one transaction and set-based: the batch's contracts (locked) and its
// already-applied events are read with one statement each, every row is decided by the pure rules and the
// cancellation quote (the same rule, refusals and payee as a cancellation asked for by hand; refundDueOn
// from the state rule), and each kind of row the batch writes goes in with one statement (the journal:
// one summary entry per batch, naming the run and the batch's lines). An event is
// keyed by (VIN, event, date): sending it again changes nothing. A small file is applied before the
// answer; a large one by the pg-boss job `apply-lender-events`, with its progress (rows done / total)
// updated by every batch and its report downloadable as CSV.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { postJournalEntry } from '../accounting/journal.repository.js';
import type { CancellationsService, QuotedCancellation } from '../cancellations/cancellations.service.js';
import { lockContractsByVin } from '../contracts/contract.repository.js';
import { refuseWhileOfacHold } from '../ofac/ofac-holds.js';
import type { Actor } from '../platform/audit/audit.repository.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ContractRow, Database, LenderEventCancellationJson } from '../platform/db/schema.js';
import { asUseCase, type Tx, transactional } from '../platform/db/transaction.js';
import { idempotencyKeyReused } from '../platform/http/idempotency.js';
import { calendarDateInZone, compareDates, isCalendarDateInWindow } from '../shared/calendar-date.js';
import { csvLine } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { type CsvBatchStats, CsvFileRefusedError, readCsvBatches } from './csv-batches.js';
import {
  type AddOnFacts,
  checkLenderEvent,
  LENDER_EVENT_COLUMNS,
  type LenderEvent,
  planLenderEvent,
  REQUIRED_LENDER_EVENT_COLUMNS,
  readJsonEvent,
  rowOutcome,
} from './lender-event-rules.js';
import * as repo from './lender-events.repository.js';
import { type RefundComplianceStatus, refundPaidLines } from './refund-compliance.js';

export const LENDER_EVENTS_QUEUE = 'apply-lender-events';
/** The journal's event type of a lender-event batch's summary entry (its event id is the run's id). */
export const LENDER_EVENT_BATCH_ENTRY = 'lender_event_batch';
/** The summary entry's key: the run and the batch's first and last line of the file. */
export const lenderEventBatchKey = (runId: string, firstLine: number, lastLine: number) =>
  `${LENDER_EVENT_BATCH_ENTRY}:${runId}:${firstLine}-${lastLine}`;
/** Rows staged per insert and applied per batch. */
export const LENDER_EVENT_BATCH_SIZE = 500;

export interface LenderEventRunView {
  runId: string;
  status: 'receiving' | 'queued' | 'running' | 'finished' | 'failed';
  source: 'json' | 'csv';
  fileName: string | null;
  rowsTotal: number;
  rowsDone: number;
  cancelled: number;
  skipped: number;
  rejected: number;
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface LenderEventResult {
  line: number;
  vin: string;
  event: string;
  eventDate: string;
  status: 'pending' | 'cancelled' | 'skipped' | 'rejected';
  code: string | null;
  detail: string | null;
  param: string | null;
  cancellations: LenderEventCancellationJson[];
}

export interface ReceiveOptions {
  principal: Principal;
  actor: Actor;
  fileName: string | null;
  requestId: string | null;
  idempotency: { principal: string; key: string } | null;
  maxBytes?: number;
}

function runView(row: repo.RunRow): LenderEventRunView {
  return {
    runId: row.id,
    status: row.status,
    source: row.source,
    fileName: row.file_name,
    rowsTotal: row.rows_total,
    rowsDone: row.rows_done,
    cancelled: row.cancelled,
    skipped: row.skipped,
    rejected: row.rejected,
    failure: row.failure,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

const CSV_SPEC = {
  columns: LENDER_EVENT_COLUMNS,
  required: REQUIRED_LENDER_EVENT_COLUMNS,
  aliases: {
    eventtype: 'event',
    type: 'event',
    date: 'eventDate',
    loanreference: 'reference',
    loan: 'reference',
    lenderreference: 'reference',
  },
} as const;

export function createLenderEventsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  cancellations: CancellationsService;
  timeZone: string;
  /** Files with at most this many rows are applied before the answer; larger ones by the job. */
  inlineMaxRows: number;
  /** Batches of a run under way at once (PostgreSQL server: 2; the embedded database: 1). */
  concurrentBatches?: number;
}) {
  const { db, clock, cancellations } = deps;
  let boss: PgBoss | null = null;
  const today = () => calendarDateInZone(clock.now(), deps.timeZone);

  function lienholderOf(principal: Principal): string | null {
    if (principal.kind === 'user' && principal.role === 'lender') return principal.lienholderName ?? '';
    return null;
  }

  function startedBy(principal: Principal): repo.StartedBy {
    if (principal.kind !== 'user')
      throw new AppError('forbidden', 'Only staff and lenders report lender events.');
    return {
      userId: principal.userId,
      email: principal.email,
      role: principal.role,
      lienholderName: principal.lienholderName ?? null,
    };
  }

  /** The run a caller may see: a lender sees only its own lienholder's runs. */
  async function visibleRun(principal: Principal, runId: string): Promise<repo.RunRow> {
    const run = await repo.findRun(db, runId);
    const lienholder = lienholderOf(principal);
    if (!run || (lienholder !== null && run.lienholder_name !== lienholder)) {
      throw new AppError('not_found', 'No lender-event run with that id.');
    }
    return run;
  }

  /** An earlier run with the same Idempotency-Key: the same body → that run; another body → 422. */
  async function replayed(options: ReceiveOptions, sha256: string): Promise<repo.RunRow | null> {
    if (!options.idempotency) return null;
    const earlier = await repo.findRunByIdempotencyKey(
      db,
      options.idempotency.principal,
      options.idempotency.key,
    );
    if (!earlier) return null;
    if (earlier.content_sha256 !== sha256) {
      throw idempotencyKeyReused(
        'This Idempotency-Key was used with a different lender-event file; use a new key for a new file.',
      );
    }
    return earlier;
  }

  async function openRun(source: 'json' | 'csv', options: ReceiveOptions): Promise<string> {
    const id = randomUUID();
    await repo.insertRun(db, {
      id,
      source,
      fileName: options.fileName,
      lienholderName: lienholderOf(options.principal),
      startedBy: startedBy(options.principal),
      requestId: options.requestId,
      idempotency: options.idempotency,
      now: clock.now(),
    });
    return id;
  }

  async function receiveJson(events: readonly unknown[], options: ReceiveOptions) {
    const rows: repo.StagedRow[] = events.map((event, index) => ({
      line: index + 1,
      ...readJsonEvent(event),
    }));
    const sha256 = createHash('sha256')
      .update(JSON.stringify(rows.map((r) => r.raw)))
      .digest('hex');
    const earlier = await replayed(options, sha256);
    if (earlier) return afterStaging(earlier.id);
    const runId = await openRun('json', options);
    for (let start = 0; start < rows.length; start += LENDER_EVENT_BATCH_SIZE) {
      await repo.stageRows(db, runId, rows.slice(start, start + LENDER_EVENT_BATCH_SIZE));
    }
    await repo.sealStagedRun(db, runId, sha256, clock.now());
    await audit(runId, options, rows.length);
    return afterStaging(runId, options);
  }

  /**
   * Streams a CSV body into the run's staged rows, a batch per insert; the whole body is hashed as it
   * passes (for the Idempotency-Key). A file that stops being CSV stages nothing: the run fails whole.
   */
  async function receiveCsv(
    source: AsyncIterable<Buffer | string>,
    options: ReceiveOptions,
    stats?: CsvBatchStats,
  ) {
    const hash = createHash('sha256');
    if (options.idempotency) {
      const earlier = await repo.findRunByIdempotencyKey(
        db,
        options.idempotency.principal,
        options.idempotency.key,
      );
      if (earlier) {
        for await (const chunk of source) hash.update(chunk);
        const again = await replayed(options, hash.digest('hex'));
        return afterStaging((again as repo.RunRow).id);
      }
    }
    const runId = await openRun('csv', options);
    let rows = 0;
    let written: ReadonlyMap<string, string> = new Map();
    try {
      for await (const batch of readCsvBatches(source, CSV_SPEC, {
        batchSize: LENDER_EVENT_BATCH_SIZE,
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
        ...(stats ? { stats } : {}),
        onChunk: (chunk) => hash.update(chunk),
        onHeader: (names) => {
          written = names;
        },
      })) {
        rows += batch.length;
        await repo.stageRows(
          db,
          runId,
          batch.map((item) => ({ line: item.line, raw: item.values, rejection: item.rejection })),
        );
      }
    } catch (error) {
      await repo.deleteStagedRun(db, runId);
      const failure = error instanceof Error ? error.message : String(error);
      await repo.setRunStatus(db, runId, { status: 'failed', failure, now: clock.now(), finished: true });
      if (error instanceof CsvFileRefusedError) {
        const tooLarge = error.detail.startsWith('The file is larger');
        throw new AppError(tooLarge ? 'payload_too_large' : 'validation_failed', error.detail, {
          ...(error.param ? { param: error.param } : {}),
        });
      }
      throw error;
    }
    await repo.sealStagedRun(db, runId, hash.digest('hex'), clock.now(), Object.fromEntries(written));
    await audit(runId, options, rows);
    return afterStaging(runId, options);
  }

  async function audit(runId: string, options: ReceiveOptions, rows: number) {
    await recordAudit(db, {
      actor: options.actor,
      action: 'lender_events.received',
      entityType: 'lender_event_run',
      entityId: runId,
      data: { rows, fileName: options.fileName },
      requestId: options.requestId,
    });
  }

  /** Applies a small run now; queues a large one for the job. */
  async function afterStaging(
    runId: string,
    options?: ReceiveOptions,
  ): Promise<{ run: LenderEventRunView; queued: boolean }> {
    let run = (await repo.findRun(db, runId)) as repo.RunRow;
    if (options && run.status === 'queued') {
      if (run.rows_total > deps.inlineMaxRows) {
        // Applied by the job (a process built without a job queue — tests — leaves it queued for applyRun).
        if (boss)
          await boss.send(
            LENDER_EVENTS_QUEUE,
            { runId },
            { singletonKey: runId, retryLimit: 5, retryDelay: 30 },
          );
        return { run: runView(run), queued: true };
      }
      await applyRun(runId);
      run = (await repo.findRun(db, runId)) as repo.RunRow;
    }
    return { run: runView(run), queued: run.status === 'queued' || run.status === 'running' };
  }

  /**
   * Applies a run's pending rows a batch at a time until none is left; safe to run again after a crash
   * (each batch finishes its rows in the transaction that applies them, so a row is applied once).
   *
   * On a PostgreSQL server up to `concurrentBatches` batches are under way at once, each in its own
   * transaction, so that the app works out one batch while the database writes the one before. File
   * order is kept: a batch locks its contracts only once the batch before has locked its own (a vehicle
   * of both then waits for the earlier batch to commit, and reads as it left it), and it takes the run's
   * progress row and commits only once the batch before has committed (when that one fails, the later
   * ones roll back with it). The embedded database has one connection: one batch at a time.
   */
  async function applyRun(
    runId: string,
    options: { batchSize?: number; concurrentBatches?: number } = {},
  ): Promise<LenderEventRunView> {
    const run = await repo.findRun(db, runId);
    if (!run) throw new AppError('not_found', 'No lender-event run with that id.');
    if (run.status === 'finished' || run.status === 'failed' || run.status === 'receiving')
      return runView(run);
    await repo.setRunStatus(db, runId, { status: 'running', now: clock.now() });
    const actor: Actor = { kind: 'user', id: run.started_by.userId, label: run.started_by.email };
    const batchSize = options.batchSize ?? LENDER_EVENT_BATCH_SIZE;
    const depth = Math.max(1, options.concurrentBatches ?? deps.concurrentBatches ?? 1);
    if (run.rows_total >= LENDER_EVENT_BATCH_SIZE) await repo.analyzeGrowingTables(db, run.rows_total);
    const underWay: BatchOrder[] = [];
    let previous: BatchOrder = FIRST_BATCH;
    let afterLine = 0;
    try {
      for (;;) {
        // The rows of the batches under way are still pending (not committed): read on after them.
        const pending = await repo.nextPendingRows(db, runId, batchSize, afterLine);
        if (pending.length === 0) break;
        afterLine = pending[pending.length - 1]!.line;
        const order = batchOrder();
        const ahead = previous;
        order.settle(applyBatch(run, pending, actor, ahead, order));
        previous = order;
        underWay.push(order);
        if (underWay.length >= depth) await underWay.shift()!.committed;
      }
    } finally {
      // Every batch under way ends (commits or rolls back) before the run's state is touched again.
      await Promise.allSettled(underWay.map((batch) => batch.committed));
    }
    for (const batch of underWay) await batch.committed;
    await repo.refreshRunProgress(db, runId, clock.now(), 'finished');
    return runView((await repo.findRun(db, runId)) as repo.RunRow);
  }

  /**
   * One batch in one transaction, set-based: the contracts on the batch's VINs are locked and its
   * already-applied events read with one statement each; each row is then decided in file order by the
   * pure rules (planLenderEvent, and the cancellation quote through the cancellations service, with the
   * claims paid of every contract read once), a contract cancelled by an earlier row reading as cancelled
   * to the later ones; then every kind of row the batch writes (events, cancellations, refunds,
   * chargebacks, audit, webhook events, the rows' outcomes, the run's progress) is written with one
   * statement, and the general ledger gets one summary entry for the batch (its cancellations' lines
   * summed by account, plan, state and dealer; it names the run and the batch's lines). A row the rules refuse is rejected with its code while the rest go on; nothing of a
   * refused row is written.
   */
  async function applyBatch(
    run: repo.RunRow,
    pending: repo.PendingRow[],
    actor: Actor,
    ahead: BatchOrder,
    order: BatchOrder,
  ) {
    const onDate = today();
    // A CSV row's column named as the file's header writes it (`event_date`); a JSON row's by its field.
    const asSent = (param: string | null) => (param === null ? null : (run.csv_columns?.[param] ?? param));
    const checked = pending.map((row) => ({ line: row.line, result: checkLenderEvent(row.raw, onDate) }));
    const events = checked.flatMap((c) => (c.result.ok ? [c.result.event] : []));
    const requestId = run.request_id ?? `lender-event-run:${run.id}`;
    await transactional(db)(async (trx) => {
      await ahead.locked;
      let contracts: ContractRow[];
      try {
        contracts = await lockContractsByVin(
          trx,
          events.map((event) => event.vin),
          run.lienholder_name,
        );
      } finally {
        order.lockedNow();
      }
      const applied = await repo.appliedEvents(trx, events);
      const totalLoss = await repo.gapAddendaWithTotalLoss(
        trx,
        contracts.filter((row) => row.product === 'gap' && row.status === 'active').map((row) => row.id),
      );
      const quote = await cancellations.batchQuoter(trx, contracts);
      const onVehicle = new Map<string, { row: ContractRow; facts: AddOnFacts }[]>();
      for (const row of contracts) {
        const list = onVehicle.get(row.vin) ?? [];
        list.push({ row, facts: addOnFactsOf(row, totalLoss) });
        onVehicle.set(row.vin, list);
      }
      const outcomes: repo.RowOutcome[] = [];
      const claims: ClaimedEvent[] = [];
      // An event applied earlier in this batch: its key → its cancellations.
      const appliedHere = new Map<string, LenderEventCancellationJson[]>();
      for (const { line, result } of checked) {
        if (!result.ok) {
          outcomes.push({
            line,
            status: 'rejected',
            code: result.code,
            detail: result.detail,
            param: asSent(result.param),
            cancellations: [],
          });
          continue;
        }
        const event = result.event;
        const key = repo.naturalKey(event.vin, event.event, event.eventDate);
        const earlier = applied.get(key)?.cancellations ?? appliedHere.get(key);
        if (earlier) {
          outcomes.push(duplicateOutcome(line, earlier));
          continue;
        }
        const addOns = onVehicle.get(event.vin) ?? [];
        const plan = planLenderEvent(
          event,
          addOns.map((addOn) => addOn.facts),
        );
        if (plan.kind === 'reject') {
          outcomes.push({
            line,
            status: 'rejected',
            code: plan.code,
            detail: plan.detail,
            param: asSent('vin'),
            cancellations: [],
          });
          continue;
        }
        const quoted = new Map<string, QuotedCancellation>();
        try {
          for (const decision of plan.decisions) {
            if (decision.action !== 'cancel') continue;
            const addOn = addOns.find((a) => a.row.id === decision.contractId)!;
            quoted.set(
              decision.contractId,
              await quote(addOn.row, {
                cancelOn: decision.cancelOn,
                odometer: decision.odometer,
                reason: event.event,
              }),
            );
          }
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          outcomes.push({
            line,
            status: 'rejected',
            code: error.code,
            detail: error.message,
            param: asSent(error.param ?? null),
            cancellations: [],
          });
          continue;
        }
        const results = plan.decisions.map((decision): LenderEventCancellationJson => {
          const product = addOns.find((a) => a.row.id === decision.contractId)!.facts.product;
          const done = quoted.get(decision.contractId);
          if (decision.action === 'skip' || !done) {
            return {
              contractId: decision.contractId,
              cancellationId: null,
              product,
              outcome: decision.action === 'skip' ? decision.outcome : 'cancelled',
              refundCents: null,
              payee: null,
              refundDueOn: null,
            };
          }
          return {
            contractId: decision.contractId,
            cancellationId: done.cancellationId,
            product,
            outcome: 'cancelled',
            refundCents: done.quoted.refundCents,
            payee: done.quoted.payee,
            refundDueOn: done.quoted.refundDueOn,
          };
        });
        // What this event cancels reads as cancelled to the batch's later rows (another event, same VIN).
        for (const addOn of addOns) if (quoted.has(addOn.row.id)) addOn.facts.status = 'cancelled';
        // A total loss leaves the vehicle's GAP addendum for its claim, for the batch's later rows too.
        if (event.event === 'total_loss') for (const addOn of addOns) addOn.facts.totalLossReported = true;
        const outcome = rowOutcome(plan.decisions);
        appliedHere.set(key, results);
        claims.push({
          id: randomUUID(),
          ...event,
          runId: run.id,
          line,
          ...outcome,
          cancellations: results,
          quoted: [...quoted.values()],
        });
        outcomes.push({ line, ...outcome, detail: null, param: null, cancellations: results });
      }

      // Claim the events' natural keys. On PostgreSQL a concurrent run that applied the same event has
      // committed by now (it held the same contracts' locks); its event wins and this row is a duplicate.
      const claimed = await repo.claimEvents(trx, claims);
      const lost = claims.filter((claim) => !claimed.has(claim.id));
      if (lost.length > 0) {
        const again = await repo.appliedEvents(trx, lost);
        for (const claim of lost) {
          const index = outcomes.findIndex((o) => o.line === claim.line);
          outcomes[index] = duplicateOutcome(
            claim.line,
            again.get(repo.naturalKey(claim.vin, claim.event, claim.eventDate))?.cancellations ?? [],
          );
        }
      }
      const kept = claims.filter((claim) => claimed.has(claim.id));
      // Each cancellation names its event: its refund is the event's lender-event refund (the compliance
      // view), with the deadline from the state rule on the cancellation record.
      const executed = kept.flatMap((claim) =>
        claim.quoted.map((item) => ({ ...item, lenderEventId: claim.id })),
      );
      // One journal entry for the batch, naming the run and the batch's lines (the drill-down from the
      // journal to the run's rows and their cancellations).
      const first = pending[0]!.line;
      const last = pending[pending.length - 1]!.line;
      await cancellations.cancelQuoted(trx, executed, actor, requestId, {
        eventType: LENDER_EVENT_BATCH_ENTRY,
        eventId: run.id,
        eventKey: lenderEventBatchKey(run.id, first, last),
        memo: `Cancellations of lender-event run ${run.id}, lines ${first}–${last} (${executed.length} contracts)`,
      });
      const counts = await repo.finishRows(trx, run.id, outcomes);
      // The run's row is the one row every batch updates. A batch updates it only once the batch before
      // has committed (holding it sooner, it could make the batch before wait for it while it waits for
      // that batch), and so commits after it.
      await ahead.committed;
      await repo.addRunProgress(trx, run.id, counts, clock.now());
    });
  }

  async function results(principal: Principal, runId: string, page: { afterLine: number; limit: number }) {
    await visibleRun(principal, runId);
    const rows = await repo.reportPage(db, runId, page.afterLine, page.limit + 1);
    return { data: rows.slice(0, page.limit) as LenderEventResult[], hasMore: rows.length > page.limit };
  }

  /** The run's report as CSV, a page of rows at a time (any size). */
  async function* reportCsv(principal: Principal, runId: string): AsyncGenerator<string> {
    await visibleRun(principal, runId);
    yield 'line,vin,event,event_date,status,code,contract_ids,refund_cents,payees,refund_due_on,detail\n';
    let after = 0;
    for (;;) {
      const rows = await repo.reportPage(db, runId, after, 1000);
      if (rows.length === 0) return;
      let text = '';
      for (const row of rows) {
        const cancelled = row.cancellations.filter((c) => c.outcome === 'cancelled');
        text += csvLine([
          row.line,
          row.vin,
          row.event,
          row.eventDate,
          row.status,
          row.code,
          row.cancellations.map((c) => c.contractId).join(' '),
          cancelled.map((c) => c.refundCents).join(' '),
          cancelled.map((c) => c.payee?.name ?? '').join(' | '),
          cancelled.map((c) => c.refundDueOn).join(' '),
          row.detail,
        ]);
      }
      yield text;
      after = rows[rows.length - 1]!.line;
    }
  }

  // -------------------------------------------------------------------------------------------------
  // The compliance view

  async function refunds(
    principal: Principal,
    query: { status: RefundComplianceStatus | null; startingAfter: string | null; limit: number },
  ) {
    const onDate = today();
    const lienholderName = lienholderOf(principal);
    const rows = await repo.listRefunds(db, {
      ...query,
      limit: query.limit + 1,
      today: onDate,
      lienholderName,
    });
    return {
      asOf: onDate,
      counts: await repo.refundCounts(db, { today: onDate, lienholderName }),
      data: rows.slice(0, query.limit),
      hasMore: rows.length > query.limit,
    };
  }

  async function* refundsCsv(
    principal: Principal,
    status: RefundComplianceStatus | null,
  ): AsyncGenerator<string> {
    const onDate = today();
    const lienholderName = lienholderOf(principal);
    yield 'cancellation_id,contract_number,vin,event,event_date,lienholder,refund_cents,payee_kind,payee_name,refund_due_on,paid_on,status\n';
    let startingAfter: string | null = null;
    for (;;) {
      const rows = await repo.listRefunds(db, {
        today: onDate,
        lienholderName,
        status,
        startingAfter,
        limit: 1000,
      });
      if (rows.length === 0) return;
      yield rows
        .map((r) =>
          csvLine([
            r.cancellationId,
            r.contractNumber,
            r.vin,
            r.event,
            r.eventDate,
            r.lienholderName,
            r.refundCents,
            r.payeeKind,
            r.payeeName,
            r.refundDueOn,
            r.paidOn,
            r.status,
          ]),
        )
        .join('');
      startingAfter = rows[rows.length - 1]!.cancellationId;
    }
  }

  /** Records that a lender-event refund was paid: refunds payable settled from cash, audited. */
  async function recordRefundPayment(
    trx: Tx,
    cancellationId: string,
    payment: { paidOn: string; reference: string },
    actor: Actor,
    requestId: string,
  ) {
    if (!isCalendarDateInWindow(payment.paidOn) || compareDates(payment.paidOn, today()) > 0) {
      throw new AppError(
        'invalid_date',
        'The payment date must be a calendar date (YYYY-MM-DD), today or before.',
        {
          param: 'paidOn',
        },
      );
    }
    // The cancellation locked first, as a payment run locks it before paying the refund: whichever path
    // pays first, the other sees it paid (lockPayableSource / paid_on below) and the refund is paid once.
    const refund = await repo.refundForUpdate(trx, cancellationId);
    if (!refund) throw new AppError('not_found', 'No lender-event refund with that cancellation id.');
    if (refund.paid_on !== null) {
      throw new AppError(
        'conflict',
        `This refund was already recorded as paid on ${String(refund.paid_on)}.`,
      );
    }
    // A refund is owed from its cancellation's date: a payment dated before it is a typo, and would post
    // the money to the books in a period before it was owed.
    if (compareDates(payment.paidOn, refund.cancel_on) < 0)
      throw new AppError(
        'invalid_date',
        `The payment date is before the refund was owed (the cancellation on ${refund.cancel_on}).`,
        { param: 'paidOn' },
      );
    await refuseWhileOfacHold(trx, 'cancellation', cancellationId);
    await repo.markRefundPaid(trx, cancellationId, payment.paidOn, payment.reference);
    const amount = Number(refund.refund_cents);
    const entry = await postJournalEntry(trx, {
      eventType: 'lender_event_refund_paid',
      eventId: cancellationId,
      eventKey: `lender_event_refund_paid:${cancellationId}`,
      effectiveOn: payment.paidOn,
      memo: `Refund paid to ${refund.payee_name} (${payment.reference})`,
      contractId: refund.contract_id,
      lines: amount > 0 ? refundPaidLines(amount, refund.contract_id) : [],
      actor,
      requestId,
    });
    await recordAudit(trx, {
      actor,
      action: 'lender_event_refund.paid',
      entityType: 'cancellation',
      entityId: cancellationId,
      data: {
        paidOn: payment.paidOn,
        reference: payment.reference,
        refundCents: amount,
        journalEntryId: entry?.id ?? null,
      },
      requestId,
    });
    const [row] = await repo.listRefunds(trx, {
      today: today(),
      lienholderName: null,
      status: null,
      startingAfter: null,
      limit: 1,
      cancellationId,
    });
    return row as repo.RefundRow;
  }

  return {
    refunds,
    refundsCsv,
    recordRefundPayment: asUseCase(recordRefundPayment),
    receiveJson,
    receiveCsv,
    applyRun,
    results,
    reportCsv,
    today,
    async run(principal: Principal, runId: string) {
      return runView(await visibleRun(principal, runId));
    },
    async runs(principal: Principal, limit: number) {
      return (await repo.listRuns(db, { lienholderName: lienholderOf(principal), limit })).map(runView);
    },
    /** Connects the job queue: large runs are queued, and with workers this process applies them. */
    async attach(started: PgBoss, runWorkers: boolean) {
      await started.createQueue(LENDER_EVENTS_QUEUE);
      boss = started;
      if (runWorkers) {
        await started.work<{ runId: string }>(
          LENDER_EVENTS_QUEUE,
          { pollingIntervalSeconds: 2 },
          async (jobs) => {
            for (const job of jobs) await applyRun(job.data.runId);
          },
        );
      }
    },
  };
}

/**
 * Where a batch of a run stands, for the batch after it: `locked` once its contracts are locked (or it
 * failed before), `committed` once it committed (rejected when it failed: the later batches roll back).
 */
interface BatchOrder {
  locked: Promise<void>;
  committed: Promise<void>;
  lockedNow(): void;
  settle(applied: Promise<void>): void;
}

function batchOrder(): BatchOrder {
  let lockedNow = () => {};
  const locked = new Promise<void>((resolve) => {
    lockedNow = resolve;
  });
  let settle: (applied: Promise<void>) => void = () => {};
  const committed = new Promise<void>((resolve, reject) => {
    settle = (applied) => {
      applied.then(resolve, (error: unknown) => {
        lockedNow();
        reject(error);
      });
    };
  });
  // A batch's failure reaches the run through the batch awaited last; no rejection goes unhandled.
  committed.catch(() => {});
  return { locked, committed, lockedNow, settle };
}

const FIRST_BATCH: BatchOrder = {
  locked: Promise.resolve(),
  committed: Promise.resolve(),
  lockedNow: () => {},
  settle: () => {},
};

/** An event a batch applies: its lender_events row and the cancellations it executes. */
interface ClaimedEvent {
  id: string;
  vin: string;
  event: LenderEvent['event'];
  eventDate: string;
  odometer: number | null;
  reference: string | null;
  runId: string;
  line: number;
  status: 'cancelled' | 'skipped';
  code: string | null;
  cancellations: LenderEventCancellationJson[];
  quoted: QuotedCancellation[];
}

function addOnFactsOf(row: ContractRow, totalLoss: ReadonlySet<string>): AddOnFacts {
  return {
    id: row.id,
    product: row.product,
    status: row.status,
    purchaseDate: row.purchase_date,
    expiresOn: row.expires_on,
    expiresAtMiles: row.expires_at_miles,
    odometerAtSale: row.odometer_at_sale,
    totalLossReported: totalLoss.has(row.id),
  };
}

function duplicateOutcome(line: number, cancellations: LenderEventCancellationJson[]): repo.RowOutcome {
  return {
    line,
    status: 'skipped',
    code: 'duplicate_event',
    detail: 'This event (VIN, event and date) was already applied; nothing changed.',
    param: null,
    cancellations,
  };
}

export type LenderEventsService = ReturnType<typeof createLenderEventsService>;
