// Lender events (issue 16; shared/API.md "Money", POST /lender-events): a lender reports payoffs,
// repossessions and total losses, as JSON or as a CSV of any size. The rows are first staged in the
// database in batches as the body streams in (memory stays flat whatever the size), then applied a batch
// at a time: the batch's VINs and already-applied events are looked up in one statement each, and every
// event is applied in its own transaction through the SAME cancellation use case as a cancellation asked
// for by hand (refund by the rules, payee by the reason, refundDueOn from the state rule). An event is
// keyed by (VIN, event, date): sending it again changes nothing. A small file is applied before the
// answer; a large one by the pg-boss job `apply-lender-events`, with its progress (rows done / total)
// readable meanwhile and its report downloadable as CSV.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { postJournalEntry } from '../accounting/journal.repository.js';
import type { CancellationsService } from '../cancellations/cancellations.service.js';
import type { Actor } from '../platform/audit/audit.repository.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, LenderEventCancellationJson } from '../platform/db/schema.js';
import { asUseCase, joining, type Tx, transactional } from '../platform/db/transaction.js';
import { calendarDateInZone, compareDates, isCalendarDateInWindow } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { type CsvBatchStats, CsvFileRefusedError, readCsvBatches } from './csv-batches.js';
import {
  type AddOnDecision,
  checkLenderEvent,
  LENDER_EVENT_COLUMNS,
  type LenderEvent,
  planLenderEvent,
  type RawLenderEvent,
  REQUIRED_LENDER_EVENT_COLUMNS,
  rowOutcome,
} from './lender-event-rules.js';
import * as repo from './lender-events.repository.js';
import { type RefundComplianceStatus, refundPaidLines } from './refund-compliance.js';

export const LENDER_EVENTS_QUEUE = 'apply-lender-events';
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
      throw new AppError(
        'idempotency_key_reused',
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

  /** Stages a JSON list of events (the body is already parsed and bounded by the schema). */
  async function receiveJson(
    events: readonly Partial<Record<keyof RawLenderEvent, unknown>>[],
    options: ReceiveOptions,
  ) {
    const rows: repo.StagedRow[] = events.map((event, index) => ({
      line: index + 1,
      raw: {
        vin: String(event.vin ?? ''),
        event: String(event.event ?? ''),
        eventDate: String(event.eventDate ?? ''),
        odometer: event.odometer === undefined || event.odometer === null ? '' : String(event.odometer),
        reference: event.reference === undefined || event.reference === null ? '' : String(event.reference),
      },
      rejection: null,
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
    try {
      for await (const batch of readCsvBatches(source, CSV_SPEC, {
        batchSize: LENDER_EVENT_BATCH_SIZE,
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
        ...(stats ? { stats } : {}),
        onChunk: (chunk) => hash.update(chunk),
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
    await repo.sealStagedRun(db, runId, hash.digest('hex'), clock.now());
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
   * (each row is finished in the transaction that applies it, so a row is applied once).
   */
  async function applyRun(runId: string, options: { batchSize?: number } = {}): Promise<LenderEventRunView> {
    const run = await repo.findRun(db, runId);
    if (!run) throw new AppError('not_found', 'No lender-event run with that id.');
    if (run.status === 'finished' || run.status === 'failed' || run.status === 'receiving')
      return runView(run);
    await repo.setRunStatus(db, runId, { status: 'running', now: clock.now() });
    const principal: Principal = {
      kind: 'user',
      sessionId: `lender-event-run:${runId}`,
      userId: run.started_by.userId,
      email: run.started_by.email,
      role: run.started_by.role,
      displayName: run.started_by.email,
      lienholderName: run.started_by.lienholderName,
    };
    const actor: Actor = { kind: 'user', id: run.started_by.userId, label: run.started_by.email };
    const batchSize = options.batchSize ?? LENDER_EVENT_BATCH_SIZE;
    for (;;) {
      const pending = await repo.nextPendingRows(db, runId, batchSize);
      if (pending.length === 0) break;
      await applyBatch(run, pending, principal, actor);
      await repo.refreshRunProgress(db, runId, clock.now(), null);
    }
    await repo.refreshRunProgress(db, runId, clock.now(), 'finished');
    return runView((await repo.findRun(db, runId)) as repo.RunRow);
  }

  async function applyBatch(
    run: repo.RunRow,
    pending: repo.PendingRow[],
    principal: Principal,
    actor: Actor,
  ) {
    const onDate = today();
    const checked = pending.map((row) => ({ line: row.line, result: checkLenderEvent(row.raw, onDate) }));
    const events = checked.flatMap((c) => (c.result.ok ? [{ line: c.line, event: c.result.event }] : []));
    // Set-based look-ups for the whole batch: the contracts on its VINs and its events already applied.
    const addOns = await repo.addOnsByVin(
      db,
      events.map((e) => e.event.vin),
      run.lienholder_name,
    );
    const applied = await repo.appliedEvents(
      db,
      events.map((e) => e.event),
    );
    for (const { line, result } of checked) {
      if (!result.ok) {
        await repo.finishRow(db, run.id, line, {
          status: 'rejected',
          code: result.code,
          detail: result.detail,
          param: result.param,
          cancellations: [],
        });
        continue;
      }
      const earlier = applied.get(
        repo.naturalKey(result.event.vin, result.event.event, result.event.eventDate),
      );
      if (earlier) {
        await finishDuplicate(run.id, line, earlier.cancellations);
        continue;
      }
      await applyEvent(run, line, result.event, addOns.get(result.event.vin) ?? [], principal, actor);
    }
  }

  async function finishDuplicate(runId: string, line: number, cancellations: LenderEventCancellationJson[]) {
    await repo.finishRow(db, runId, line, {
      status: 'skipped',
      code: 'duplicate_event',
      detail: 'This event (VIN, event and date) was already applied; nothing changed.',
      param: null,
      cancellations,
    });
  }

  /** One event in one transaction: claim its key, cancel what the rules say, record the refunds and the row. */
  async function applyEvent(
    run: repo.RunRow,
    line: number,
    event: LenderEvent,
    addOns: readonly import('./lender-event-rules.js').AddOnFacts[],
    principal: Principal,
    actor: Actor,
  ) {
    const plan = planLenderEvent(event, addOns);
    if (plan.kind === 'reject') {
      await repo.finishRow(db, run.id, line, {
        status: 'rejected',
        code: plan.code,
        detail: plan.detail,
        param: 'vin',
        cancellations: [],
      });
      return;
    }
    const requestId = run.request_id ?? `lender-event-run:${run.id}`;
    try {
      await transactional(db)(async (trx) => {
        const eventId = randomUUID();
        if (!(await repo.claimEvent(trx, { id: eventId, ...event, runId: run.id, line }))) {
          const again = await repo.appliedEvents(trx, [event]);
          const earlier = again.get(repo.naturalKey(event.vin, event.event, event.eventDate));
          await repo.finishRow(trx, run.id, line, {
            status: 'skipped',
            code: 'duplicate_event',
            detail: 'This event (VIN, event and date) was already applied; nothing changed.',
            param: null,
            cancellations: earlier?.cancellations ?? [],
          });
          return;
        }
        const results: LenderEventCancellationJson[] = [];
        for (const decision of plan.decisions)
          results.push(
            await applyDecision(trx, decision, event, eventId, principal, actor, requestId, addOns),
          );
        const outcome = rowOutcome(plan.decisions);
        await repo.completeEvent(trx, eventId, { ...outcome, cancellations: results });
        await repo.finishRow(trx, run.id, line, {
          ...outcome,
          detail: null,
          param: null,
          cancellations: results,
        });
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await repo.finishRow(db, run.id, line, {
        status: 'rejected',
        code: error.code,
        detail: error.message,
        param: error.param ?? null,
        cancellations: [],
      });
    }
  }

  async function applyDecision(
    trx: Tx,
    decision: AddOnDecision,
    event: LenderEvent,
    eventId: string,
    principal: Principal,
    actor: Actor,
    requestId: string,
    addOns: readonly import('./lender-event-rules.js').AddOnFacts[],
  ): Promise<LenderEventCancellationJson> {
    const product = addOns.find((a) => a.id === decision.contractId)?.product ?? 'vsc';
    if (decision.action === 'skip') {
      return {
        contractId: decision.contractId,
        cancellationId: null,
        product,
        outcome: decision.outcome,
        refundCents: null,
        payee: null,
        refundDueOn: null,
      };
    }
    const { refund } = await cancellations.cancel(
      joining(trx),
      decision.contractId,
      { cancelOn: decision.cancelOn, odometer: decision.odometer, reason: event.event },
      principal,
      actor,
      requestId,
    );
    await repo.insertRefund(trx, {
      cancellationId: refund.cancellationId,
      lenderEventId: eventId,
      contractId: decision.contractId,
      vin: event.vin,
      event: event.event,
      eventDate: event.eventDate,
      refundCents: refund.refundCents,
      payeeKind: refund.payee.kind,
      payeeName: refund.payee.name,
      refundDueOn: refund.refundDueOn,
    });
    return {
      contractId: decision.contractId,
      cancellationId: refund.cancellationId,
      product,
      outcome: 'cancelled',
      refundCents: refund.refundCents,
      payee: refund.payee,
      refundDueOn: refund.refundDueOn,
    };
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
        text += `${[
          row.line,
          row.vin,
          row.event,
          row.eventDate,
          row.status,
          row.code ?? '',
          row.cancellations.map((c) => c.contractId).join(' '),
          cancelled.map((c) => c.refundCents).join(' '),
          cancelled.map((c) => c.payee?.name ?? '').join(' | '),
          cancelled.map((c) => c.refundDueOn).join(' '),
          row.detail ?? '',
        ]
          .map(csvField)
          .join(',')}\n`;
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
        .map(
          (r) =>
            `${[
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
            ]
              .map(csvField)
              .join(',')}\n`,
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
    await repo.lockCancellation(trx, cancellationId);
    const refund = await repo.refundForUpdate(trx, cancellationId);
    if (!refund) throw new AppError('not_found', 'No lender-event refund with that cancellation id.');
    if (refund.paid_on !== null) {
      throw new AppError(
        'conflict',
        `This refund was already recorded as paid on ${String(refund.paid_on)}.`,
      );
    }
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

export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type LenderEventsService = ReturnType<typeof createLenderEventsService>;
