// Synthetic portfolios for benchmarks: N valid contracts (real VIN check digits, plans and terms from
// the catalog), generated deterministically and streamed in batches so memory stays flat for any N.
import type { Catalog } from '../src/catalog/catalog.schema.js';
import { CONTRACTS_COPY_SQL, contractCopyLine } from '../src/contracts/contract.repository.js';
import {
  CONTRACT_CSV_COLUMNS,
  CONTRACT_CSV_HEADER,
  type ContractCsvColumn,
} from '../src/contracts/contract-file.js';
import { type ContractInput, prepareContract } from '../src/contracts/contract-input.js';
import { withCheckDigit } from '../src/contracts/vin.js';
import type { NewContractRow } from '../src/platform/db/schema.js';
import { addDays } from '../src/shared/calendar-date.js';

const STATES = ['MO', 'KS', 'CA', 'TX', 'NV', 'FL', 'MA', 'OH', 'GA', 'NY'];
const ZIPS: Record<string, string> = {
  MO: '64111',
  KS: '66044',
  CA: '94110',
  TX: '78701',
  NV: '89501',
  FL: '33101',
  MA: '02108',
  OH: '43215',
  GA: '30303',
  NY: '10001',
};
const PLANS = ['BASIC_GUARD', 'VALUE_GUARD', 'MAJOR_GUARD', 'FEATURE_GUARD'];

/** The i-th synthetic VIN: unique for i below 10^8, with a valid check digit. */
export function syntheticVin(i: number): string {
  return withCheckDigit(`1FTBW2CM0${'ABCDEFGH'[i % 8]}${String(i).padStart(7, '0')}`);
}

/** The day the synthetic portfolio is written as of: every purchase is on it or before. */
const PORTFOLIO_DAY = '2026-11-01';

/** The i-th synthetic contract's odometer at sale. */
export function syntheticOdometerAtSale(i: number): number {
  return (i * 37) % 60_000;
}

export function syntheticContract(i: number, catalog: Catalog): ContractInput & { contractNumber: string } {
  const state = STATES[i % STATES.length]!;
  const planCode = PLANS[i % PLANS.length]!;
  const plan = catalog.plans.find((p) => p.code === planCode);
  const term =
    plan && plan.product === 'vsc'
      ? plan.termOptions[i % plan.termOptions.length]!
      : { months: 36, miles: 36_000 };
  return {
    contractNumber: `BENCH-${String(i).padStart(9, '0')}`,
    product: 'vsc',
    planCode,
    holder: {
      firstName: 'Pat',
      lastName: `Holder${i % 5000}`,
      email: null,
      address: { line1: `${i} Bench Road`, city: 'Springfield', state, zip: ZIPS[state]! },
    },
    vehicle: { vin: syntheticVin(i), year: 2022, make: 'Ford', model: 'F-150' },
    odometerAtSale: syntheticOdometerAtSale(i),
    purchaseDate: addDays(PORTFOLIO_DAY, -(i % 1500)),
    purchaseState: state,
    termMonths: term.months,
    termMiles: term.miles,
    priceCents: 150_000 + (i % 1000) * 100,
    deductibleCents: 10_000,
    lienholder: i % 3 === 0 ? { name: 'Heartland Credit Union' } : null,
  };
}

export function* syntheticRows(
  count: number,
  catalog: Catalog,
  catalogVersion: number,
  start = 0,
): Generator<NewContractRow> {
  for (let i = start; i < start + count; i++) {
    const input = syntheticContract(i, catalog);
    const prepared = prepareContract(input, catalog, catalogVersion, PORTFOLIO_DAY);
    if (!prepared.ok) throw new Error(`synthetic contract ${i} is invalid: ${prepared.detail}`);
    yield { ...prepared.row, contract_number: input.contractNumber, source: 'import', import_id: null };
  }
}

/**
 * The dealer who sold the synthetic contracts of a dealer file: a dealer file names a dealer on file,
 * so a bench database has it (and the demo data has it too: D-1001 is a demo dealer).
 */
export const SYNTHETIC_DEALER = { code: 'D-1001', name: 'Plaza Honda', state: 'MO' } as const;

/** CSV lines (dealer-file columns) for the i-th synthetic contracts, header first. */
export const CSV_HEADER = CONTRACT_CSV_HEADER;

export function csvLine(input: ContractInput & { contractNumber: string }): string {
  const h = input.holder;
  const cells: Partial<Record<ContractCsvColumn, string | number>> = {
    contract_number: input.contractNumber,
    product: input.product,
    plan_code: input.planCode,
    holder_first_name: h.firstName,
    holder_last_name: h.lastName,
    holder_email: h.email ?? '',
    holder_phone: h.phone ?? '',
    address_line1: h.address.line1,
    city: h.address.city,
    state: h.address.state,
    zip: h.address.zip,
    vin: input.vehicle.vin,
    vehicle_year: input.vehicle.year,
    vehicle_make: input.vehicle.make,
    vehicle_model: input.vehicle.model,
    odometer_at_sale: input.odometerAtSale,
    purchase_date: input.purchaseDate,
    purchase_state: input.purchaseState,
    term_months: input.termMonths,
    term_miles: input.termMiles ?? '',
    price_cents: input.priceCents,
    deductible_cents: input.deductibleCents ?? '',
    lienholder_name: input.lienholder?.name ?? '',
    dealer_code: SYNTHETIC_DEALER.code,
    dealer_name: SYNTHETIC_DEALER.name,
  };
  return CONTRACT_CSV_COLUMNS.map((column) => cells[column] ?? '').join(',');
}

/**
 * Loads synthetic contracts `start` … `start + count − 1` with COPY, `batchSize` rows at a time, so
 * memory holds one batch whatever the count. `onProgress` is called after each batch.
 */
export async function copySyntheticContracts(
  copyFromCsv: (copySql: string, csv: string) => Promise<void>,
  options: {
    count: number;
    catalog: Catalog;
    catalogVersion: number;
    start?: number;
    batchSize?: number;
    onProgress?: (loaded: number) => void;
  },
): Promise<void> {
  const batchSize = options.batchSize ?? 50_000;
  let lines: string[] = [];
  let loaded = 0;
  for (const row of syntheticRows(options.count, options.catalog, options.catalogVersion, options.start)) {
    lines.push(contractCopyLine(row));
    if (lines.length === batchSize) {
      await copyFromCsv(CONTRACTS_COPY_SQL, `${lines.join('\n')}\n`);
      loaded += lines.length;
      lines = [];
      options.onProgress?.(loaded);
    }
  }
  if (lines.length > 0) {
    await copyFromCsv(CONTRACTS_COPY_SQL, `${lines.join('\n')}\n`);
    loaded += lines.length;
    options.onProgress?.(loaded);
  }
}
