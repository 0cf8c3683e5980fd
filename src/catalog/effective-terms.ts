// The terms one contract is held to: its plan's defaults from the catalog version it was sold under,
// changed by every state rule of its state of purchase (docs/domain.md "Products and tiers", "Benefits",
// "Transfers", "Cancellations"). Each overridable field records which rule set it, for audit and for
// the notes shown to the holder.

import type {
  CancellationRule,
  Catalog,
  GapPlan,
  GapRule,
  Plan,
  RentalRule,
  RoadsideRule,
  StateRule,
  TransferRule,
  TripInterruptionRule,
  VscPlan,
} from './catalog.schema.js';
import { applicableStateRules, stateRuleFields, stateRuleParams } from './state-rules.js';

/** A state rule that shaped the contract, in words for the holder. */
export interface StateRuleNote {
  ruleId: string;
  /** The rule in English, as the catalog words it. */
  sentence: string;
  /** What the rule sets (stateRuleParams): a page says the rule from `ruleId` and these in its language. */
  params: Record<string, string | number>;
}

interface CommonTerms {
  planCode: string;
  planName: string;
  purchaseState: string;
  cancellation: CancellationRule;
  transfer: TransferRule;
  /** Every state rule that applied and still decides something (or is a notice only), in order. */
  notes: StateRuleNote[];
  /**
   * For each field a state rule may set (`cancellation.freeLookDays`, `transfer.feeCents`,
   * `benefits.rental`, `benefits.tripInterruption`, …): the id of the rule that set it, or
   * `plan:<CODE>` when the plan's default stands.
   */
  ruleSources: Record<string, string>;
}

export interface VscTerms extends CommonTerms {
  product: 'vsc';
  style: VscPlan['style'];
  /** Every covered group code in catalog order (exclusionary plans: all groups but the exclusions). */
  coveredComponentGroups: string[];
  /** Names of every group in the catalog, covered or not, so any claim line can be labelled. */
  componentGroupNames: Record<string, string>;
  deductibleOptionsCents: number[];
  disappearingDeductibleCents: number | null;
  deductiblePer: VscPlan['deductiblePer'];
  termOptions: VscPlan['termOptions'];
  waitingPeriod: VscPlan['waitingPeriod'];
  renewal: VscPlan['renewal'];
  benefits: {
    roadside: RoadsideRule;
    rental: RentalRule | null;
    tripInterruption: TripInterruptionRule | null;
  };
  claims: VscPlan['claims'];
}

export interface GapTerms extends CommonTerms {
  product: 'gap';
  gap: GapRule;
  requiredDocuments: GapPlan['requiredDocuments'];
  /** Names of every document type in the catalog. */
  documentTypeNames: Record<string, string>;
}

export type EffectiveTerms = VscTerms | GapTerms;

export type ComponentCoverage =
  | { covered: true }
  | { covered: false; reasonCode: 'component_not_covered' | 'unknown_component_group' };

/** The overridable parts of a plan, as they stand after each rule. */
interface Overridable {
  cancellation: CancellationRule;
  transfer: TransferRule;
  rentalAvailable: boolean;
  tripInterruptionAvailable: boolean;
}

function namesByCode(items: readonly { code: string; name: string }[]): Record<string, string> {
  return Object.fromEntries(items.map((item) => [item.code, item.name]));
}

function withoutUndefined<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function applyRule(terms: Overridable, rule: StateRule): Overridable {
  const { overrides } = rule;
  return {
    cancellation: { ...terms.cancellation, ...withoutUndefined(overrides.cancellation ?? {}) },
    transfer: { ...terms.transfer, ...withoutUndefined(overrides.transfer ?? {}) },
    rentalAvailable: overrides.rentalAvailable ?? terms.rentalAvailable,
    tripInterruptionAvailable: overrides.tripInterruptionAvailable ?? terms.tripInterruptionAvailable,
  };
}

function resolveOverrides(catalog: Catalog, plan: Plan, purchaseState: string) {
  const rules = applicableStateRules(catalog.stateRules, plan, purchaseState);
  const planSource = `plan:${plan.code}`;
  const ruleSources: Record<string, string> = {};
  for (const name of Object.keys(plan.cancellation)) ruleSources[`cancellation.${name}`] = planSource;
  for (const name of Object.keys(plan.transfer)) ruleSources[`transfer.${name}`] = planSource;
  if (plan.product === 'vsc') {
    ruleSources['benefits.rental'] = planSource;
    ruleSources['benefits.tripInterruption'] = planSource;
  }

  let terms: Overridable = {
    cancellation: { ...plan.cancellation },
    transfer: { ...plan.transfer },
    rentalAvailable: true,
    tripInterruptionAvailable: true,
  };
  for (const rule of rules) {
    terms = applyRule(terms, rule);
    for (const field of stateRuleFields(rule)) ruleSources[field.key] = rule.id;
  }

  // A rule overridden field by field by a more specific one no longer describes the contract.
  const deciding = new Set(Object.values(ruleSources));
  const notes = rules
    .filter((rule) => stateRuleFields(rule).length === 0 || deciding.has(rule.id))
    .map((rule) => ({ ruleId: rule.id, sentence: rule.sentence, params: stateRuleParams(rule) }));
  return { terms, ruleSources, notes };
}

function coveredGroups(catalog: Catalog, plan: VscPlan): string[] {
  const listed = new Set(
    plan.style === 'exclusionary' ? plan.excludedComponentGroups : plan.coveredComponentGroups,
  );
  const inPlan = (code: string) => (plan.style === 'exclusionary' ? !listed.has(code) : listed.has(code));
  return catalog.componentGroups.map((group) => group.code).filter(inPlan);
}

function vscTerms(catalog: Catalog, plan: VscPlan, purchaseState: string): VscTerms {
  const { terms, ruleSources, notes } = resolveOverrides(catalog, plan, purchaseState);
  const { rental, tripInterruption, roadside } = plan.benefits;
  return {
    product: 'vsc',
    planCode: plan.code,
    planName: plan.name,
    purchaseState,
    style: plan.style,
    coveredComponentGroups: coveredGroups(catalog, plan),
    componentGroupNames: namesByCode(catalog.componentGroups),
    deductibleOptionsCents: [...plan.deductibleOptionsCents],
    disappearingDeductibleCents: plan.disappearingDeductibleCents,
    deductiblePer: plan.deductiblePer,
    termOptions: plan.termOptions.map((option) => ({ ...option })),
    waitingPeriod: { ...plan.waitingPeriod },
    renewal: { ...plan.renewal },
    benefits: {
      roadside: { ...roadside, services: [...roadside.services] },
      rental: terms.rentalAvailable && rental ? { ...rental } : null,
      tripInterruption: terms.tripInterruptionAvailable && tripInterruption ? { ...tripInterruption } : null,
    },
    claims: { ...plan.claims },
    cancellation: terms.cancellation,
    transfer: terms.transfer,
    notes,
    ruleSources,
  };
}

function gapTerms(catalog: Catalog, plan: GapPlan, purchaseState: string): GapTerms {
  const { terms, ruleSources, notes } = resolveOverrides(catalog, plan, purchaseState);
  const { total_loss, theft, theft_recovered } = plan.requiredDocuments;
  return {
    product: 'gap',
    planCode: plan.code,
    planName: plan.name,
    purchaseState,
    gap: { ...plan.gap },
    requiredDocuments: {
      total_loss: [...total_loss],
      theft: [...theft],
      theft_recovered: [...theft_recovered],
    },
    documentTypeNames: namesByCode(catalog.documentTypes),
    cancellation: terms.cancellation,
    transfer: terms.transfer,
    notes,
    ruleSources,
  };
}

/**
 * The terms of `planCode` bought in `purchaseState` (two-letter code) under `catalog`, or null when
 * the catalog has no such plan. The catalog is expected to have passed validateCatalog.
 */
export function resolveTerms(
  catalog: Catalog,
  planCode: string,
  purchaseState: string,
): EffectiveTerms | null {
  const plan = catalog.plans.find((candidate) => candidate.code === planCode);
  if (!plan) return null;
  const state = purchaseState.toUpperCase();
  return plan.product === 'vsc' ? vscTerms(catalog, plan, state) : gapTerms(catalog, plan, state);
}

/** Whether a repair line's component group is covered by the contract's terms. */
export function isComponentGroupCovered(terms: VscTerms, componentGroup: string): ComponentCoverage {
  if (!Object.hasOwn(terms.componentGroupNames, componentGroup)) {
    return { covered: false, reasonCode: 'unknown_component_group' };
  }
  return terms.coveredComponentGroups.includes(componentGroup)
    ? { covered: true }
    : { covered: false, reasonCode: 'component_not_covered' };
}
