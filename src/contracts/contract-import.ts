// Dealer-file import (issue "Dealer-file import", shared/API.md POST /api/v1/contracts/import): a CSV
// of contracts, one a row, is streamed into the registry under the catalog version current when the
// import starts. Good rows are kept and bad rows reported by file line; the contract number is the key,
// so importing the same file again creates nothing new. Memory stays flat in the file's size: at most
// one batch of rows is held, and only the first rejected rows are kept for the report.
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import type { ContractImportsTable, Database, NewContractRow } from '../platform/db/schema.js';
import { AppError, type ErrorCode } from '../platform/http/errors.js';
import { validatorCompiler } from '../platform/http/validation.js';
import { copyNewContracts } from './contract.repository.js';
import { ContractBodySchema } from './contract.schemas.js';
import { type ContractInput, prepareContract } from './contract-input.js';
import { type CsvRecord, CsvSyntaxError, createCsvReader } from './csv-reader.js';

/** The columns of a dealer file, in the order the README documents them. */
export const CONTRACT_CSV_COLUMNS = [
  'contract_number',
  'product',
  'plan_code',
  'holder_first_name',
  'holder_last_name',
  'holder_email',
  'holder_phone',
  'address_line1',
  'city',
  'state',
  'zip',
  'vin',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
  'odometer_at_sale',
  'purchase_date',
  'purchase_state',
  'term_months',
  'term_miles',
  'price_cents',
  'deductible_cents',
  'lienholder_name',
  'dealer_code',
  'dealer_name',
  'amount_financed_cents',
  'msrp_cents',
  'sold_after_vehicle_sale',
] as const;

export type ContractCsvColumn = (typeof CONTRACT_CSV_COLUMNS)[number];

/**
 * Columns every file must have. The product-specific ones (term_miles and deductible_cents for a
 * service contract, amount_financed_cents and msrp_cents for GAP) may be left out of a file that holds
 * only the other product; a row that needs them and lacks them is rejected on its own.
 */
export const REQUIRED_CSV_COLUMNS: readonly ContractCsvColumn[] = [
  'contract_number',
  'product',
  'plan_code',
  'holder_first_name',
  'holder_last_name',
  'address_line1',
  'city',
  'state',
  'zip',
  'vin',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
  'odometer_at_sale',
  'purchase_date',
  'purchase_state',
  'term_months',
  'price_cents',
];

/** Where a ContractInput field comes from, so a refusal names the CSV column the dealer has to fix. */
const COLUMN_OF_FIELD: Readonly<Record<string, ContractCsvColumn>> = {
  contractNumber: 'contract_number',
  product: 'product',
  planCode: 'plan_code',
  'holder.firstName': 'holder_first_name',
  'holder.lastName': 'holder_last_name',
  'holder.email': 'holder_email',
  'holder.phone': 'holder_phone',
  'holder.address.line1': 'address_line1',
  'holder.address.city': 'city',
  'holder.address.state': 'state',
  'holder.address.zip': 'zip',
  'vehicle.vin': 'vin',
  'vehicle.year': 'vehicle_year',
  'vehicle.make': 'vehicle_make',
  'vehicle.model': 'vehicle_model',
  odometerAtSale: 'odometer_at_sale',
  purchaseDate: 'purchase_date',
  purchaseState: 'purchase_state',
  termMonths: 'term_months',
  termMiles: 'term_miles',
  priceCents: 'price_cents',
  deductibleCents: 'deductible_cents',
  'lienholder.name': 'lienholder_name',
  'sellingDealer.code': 'dealer_code',
  'sellingDealer.name': 'dealer_name',
  amountFinancedCents: 'amount_financed_cents',
  msrpCents: 'msrp_cents',
  soldAfterVehicleSale: 'sold_after_vehicle_sale',
};

export type ImportRejectionCode = ErrorCode | 'malformed_csv';

export interface RejectedRow {
  /** The file line the record starts on (the header is line 1). */
  line: number;
  code: ImportRejectionCode;
  /** Starts with the column to fix, e.g. `price_cents: whole cents, digits only …`. */
  detail: string;
  column: ContractCsvColumn | null;
}

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

export interface ContractImportDeps {
  db: Kysely<Database>;
  /** Each batch is one transaction whose rows go in with COPY. */
  transactionWithCopy: DatabaseHandle['transactionWithCopy'];
  catalog: CatalogService;
  clock: Clock;
}

export interface ContractImportOptions {
  actor: Actor;
  fileName: string | null;
  requestId: string | null;
  /** Good rows inserted per transaction (one audit event each); default 1000. */
  batchSize?: number;
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
    super(code, detail);
    this.name = 'ContractImportStoppedError';
  }
}

const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;
/** While a batch is written, rows checked between two turns given to its database I/O. */
const ROWS_BETWEEN_YIELDS = 50;
const DEFAULT_MAX_REJECTED_REPORTED = 1000;
/** The most characters one record may hold: a runaway quote stops the import instead of eating memory. */
const MAX_RECORD_CHARACTERS = 64 * 1024;
/** Values quoted back in a rejection are cut to this length. */
const QUOTED_VALUE_CHARACTERS = 40;

const validateContractBody = validatorCompiler({
  schema: ContractBodySchema,
  httpPart: 'body',
  method: 'POST',
  url: '/api/v1/contracts/import',
}) as unknown as ((value: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }[];
};

// ---------------------------------------------------------------------------------------------------
// Header and cells

export type ColumnIndex = ReadonlyMap<ContractCsvColumn, number>;

/** Reads the header row: every column known, none twice, the required ones present. */
export function readHeader(
  record: readonly string[],
): { ok: true; columns: ColumnIndex } | { ok: false; detail: string; column: string } {
  const known = new Set<string>(CONTRACT_CSV_COLUMNS);
  const columns = new Map<ContractCsvColumn, number>();
  for (const [index, raw] of record.entries()) {
    const name = raw.trim().toLowerCase();
    if (!known.has(name)) {
      return {
        ok: false,
        column: name,
        detail: `The header names an unknown column "${quote(raw)}" (column ${index + 1}); the columns are: ${CONTRACT_CSV_COLUMNS.join(', ')}.`,
      };
    }
    if (columns.has(name as ContractCsvColumn)) {
      return { ok: false, column: name, detail: `The header names the column "${name}" twice.` };
    }
    columns.set(name as ContractCsvColumn, index);
  }
  const missing = REQUIRED_CSV_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    return {
      ok: false,
      column: missing[0]!,
      detail: `The header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
    };
  }
  return { ok: true, columns };
}

function quote(value: string): string {
  return value.length > QUOTED_VALUE_CHARACTERS ? `${value.slice(0, QUOTED_VALUE_CHARACTERS)}…` : value;
}

class CellError extends Error {
  constructor(
    readonly column: ContractCsvColumn,
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

const DIGITS = /^\d+$/;

/** The cells of one record, read by column name (a class, not closures: it is made for every row). */
class Cells {
  constructor(
    private readonly record: readonly string[],
    private readonly columns: ColumnIndex,
  ) {}

  text(column: ContractCsvColumn): string {
    const index = this.columns.get(column);
    return index === undefined ? '' : (this.record[index] ?? '').trim();
  }

  optionalText(column: ContractCsvColumn): string | null {
    return this.text(column) || null;
  }

  wholeNumber(column: ContractCsvColumn, unit: 'number' | 'cents'): number | null {
    const value = this.text(column);
    if (value === '') return null;
    if (!DIGITS.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new CellError(
        column,
        'validation_failed',
        unit === 'cents'
          ? `${column}: an amount in whole cents, digits only (129900 for $1,299.00); got "${quote(value)}".`
          : `${column}: a whole number, digits only; got "${quote(value)}".`,
      );
    }
    return Number(value);
  }

  required(column: ContractCsvColumn, unit: 'number' | 'cents'): number {
    const value = this.wholeNumber(column, unit);
    if (value === null) throw new CellError(column, 'validation_failed', `${column}: the cell is empty.`);
    return value;
  }

  flag(column: ContractCsvColumn): boolean | undefined {
    const value = this.text(column).toLowerCase();
    if (value === '') return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new CellError(column, 'validation_failed', `${column}: true or false; got "${quote(value)}".`);
  }
}

/** Turns one data record into the contract body the API would take. */
export function contractInputOf(
  record: readonly string[],
  columns: ColumnIndex,
):
  | { ok: true; input: ContractInput }
  | { ok: false; code: ErrorCode; detail: string; column: ContractCsvColumn } {
  const cell = new Cells(record, columns);
  try {
    if (cell.text('contract_number') === '') {
      // Imports must carry the dealer's number: it is what makes importing a file twice harmless.
      throw new CellError(
        'contract_number',
        'validation_failed',
        'contract_number: required in a dealer file (it is the key that makes a re-import create nothing new).',
      );
    }
    const lienholderName = cell.optionalText('lienholder_name');
    const dealerCode = cell.optionalText('dealer_code');
    const dealerName = cell.optionalText('dealer_name');
    if ((dealerCode === null) !== (dealerName === null)) {
      const column = dealerCode === null ? 'dealer_code' : 'dealer_name';
      throw new CellError(
        column,
        'validation_failed',
        `${column}: give dealer_code and dealer_name together.`,
      );
    }
    const soldAfterVehicleSale = cell.flag('sold_after_vehicle_sale');
    const input: ContractInput = {
      contractNumber: cell.text('contract_number'),
      product: cell.text('product').toLowerCase() as ContractInput['product'],
      planCode: cell.text('plan_code').toUpperCase(),
      holder: {
        firstName: cell.text('holder_first_name'),
        lastName: cell.text('holder_last_name'),
        email: cell.optionalText('holder_email'),
        phone: cell.optionalText('holder_phone'),
        address: {
          line1: cell.text('address_line1'),
          city: cell.text('city'),
          state: cell.text('state').toUpperCase(),
          zip: cell.text('zip'),
        },
      },
      vehicle: {
        vin: cell.text('vin'),
        year: cell.required('vehicle_year', 'number'),
        make: cell.text('vehicle_make'),
        model: cell.text('vehicle_model'),
      },
      odometerAtSale: cell.required('odometer_at_sale', 'number'),
      purchaseDate: cell.text('purchase_date'),
      purchaseState: cell.text('purchase_state').toUpperCase(),
      termMonths: cell.required('term_months', 'number'),
      termMiles: cell.wholeNumber('term_miles', 'number'),
      priceCents: cell.required('price_cents', 'cents'),
      deductibleCents: cell.wholeNumber('deductible_cents', 'cents'),
      lienholder: lienholderName === null ? null : { name: lienholderName },
      sellingDealer:
        dealerCode === null || dealerName === null ? null : { code: dealerCode, name: dealerName },
      amountFinancedCents: cell.wholeNumber('amount_financed_cents', 'cents'),
      msrpCents: cell.wholeNumber('msrp_cents', 'cents'),
      ...(soldAfterVehicleSale === undefined ? {} : { soldAfterVehicleSale }),
    };
    // The same shape and bounds as POST /api/v1/contracts, so a row is accepted exactly when the API
    // would accept the same contract.
    if (!validateContractBody(input)) {
      const error = validateContractBody.errors?.[0];
      const path = (error?.instancePath ?? '').split('/').filter(Boolean).join('.');
      const column = COLUMN_OF_FIELD[path] ?? 'contract_number';
      if (column === 'purchase_date') {
        throw new CellError(
          column,
          'invalid_date',
          `${column}: "${quote(input.purchaseDate)}" is not a calendar date (YYYY-MM-DD).`,
        );
      }
      throw new CellError(column, 'validation_failed', `${column}: ${describeSchemaError(error)}.`);
    }
    return { ok: true, input };
  } catch (error) {
    if (error instanceof CellError) {
      return { ok: false, code: error.code, detail: error.message, column: error.column };
    }
    throw error;
  }
}

function describeSchemaError(
  error: { keyword: string; params: Record<string, unknown>; message?: string } | undefined,
): string {
  if (!error) return 'is not valid';
  if (error.keyword === 'minLength' && error.params.limit === 1) return 'the cell is empty';
  if (error.keyword === 'enum') return `one of ${(error.params.allowedValues as string[]).join(', ')}`;
  return error.message ?? 'is not valid';
}

// ---------------------------------------------------------------------------------------------------
// The import

export async function importContracts(
  deps: ContractImportDeps,
  source: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
  options: ContractImportOptions,
): Promise<ContractImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxRejectedReported = options.maxRejectedReported ?? DEFAULT_MAX_REJECTED_REPORTED;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  // A batch is held in memory while it is written: bounded so that memory stays flat.
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
  }
  if (!Number.isInteger(maxRejectedReported) || maxRejectedReported < 0) {
    throw new RangeError(`maxRejectedReported must be a whole number ≥ 0, got ${maxRejectedReported}`);
  }
  const { db, clock } = deps;
  // The whole file is sold under the version current when the import starts.
  const { version: catalogVersion, catalog } = await deps.catalog.current();

  const progress: ImportProgress = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0, bytesRead: 0 };
  const rejected: RejectedRow[] = [];
  let importId: string | null = null;
  let columns: ColumnIndex | null = null;
  // Good rows waiting for the next batch, keyed by contract number: a number repeated within the
  // batch is a duplicate here, one repeated across batches is skipped by the database.
  let pending = new Map<string, NewContractRow & { contract_number: string }>();
  let pendingDuplicates = 0;
  let recordsSinceFlush = 0;
  // The batch being written while the next one is read and checked: on a PostgreSQL server the
  // database's work and the parsing overlap. At most one batch is in flight, so memory stays flat.
  let inFlight: Promise<void> = Promise.resolve();
  let writing = false;

  function reject(row: RejectedRow): void {
    progress.rejected += 1;
    if (rejected.length < maxRejectedReported) rejected.push(row);
  }

  /**
   * Hands the pending rows to the writer once the batch before them is written (its failure is
   * thrown here); with a final status, also waits for them to be written.
   */
  async function flush(finalStatus: 'finished' | 'failed' | null): Promise<void> {
    const rows = [...pending.values()];
    // The counters of everything read up to this batch, stored with it.
    const upTo = { rowsRead: progress.rowsRead, rejected: progress.rejected, duplicates: pendingDuplicates };
    pending = new Map();
    pendingDuplicates = 0;
    recordsSinceFlush = 0;
    await inFlight;
    const write = writeBatch(rows, upTo, finalStatus).finally(() => {
      writing = false;
    });
    writing = true;
    inFlight = write;
    // Observed by the next flush (or the final wait); never an unhandled rejection meanwhile.
    write.catch(() => {});
    if (finalStatus) await write;
  }

  async function writeBatch(
    rows: (NewContractRow & { contract_number: string })[],
    upTo: { rowsRead: number; rejected: number; duplicates: number },
    finalStatus: 'finished' | 'failed' | null,
  ): Promise<void> {
    const id = importId!;
    const written = await deps.transactionWithCopy(async (trx, copyIn) => {
      const inserted = await copyNewContracts(trx, copyIn, rows);
      const duplicates = upTo.duplicates + rows.length - inserted;
      if (rows.length > 0) {
        await recordAudit(trx, {
          actor: options.actor,
          action: 'contract.imported',
          entityType: 'contract_import',
          entityId: id,
          data: { accepted: inserted, duplicates },
          requestId: options.requestId,
        });
      }
      await trx
        .updateTable('contract_imports')
        .set({
          rows_read: upTo.rowsRead,
          accepted: progress.accepted + inserted,
          duplicates: progress.duplicates + duplicates,
          rejected: upTo.rejected,
          updated_at: clock.now(),
          ...(finalStatus ? { status: finalStatus, finished_at: clock.now() } : {}),
        })
        .where('id', '=', id)
        .execute();
      return { inserted, duplicates };
    });
    progress.accepted += written.inserted;
    progress.duplicates += written.duplicates;
    options.onProgress?.({ ...progress, rowsRead: upTo.rowsRead, rejected: upTo.rejected });
  }

  /**
   * A database or stream failure: what was committed stays committed; once the batch in flight, if
   * any, has settled, the run is marked failed and the failure thrown on.
   */
  async function failWith(error: unknown): Promise<never> {
    await inFlight.catch(() => {});
    if (importId !== null) {
      await db
        .updateTable('contract_imports')
        .set({ status: 'failed', finished_at: clock.now(), updated_at: clock.now() })
        .where('id', '=', importId)
        .execute()
        .catch(() => {});
    }
    throw error;
  }

  /** Why the file stopped the import part-way, or null when the failure is not the file's. */
  function stopOf(
    error: unknown,
  ): { code: 'validation_failed' | 'payload_too_large'; detail: string; line: number | null } | null {
    if (error instanceof CsvSyntaxError) {
      return { code: 'validation_failed', detail: error.message, line: error.line };
    }
    if (error instanceof FileTooLargeError)
      return { code: 'payload_too_large', detail: error.message, line: null };
    return null;
  }

  async function handleRecord({ fields: record, line }: CsvRecord): Promise<void> {
    if (!columns) {
      const header = readHeader(record);
      if (!header.ok) {
        throw new AppError('validation_failed', `Line ${line}: ${header.detail}`, { param: header.column });
      }
      columns = header.columns;
      const started = await db
        .insertInto('contract_imports')
        .values({
          file_name: options.fileName,
          status: 'running',
          started_by: options.actor.label,
          started_at: clock.now(),
          updated_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      importId = started.id;
      return;
    }
    progress.rowsRead += 1;
    recordsSinceFlush += 1;
    if (record.length !== columns.size) {
      reject({
        line,
        code: 'malformed_csv',
        detail: `The record has ${record.length} field${record.length === 1 ? '' : 's'}; the header has ${columns.size}.`,
        column: null,
      });
    } else {
      const converted = contractInputOf(record, columns);
      if (!converted.ok) {
        reject({ line, code: converted.code, detail: converted.detail, column: converted.column });
      } else {
        const prepared = prepareContract(converted.input, catalog, catalogVersion);
        if (!prepared.ok) {
          const column = COLUMN_OF_FIELD[prepared.param] ?? null;
          reject({
            line,
            code: prepared.code,
            detail: `${column ?? prepared.param}: ${prepared.detail}`,
            column,
          });
        } else {
          const contractNumber = prepared.row.contract_number!;
          if (pending.has(contractNumber)) pendingDuplicates += 1;
          // Completed in place rather than copied: this runs for every row of every file.
          else
            pending.set(
              contractNumber,
              Object.assign(prepared.row, {
                contract_number: contractNumber,
                source: 'import' as const,
                import_id: importId,
              }),
            );
        }
      }
    }
    if (pending.size >= batchSize || recordsSinceFlush >= batchSize) await flush(null);
  }

  try {
    const records = csvRecords(source, {
      maxBytes,
      onBytes: (bytes) => {
        progress.bytesRead += bytes;
      },
    });
    let sinceYield = 0;
    for await (const record of records) {
      await handleRecord(record);
      // Checking rows never waits on I/O, so the batch in flight would not move until the next one
      // is full: give its database round trips a turn every few rows.
      if (writing && ++sinceYield >= ROWS_BETWEEN_YIELDS) {
        sinceYield = 0;
        await yieldToIo();
      }
    }
  } catch (error) {
    const stop = stopOf(error);
    if (!stop) return failWith(error);
    if (importId === null) throw new AppError(stop.code, stop.detail);
    // The rows before the line that stopped the import are good rows: keep them too.
    await flush('failed').catch(failWith);
    const kept = `${progress.accepted} contract${progress.accepted === 1 ? '' : 's'} before it ${progress.accepted === 1 ? 'was' : 'were'} kept (import ${importId}).`;
    throw new ContractImportStoppedError(
      stop.code,
      `${stop.detail} The import stopped; ${kept}`,
      importId,
      stop.line,
      {
        ...progress,
      },
    );
  }
  if (importId === null) {
    throw new AppError(
      'validation_failed',
      `The file is empty: its first line must be the header naming the columns (${REQUIRED_CSV_COLUMNS.join(', ')}, …).`,
    );
  }
  await flush('finished').catch(failWith);

  return {
    importId,
    rowsRead: progress.rowsRead,
    accepted: progress.accepted,
    duplicates: progress.duplicates,
    rejected,
    rejectedCount: progress.rejected,
  };
}

class FileTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`The file is larger than the ${maxBytes} bytes this import accepts.`);
  }
}

/**
 * The records of a CSV source, read one source chunk at a time. The records before a syntax error
 * are all handed out first, then the error is thrown.
 */
async function* csvRecords(
  source: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
  options: { maxBytes: number; onBytes: (bytes: number) => void },
): AsyncGenerator<CsvRecord> {
  const reader = createCsvReader({ maxRecordCharacters: MAX_RECORD_CHARACTERS });
  // Streaming decode: a character split between two chunks is put back together (and a BOM dropped).
  const decoder = new TextDecoder('utf-8');
  let bytesRead = 0;
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    bytesRead += bytes;
    options.onBytes(bytes);
    if (bytesRead > options.maxBytes) throw new FileTooLargeError(options.maxBytes);
    const { records, error } = reader.push(
      typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }),
    );
    yield* records;
    if (error) throw error;
  }
  const tail = decoder.decode();
  for (const { records, error } of [reader.push(tail), reader.end()]) {
    yield* records;
    if (error) throw error;
  }
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
  return db.transaction().execute(async (trx) => {
    const abandoned = await trx
      .updateTable('contract_imports')
      .set({ status: 'failed', finished_at: clock.now(), updated_at: clock.now() })
      .where('status', '=', 'running')
      .where('updated_at', '<=', silentSince)
      .returning(['id', 'accepted', 'rows_read'])
      .execute();
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
}

function toRun(row: Selectable<ContractImportsTable>): ContractImportRun {
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
  let query = db
    .selectFrom('contract_imports')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.startingAfter) {
    const cursor = await db
      .selectFrom('contract_imports')
      .select(['started_at', 'id'])
      .where('id', '=', page.startingAfter)
      .executeTakeFirst();
    if (!cursor) {
      throw new AppError('validation_failed', 'startingAfter names no import run.', {
        param: 'startingAfter',
      });
    }
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('started_at', 'id'), '<', tuple(cursor.started_at, cursor.id)),
    );
  }
  const rows = await query.execute();
  return { data: rows.slice(0, page.limit).map(toRun), hasMore: rows.length > page.limit };
}

/** An import run's status and counters (updated after every batch), or null when there is none. */
export async function findContractImport(
  db: Kysely<Database>,
  id: string,
): Promise<ContractImportRun | null> {
  const row = await db.selectFrom('contract_imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRun(row) : null;
}
