// The figures the help center quotes (free look, fees, windows, limits, review days) read from the
// current catalog and the settings, so an article never states a number that the rules do not.
import type { Catalog, GapPlan, VscPlan } from '../catalog/catalog.schema.js';
import type { StateRuleNote } from '../catalog/effective-terms.js';
import { stateRuleParams } from '../catalog/state-rules.js';
import type { HolderLanguage } from '../shared/language.js';
import { formatUsd } from '../shared/money.js';
import { formatSupportHours, type SupportHours } from './support-hours.js';

export interface HelpSettings {
  supportPhone: string;
  /** Days and times (COVERWISE_SUPPORT_HOURS), said in the reader's language. */
  supportHours: SupportHours;
  roadsidePhone: string;
  /** GAP document reviews are due this many business days after receipt (COVERWISE_DOCUMENT_REVIEW_BUSINESS_DAYS). */
  documentReviewBusinessDays: number;
}

/** Named values an article may quote as {name}; all are already written for people. */
export type HelpValues = Readonly<Record<string, string>>;

/** The joining words of ranges and lists, per language. */
const JOINS: Readonly<Record<HolderLanguage, { to: string; and: string }>> = {
  en: { to: 'to', and: 'and' },
  es: { to: 'a', and: 'y' },
};

export function helpValues(
  catalog: Catalog,
  settings: HelpSettings,
  language: HolderLanguage = 'en',
): HelpValues {
  const joins = JOINS[language];
  /** A range of whole numbers written "30" when every plan agrees, else "30 to 60" ("30 a 60"). */
  function range(values: readonly number[], write: (value: number) => string = String): string {
    if (values.length === 0) return '—';
    const lowest = Math.min(...values);
    const highest = Math.max(...values);
    return lowest === highest ? write(lowest) : `${write(lowest)} ${joins.to} ${write(highest)}`;
  }
  function listing(names: readonly string[]): string {
    if (names.length <= 1) return names.join('');
    return `${names.slice(0, -1).join(', ')} ${joins.and} ${names.at(-1)}`;
  }
  const vscPlans = catalog.plans.filter((plan): plan is VscPlan => plan.product === 'vsc');
  const gapPlans = catalog.plans.filter((plan): plan is GapPlan => plan.product === 'gap');
  const transferable = vscPlans.filter((plan) => plan.transfer.allowed);
  const rentals = vscPlans.flatMap((plan) => (plan.benefits.rental ? [plan.benefits.rental] : []));
  const trips = vscPlans.flatMap((plan) =>
    plan.benefits.tripInterruption ? [plan.benefits.tripInterruption] : [],
  );
  const stateFreeLooks = catalog.stateRules.flatMap((rule) =>
    rule.products.includes('vsc') && rule.overrides.cancellation?.freeLookDays !== undefined
      ? [rule.overrides.cancellation.freeLookDays]
      : [],
  );
  return {
    supportPhone: settings.supportPhone,
    supportHours: formatSupportHours(settings.supportHours, language),
    roadsidePhone: settings.roadsidePhone,
    reviewBusinessDays: String(settings.documentReviewBusinessDays),
    planNames: listing(vscPlans.map((plan) => plan.name)),
    vscFreeLookDays: range(vscPlans.map((plan) => plan.cancellation.freeLookDays)),
    stateFreeLookDays: range(stateFreeLooks),
    gapFreeLookDays: range(gapPlans.map((plan) => plan.cancellation.freeLookDays)),
    vscCancellationFee: range(
      vscPlans.map((plan) => plan.cancellation.adminFeeCents),
      formatUsd,
    ),
    gapCancellationFee: range(
      gapPlans.map((plan) => plan.cancellation.adminFeeCents),
      formatUsd,
    ),
    transferFee: range(
      transferable.map((plan) => plan.transfer.feeCents),
      formatUsd,
    ),
    transferWindowDays: range(transferable.map((plan) => plan.transfer.windowDays)),
    rentalDailyLimit: range(
      rentals.map((rule) => rule.dailyLimitCents),
      formatUsd,
    ),
    rentalPerVisitLimit: range(
      rentals.map((rule) => rule.perVisitLimitCents),
      formatUsd,
    ),
    rentalPlanNames: listing(vscPlans.filter((plan) => plan.benefits.rental).map((plan) => plan.name)),
    tripDailyLimit: range(
      trips.map((rule) => rule.dailyLimitCents),
      formatUsd,
    ),
    tripMaxDays: range(trips.map((rule) => rule.maxDays)),
    tripMinMilesFromHome: range(trips.map((rule) => rule.minMilesFromHome)),
    roadsideLimit: range(
      vscPlans.map((plan) => plan.benefits.roadside.perEventLimitCents),
      formatUsd,
    ),
    waitingDays: range(vscPlans.map((plan) => plan.waitingPeriod.days)),
    waitingMiles: range(vscPlans.map((plan) => plan.waitingPeriod.miles)),
    laborRateCap: range(
      vscPlans.flatMap((plan) =>
        plan.claims.laborRateCapCents === null ? [] : [plan.claims.laborRateCapCents],
      ),
      formatUsd,
    ),
    deductibles: range(
      vscPlans.flatMap((plan) => plan.deductibleOptionsCents),
      formatUsd,
    ),
    gapDocumentsDueDays: range(gapPlans.map((plan) => plan.gap.documentsDueDays)),
    gapMaxBenefit: range(
      gapPlans.map((plan) => plan.gap.maxBenefitCents),
      formatUsd,
    ),
    gapDeductibleCover: range(
      gapPlans.map((plan) => plan.gap.deductibleCoverMaxCents),
      formatUsd,
    ),
  };
}

/** The holder sentences of the catalog's state rules, which the cost and cancellation answers list. */
export function stateRuleSentences(catalog: Catalog): string[] {
  return catalog.stateRules.map((rule) => rule.sentence);
}

/**
 * The same rules as notes: the English sentence with the rule's id and what it sets (stateRuleParams),
 * for a page to say each rule in its reader's language (docs/languages.md).
 */
export function stateRuleNotes(catalog: Catalog): StateRuleNote[] {
  return catalog.stateRules.map((rule) => ({
    ruleId: rule.id,
    sentence: rule.sentence,
    params: stateRuleParams(rule),
  }));
}
