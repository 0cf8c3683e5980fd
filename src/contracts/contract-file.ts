// A dealer file, checked: the CSV text of a contracts file (docs/api.md POST /api/v1/contracts/import)
// turned into batches of contract rows ready for COPY, and the rows refused, each with its file line,
// code and the column to fix. Pure and synchronous (no database, no clock): the import runs it in a
// worker thread, so that checking the next batch overlaps with writing the one before.
import type { Catalog } from '../catalog/catalog.schema.js';
import type { NewContractRow } from '../platform/db/schema.js';
import { compileBodySchema, validatorCompiler } from '../platform/validation.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { ErrorCode } from '../shared/errors.js';
import { firstNotUtf8Field, holdsNotUtf8, NOT_UTF8_WORDS } from '../shared/utf8-text.js';
import { contractCopyLine } from './contract.repository.js';
import { ContractBodySchema } from './contract.schemas.js';
import { type ContractInput, prepareContract } from './contract-input.js';
import { type CsvSyntaxError, createCsvReader } from './csv-reader.js';

/**
 * The columns of a dealer file, in the order the README documents them, each with whether every file
 * must have it. The product-specific ones (term_miles and deductible_cents for a service contract,
 * amount_financed_cents and msrp_cents for GAP) may be left out of a file that holds only the other
 * product; a row that needs them and lacks them is rejected on its own. The one list of them: the
 * import, its tests, the bench and the samples derive theirs from it.
 */
const CONTRACT_CSV_COLUMN_PRESENCE = {
  contract_number: 'required',
  product: 'required',
  plan_code: 'required',
  holder_first_name: 'required',
  holder_last_name: 'required',
  holder_email: 'optional',
  holder_phone: 'optional',
  address_line1: 'required',
  city: 'required',
  state: 'required',
  zip: 'required',
  vin: 'required',
  vehicle_year: 'required',
  vehicle_make: 'required',
  vehicle_model: 'required',
  odometer_at_sale: 'required',
  purchase_date: 'required',
  purchase_state: 'required',
  term_months: 'required',
  term_miles: 'optional',
  price_cents: 'required',
  deductible_cents: 'optional',
  lienholder_name: 'optional',
  dealer_code: 'required',
  dealer_name: 'optional',
  amount_financed_cents: 'optional',
  msrp_cents: 'optional',
  sold_after_vehicle_sale: 'optional',
  dealer_cost_cents: 'optional',
} as const satisfies Record<string, 'required' | 'optional'>;

export type ContractCsvColumn = keyof typeof CONTRACT_CSV_COLUMN_PRESENCE;

/** The columns of a dealer file, in the order the README documents them. */
export const CONTRACT_CSV_COLUMNS = Object.keys(CONTRACT_CSV_COLUMN_PRESENCE) as readonly ContractCsvColumn[];

/** Columns every file must have (see CONTRACT_CSV_COLUMN_PRESENCE). */
export const REQUIRED_CSV_COLUMNS: readonly ContractCsvColumn[] = CONTRACT_CSV_COLUMNS.filter(
  (column) => CONTRACT_CSV_COLUMN_PRESENCE[column] === 'required',
);

/** The header line of a dealer file with every column. */
export const CONTRACT_CSV_HEADER = CONTRACT_CSV_COLUMNS.join(',');

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
  dealerCostCents: 'dealer_cost_cents',
};

/**
 * An error code of the API, or one of the file's own: `malformed_csv` (the record's fields do not match
 * the header) and `invalid_encoding` (the record holds bytes that are not UTF-8).
 */
export type ImportRejectionCode = ErrorCode | 'malformed_csv' | 'invalid_encoding';

export interface RejectedRow {
  /** The file line the record starts on (the header is line 1). */
  line: number;
  code: ImportRejectionCode;
  /** Starts with the column to fix, e.g. `price_cents: whole cents, digits only …`. */
  detail: string;
  column: ContractCsvColumn | null;
}

/** The most characters one record may hold: a runaway quote stops the import instead of eating memory. */
const MAX_RECORD_CHARACTERS = 64 * 1024;
/** Values quoted back in a rejection are cut to this length. */
const QUOTED_VALUE_CHARACTERS = 40;

type BodyValidator = ((value: unknown) => boolean) & {
  errors?:
    | { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }[]
    | null;
};

/** The API's validator (the body's schema, NUL characters refused as the field's error). */
const validateContractBody = validatorCompiler({
  schema: ContractBodySchema,
  httpPart: 'body',
  method: 'POST',
  url: '/api/v1/contracts/import',
}) as unknown as BodyValidator;
/** The same schema without the walk looking for NUL characters, for a record that has none. */
const validateContractShape = compileBodySchema(ContractBodySchema) as unknown as BodyValidator;

/** Whether a cell of the record holds a NUL character (then the API's validator names the field). */
function hasNulCharacter(record: readonly string[]): boolean {
  for (const field of record) if (field.includes('\u0000')) return true;
  return false;
}

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

/** Bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252): what they are and the one fix. */
const NOT_UTF8_DETAIL = `${NOT_UTF8_WORDS} (in Excel: "CSV UTF-8") and import it again`;

/**
 * Where a record holds bytes that were not UTF-8 (utf8-text.ts marks each), or null: the column (or
 * "field N" past the header's columns) and the cell as a reader would see it, each such byte as U+FFFD.
 */
function notUtf8Cell(
  record: readonly string[],
  columns: ColumnIndex,
): { column: ContractCsvColumn | null; name: string; shown: string } | null {
  const found = firstNotUtf8Field(record);
  if (!found) return null;
  let column: ContractCsvColumn | null = null;
  for (const [name, at] of columns) if (at === found.index) column = name;
  return { column, name: column ?? `field ${found.index + 1}`, shown: found.shown };
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
  | { ok: true; input: ContractInput; dealerCostCents: number | null; dealerNamed: boolean }
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
    if (dealerCode === null) {
      // Every contract is sold by a dealer on file: its cost is owed on that dealer's statement.
      throw new CellError(
        'dealer_code',
        'unknown_dealer',
        dealerName === null
          ? 'dealer_code: every row names the dealer who sold it (a dealer code on file).'
          : 'dealer_code: give the dealer code with dealer_name (the code of a dealer on file).',
      );
    }
    const soldAfterVehicleSale = cell.flag('sold_after_vehicle_sale');
    const dealerCostCents = cell.wholeNumber('dealer_cost_cents', 'cents');
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
      // The dealer's name on file replaces an empty dealer_name once the code is looked up.
      sellingDealer: { code: dealerCode, name: dealerName ?? dealerCode },
      amountFinancedCents: cell.wholeNumber('amount_financed_cents', 'cents'),
      msrpCents: cell.wholeNumber('msrp_cents', 'cents'),
      ...(soldAfterVehicleSale === undefined ? {} : { soldAfterVehicleSale }),
    };
    // The same shape and bounds as POST /api/v1/contracts, so a row is accepted exactly when the API
    // would accept the same contract.
    // Every value of `input` is a record's cell or made from one, so a record without a NUL character
    // gives a body without one: the walk looking for them runs only where the record has one.
    const validate = hasNulCharacter(record) ? validateContractBody : validateContractShape;
    if (!validate(input)) {
      const error = validate.errors?.[0];
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
    return { ok: true, input, dealerCostCents, dealerNamed: dealerName !== null };
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
// The file, a batch at a time

/** Good rows ready for the database, with the counters of everything read up to the batch's end. */
export interface CheckedBatch {
  /**
   * The rows as COPY csv lines (CONTRACTS_COPY_SQL), one a line, UTF-8: bytes the worker hands over
   * without a copy and the database connection sends as they are.
   */
  copyData: Uint8Array;
  rowCount: number;
  /** Rows whose number came again later in the same batch (only the first is in copyData). */
  duplicatesInBatch: number;
  rowsRead: number;
  rejected: number;
  /** Rejected rows since the batch before, while fewer than maxRejectedReported were reported. */
  rejectedRows: RejectedRow[];
  /** Null, or how the file ended after this, its last batch. */
  end: FileEnd | null;
  /**
   * The batch's premium (the dealer cost when the row gives one, else the price) per plan, purchase
   * state, dealer and whether the rows are on the dealer's statement (they are when they give a dealer
   * cost): the books post it when every row went in.
   */
  premiums: BatchPremium[];
  /** The contract numbers of the rows that record a dealer cost: each is booked on its dealer's account. */
  bookedNumbers: string[];
}

export interface BatchPremium {
  planCode: string;
  state: string;
  dealerCode: string;
  /** The rows record a dealer cost, so they are booked on the dealer's statement. */
  onDealerStatement: boolean;
  premiumCents: number;
}

/** The dealers on file by code, looked up once when the import starts (the worker has no database). */
export type KnownDealers = Readonly<Record<string, { id: string; name: string }>>;

export type FileEnd =
  | { kind: 'finished' }
  /** The text is not CSV from `line` on; every row before it is in the batches. */
  | { kind: 'stopped'; line: number; detail: string }
  /** The file was cut off (e.g. a size limit): the unfinished record at the cut was left out. */
  | { kind: 'cut' };

export type FileStep =
  /** The header is good: the import run can begin. */
  | { kind: 'header' }
  /** Refused before any row: a bad header, or text that is not CSV on the header line. */
  | { kind: 'refused'; detail: string; column: string | null }
  | { kind: 'batch'; batch: CheckedBatch };

export interface ContractFileOptions {
  catalog: Catalog;
  catalogVersion: number;
  importId: string;
  /** Rows of the largest batch. */
  batchSize: number;
  /** Rows of the first batch (nextBatchSize gives the ones after); batchSize when not given. */
  firstBatchSize?: number;
  maxRejectedReported: number;
  dealers: KnownDealers;
  /** The business day of the import: no row's purchase date may be after it (prepareContract). */
  today: CalendarDate;
}

const utf8 = new TextEncoder();

/**
 * A batch's COPY lines, written as UTF-8 into one growing buffer as they are made: no string of the
 * whole batch is built, and the bytes go to the database as they are (on PostgreSQL the connection
 * writes them, on PGlite they are its COPY blob), so the thread writing batches encodes nothing.
 */
class CopyDataBuilder {
  private buffer = new Uint8Array(64 * 1024);
  private length = 0;

  addLine(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and the line break one more.
    const room = line.length * 3 + 1;
    if (this.length + room > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + room));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.length += utf8.encodeInto(line, this.buffer.subarray(this.length)).written;
    this.buffer[this.length++] = 0x0a;
  }

  /** The lines written, in a buffer of their own (it can be handed to another thread). */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * Rows of the batch after one of `previous` rows: twice as many, up to `batchSize`. A file starts with a
 * small batch so that the database starts writing after a few hundred rows are checked rather than a full
 * batch (the rows are checked in a worker thread while the batch before is written), and the batches
 * then grow so that a large file pays fewer transactions' fixed costs (a commit, the batch's journal entry
 * and progress row: 6–10 ms each on PostgreSQL). Measured with `npm run bench -- --only import` on
 * PostgreSQL (20,000 rows a file): fixed batches of 2,500 started writing 40–55 ms after the request and
 * wrote 8 transactions; growing ones started after about 23 ms.
 */
export function nextBatchSize(previous: number, batchSize: number): number {
  return Math.min(previous * 2, batchSize);
}

/** The rows of each batch of a file of `rows` good rows, as the checker cuts it. */
export function batchSizesOf(rows: number, batchSize: number, firstBatchSize = batchSize): number[] {
  const sizes: number[] = [];
  let size = Math.min(firstBatchSize, batchSize);
  for (let left = rows; left > 0; left -= size, size = nextBatchSize(size, batchSize))
    sizes.push(Math.min(size, left));
  return sizes;
}

/**
 * Reads a dealer file piece by piece. `push` and `end` give back what the text completed: the header's
 * verdict, full batches, a stop. `end` also gives the last, partial batch; `cut` gives it without
 * reading the unfinished record at the end (the file was cut off, e.g. by a size limit).
 */
export function createContractFileChecker(options: ContractFileOptions) {
  const { catalog, catalogVersion, importId, batchSize, maxRejectedReported, dealers } = options;
  // Rows of the batch being filled (batchSizesOf).
  let limit = Math.min(options.firstBatchSize ?? batchSize, batchSize);
  const dealerOf = new Map(Object.entries(dealers));
  const reader = createCsvReader({ maxRecordCharacters: MAX_RECORD_CHARACTERS });
  let columns: ColumnIndex | null = null;
  let done = false;
  // Whether the text read so far held a byte that was not UTF-8: only then is each record looked at for one.
  let notUtf8Seen = false;
  let rowsRead = 0;
  let rejected = 0;
  let reported = 0;
  let recordsInBatch = 0;
  // The batch is full: it is handed over when the next record comes, or with the file's end when none
  // does (so a file whose rows fill its last batch exactly ends in that batch, not in an empty one).
  let full = false;
  let duplicatesInBatch = 0;
  let rejectedRows: RejectedRow[] = [];
  // Good rows of the batch by contract number: a number repeated within the batch is a duplicate here,
  // one repeated across batches is skipped by the database.
  let numbers = new Set<string>();
  let copyData = new CopyDataBuilder();
  // The premium of those rows per plan, state and dealer ("PLAN\tSTATE\tDEALER" → cents).
  let premiums = new Map<string, number>();
  let bookedNumbers: string[] = [];

  function reject(row: RejectedRow): void {
    rejected += 1;
    if (reported < maxRejectedReported) {
      reported += 1;
      rejectedRows.push(row);
    }
  }

  function takeBatch(end: FileEnd | null): FileStep {
    const batch: CheckedBatch = {
      copyData: copyData.bytes(),
      rowCount: numbers.size,
      duplicatesInBatch,
      rowsRead,
      rejected,
      rejectedRows,
      end,
      premiums: [...premiums].map(([key, premiumCents]) => {
        const [planCode, state, dealerCode, booked] = key.split('\t') as [string, string, string, string];
        return { planCode, state, dealerCode, onDealerStatement: booked === '1', premiumCents };
      }),
      bookedNumbers,
    };
    numbers = new Set();
    copyData = new CopyDataBuilder();
    limit = nextBatchSize(limit, batchSize);
    premiums = new Map();
    bookedNumbers = [];
    duplicatesInBatch = 0;
    recordsInBatch = 0;
    full = false;
    rejectedRows = [];
    return { kind: 'batch', batch };
  }

  function checkRecord(record: string[], line: number, steps: FileStep[]): void {
    if (!columns) {
      if (notUtf8Seen && record.some(holdsNotUtf8)) {
        done = true;
        steps.push({ kind: 'refused', detail: `Line ${line}: the header ${NOT_UTF8_DETAIL}.`, column: null });
        return;
      }
      const header = readHeader(record);
      if (!header.ok) {
        done = true;
        steps.push({ kind: 'refused', detail: `Line ${line}: ${header.detail}`, column: header.column });
        return;
      }
      columns = header.columns;
      steps.push({ kind: 'header' });
      return;
    }
    if (full) steps.push(takeBatch(null));
    rowsRead += 1;
    recordsInBatch += 1;
    const notUtf8 = notUtf8Seen ? notUtf8Cell(record, columns) : null;
    if (notUtf8) {
      reject({
        line,
        code: 'invalid_encoding',
        detail: `${notUtf8.name}: "${notUtf8.shown}" ${NOT_UTF8_DETAIL}.`,
        column: notUtf8.column,
      });
    } else if (record.length !== columns.size) {
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
        const prepared = prepareContract(converted.input, catalog, catalogVersion, options.today);
        const dealerCode = converted.input.sellingDealer?.code.trim() ?? '';
        const dealer = dealerOf.get(dealerCode);
        if (prepared.ok && !dealer) {
          reject({
            line,
            code: 'unknown_dealer',
            detail: `dealer_code: no dealer "${quote(dealerCode)}" is on file; an administrator adds dealers before their files are imported.`,
            column: 'dealer_code',
          });
        } else if (
          prepared.ok &&
          converted.dealerCostCents !== null &&
          converted.dealerCostCents > prepared.row.price_cents
        ) {
          reject({
            line,
            code: 'retail_price_below_cost',
            detail: `dealer_cost_cents: the dealer cost (${converted.dealerCostCents}) may not be above the price (${prepared.row.price_cents}).`,
            column: 'dealer_cost_cents',
          });
        } else if (!prepared.ok) {
          const column = COLUMN_OF_FIELD[prepared.param] ?? null;
          reject({
            line,
            code: prepared.code,
            detail: `${column ?? prepared.param}: ${prepared.detail}`,
            column,
          });
        } else {
          const contractNumber = prepared.row.contract_number!;
          if (numbers.has(contractNumber)) duplicatesInBatch += 1;
          else {
            // Completed in place rather than copied: this runs for every row of every file.
            const cost = converted.dealerCostCents;
            const row: NewContractRow = Object.assign(prepared.row, {
              contract_number: contractNumber,
              source: 'import' as const,
              import_id: importId,
              dealer_id: dealer!.id,
              dealer_cost_cents: cost,
              selling_dealer_code: dealerCode,
              selling_dealer_name: converted.dealerNamed ? prepared.row.selling_dealer_name : dealer!.name,
            });
            numbers.add(contractNumber);
            copyData.addLine(contractCopyLine(row));
            if (cost !== null) bookedNumbers.push(contractNumber);
            const key = `${row.plan_code}\t${row.purchase_state}\t${dealerCode}\t${cost !== null ? '1' : '0'}`;
            premiums.set(key, (premiums.get(key) ?? 0) + (cost ?? row.price_cents));
          }
        }
      }
    }
    if (numbers.size >= limit || recordsInBatch >= limit) full = true;
  }

  function read(
    step: { records: { fields: string[]; line: number }[]; error: CsvSyntaxError | null },
    end: 'finished' | 'cut' | null,
  ): FileStep[] {
    const steps: FileStep[] = [];
    if (done) return steps;
    for (const { fields, line } of step.records) {
      checkRecord(fields, line, steps);
      if (done) return steps;
    }
    if (step.error) {
      done = true;
      // The rows before the line that stops the import are good rows: they go in too.
      if (columns) {
        steps.push(takeBatch({ kind: 'stopped', line: step.error.line, detail: step.error.message }));
      } else {
        steps.push({ kind: 'refused', detail: step.error.message, column: null });
      }
      return steps;
    }
    if (end) {
      done = true;
      if (columns) steps.push(takeBatch({ kind: end }));
    }
    return steps;
  }

  return {
    push: (text: string): FileStep[] => {
      if (!notUtf8Seen && holdsNotUtf8(text)) notUtf8Seen = true;
      return read(reader.push(text), null);
    },
    end: (): FileStep[] => read(reader.end(), 'finished'),
    cut: (): FileStep[] => read({ records: [], error: null }, 'cut'),
  };
}

export type ContractFileChecker = ReturnType<typeof createContractFileChecker>;
