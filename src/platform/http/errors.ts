// The HTTP edge of the application error (src/shared/errors.ts): each code has exactly one HTTP
// status, and an error is answered as an RFC 9457 problem document. Append a new code's status at
// the end, in the order of the code list.
import { type AppError, ERROR_TITLES, type ErrorCode, type ErrorDetail } from '../../shared/errors.js';

export const ERROR_STATUS: Record<ErrorCode, number> = {
  // Request shape
  malformed_json: 400,
  malformed_multipart: 400,
  validation_failed: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  uri_too_long: 414,
  headers_too_large: 431,
  // Sessions and access
  unauthenticated: 401,
  invalid_credentials: 401,
  verification_failed: 401,
  csrf_token_invalid: 403,
  forbidden: 403,
  too_many_attempts: 429,
  mfa_code_invalid: 401,
  mfa_enrolment_required: 403,
  mfa_already_enabled: 409,
  mfa_not_enabled: 409,
  // Resources and concurrency
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  idempotency_key_reused: 422,
  idempotency_request_in_progress: 409,
  weak_password: 422,
  // Catalog and contracts
  invalid_catalog: 422,
  invalid_vin: 422,
  invalid_zip: 422,
  invalid_state: 422,
  invalid_date: 422,
  unknown_plan: 422,
  deductible_not_offered: 422,
  term_not_offered: 422,
  contract_number_taken: 409,
  // Documents
  file_too_large: 413,
  unsupported_file_type: 415,
  malware_detected: 422,
  // Contract lifecycle, claims and benefits (shared/API.md)
  contract_not_active: 409,
  invalid_status_transition: 409,
  transfer_window_elapsed: 422,
  transfer_requires_private_sale: 422,
  not_transferable: 422,
  cancel_date_before_purchase: 422,
  odometer_below_sale: 422,
  rental_not_in_plan: 422,
  rental_not_triggered: 422,
  repair_not_authorized: 422,
  trip_interruption_not_available: 422,
  too_close_to_home: 422,
  not_kept_overnight: 422,
  component_not_covered: 422,
  work_started_before_authorization: 422,
  lienholder_missing: 422,
  contract_not_in_force: 422,
  unknown_component_group: 422,
  line_not_eligible: 422,
  inspection_required: 409,
  roadside_service_not_covered: 422,
  gap_benefit_already_paid: 422,
  second_approver_required: 409,
  approval_limit_exceeded: 403,
  proposal_outdated: 409,
  // Dealer channel (shared/API.md "Dealer channel")
  dealer_code_taken: 409,
  unknown_dealer: 422,
  vin_model_year_mismatch: 422,
  vehicle_not_rated: 422,
  rate_expired: 409,
  rate_already_used: 409,
  retail_price_below_cost: 422,
  retail_price_above_cap: 422,
  void_window_elapsed: 422,
  contract_has_claims: 422,
  not_dealer_contract: 422,
  form_changed: 409,
  // Server
  internal_error: 500,
  service_unavailable: 503,
  database_unavailable: 503,
  catalog_draft_changed: 409,
  catalog_draft_outdated: 409,
  no_catalog_draft: 404,
  work_item_taken: 409,
  assignee_not_eligible: 422,
  payment_run_not_draft: 409,
  nothing_to_pay: 422,
  ofac_list_missing: 422,
  ofac_screening_outdated: 409,
  ofac_hold_decided: 409,
  invalid_routing_number: 422,
  invalid_tin: 422,
  sdn_file_invalid: 422,
  link_invalid: 401,
  sso_not_configured: 404,
  sso_failed: 401,
  sso_role_unmapped: 403,
  remittance_not_pending: 409,
  unknown_lender_event: 422,
  event_date_in_future: 422,
  vehicle_not_found: 404,
  already_cancelled: 409,
  invalid_amount: 422,
  unknown_product: 422,
  gap_claim_open: 409,
  benefit_claim_exists: 409,
  payment_on_ofac_hold: 409,
  earning_month_closed: 409,
  benefit_claim_decided: 409,
  receipts_required: 422,
  cancel_date_not_today: 422,
  backdate_evidence_required: 422,
  roadside_not_covered: 422,
  statement_period_too_long: 422,
  cancel_date_before_claim: 422,
  odometer_below_last_reading: 422,
  repair_claim_undecided: 409,
};

/** The HTTP status an error is answered with. */
export function statusOf(error: AppError): number {
  return ERROR_STATUS[error.code];
}

/** The headers an error adds to its answer (Retry-After for a temporary refusal). */
export function problemHeaders(error: AppError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  param?: string;
  errors?: ErrorDetail[];
  requestId?: string;
}

export function toProblem(error: AppError, requestId?: string): Problem {
  return {
    type: `urn:coverwise:problem:${error.code}`,
    title: ERROR_TITLES[error.code],
    status: statusOf(error),
    code: error.code,
    detail: error.message,
    ...(error.param !== undefined ? { param: error.param } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
