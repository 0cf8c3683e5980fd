import type { ApiResponse } from './api.js';
import { useApiQuery } from './queries.js';

// The customer-service and roadside numbers from the server's settings (COVERWISE_SUPPORT_PHONE,
// COVERWISE_ROADSIDE_PHONE), read once per page load from the public help center answer (the same
// query as the help page, so the two share one request).

export type SupportContact = ApiResponse<'get', '/help'>['contact'];

/** The contact numbers, or null until they arrive (or when they cannot be read). */
export function useSupportContact(): SupportContact | null {
  const help = useApiQuery('/help', undefined, { staleTime: Number.POSITIVE_INFINITY });
  return help.data?.contact ?? null;
}
