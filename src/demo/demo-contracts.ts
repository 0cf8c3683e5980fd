// Demo portfolio: about 200 contracts across the tiers and states (Kansas included), some financed
// with a lienholder, some expired, some near the end of their free look. Dates are relative to the
// day the demo is seeded, so the featured holders below are always in the situation described; names,
// ZIP codes and VINs are fixed (a seeded generator) so the README can list them.
import type { Catalog } from '../catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import type { ContractInput } from '../contracts/contract-input.js';
import { withCheckDigit } from '../contracts/vin.js';
import { addDays, addMonths, type CalendarDate } from '../shared/calendar-date.js';

export interface DemoHolder {
  lastName: string;
  zip: string;
  vin: string;
  planCode: string;
  state: string;
  contractNumber: string;
  situation: string;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const VIN_CHARS = [...'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'];
const YEAR_CODES = [...'ABCDEFGHJKLMNPRSTVWXY123456789'];
const MAKES = [
  { make: 'Honda', models: ['Accord', 'Civic', 'CR-V'], wmi: '1HG' },
  { make: 'Ford', models: ['F-150', 'Escape', 'Explorer'], wmi: '1FT' },
  { make: 'Toyota', models: ['Camry', 'RAV4', 'Tacoma'], wmi: '4T1' },
  { make: 'Chevrolet', models: ['Silverado', 'Equinox', 'Malibu'], wmi: '1GC' },
  { make: 'Subaru', models: ['Outback', 'Forester'], wmi: '4S4' },
  { make: 'Hyundai', models: ['Tucson', 'Elantra'], wmi: '5NP' },
];
const PLACES = [
  { state: 'MO', city: 'Kansas City', zip: '64111' },
  { state: 'KS', city: 'Lawrence', zip: '66044' },
  { state: 'KS', city: 'Wichita', zip: '67202' },
  { state: 'CA', city: 'San Francisco', zip: '94110' },
  { state: 'TX', city: 'Austin', zip: '78701' },
  { state: 'NV', city: 'Reno', zip: '89501' },
  { state: 'FL', city: 'Miami', zip: '33101' },
  { state: 'MA', city: 'Boston', zip: '02108' },
  { state: 'OH', city: 'Columbus', zip: '43215' },
  { state: 'GA', city: 'Atlanta', zip: '30303' },
];
const FIRST_NAMES = [
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Sofia',
  'Daniel',
  'Priya',
  'Liam',
  'Fatima',
  'Noah',
  'Elena',
  'Kwame',
];
const LAST_NAMES = [
  'Garcia',
  'Smith',
  'Patel',
  'Chen',
  'Müller',
  'Brown',
  'Kowalski',
  'Nakamura',
  "O'Neil",
  'Hernández',
  'Johnson',
  'Ali',
];
const LIENHOLDERS = ['Heartland Credit Union', 'First Prairie Bank', 'Coastal Auto Finance'];
const DEALERS = [
  { code: 'D-1001', name: 'Plaza Honda' },
  { code: 'D-2002', name: 'Sunflower Ford' },
  { code: 'D-3003', name: 'Bay City Toyota' },
];
const VSC_PLANS = ['BASIC_GUARD', 'VALUE_GUARD', 'MAJOR_GUARD', 'FEATURE_GUARD'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

// VINs depend only on the seeded generator (not on the day), so the README can list them.
function makeVin(random: () => number, wmi: string): string {
  const yearCode = pick(random, YEAR_CODES);
  let body = '';
  for (let i = 0; i < 5; i++) body += pick(random, VIN_CHARS);
  let serial = '';
  for (let i = 0; i < 6; i++) serial += String(Math.floor(random() * 10));
  return withCheckDigit(`${wmi}${body}0${yearCode}A${serial}`);
}

interface DemoContract {
  input: ContractInput & { contractNumber: string };
  featured?: string;
}

/** The demo contracts as of `today`, valid against the given catalog. */
export function demoContracts(today: CalendarDate, catalog: Catalog): DemoContract[] {
  const random = mulberry32(20_261_125);
  const todayYear = Number(today.slice(0, 4));
  const contracts: DemoContract[] = [];

  const vscInput = (
    n: number,
    options: {
      lastName: string;
      firstName: string;
      place: (typeof PLACES)[number];
      planCode: string;
      purchaseDate: CalendarDate;
      months: number;
      miles: number;
      deductibleCents: number;
      lienholder: string | null;
      odometerAtSale: number;
    },
  ): ContractInput & { contractNumber: string } => {
    const vehicle = pick(random, MAKES);
    const year = Number(options.purchaseDate.slice(0, 4)) - Math.floor(random() * 3);
    return {
      contractNumber: `DEMO-${String(n).padStart(6, '0')}`,
      product: 'vsc',
      planCode: options.planCode,
      holder: {
        firstName: options.firstName,
        lastName: options.lastName,
        email: `${options.firstName.toLowerCase()}.${n}@example.com`,
        phone: `555-01${String(n % 100).padStart(2, '0')}`,
        address: {
          line1: `${100 + n} Main Street`,
          city: options.place.city,
          state: options.place.state,
          zip: options.place.zip,
        },
      },
      vehicle: {
        vin: makeVin(random, vehicle.wmi),
        year,
        make: vehicle.make,
        model: pick(random, vehicle.models),
      },
      odometerAtSale: options.odometerAtSale,
      purchaseDate: options.purchaseDate,
      purchaseState: options.place.state,
      termMonths: options.months,
      termMiles: options.miles,
      priceCents: 150_000 + Math.floor(random() * 250) * 1000,
      deductibleCents: options.deductibleCents,
      lienholder: options.lienholder ? { name: options.lienholder } : null,
      sellingDealer: pick(random, DEALERS),
    };
  };
  const place = (state: string) => PLACES.find((p) => p.state === state)!;

  // Featured holders (the README names them).
  contracts.push({
    featured: 'Value Guard bought in Missouri, in force, financed',
    input: vscInput(1, {
      firstName: 'Maria',
      lastName: 'Rivera',
      place: place('MO'),
      planCode: 'VALUE_GUARD',
      purchaseDate: addDays(today, -200),
      months: 48,
      miles: 48_000,
      deductibleCents: 10_000,
      lienholder: LIENHOLDERS[0]!,
      odometerAtSale: 18_250,
    }),
  });
  contracts.push({
    featured: 'Major Guard bought in Kansas: no trip interruption',
    input: vscInput(2, {
      firstName: 'Kwame',
      lastName: 'Okafor',
      place: place('KS'),
      planCode: 'MAJOR_GUARD',
      purchaseDate: addDays(today, -90),
      months: 60,
      miles: 60_000,
      deductibleCents: 0,
      lienholder: null,
      odometerAtSale: 9_400,
    }),
  });
  contracts.push({
    featured: 'Basic Guard bought in California 55 days ago: free look ends in 5 days',
    input: vscInput(3, {
      firstName: 'Wei',
      lastName: 'Nguyen',
      place: place('CA'),
      planCode: 'BASIC_GUARD',
      purchaseDate: addDays(today, -55),
      months: 36,
      miles: 36_000,
      deductibleCents: 20_000,
      lienholder: LIENHOLDERS[2]!,
      odometerAtSale: 31_000,
    }),
  });
  contracts.push({
    featured: 'Value Guard bought in Florida, expired by date',
    input: vscInput(4, {
      firstName: 'James',
      lastName: 'Johnson',
      place: place('FL'),
      planCode: 'VALUE_GUARD',
      purchaseDate: addMonths(today, -40),
      months: 36,
      miles: 36_000,
      deductibleCents: 10_000,
      lienholder: null,
      odometerAtSale: 22_000,
    }),
  });
  const texas = vscInput(5, {
    firstName: 'Sofia',
    lastName: 'Schmidt',
    place: place('TX'),
    planCode: 'FEATURE_GUARD',
    purchaseDate: addDays(today, -120),
    months: 48,
    miles: 48_000,
    deductibleCents: 10_000,
    lienholder: LIENHOLDERS[1]!,
    odometerAtSale: 12_800,
  });
  contracts.push({ featured: 'Feature Guard and a GAP addendum on one vehicle, Texas', input: texas });
  contracts.push({
    input: {
      ...texas,
      contractNumber: 'DEMO-000006',
      product: 'gap',
      planCode: 'GAP',
      termMonths: 72,
      termMiles: null,
      deductibleCents: null,
      priceCents: 79_500,
      amountFinancedCents: 3_250_000,
      msrpCents: 3_600_000,
    },
  });

  // The rest of the portfolio.
  for (let n = 7; n <= 200; n++) {
    const planCode = pick(random, VSC_PLANS);
    const plan = catalog.plans.find((p) => p.code === planCode);
    if (plan?.product !== 'vsc') continue;
    const term = pick(random, plan.termOptions);
    // Spread purchase dates over the last five years: some contracts have run out.
    const purchaseDate = addDays(today, -Math.floor(random() * 5 * 365));
    contracts.push({
      input: vscInput(n, {
        firstName: pick(random, FIRST_NAMES),
        lastName: pick(random, LAST_NAMES),
        place: pick(random, PLACES),
        planCode,
        purchaseDate,
        months: term.months,
        miles: term.miles,
        deductibleCents: pick(random, plan.deductibleOptionsCents),
        lienholder: random() < 0.6 ? pick(random, LIENHOLDERS) : null,
        odometerAtSale: Math.floor(random() * 60_000),
      }),
    });
  }
  // Keep model years within what the catalog accepts for the purchase year.
  for (const contract of contracts)
    contract.input.vehicle.year = Math.min(contract.input.vehicle.year, todayYear + 1);
  return contracts;
}

/** The featured demo holders, as a person signs in with them. */
export function demoHolders(today: CalendarDate, catalog: Catalog): DemoHolder[] {
  return demoContracts(today, catalog)
    .filter((c) => c.featured)
    .map((c) => ({
      lastName: c.input.holder.lastName,
      zip: c.input.holder.address.zip,
      vin: c.input.vehicle.vin,
      planCode: c.input.planCode,
      state: c.input.purchaseState,
      contractNumber: c.input.contractNumber,
      situation: c.featured!,
    }));
}

/**
 * The featured demo holders (last name, ZIP and VIN do not depend on the day the demo is seeded; the
 * README lists them). The first is an in-force Value Guard bought in Missouri.
 */
export const DEMO_HOLDERS: readonly DemoHolder[] = demoHolders('2026-11-25', loadDefaultCatalog());
