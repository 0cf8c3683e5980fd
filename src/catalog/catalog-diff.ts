// What a draft catalog changes against the current version, field by field, for the catalog editor's
// side-by-side view. Lists of things with a code (plans, state rules, rate rows, …) are matched by
// that code, not by position, so reordering a list changes nothing and adding a plan is one "added"
// row rather than a shifted list of differences. Other lists (term options, deductibles, services)
// are one value each. Pure: plain JSON in, plain rows out.

export interface CatalogChange {
  /** JSON pointer of the field in the draft (or in the current version when it was removed). */
  path: string;
  /** The field for people: "Basic Guard › Rental › Daily limit". */
  label: string;
  kind: 'added' | 'removed' | 'changed';
  current: unknown;
  draft: unknown;
  /** True when the value is money in cents (the field's name ends in `Cents`). */
  cents: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** How the elements of a keyed list are identified, by the path of the list (indexes as `*`). */
const LIST_KEYS: Record<string, (item: Record<string, unknown>) => string> = {
  '/plans': (item) => String(item.code),
  '/componentGroups': (item) => String(item.code),
  '/documentTypes': (item) => String(item.code),
  '/stateRules': (item) => String(item.id),
  '/rating/vehicleClasses': (item) => String(item.code),
  '/rating/vscRates': (item) => `${item.planCode} ${item.vehicleClass} ${item.termMonths}/${item.termMiles}`,
  '/rating/gapRates': (item) => `${item.planCode} ${item.termMonths}`,
  '/rating/eligibility': (item) => String(item.planCode),
  '/rating/surcharges': (item) => String(item.condition),
  '/rating/deductibleAdjustments': (item) => String(item.deductibleCents),
  '/rating/stateMarkupCaps': (item) => String(item.state),
};

const SECTION_LABELS: Record<string, string> = {
  plans: 'Plans',
  componentGroups: 'Component groups',
  documentTypes: 'Document types',
  stateRules: 'State rules',
  rating: 'Rating',
  vehicleClasses: 'Vehicle classes',
  vscRates: 'VSC rates',
  gapRates: 'GAP rates',
  eligibility: 'Eligibility',
  surcharges: 'Surcharges',
  deductibleAdjustments: 'Deductible adjustments',
  stateMarkupCaps: 'State markup caps',
};

/** "dailyLimitCents" → "Daily limit"; "ltvCapBasisPoints" → "LTV cap (basis points)". */
export function fieldWords(key: string): string {
  if (SECTION_LABELS[key]) return SECTION_LABELS[key];
  const basisPoints = key.endsWith('BasisPoints');
  const base = key.replace(/Cents$/, '').replace(/BasisPoints$/, '');
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/\bltv\b/g, 'LTV')
    .replace(/\bvsc\b/g, 'VSC')
    .replace(/\bgap\b/g, 'GAP');
  const sentence = words.charAt(0).toUpperCase() + words.slice(1);
  return basisPoints ? `${sentence} (basis points)` : sentence;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The list pattern of a pointer: '/plans/3/x' → '/plans/*\/x' (with the escaped star). */
function patternOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/*');
}

/** Every field that differs between the current catalog and the draft, in document order. */
export function diffCatalogs(current: unknown, draft: unknown): CatalogChange[] {
  const changes: CatalogChange[] = [];
  walk(current as Json, draft as Json, '', '', [], changes);
  return changes;
}

function walk(
  before: Json | undefined,
  after: Json | undefined,
  path: string,
  beforePath: string,
  labels: string[],
  out: CatalogChange[],
): void {
  if (same(before, after)) return;
  const key = path.split('/').pop() ?? '';
  const cents = /Cents$/.test(key);
  const label = labels.join(' › ') || 'Catalog';
  if (before === undefined) {
    out.push({ path, label, kind: 'added', current: null, draft: after, cents });
    return;
  }
  if (after === undefined) {
    out.push({ path: beforePath, label, kind: 'removed', current: before, draft: null, cents });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
    for (const child of keys) {
      walk(
        before[child],
        after[child],
        `${path}/${escapePointer(child)}`,
        `${beforePath}/${escapePointer(child)}`,
        [...labels, fieldWords(child)],
        out,
      );
    }
    return;
  }
  const keyOf = Array.isArray(before) && Array.isArray(after) ? LIST_KEYS[patternOf(path)] : undefined;
  if (keyOf && Array.isArray(before) && Array.isArray(after)) {
    const identify = (item: Json) => (isObject(item) ? keyOf(item) : JSON.stringify(item));
    const beforeIndex = new Map(before.map((item, index) => [identify(item), index]));
    const afterKeys = new Set(after.map(identify));
    after.forEach((item, index) => {
      const id = identify(item);
      const previous = beforeIndex.get(id);
      walk(
        previous === undefined ? undefined : before[previous],
        item,
        `${path}/${index}`,
        `${beforePath}/${previous ?? index}`,
        [...labels, nameOf(item, id)],
        out,
      );
    });
    before.forEach((item, index) => {
      const id = identify(item);
      if (!afterKeys.has(id))
        walk(
          item,
          undefined,
          `${path}/${index}`,
          `${beforePath}/${index}`,
          [...labels, nameOf(item, id)],
          out,
        );
    });
    return;
  }
  out.push({ path, label, kind: 'changed', current: before, draft: after, cents });
}

function nameOf(item: Json, id: string): string {
  if (isObject(item) && typeof item.name === 'string') return item.name;
  return id;
}
