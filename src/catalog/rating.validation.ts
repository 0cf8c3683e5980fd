// The rating section's rules across fields (docs/domain.md "Selling through dealers"): every rate names a
// plan of the right product, a known vehicle class and a term the plan sells; a make sits in one class
// only; every deductible a rated plan offers has an adjustment; every rated plan has its eligibility;
// each surcharge is a fixed amount or a share of the table rate, not both; no row is given twice.

import type { Plan, Rating } from './catalog.schema.js';
import { isRegionCode } from './regions.js';
import type { SchemaError as CatalogError } from './schema-errors.js';

/**
 * `plans` are the well-formed plans; `planCodes` every plan's code, shaped or not, so that a rate of a
 * malformed plan is not reported twice (the plan's own error says what is wrong).
 */
export function ratingErrors(
  rating: Rating,
  plans: ReadonlyMap<string, Plan>,
  planCodes: ReadonlySet<string>,
): CatalogError[] {
  const errors: CatalogError[] = [];
  const push = (path: string, message: string) => errors.push({ path: `/rating${path}`, message });

  const classes = new Set<string>();
  const makeClass = new Map<string, string>();
  rating.vehicleClasses.forEach((vehicleClass, index) => {
    if (classes.has(vehicleClass.code))
      push(`/vehicleClasses/${index}/code`, `duplicates class '${vehicleClass.code}'`);
    classes.add(vehicleClass.code);
    vehicleClass.makes.forEach((make, makeIndex) => {
      const key = make.trim().toLowerCase();
      const earlier = makeClass.get(key);
      if (earlier !== undefined)
        push(
          `/vehicleClasses/${index}/makes/${makeIndex}`,
          `make '${make}' is already in class '${earlier}'`,
        );
      else makeClass.set(key, vehicleClass.code);
    });
  });

  const ratedVscPlans = new Set<string>();
  const rateKeys = new Set<string>();
  rating.vscRates.forEach((rate, index) => {
    const plan = plans.get(rate.planCode);
    if (!plan && planCodes.has(rate.planCode)) {
      // A malformed plan: its own errors are reported.
    } else if (plan?.product !== 'vsc') {
      push(`/vscRates/${index}/planCode`, `'${rate.planCode}' is not a VSC plan of this catalog`);
    } else {
      ratedVscPlans.add(plan.code);
      if (!plan.termOptions.some((t) => t.months === rate.termMonths && t.miles === rate.termMiles))
        push(
          `/vscRates/${index}/termMonths`,
          `${plan.code} is not sold for ${rate.termMonths} months/${rate.termMiles} miles`,
        );
    }
    if (!classes.has(rate.vehicleClass))
      push(`/vscRates/${index}/vehicleClass`, `unknown vehicle class '${rate.vehicleClass}'`);
    const key = `${rate.planCode}/${rate.vehicleClass}/${rate.termMonths}/${rate.termMiles}`;
    if (rateKeys.has(key)) push(`/vscRates/${index}`, `duplicates the rate of ${key}`);
    rateKeys.add(key);
  });

  const adjusted = new Set<number>();
  rating.deductibleAdjustments.forEach((adjustment, index) => {
    if (adjusted.has(adjustment.deductibleCents))
      push(
        `/deductibleAdjustments/${index}`,
        `duplicates the adjustment of a $${adjustment.deductibleCents / 100} deductible`,
      );
    adjusted.add(adjustment.deductibleCents);
  });
  for (const code of ratedVscPlans) {
    const plan = plans.get(code);
    if (plan?.product !== 'vsc') continue;
    for (const deductible of plan.deductibleOptionsCents)
      if (!adjusted.has(deductible))
        push(
          '/deductibleAdjustments',
          `${code} offers a $${deductible / 100} deductible but it has no adjustment`,
        );
  }

  const conditions = new Set<string>();
  rating.surcharges.forEach((surcharge, index) => {
    if (conditions.has(surcharge.condition))
      push(`/surcharges/${index}/condition`, `duplicates '${surcharge.condition}'`);
    conditions.add(surcharge.condition);
    const kinds = [surcharge.amountCents, surcharge.tableRateBasisPoints].filter(
      (v) => v !== undefined,
    ).length;
    if (kinds !== 1) push(`/surcharges/${index}`, 'give exactly one of amountCents and tableRateBasisPoints');
  });

  const eligible = new Set<string>();
  rating.eligibility.forEach((rule, index) => {
    if (!planCodes.has(rule.planCode))
      push(`/eligibility/${index}/planCode`, `unknown plan '${rule.planCode}'`);
    if (eligible.has(rule.planCode))
      push(`/eligibility/${index}/planCode`, `duplicates the rule of '${rule.planCode}'`);
    eligible.add(rule.planCode);
  });
  for (const code of ratedVscPlans)
    if (!eligible.has(code) && plans.has(code))
      push('/eligibility', `rated plan ${code} has no eligibility rule`);

  const gapKeys = new Set<string>();
  rating.gapRates.forEach((rate, index) => {
    const plan = plans.get(rate.planCode);
    if (!(!plan && planCodes.has(rate.planCode)) && plan?.product !== 'gap')
      push(`/gapRates/${index}/planCode`, `'${rate.planCode}' is not a GAP plan of this catalog`);
    const key = `${rate.planCode}/${rate.termMonths}`;
    if (gapKeys.has(key)) push(`/gapRates/${index}`, `duplicates the rate of ${key}`);
    gapKeys.add(key);
  });

  const capped = new Set<string>();
  rating.stateMarkupCaps.forEach((cap, index) => {
    if (!isRegionCode(cap.state)) push(`/stateMarkupCaps/${index}/state`, `unknown state '${cap.state}'`);
    if (capped.has(cap.state)) push(`/stateMarkupCaps/${index}/state`, `duplicates the cap of ${cap.state}`);
    capped.add(cap.state);
    if (cap.maxMarkupCents > rating.maxMarkupCents)
      push(`/stateMarkupCaps/${index}/maxMarkupCents`, 'a state cap may only lower maxMarkupCents');
  });
  return errors;
}
