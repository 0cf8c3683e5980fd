// Dealer-file import (issue "Dealer-file import", docs/api.md POST /api/v1/contracts/import): a CSV
// of contracts, one a row, is streamed into the registry under the catalog version current when the
// import starts. Good rows are kept and bad rows reported by file line; the contract number is the key,
// so importing the same file again creates nothing new. The rows are read and checked in a worker thread
// (contract-file.ts) while the batch before is written here with COPY. Memory stays flat in the file's
// size: one batch is written while the next is checked, and only the first rejected rows are kept.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { postImportBatchWritten } from '../accounting/journal-postings.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { insertImportedBookings, knownDealersByCode } from '../dealers/dealer.repository.js';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { isDatabaseUnavailable } from '../platform/db/unavailable.js';
import { calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import {
  contractNumbersOfCopyCsv,
  copyNewContracts,
  isContractNumberTaken,
  mergeNewContracts,
} from './contract.repository.js';
import {
  type CheckedBatch,
  type FileEnd,
  type FileStep,
  REQUIRED_CSV_COLUMNS,
  type RejectedRow,
} from './contract-file.js';
import { openContractFileSession } from './contract-file-pool.js';
import {
  type ContractImportRow,
  failSilentImports,
  findImportRunRow,
  insertImportRun,
  listImportRunRows,
  markImportFailed,
  updateImportProgress,
} from './contract-import.repository.js';

// What the file's checks are, for the callers that show or test them.
export {
  CONTRACT_CSV_COLUMNS,
  CONTRACT_CSV_HEADER,
  type ContractCsvColumn,
  contractInputOf,
  type ImportRejectionCode,
  REQUIRED_CSV_COLUMNS,
  type RejectedRow,
  readHeader,
} from './contract-file.js';

export interface ImportProgress {
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  bytesRead: number;
}

export interface ContractImportResult {
  importId: string;
  rowsRead: number;
  accepted: number;
  duplicates: number;
  /** The first `maxRejectedReported` rejected rows, in file order. */
  rejected: RejectedRow[];
  rejectedCount: number;
}

/** The business time zone when the caller names none (config's default). */
const DEFAULT_TIME_ZONE = 'America/New_York';

export interface ContractImportDeps {
  db: Kysely<Database>;
  /** Each batch is one transaction whose rows go in with COPY. */
  transactionWithCopy: DatabaseHandle['transactionWithCopy'];
  catalog: CatalogService;
  clock: Clock;
  /** The business time zone: the day the batch's premium is posted to the books. */
  timeZone?: string;
}

export interface ContractImportOptions {
  actor: Actor;
  fileName: string | null;
  requestId: string | null;
  /** Rows of the largest batch (one transaction and one audit event each); default DEFAULT_IMPORT_BATCH_SIZE. */
  batchSize?: number;
  /**
   * Rows of the first batch (at most batchSize); each batch after holds twice the one before, up to
   * batchSize (contract-file.ts nextBatchSize). Default FIRST_IMPORT_BATCH_SIZE.
   */
  firstBatchSize?: number;
  /** Rejected rows kept for the report; the rest are only counted. Default 1000. */
  maxRejectedReported?: number;
  /** The most bytes read from the source before the import stops with payload_too_large; default none. */
  maxBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * The import stopped part-way (the CSV could not be parsed further, or the file was too large): the
 * batches committed before stay committed and the import is marked failed.
 */
export class ContractImportStoppedError extends AppError {
  constructor(
    code: 'validation_failed' | 'payload_too_large',
    detail: string,
    readonly importId: string,
    readonly line: number | null,
    readonly progress: ImportProgress,
  ) {
    // The request's body is the file: `param` names it, as for any refused CSV body.
    super(code, detail, { param: 'body' });
    this.name = 'ContractImportStoppedError';
  }
}

/**
 * Rows the largest batch holds (one transaction, one audit event): large enough that a transaction's fixed
 * cost is small, small enough that on the embedded PGlite (whose writes run on the server's one thread) a
 * batch's write holds other requests up for a fraction of a second at most. A file's first batch holds
 * FIRST_IMPORT_BATCH_SIZE and each after twice the one before, up to this (contract-file.ts
 * nextBatchSize). Two batches are in memory at once (one written, the next checked), whatever the file's size.
 */
export const DEFAULT_IMPORT_BATCH_SIZE = 5000;
export const FIRST_IMPORT_BATCH_SIZE = 500;
const MAX_BATCH_SIZE = 10_000;
const DEFAULT_MAX_REJECTED_REPORTED = 1000;

/**
 * Batch writes, one after another in file order, with at most `limit` waiting: the file is read on
 * only while the database keeps up, so memory stays flat whatever the file's size.
 */
function createWriteQueue() {
  let tail: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  return {
    add(write: () => Promise<void>): void {
      // After a failure nothing more is written: every later batch would leave a gap in the file.
      const next = tail.then(() => (failure ? undefined : write()));
      tail = next.catch((error: unknown) => {
        failure ??= { error };
      });
      const settled = tail.then(() => {
        pending.splice(pending.indexOf(settled), 1);
      });
      pending.push(settled);
    },
    async waitUntilAtMost(limit: number): Promise<void> {
      while (pending.length > limit) await pending[0];
    },
    idle: () => tail,
    get failure() {
      return failure;
    },
  };
}

export async function importContracts(
  deps: ContractImportDeps,
  source: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
  options: ContractImportOptions,
): Promise<ContractImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  const firstBatchSize = Math.min(options.firstBatchSize ?? FIRST_IMPORT_BATCH_SIZE, batchSize);
  const maxRejectedReported = options.maxRejectedReported ?? DEFAULT_MAX_REJECTED_REPORTED;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  // A batch is held in memory while it is written: bounded so that memory stays flat.
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
  }
  if (!Number.isInteger(maxRejectedReported) || maxRejectedReported < 0) {
    throw new RangeError(`maxRejectedReported must be a whole number ≥ 0, got ${maxRejectedReported}`);
  }
  if (!Number.isInteger(firstBatchSize) || firstBatchSize < 1) {
    throw new RangeError(`firstBatchSize must be a whole number ≥ 1, got ${options.firstBatchSize}`);
  }
  const { db, clock } = deps;
  // The whole file is sold under the version current when the import starts.
  const { version: catalogVersion, catalog } = await deps.catalog.current();
  // The dealers on file, once: every row must name one of them (a set, not a query per row).
  const dealers = await knownDealersByCode(db);

  const importId = randomUUID();
  let started = false;
  const progress: ImportProgress = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0, bytesRead: 0 };
  const rejected: RejectedRow[] = [];
  let refused: { detail: string; column: string | null } | null = null;
  let fileEnd: FileEnd | null = null;
  const writes = createWriteQueue();

  async function startRun(): Promise<void> {
    await insertImportRun(db, {
      id: importId,
      fileName: options.fileName,
      startedBy: options.actor.label,
      now: clock.now(),
    });
    started = true;
  }

  /**
   * One batch in one transaction: its new contracts, their bookings and journal entry, then its audit
   * event and the run's counters (one statement). The rows go in with a plain COPY; when a number of
   * the batch is taken (a file sent again), that COPY fails, the transaction is undone, and the batch
   * is written again with the numbers on file skipped (mergeNewContracts).
   */
  async function writeBatch(batch: CheckedBatch): Promise<void> {
    const written = await writeBatchAs(batch, copyNewContracts).catch((error: unknown) => {
      if (!isContractNumberTaken(error)) throw error;
      return writeBatchAs(batch, mergeNewContracts);
    });
    progress.rowsRead = batch.rowsRead;
    progress.rejected = batch.rejected;
    progress.accepted += written.inserted;
    progress.duplicates += written.duplicates;
    options.onProgress?.({ ...progress });
  }

  function writeBatchAs(
    batch: CheckedBatch,
    addContracts: typeof copyNewContracts,
  ): Promise<{ inserted: number; duplicates: number }> {
    const finalStatus = batch.end === null ? null : batch.end.kind === 'finished' ? 'finished' : 'failed';
    const failure = batch.end === null ? null : stoppedBecause(batch.end);
    // Every batch but the file's last commits without waiting for its flush on a PostgreSQL server: the
    // last one's commit, before the file is answered, makes them all durable (TransactionWithCopyOptions).
    // Where the file stops early instead, the run is marked failed in a commit that waits (failWith).
    return deps.transactionWithCopy(
      async (trx, copyIn) => {
        const inserted = await addContracts(trx, copyIn, batch.copyData);
        const duplicates = batch.duplicatesInBatch + batch.rowCount - inserted;
        const postedOn = calendarDateInZone(clock.now(), deps.timeZone ?? DEFAULT_TIME_ZONE);
        // The dealer cost of each new contract goes on its dealer's account, as a booking puts it.
        if (inserted > 0 && batch.bookedNumbers.length > 0)
          await insertImportedBookings(trx, {
            importId,
            contractNumbers: batch.bookedNumbers,
            occurredOn: postedOn,
            requestId: options.requestId,
          });
        if (inserted > 0)
          await postImportBatchWritten(
            trx,
            {
              importId,
              batchKey: String(batch.rowsRead),
              allInserted: inserted === batch.rowCount,
              premiums: batch.premiums,
              contractNumbers: () => contractNumbersOfCopyCsv(batch.copyData),
            },
            {
              effectiveOn: postedOn,
              actor: options.actor,
              requestId: options.requestId,
            },
          );
        await updateImportProgress(
          trx,
          importId,
          {
            rowsRead: batch.rowsRead,
            accepted: progress.accepted + inserted,
            duplicates: progress.duplicates + duplicates,
            rejected: batch.rejected,
            finalStatus,
            failure,
            now: clock.now(),
          },
          batch.rowCount > 0
            ? {
                actor: options.actor,
                action: 'contract.imported',
                entityType: 'contract_import',
                entityId: importId,
                data: { accepted: inserted, duplicates },
                requestId: options.requestId,
              }
            : null,
        );
        return { inserted, duplicates };
      },
      { commitWaitsForFlush: batch.end !== null },
    );
  }

  function onSteps(steps: FileStep[]): void {
    for (const step of steps) {
      if (step.kind === 'refused') refused = step;
      else if (step.kind === 'header') writes.add(startRun);
      else {
        rejected.push(...step.batch.rejectedRows);
        if (step.batch.end) fileEnd = step.batch.end;
        writes.add(() => writeBatch(step.batch));
      }
    }
  }

  /**
   * A database, stream or worker failure: what was committed stays committed; once the batches
   * queued have settled, the run is marked failed and the failure thrown on.
   */
  async function failWith(error: unknown): Promise<never> {
    await writes.idle();
    if (started) {
      const why = isDatabaseUnavailable(error)
        ? 'The database could not be reached part-way through the file.'
        : `The import stopped on an unexpected error${options.requestId ? ` (request ${options.requestId} in the server's log)` : ''}.`;
      await markImportFailed(db, importId, clock.now(), `${why} ${KEPT_SENTENCE}`).catch(() => {});
    }
    throw error;
  }

  /** Why a file that ended early stopped, for the list of imports (null: it finished). */
  function stoppedBecause(end: FileEnd): string | null {
    if (end.kind === 'finished') return null;
    if (end.kind === 'cut')
      return `The file is larger than the ${maxBytes} bytes this import accepts. ${KEPT_SENTENCE}`;
    // The detail names the line already ("… not valid CSV at line 5: …").
    return `${end.detail} ${KEPT_SENTENCE}`;
  }

  // The file is checked in a worker thread while the batches before are written here.
  const session = openContractFileSession(
    {
      catalog,
      catalogVersion,
      importId,
      batchSize,
      firstBatchSize,
      maxRejectedReported,
      dealers,
      today: calendarDateInZone(clock.now(), deps.timeZone ?? DEFAULT_TIME_ZONE),
    },
    onSteps,
  );
  let cut = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (progress.bytesRead + bytes > maxBytes) {
        cut = true;
        break;
      }
      progress.bytesRead += bytes;
      // The worker is handed the file ahead of what it has checked (a bounded amount), so that it
      // checks the next batch while this thread writes the one before.
      await session.push(chunk);
      if (refused || writes.failure) break;
      // One batch written while the next is checked; the file waits while more are queued.
      await writes.waitUntilAtMost(1);
    }
    if (!refused && !writes.failure) await (cut ? session.cut() : session.end());
  } catch (error) {
    return failWith(error);
  } finally {
    session.close();
  }
  await writes.idle();
  if (writes.failure) return failWith(writes.failure.error);

  const fileRefused = refused as { detail: string; column: string | null } | null;
  if (fileRefused) {
    throw new AppError('validation_failed', fileRefused.detail, { param: fileRefused.column ?? 'body' });
  }
  const tooLarge = `The file is larger than the ${maxBytes} bytes this import accepts.`;
  if (!started) {
    if (cut) throw new AppError('payload_too_large', tooLarge, { param: 'body' });
    throw new AppError(
      'validation_failed',
      `The file is empty: its first line must be the header naming the columns (${REQUIRED_CSV_COLUMNS.join(', ')}, …).`,
      { param: 'body' },
    );
  }
  const end = fileEnd as FileEnd | null;
  if (end && end.kind !== 'finished') {
    const kept = `${progress.accepted} contract${progress.accepted === 1 ? '' : 's'} before it ${progress.accepted === 1 ? 'was' : 'were'} kept (import ${importId}).`;
    throw new ContractImportStoppedError(
      end.kind === 'cut' ? 'payload_too_large' : 'validation_failed',
      `${end.kind === 'cut' ? tooLarge : end.detail} The import stopped; ${kept}`,
      importId,
      end.kind === 'cut' ? null : end.line,
      { ...progress },
    );
  }
  return {
    importId,
    rowsRead: progress.rowsRead,
    accepted: progress.accepted,
    duplicates: progress.duplicates,
    rejected,
    rejectedCount: progress.rejected,
  };
}

// ---------------------------------------------------------------------------------------------------
// Runs whose process died

/**
 * Marks running imports that have written nothing since `silentSince` as failed, each with an audit
 * event, in one transaction; returns their ids. A batch takes about a second, so only a run whose
 * process died (a crash, a kill, a lost machine) is quiet for long: COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS,
 * 15 minutes by default, and at start on the embedded database (its data folder is this process's
 * alone) at once. What they committed stays (every batch is whole):
 * sending the file again adds the rest, the rows already in counting as duplicates.
 */
export async function failAbandonedImports(
  db: Kysely<Database>,
  clock: Clock,
  silentSince: Date,
): Promise<string[]> {
  return transactional(db)(async (trx) => {
    const abandoned = await failSilentImports(
      trx,
      silentSince,
      clock.now(),
      `The process running the import stopped (a restart or a crash) before the end of the file. ${KEPT_SENTENCE}`,
    );
    for (const run of abandoned) {
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'contract_import.abandoned',
        entityType: 'contract_import',
        entityId: run.id,
        reason: `no batch written since ${silentSince.toISOString()}: the process running the import stopped`,
        data: { rowsRead: run.rows_read, accepted: run.accepted },
        requestId: null,
      });
    }
    return abandoned.map((run) => run.id);
  });
}

// ---------------------------------------------------------------------------------------------------
// Watching a run

/** What a run that stopped part-way kept, and what to do (every batch is whole). */
const KEPT_SENTENCE = 'The rows before the stop were kept: send the same file again to add the rest.';

export interface ContractImportRun {
  id: string;
  fileName: string | null;
  status: 'running' | 'finished' | 'failed';
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** Why a failed run stopped; null otherwise (and for runs that failed before migration 0048). */
  failure: string | null;
}

function toRun(row: ContractImportRow): ContractImportRun {
  return {
    id: row.id,
    fileName: row.file_name,
    status: row.status,
    rowsRead: row.rows_read,
    accepted: row.accepted,
    duplicates: row.duplicates,
    rejected: row.rejected,
    startedBy: row.started_by,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    failure: row.failure,
  };
}

/**
 * Import runs, newest first, a page at a time (`startingAfter` = the last id of the page before):
 * where an admin finds a run whose answer never reached them (a closed browser, a crashed server).
 */
export async function listContractImports(
  db: Kysely<Database>,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<{ data: ContractImportRun[]; hasMore: boolean }> {
  const rows = await listImportRunRows(db, page);
  if (!rows) {
    throw new AppError('validation_failed', 'startingAfter names no import run.', {
      param: 'startingAfter',
    });
  }
  return { data: rows.slice(0, page.limit).map(toRun), hasMore: rows.length > page.limit };
}

/** An import run's status and counters (updated after every batch), or null when there is none. */
export async function findContractImport(
  db: Kysely<Database>,
  id: string,
): Promise<ContractImportRun | null> {
  const row = await findImportRunRow(db, id);
  return row ? toRun(row) : null;
}
