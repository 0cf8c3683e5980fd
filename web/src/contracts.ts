import { api } from './api.js';

// The contract, audit and plan shapes the API answers (docs: docs/api.md and /docs), and the
// requests that fetch them. Fields that only one product has (miles for VSC, amounts financed for
// GAP) are typed as possibly null so a GAP contract never renders 'undefined miles'.

export type ContractStatus = 'active' | 'cancelled' | 'expired' | 'void';
export type Product = 'vsc' | 'gap';
export type CoverageReasonCode =
  | 'expired_by_date'
  | 'expired_by_miles'
  | 'cancelled'
  | 'void'
  | 'waiting_period';

export interface ComponentGroup {
  code: string;
  name: string;
  description: string;
}

export interface RoadsideBenefit {
  perEventLimitCents: number;
  services: string[];
}

export interface RentalBenefit {
  dailyLimitCents: number;
  perVisitLimitCents: number;
  minLaborHours: number;
  overnightQualifies: boolean;
}

export interface TripInterruptionBenefit {
  dailyLimitCents: number;
  maxDays: number;
  minMilesFromHome: number;
}

export interface Benefits {
  roadside: RoadsideBenefit | null;
  rental: RentalBenefit | null;
  tripInterruption: TripInterruptionBenefit | null;
}

export interface CoverageNote {
  ruleId: string;
  sentence: string;
}

export interface Coverage {
  inForce: boolean;
  /** A string the app does not know yet (a newer server) is shown as plain 'Not in force'. */
  reasonCode?: CoverageReasonCode | (string & {});
  asOf: string;
  componentGroups: ComponentGroup[];
  benefits: Benefits;
  notes: CoverageNote[];
}

export interface ContractHolder {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
  address: { line1: string; city: string; state: string; zip: string };
}

export interface Vehicle {
  vin: string;
  year: number;
  make: string;
  model: string;
}

export interface ContractSummary {
  id: string;
  contractNumber: string;
  status: ContractStatus | (string & {});
  product: Product;
  planCode: string;
  planName: string;
  catalogVersion: string | number;
  holder: ContractHolder;
  vehicle: Vehicle;
  odometerAtSale: number;
  purchaseDate: string;
  purchaseState: string;
  termMonths: number;
  termMiles: number | null;
  expiresOn: string;
  expiresAtMiles: number | null;
  waitingPeriodEndsOn: string | null;
  waitingPeriodEndsAtMiles: number | null;
  priceCents: number;
  deductibleCents: number | null;
  lienholder: { name: string } | null;
  sellingDealer: { code: string; name: string } | null;
  amountFinancedCents: number | null;
  msrpCents: number | null;
  createdAt: string;
}

export interface Contract extends ContractSummary {
  coverage: Coverage;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: { kind: string; id: string | null; label: string };
  action: string;
  entityType: string;
  entityId: string;
  reason: string | null;
  data: unknown;
}

/** What staff can search contracts by; at least one must be given (the API refuses none). */
export interface ContractSearch {
  vin?: string;
  contractNumber?: string;
  lastName?: string;
}

export const contractSearchFields = ['vin', 'contractNumber', 'lastName'] as const;

/** Rows per result page: enough to scan on one screen, well under the API's maximum of 100. */
export const contractPageSize = 20;
/** Audit events per request; a contract's history is short, "Show older events" fetches more. */
export const auditPageSize = 50;

export function fetchContract(id: string, signal?: AbortSignal): Promise<Contract> {
  return api.get<Contract>(`/contracts/${encodeURIComponent(id)}`, { signal });
}

export function searchContracts(
  search: ContractSearch,
  startingAfter: string | undefined,
  signal?: AbortSignal,
): Promise<Page<ContractSummary>> {
  const query = new URLSearchParams();
  for (const field of contractSearchFields) {
    const value = search[field];
    if (value) query.set(field, value);
  }
  query.set('limit', String(contractPageSize));
  if (startingAfter) query.set('startingAfter', startingAfter);
  return api.get<Page<ContractSummary>>(`/contracts?${query}`, { signal });
}

export function fetchAuditTrail(
  contractId: string,
  startingAfter: string | undefined,
  signal?: AbortSignal,
): Promise<Page<AuditEvent>> {
  const query = new URLSearchParams({ limit: String(auditPageSize) });
  if (startingAfter) query.set('startingAfter', startingAfter);
  return api.get<Page<AuditEvent>>(`/contracts/${encodeURIComponent(contractId)}/audit?${query}`, {
    signal,
  });
}
