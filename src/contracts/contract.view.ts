// How a contract is shown through the API: its stored facts plus what follows from them today — the
// status as of today and, for holders and staff, the coverage as it applies to this contract (its
// catalog version and its purchase state's rules).
import type { Catalog } from '../catalog/catalog.schema.js';
import type { EffectiveTerms, VscTerms } from '../catalog/effective-terms.js';
import type { ContractRow } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { type CoverageReasonCode, coverageStatusOn } from './contract-term.js';

export interface CoverageView {
  inForce: boolean;
  reasonCode?: CoverageReasonCode;
  asOf: CalendarDate;
  componentGroups: { code: string; name: string; description: string }[];
  benefits: {
    roadside: { perEventLimitCents: number; services: string[] } | null;
    rental: {
      dailyLimitCents: number;
      perVisitLimitCents: number;
      minLaborHours: number;
      overnightQualifies: boolean;
    } | null;
    tripInterruption: { dailyLimitCents: number; maxDays: number; minMilesFromHome: number } | null;
  };
  notes: { ruleId: string; sentence: string; params: Record<string, string | number> }[];
  /** The contract's deductible is the plan's disappearing one: waived when the selling dealer repairs. */
  disappearingDeductible: boolean;
}

/** The facts of a contract that decide whether it covers a day and an odometer reading. */
export type CoverageFacts = Pick<
  ContractRow,
  | 'expires_on'
  | 'term_days'
  | 'expires_at_miles'
  | 'waiting_period_ends_on'
  | 'waiting_period_ends_at_miles'
  | 'status'
>;

/** Whether the contract covers a given day and odometer reading, with the reason when it does not. */
export function coverageStatusOf(row: CoverageFacts, at: { onDate: CalendarDate; odometer: number }) {
  return coverageStatusOn(
    {
      expiresOn: row.expires_on,
      termDays: row.term_days,
      // GAP addenda end by date only.
      expiresAtMiles: row.expires_at_miles ?? Number.MAX_SAFE_INTEGER,
      waitingPeriodEndsOn: row.waiting_period_ends_on,
      waitingPeriodEndsAtMiles: row.waiting_period_ends_at_miles,
    },
    { onDate: at.onDate, odometer: at.odometer, status: row.status },
  );
}

/** The component groups of a plan's terms, named from its catalog: worked out once per terms (they never change). */
const componentGroupsByTerms = new WeakMap<object, CoverageView['componentGroups']>();

function componentGroupsOf(terms: VscTerms, catalog: Catalog): CoverageView['componentGroups'] {
  let groups = componentGroupsByTerms.get(terms);
  if (!groups) {
    groups = terms.coveredComponentGroups.map((code) => {
      const group = catalog.componentGroups.find((g) => g.code === code);
      return { code, name: group?.name ?? code, description: group?.description ?? '' };
    });
    componentGroupsByTerms.set(terms, groups);
  }
  return groups;
}

export function coverageView(
  row: CoverageFacts & Pick<ContractRow, 'deductible_cents'>,
  terms: EffectiveTerms,
  catalog: Catalog,
  at: { onDate: CalendarDate; odometer: number },
): CoverageView {
  const status = coverageStatusOf(row, at);
  const groups = terms.product === 'vsc' ? componentGroupsOf(terms, catalog) : [];
  return {
    inForce: status.inForce,
    ...(status.inForce ? {} : { reasonCode: status.reasonCode }),
    asOf: at.onDate,
    componentGroups: groups,
    benefits:
      terms.product === 'vsc'
        ? {
            roadside: terms.benefits.roadside,
            rental: terms.benefits.rental,
            tripInterruption: terms.benefits.tripInterruption,
          }
        : { roadside: null, rental: null, tripInterruption: null },
    notes: terms.notes,
    disappearingDeductible:
      terms.product === 'vsc' &&
      terms.disappearingDeductibleCents !== null &&
      row.deductible_cents === terms.disappearingDeductibleCents,
  };
}

/** The status as of a day: an active contract past its last day reads as expired. */
export function statusAsOf(row: ContractRow, onDate: CalendarDate): ContractRow['status'] {
  return row.status === 'active' && onDate > row.expires_on ? 'expired' : row.status;
}

export function contractView(row: ContractRow, planName: string, onDate: CalendarDate) {
  return {
    id: row.id,
    contractNumber: row.contract_number,
    status: statusAsOf(row, onDate),
    product: row.product,
    planCode: row.plan_code,
    planName,
    catalogVersion: row.catalog_version,
    holder: {
      firstName: row.holder_first_name,
      lastName: row.holder_last_name,
      email: row.holder_email,
      phone: row.holder_phone,
      address: {
        line1: row.address_line1,
        city: row.address_city,
        state: row.address_state,
        zip: row.address_zip,
      },
    },
    vehicle: { vin: row.vin, year: row.vehicle_year, make: row.vehicle_make, model: row.vehicle_model },
    odometerAtSale: row.odometer_at_sale,
    purchaseDate: row.purchase_date,
    purchaseState: row.purchase_state,
    termMonths: row.term_months,
    termMiles: row.term_miles,
    expiresOn: row.expires_on,
    expiresAtMiles: row.expires_at_miles,
    waitingPeriodEndsOn: row.waiting_period_ends_on,
    waitingPeriodEndsAtMiles: row.waiting_period_ends_at_miles,
    priceCents: row.price_cents,
    deductibleCents: row.deductible_cents,
    lienholder: row.lienholder_name ? { name: row.lienholder_name } : null,
    sellingDealer: row.selling_dealer_code
      ? { code: row.selling_dealer_code, name: row.selling_dealer_name ?? row.selling_dealer_code }
      : null,
    amountFinancedCents: row.amount_financed_cents,
    msrpCents: row.msrp_cents,
    hasClaims: row.has_claims,
    dealerCode: row.dealer_id ? row.selling_dealer_code : null,
    dealerCostCents: row.dealer_cost_cents,
    voidedAt: row.voided_at?.toISOString() ?? null,
    voidReason: row.void_reason,
    createdAt: row.created_at.toISOString(),
  };
}

export type ContractView = ReturnType<typeof contractView> & { coverage?: CoverageView };
