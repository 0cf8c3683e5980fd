import { type ApiResponse, type ApiSchema, apiClient } from './api.js';
import { apiQueryKey } from './queries.js';

// The contract shapes the API answers (from the generated web/src/api-types.ts) and the requests
// that fetch them. Fields that only one product has (miles for VSC, amounts financed for GAP) are
// typed as possibly null so a GAP contract never renders 'undefined miles'.

/** A contract as a search lists it (no coverage block). */
export type ContractSummary = ApiSchema<'Contract'>;
export type Coverage = ApiSchema<'ContractCoverage'>;
/** A contract as GET /contracts/{id} answers it: always with its coverage. */
export type Contract = ContractSummary & { coverage: Coverage };
export type ContractStatus = ContractSummary['status'];
export type Product = ContractSummary['product'];
export type CoverageReasonCode = NonNullable<Coverage['reasonCode']>;
export type ContractHolder = ContractSummary['holder'];
export type Vehicle = ContractSummary['vehicle'];
export type ComponentGroup = Coverage['componentGroups'][number];
export type Benefits = Coverage['benefits'];
export type RoadsideBenefit = NonNullable<Benefits['roadside']>;
export type RentalBenefit = NonNullable<Benefits['rental']>;
export type TripInterruptionBenefit = NonNullable<Benefits['tripInterruption']>;
export type CoverageNote = Coverage['notes'][number];

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export type AuditEvent = ApiResponse<'get', '/contracts/{id}/audit'>['data'][number];

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

export async function fetchContract(id: string, signal?: AbortSignal): Promise<Contract> {
  // The single contract always carries its coverage (the schema shares Contract with the list).
  return (await apiClient.GET('/contracts/{id}', { params: { path: { id } }, signal })) as Contract;
}

/** The query of one contract (key as useApiQuery('/contracts/{id}') makes it, so it refetches with it). */
export function contractQueryOptions(id: string) {
  return {
    queryKey: apiQueryKey('/contracts/{id}', { params: { path: { id } } }),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchContract(id, signal),
  };
}

export function searchContracts(
  search: ContractSearch,
  startingAfter: string | undefined,
  signal?: AbortSignal,
): Promise<Page<ContractSummary>> {
  const query: ContractSearch & { limit: number; startingAfter?: string } = { limit: contractPageSize };
  for (const field of contractSearchFields) {
    const value = search[field];
    if (value) query[field] = value;
  }
  if (startingAfter) query.startingAfter = startingAfter;
  return apiClient.GET('/contracts', { params: { query }, signal });
}

/** One page of a contract's audit trail, oldest first, after the event `startingAfter` when given. */
export function fetchAuditTrail(
  contractId: string,
  startingAfter: number | undefined,
  signal?: AbortSignal,
): Promise<Page<AuditEvent>> {
  return apiClient.GET('/contracts/{id}/audit', {
    params: {
      path: { id: contractId },
      query: { limit: auditPageSize, ...(startingAfter === undefined ? {} : { startingAfter }) },
    },
    signal,
  });
}
