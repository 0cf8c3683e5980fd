// A catalog version is accepted whole or refused whole with every reason at once: the TypeBox shape
// of catalog.schema.ts plus the rules across fields (unique codes, references to groups, documents
// and plans, known states, cancellation methods the contract form allows, no two state rules of the
// same specificity setting one field). Contracts are decided from these documents for years, so a
// catalog that could resolve two ways is never stored.

import { Value } from 'typebox/value';
import {
  type Catalog,
  CatalogSchema,
  type GapPlan,
  type Plan,
  PlanSchema,
  RatingSchema,
  type StateRule,
  StateRuleSchema,
  type VscPlan,
} from './catalog.schema.js';
import { ratingErrors } from './rating.validation.js';
import { isRegionCode } from './regions.js';
import { childPointer, type SchemaError, schemaErrors } from './schema-errors.js';
import { isPlanSpecific, stateRuleApplies, stateRuleFields } from './state-rules.js';

export type CatalogError = SchemaError;

export type CatalogValidationResult = { ok: true; catalog: Catalog } | { ok: false; errors: CatalogError[] };

/** An element of a catalog array that has the right shape on its own, with its JSON pointer. */
interface Located<T> {
  value: T;
  path: string;
}

export function validateCatalog(doc: unknown): CatalogValidationResult {
  const errors = [...schemaErrors(CatalogSchema, doc), ...crossFieldErrors(doc)];
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPath) };
  return { ok: true, catalog: doc as Catalog };
}

/** Document order: '/plans/2' before '/plans/10'; a stable sort keeps one place's errors in the order found. */
function byPath(a: CatalogError, b: CatalogError): number {
  const left = a.path.split('/');
  const right = b.path.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x === y) continue;
    const bothIndexes = /^\d+$/.test(x) && /^\d+$/.test(y);
    if (bothIndexes) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Cross-field rules are checked on every element that has the right shape by itself, so a catalog
 * with one malformed plan still gets its other mistakes reported in the same answer.
 */
function wellFormed<T>(value: unknown, path: string, isValid: (item: unknown) => item is T): Located<T>[] {
  return itemsOf(value).flatMap((item, index) =>
    isValid(item) ? [{ value: item, path: childPointer(path, index) }] : [],
  );
}

/** Every element with a string `code`, shaped or not: a broken element still takes its code. */
function coded(value: unknown, path: string): Located<{ code: string }>[] {
  return wellFormed(
    value,
    path,
    (item): item is { code: string } => isRecord(item) && typeof item.code === 'string',
  );
}

function duplicateCodeErrors(items: readonly Located<{ code: string }>[], kind: string): CatalogError[] {
  const firstPath = new Map<string, string>();
  const errors: CatalogError[] = [];
  for (const { value, path } of items) {
    const first = firstPath.get(value.code);
    if (first === undefined) firstPath.set(value.code, path);
    else errors.push({ path: `${path}/code`, message: `duplicates ${kind} '${value.code}' of ${first}` });
  }
  return errors;
}

function crossFieldErrors(doc: unknown): CatalogError[] {
  const root = isRecord(doc) ? doc : {};
  const plans = wellFormed(root.plans, '/plans', (item): item is Plan => Value.Check(PlanSchema, item));
  const rules = wellFormed(root.stateRules, '/stateRules', (item): item is StateRule =>
    Value.Check(StateRuleSchema, item),
  );
  const codedGroups = coded(root.componentGroups, '/componentGroups');
  const codedDocumentTypes = coded(root.documentTypes, '/documentTypes');
  const codedPlans = coded(root.plans, '/plans');
  const known = {
    groups: new Set(codedGroups.map(({ value }) => value.code)),
    documentTypes: new Set(codedDocumentTypes.map(({ value }) => value.code)),
    plans: new Map(plans.map(({ value }) => [value.code, value])),
    planCodes: new Set(codedPlans.map(({ value }) => value.code)),
  };

  // Names and descriptions have no cross-field rules, so a group or document type needs only its code here.
  const errors = [
    ...duplicateCodeErrors(codedGroups, 'component group'),
    ...duplicateCodeErrors(codedDocumentTypes, 'document type'),
    ...duplicateCodeErrors(codedPlans, 'plan'),
  ];
  for (const { value, path } of plans) {
    errors.push(...planCancellationErrors({ value, path }));
    errors.push(
      ...(value.product === 'vsc'
        ? vscPlanErrors({ value, path }, known.groups)
        : gapPlanErrors({ value, path }, known.documentTypes)),
    );
  }
  errors.push(...duplicateRuleIdErrors(rules));
  for (const rule of rules) errors.push(...stateRuleErrors(rule, known.plans, known.planCodes));
  errors.push(...conflictingRuleErrors(rules, plans));
  // The rating section is checked once it has its shape (the schema reports what it lacks).
  if (root.rating !== undefined && Value.Check(RatingSchema, root.rating))
    errors.push(...ratingErrors(root.rating, known.plans, known.planCodes));
  return errors;
}

function planCancellationErrors({ value: plan, path }: Located<Plan>): CatalogError[] {
  if (plan.allowedCancellationMethods.includes(plan.cancellation.method)) return [];
  return [
    {
      path: `${path}/cancellation/method`,
      message: `${plan.cancellation.method} is not one of the plan's allowedCancellationMethods`,
    },
  ];
}

function vscPlanErrors(
  { value: plan, path }: Located<VscPlan>,
  knownGroups: ReadonlySet<string>,
): CatalogError[] {
  const errors: CatalogError[] = [];
  if (plan.style === 'stated_component') {
    if (plan.coveredComponentGroups.length === 0) {
      errors.push({
        path: `${path}/coveredComponentGroups`,
        message: 'a stated_component plan must list the component groups it covers',
      });
    }
    if (plan.excludedComponentGroups.length > 0) {
      errors.push({
        path: `${path}/excludedComponentGroups`,
        message: 'a stated_component plan covers only what it lists; leave exclusions empty',
      });
    }
  } else if (plan.coveredComponentGroups.length > 0) {
    errors.push({
      path: `${path}/coveredComponentGroups`,
      message: 'an exclusionary plan covers every group but its exclusions; leave covered groups empty',
    });
  }
  for (const field of ['coveredComponentGroups', 'excludedComponentGroups'] as const) {
    plan[field].forEach((code, index) => {
      if (!knownGroups.has(code)) {
        errors.push({ path: `${path}/${field}/${index}`, message: `unknown component group '${code}'` });
      }
    });
  }
  const { disappearingDeductibleCents } = plan;
  if (
    disappearingDeductibleCents !== null &&
    !plan.deductibleOptionsCents.includes(disappearingDeductibleCents)
  ) {
    errors.push({
      path: `${path}/disappearingDeductibleCents`,
      message: 'must be one of the deductibleOptionsCents',
    });
  }
  const terms = new Set<string>();
  plan.termOptions.forEach((option, index) => {
    const key = `${option.months}/${option.miles}`;
    if (terms.has(key)) {
      errors.push({ path: `${path}/termOptions/${index}`, message: 'duplicates another term option' });
    }
    terms.add(key);
  });
  return errors;
}

function gapPlanErrors(
  { value: plan, path }: Located<GapPlan>,
  knownDocumentTypes: ReadonlySet<string>,
): CatalogError[] {
  const errors: CatalogError[] = [];
  for (const [lossType, codes] of Object.entries(plan.requiredDocuments)) {
    codes.forEach((code, index) => {
      if (!knownDocumentTypes.has(code)) {
        errors.push({
          path: `${path}/requiredDocuments/${lossType}/${index}`,
          message: `unknown document type '${code}'`,
        });
      }
    });
  }
  return errors;
}

function duplicateRuleIdErrors(rules: readonly Located<StateRule>[]): CatalogError[] {
  const firstPath = new Map<string, string>();
  const errors: CatalogError[] = [];
  for (const { value, path } of rules) {
    const first = firstPath.get(value.id);
    if (first === undefined) firstPath.set(value.id, path);
    else errors.push({ path: `${path}/id`, message: `duplicates state rule id '${value.id}' of ${first}` });
  }
  return errors;
}

function stateRuleErrors(
  { value: rule, path }: Located<StateRule>,
  plans: ReadonlyMap<string, Plan>,
  planCodes: ReadonlySet<string>,
): CatalogError[] {
  const errors: CatalogError[] = [];
  if (!isRegionCode(rule.state)) {
    errors.push({
      path: `${path}/state`,
      message: `unknown U.S. state or Canadian province '${rule.state}'`,
    });
  }
  rule.planCodes?.forEach((code, index) => {
    const plan = plans.get(code);
    if (!planCodes.has(code)) {
      errors.push({ path: `${path}/planCodes/${index}`, message: `unknown plan '${code}'` });
    } else if (plan && !rule.products.includes(plan.product)) {
      errors.push({
        path: `${path}/planCodes/${index}`,
        message: `plan '${code}' is a ${plan.product} plan but the rule applies to ${rule.products.join(', ')}`,
      });
    }
  });
  if (!rule.products.includes('vsc')) {
    for (const field of ['rentalAvailable', 'tripInterruptionAvailable'] as const) {
      if (rule.overrides[field] !== undefined) {
        errors.push({
          path: `${path}/overrides/${field}`,
          message: 'rental and trip interruption are VSC benefits; the rule does not apply to vsc',
        });
      }
    }
  }
  const method = rule.overrides.cancellation?.method;
  if (method !== undefined) {
    for (const plan of plans.values()) {
      if (stateRuleApplies(rule, plan, rule.state) && !plan.allowedCancellationMethods.includes(method)) {
        errors.push({
          path: `${path}/overrides/cancellation/method`,
          message: `plan '${plan.code}' does not allow ${method} (see its allowedCancellationMethods)`,
        });
      }
    }
  }
  return errors;
}

/**
 * Two rules that apply to the same plan in the same state with the same specificity and set the
 * same field would leave the outcome to their order in the file; the later one is refused.
 */
function conflictingRuleErrors(
  rules: readonly Located<StateRule>[],
  plans: readonly Located<Plan>[],
): CatalogError[] {
  const errors: CatalogError[] = [];
  const reported = new Set<string>();
  for (const { value: plan } of plans) {
    const setters = new Map<string, Located<StateRule>>();
    for (const located of rules) {
      const rule = located.value;
      if (!stateRuleApplies(rule, plan, rule.state)) continue;
      for (const field of stateRuleFields(rule)) {
        const slot = `${rule.state}\u0000${isPlanSpecific(rule)}\u0000${field.key}`;
        const earlier = setters.get(slot);
        if (earlier === undefined) {
          setters.set(slot, located);
          continue;
        }
        const path = `${located.path}${field.pointer}`;
        if (reported.has(path)) continue;
        reported.add(path);
        errors.push({
          path,
          message: `rule '${earlier.value.id}' already sets ${field.key} for ${plan.code} in ${rule.state}`,
        });
      }
    }
  }
  return errors;
}
