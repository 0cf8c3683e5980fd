// The catalog document as the editor sees it (the server's catalog.schema.ts is the authority; these
// types name only what the forms edit), and immutable updates by JSON pointer.

export interface TermOption {
  months: number;
  miles: number;
}

export interface CancellationRule {
  freeLookDays: number;
  method: 'pro_rata' | 'rule_of_78s';
  adminFeeCents: number;
  adminFeeMaxBasisPointsOfPrice: number | null;
  claimsDeducted: boolean;
  refundDueDays?: number;
}

export interface TransferRule {
  allowed: boolean;
  feeCents: number;
  windowDays: number;
  privateSaleOnly: boolean;
}

export interface RentalRule {
  dailyLimitCents: number;
  perVisitLimitCents: number;
  minLaborHours: number;
  overnightQualifies: boolean;
  /** Business days staff have to review a claim; absent: the document-review setting. */
  reviewBusinessDays?: number;
}

export interface TripRule {
  dailyLimitCents: number;
  maxDays: number;
  minMilesFromHome: number;
  /** Business days staff have to review a claim; absent: the document-review setting. */
  reviewBusinessDays?: number;
}

export interface VscPlan {
  product: 'vsc';
  code: string;
  name: string;
  description?: string;
  deductibleOptionsCents: number[];
  disappearingDeductibleCents: number | null;
  deductiblePer: 'repair_visit' | 'repair_line';
  termOptions: TermOption[];
  benefits: {
    roadside: { perEventLimitCents: number; services: string[] };
    rental: RentalRule | null;
    tripInterruption: TripRule | null;
  };
  claims: { inspectionThresholdCents: number; laborRateCapCents: number | null; repairOrderDueDays: number };
  allowedCancellationMethods: CancellationRule['method'][];
  cancellation: CancellationRule;
  transfer: TransferRule;
}

export interface GapPlan {
  product: 'gap';
  code: string;
  name: string;
  description?: string;
  gap: {
    deductibleCoverMaxCents: number;
    ltvCapBasisPoints: number;
    maxBenefitCents: number;
    documentsDueDays: number;
    pastDueMinDays: number;
  };
  allowedCancellationMethods: CancellationRule['method'][];
  cancellation: CancellationRule;
  transfer: TransferRule;
}

export type Plan = VscPlan | GapPlan;

export interface StateRule {
  id: string;
  state: string;
  products: ('vsc' | 'gap')[];
  planCodes?: string[];
  sentence: string;
  overrides: {
    tripInterruptionAvailable?: boolean;
    rentalAvailable?: boolean;
    cancellation?: Partial<CancellationRule>;
    transfer?: Partial<TransferRule>;
  };
}

export interface Rating {
  vehicleClasses: { code: string; name: string }[];
  vscRates: {
    planCode: string;
    vehicleClass: string;
    termMonths: number;
    termMiles: number;
    dealerCostCents: number;
  }[];
  gapRates: { planCode: string; termMonths: number; dealerCostCents: number }[];
  maxMarkupCents: number;
  rateValidityDays: number;
  voidWindowDays: number;
}

export interface CatalogDocument {
  name: string;
  plans: Plan[];
  stateRules: StateRule[];
  rating?: Rating;
}

export const ROADSIDE_SERVICES = ['tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery'] as const;

/** A copy of `doc` with the value at the JSON pointer `path` replaced (undefined removes the key). */
export function setAt<T>(doc: T, path: string, value: unknown): T {
  const copy = structuredClone(doc) as unknown;
  const segments = path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = segments.pop();
  if (last === undefined) return value as T;
  let node = copy as Record<string, unknown>;
  for (const segment of segments) {
    if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy as T;
}

/** The validator's messages by JSON pointer (several for one place are joined). */
export function messagesByPath(errors: readonly { path: string; message: string }[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const error of errors) {
    const sentence = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    map.set(error.path, map.has(error.path) ? `${map.get(error.path)} ${sentence}` : sentence);
  }
  return map;
}
