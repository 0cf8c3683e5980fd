import type {
  ContractSummary,
  Coverage,
  RentalBenefit,
  RoadsideBenefit,
  TripInterruptionBenefit,
} from './contracts.js';
import { formatCalendarDate, formatCents, formatLimitCents, formatMiles, formatMonths } from './format.js';
import { catalogWords, intlLocale, t } from './i18n.js';

// Contracts in plain words, shared by the holder's "My coverage" and the staff contract pages: the
// limits all come from the contract's coverage block (the catalog), so nothing here knows $75 or 3 days.

const statuses = new Set(['active', 'cancelled', 'expired', 'void', 'claimed']);

/** The contract's recorded status ('active' → 'Active'); an unknown status is shown as sent. */
export function contractStatusLabel(status: string): string {
  return statuses.has(status) ? t(`words.status.${status}`) : status;
}

/**
 * The status inside a sentence ('Contract … is active'): its words with only the first letter lowered,
 * so 'Claimed: GAP benefit paid' reads 'claimed: GAP benefit paid'.
 */
export function contractStatusInSentence(status: string): string {
  const label = contractStatusLabel(status);
  return label.charAt(0).toLocaleLowerCase(intlLocale()) + label.slice(1);
}

/** A component group's name and description in the reader's language (catalogWords). */
export function componentGroupWords(group: { code: string; name: string; description: string }): {
  name: string;
  description: string;
} {
  return {
    name: catalogWords(`catalog.componentGroup.${group.code}.name`, group.name),
    description: catalogWords(`catalog.componentGroup.${group.code}.description`, group.description),
  };
}

/** A plan's name in the reader's language (catalogWords): plan names are mostly brands, kept as they are. */
export function planNameWords(contract: { planCode: string; planName: string }): string {
  return catalogWords(`catalog.plan.${contract.planCode}`, contract.planName);
}

export function productLabel(product: string): string {
  if (product === 'vsc' || product === 'gap') return t(`words.product.${product}`);
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
  if (date && miles) return t('words.untilDateOrMiles', { date, miles });
  if (date) return t('words.untilDate', { date });
  if (miles) return t('words.untilMiles', { miles });
  return '';
}

/** 'In force', or 'Not in force: ' and why, as the server judged it on `coverage.asOf`. */
export function coverageStatus(contract: ContractSummary, coverage: Coverage): CoverageStatus {
  if (coverage.inForce) return { inForce: true, text: t('words.inForce') };
  switch (coverage.reasonCode) {
    case 'expired_by_date':
      return { inForce: false, text: t('words.expiredOn', { date: formatCalendarDate(contract.expiresOn) }) };
    case 'expired_by_miles':
      return {
        inForce: false,
        text:
          contract.expiresAtMiles === null
            ? t('words.expiredByMiles')
            : t('words.expiredAtMiles', { miles: formatMiles(contract.expiresAtMiles) }),
      };
    case 'cancelled':
      return { inForce: false, text: t('words.notInForceCancelled') };
    case 'void':
      return { inForce: false, text: t('words.notInForceVoid') };
    // A GAP addendum whose benefit was paid has ended: its status says why ('Claimed: GAP benefit paid').
    case 'claimed':
      return { inForce: false, text: t('words.status.claimed') };
    case 'waiting_period':
      return { inForce: false, text: t('words.waiting', { until: waitingPeriodEnd(contract) }) };
    default:
      return { inForce: false, text: t('words.notInForce') };
  }
}

const endedReasons = new Set(['cancelled', 'void', 'claimed', 'expired_by_date', 'expired_by_miles']);

/**
 * Whether the contract has ended (cancelled, void, claimed or expired), as opposed to in force or
 * still in its waiting period: its page then tells what it covered, in the past tense.
 */
export function coverageEnded(coverage: Coverage): boolean {
  return !coverage.inForce && coverage.reasonCode !== undefined && endedReasons.has(coverage.reasonCode);
}

/** '36 months / 36,000 miles', or just the months for a term without a mileage limit (GAP). */
export function termWords(contract: ContractSummary): string {
  const months = formatMonths(contract.termMonths);
  return contract.termMiles === null ? months : `${months} / ${formatMiles(contract.termMiles)}`;
}

/** 'From November 25, 2026 to November 25, 2029 or 84,000 miles, whichever comes first'. */
export function coveragePeriodWords(contract: ContractSummary): string {
  const from = formatCalendarDate(contract.purchaseDate);
  const to = formatCalendarDate(contract.expiresOn);
  if (contract.expiresAtMiles === null) return t('words.period', { from, to });
  return t('words.periodMiles', { from, to, miles: formatMiles(contract.expiresAtMiles) });
}

/** '$100 per repair visit', or 'No deductible'. */
export function deductibleWords(deductibleCents: number | null): string {
  if (!deductibleCents) return t('words.noDeductible');
  return t('words.perVisit', { amount: formatLimitCents(deductibleCents) });
}

const roadsideServices = new Set(['tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery']);

/** A service the app has no words for yet is shown from its code ('battery_swap' → 'battery swap'). */
export function roadsideServiceName(service: string): string {
  return roadsideServices.has(service) ? t(`words.roadside.${service}`) : service.replaceAll('_', ' ');
}

/** '$75 per event: towing to a licensed repair facility, jump start, flat tire change'. */
export function roadsideWords(roadside: RoadsideBenefit): string {
  const limit = t('words.perEvent', { amount: formatLimitCents(roadside.perEventLimitCents) });
  if (roadside.services.length === 0) return limit;
  return `${limit}: ${roadside.services.map(roadsideServiceName).join(', ')}`;
}

const laborHoursFormat = {
  format: (hours: number) => new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(hours),
};

/**
 * '$35 a day up to $175 per repair visit (when the repair needs 2 or more labor hours or keeps your
 * vehicle overnight)'.
 */
export function rentalWords(rental: RentalBenefit): string {
  const limits = t('words.rentalLimits', {
    daily: formatLimitCents(rental.dailyLimitCents),
    perVisit: formatLimitCents(rental.perVisitLimitCents),
  });
  const laborHours = t('words.rentalLabor', { hours: laborHoursFormat.format(rental.minLaborHours) });
  const condition = rental.overnightQualifies
    ? t('words.rentalOvernight', { labor: laborHours })
    : laborHours;
  return t('words.rentalWhen', { limits, condition });
}

/** '$100 a day for up to 3 days when more than 100 miles from home'. */
export function tripInterruptionWords(trip: TripInterruptionBenefit): string {
  const days = t('words.days', { count: trip.maxDays });
  return t('words.trip', {
    daily: formatLimitCents(trip.dailyLimitCents),
    days,
    miles: formatMiles(trip.minMilesFromHome),
  });
}

/** Money as people read it on a contract: '$1,234.50', or 'Not recorded' when the field is empty. */
export function moneyOrNotRecorded(amountCents: number | null | undefined): string {
  return amountCents === null || amountCents === undefined
    ? t('words.notRecorded')
    : formatCents(amountCents);
}
