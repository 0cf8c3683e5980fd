// Which state rules apply to a contract and what each one sets (docs/domain.md "Cancellations" state
// overrides, "Transfers", "Benefits" Kansas trip interruption). A rule applies when the contract was
// purchased in its state, the plan's product is one of its products and, when it names plans, the
// plan is one of them. A rule naming plans is more specific and wins over one for every plan;
// catalog.validation.ts refuses two rules of the same specificity that set the same field.

import type { Plan, StateRule } from './catalog.schema.js';

/** One field a state rule sets: its key in `EffectiveTerms.ruleSources` and its pointer in the rule. */
export interface StateRuleField {
  key: string;
  /** JSON pointer relative to the rule, e.g. '/overrides/cancellation/adminFeeCents'. */
  pointer: string;
}

export function stateRuleApplies(rule: StateRule, plan: Plan, purchaseState: string): boolean {
  return (
    rule.state === purchaseState &&
    rule.products.includes(plan.product) &&
    (rule.planCodes === undefined || rule.planCodes.includes(plan.code))
  );
}

export function isPlanSpecific(rule: StateRule): boolean {
  return rule.planCodes !== undefined;
}

/**
 * The rules that apply to `plan` bought in `purchaseState`, in the order they are applied: rules for
 * every plan first, then plan-specific ones, each group in catalog order, so later ones win.
 */
export function applicableStateRules(
  stateRules: readonly StateRule[],
  plan: Plan,
  purchaseState: string,
): StateRule[] {
  const applicable = stateRules.filter((rule) => stateRuleApplies(rule, plan, purchaseState));
  return [...applicable.filter((r) => !isPlanSpecific(r)), ...applicable.filter(isPlanSpecific)];
}

/** The fields a rule sets; a key present with the value `undefined` sets nothing. */
export function stateRuleFields(rule: StateRule): StateRuleField[] {
  const fields: StateRuleField[] = [];
  const { overrides } = rule;
  if (overrides.rentalAvailable !== undefined) {
    fields.push({ key: 'benefits.rental', pointer: '/overrides/rentalAvailable' });
  }
  if (overrides.tripInterruptionAvailable !== undefined) {
    fields.push({ key: 'benefits.tripInterruption', pointer: '/overrides/tripInterruptionAvailable' });
  }
  for (const section of ['cancellation', 'transfer'] as const) {
    for (const [name, value] of Object.entries(overrides[section] ?? {})) {
      if (value === undefined) continue;
      fields.push({ key: `${section}.${name}`, pointer: `/overrides/${section}/${name}` });
    }
  }
  return fields;
}

/**
 * The numbers and flags a rule sets, flat, for a page to say the rule in its reader's language (the
 * rule's `sentence` is English): `state`, then each override by a camel-case name of its path
 * (`tripInterruptionAvailable`, `cancellationAdminFeeCents`, `transferFeeCents`, …); booleans as 0 / 1.
 */
export function stateRuleParams(rule: StateRule): Record<string, string | number> {
  const params: Record<string, string | number> = { state: rule.state };
  const { overrides } = rule;
  if (overrides.rentalAvailable !== undefined) params.rentalAvailable = overrides.rentalAvailable ? 1 : 0;
  if (overrides.tripInterruptionAvailable !== undefined)
    params.tripInterruptionAvailable = overrides.tripInterruptionAvailable ? 1 : 0;
  for (const section of ['cancellation', 'transfer'] as const) {
    for (const [name, value] of Object.entries(overrides[section] ?? {})) {
      if (value === undefined || value === null) continue;
      const key = `${section}${name[0]!.toUpperCase()}${name.slice(1)}`;
      params[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
  }
  return params;
}
