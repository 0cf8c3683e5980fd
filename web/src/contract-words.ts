import type {
  ContractSummary,
  Coverage,
  RentalBenefit,
  RoadsideBenefit,
  TripInterruptionBenefit,
} from './contracts.js';
import { formatCalendarDate, formatCents, formatLimitCents, formatMiles, formatMonths } from './format.js';

// Contracts in plain words, shared by the holder's "My coverage" and the staff contract pages: the
// limits all come from the contract's coverage block (the catalog), so nothing here knows $75 or 3 days.

const statusLabels: Record<string, string> = {
  active: 'Active',
  cancelled: 'Cancelled',
  expired: 'Expired',
  void: 'Void',
};

/** The contract's recorded status ('active' → 'Active'); an unknown status is shown as sent. */
export function contractStatusLabel(status: string): string {
  return statusLabels[status] ?? status;
}

export function productLabel(product: string): string {
  if (product === 'vsc') return 'Vehicle service contract';
  if (product === 'gap') return 'GAP addendum';
  return product;
}

export interface CoverageStatus {
  inForce: boolean;
  text: string;
}

function waitingPeriodEnd(contract: ContractSummary): string {
  const date = contract.waitingPeriodEndsOn ? formatCalendarDate(contract.waitingPeriodEndsOn) : null;
  const miles =
    contract.waitingPeriodEndsAtMiles === null ? null : formatMiles(contract.waitingPeriodEndsAtMiles);
  if (date && miles) return ` until ${date} or ${miles}, whichever comes first`;
  if (date) return ` until ${date}`;
  if (miles) return ` until ${miles}`;
  return '';
}

/** 'In force', or 'Not in force: ' and why, as the server judged it on `coverage.asOf`. */
export function coverageStatus(contract: ContractSummary, coverage: Coverage): CoverageStatus {
  if (coverage.inForce) return { inForce: true, text: 'In force' };
  switch (coverage.reasonCode) {
    case 'expired_by_date':
      return { inForce: false, text: `Not in force: expired on ${formatCalendarDate(contract.expiresOn)}` };
    case 'expired_by_miles':
      return {
        inForce: false,
        text:
          contract.expiresAtMiles === null
            ? 'Not in force: expired by mileage'
            : `Not in force: expired by mileage at ${formatMiles(contract.expiresAtMiles)}`,
      };
    case 'cancelled':
      return { inForce: false, text: 'Not in force: cancelled' };
    case 'void':
      return { inForce: false, text: 'Not in force: void' };
    case 'waiting_period':
      return { inForce: false, text: `Not in force: in waiting period${waitingPeriodEnd(contract)}` };
    default:
      return { inForce: false, text: 'Not in force' };
  }
}

/** '36 months / 36,000 miles', or just the months for a term without a mileage limit (GAP). */
export function termWords(contract: ContractSummary): string {
  const months = formatMonths(contract.termMonths);
  return contract.termMiles === null ? months : `${months} / ${formatMiles(contract.termMiles)}`;
}

/** 'From November 25, 2026 to November 25, 2029 or 84,000 miles, whichever comes first'. */
export function coveragePeriodWords(contract: ContractSummary): string {
  const from = `From ${formatCalendarDate(contract.purchaseDate)} to ${formatCalendarDate(contract.expiresOn)}`;
  if (contract.expiresAtMiles === null) return from;
  return `${from} or ${formatMiles(contract.expiresAtMiles)}, whichever comes first`;
}

/** '$100 per repair visit', or 'No deductible'. */
export function deductibleWords(deductibleCents: number | null): string {
  if (!deductibleCents) return 'No deductible';
  return `${formatLimitCents(deductibleCents)} per repair visit`;
}

const roadsideServiceNames: Record<string, string> = {
  tow: 'towing to a licensed repair facility',
  jump_start: 'jump start',
  flat_tire: 'flat tire change',
  lockout: 'lockout help',
  fuel_delivery: 'fuel delivery',
};

/** A service the app has no words for yet is shown from its code ('battery_swap' → 'battery swap'). */
export function roadsideServiceName(service: string): string {
  return roadsideServiceNames[service] ?? service.replaceAll('_', ' ');
}

/** '$75 per event: towing to a licensed repair facility, jump start, flat tire change'. */
export function roadsideWords(roadside: RoadsideBenefit): string {
  const limit = `${formatLimitCents(roadside.perEventLimitCents)} per event`;
  if (roadside.services.length === 0) return limit;
  return `${limit}: ${roadside.services.map(roadsideServiceName).join(', ')}`;
}

const laborHoursFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/**
 * '$35 a day up to $175 per repair visit (when the repair needs 2 or more labor hours or keeps your
 * vehicle overnight)'.
 */
export function rentalWords(rental: RentalBenefit): string {
  const limits = `${formatLimitCents(rental.dailyLimitCents)} a day up to ${formatLimitCents(rental.perVisitLimitCents)} per repair visit`;
  const laborHours = `the repair needs ${laborHoursFormat.format(rental.minLaborHours)} or more labor hours`;
  const condition = rental.overnightQualifies ? `${laborHours} or keeps your vehicle overnight` : laborHours;
  return `${limits} (when ${condition})`;
}

/** '$100 a day for up to 3 days when more than 100 miles from home'. */
export function tripInterruptionWords(trip: TripInterruptionBenefit): string {
  const days = trip.maxDays === 1 ? '1 day' : `${trip.maxDays} days`;
  return `${formatLimitCents(trip.dailyLimitCents)} a day for up to ${days} when more than ${formatMiles(trip.minMilesFromHome)} from home`;
}

/** Money as people read it on a contract: '$1,234.50', or 'Not recorded' when the field is empty. */
export function moneyOrNotRecorded(amountCents: number | null | undefined): string {
  return amountCents === null || amountCents === undefined ? 'Not recorded' : formatCents(amountCents);
}
