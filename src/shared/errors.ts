// The one application error type: a business-rule refusal or a bad input, named by a stable `code`
// from the closed list below that outside clients rely on (never a bare "400"). It belongs to no
// transport: services and rules throw it; the HTTP edge (src/platform/http/errors.ts) gives each code
// its status and answers with problem+json.

/** Every error code with its title (a short, fixed sentence). Append new codes at the end. */
export const ERROR_TITLES = {
  malformed_json: 'The request body is not valid JSON',
  malformed_multipart: 'The request body is not a valid multipart form',
  validation_failed: 'The request does not match the expected shape',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'The request body is too large',
  route_not_found: 'No such endpoint',
  method_not_allowed: 'Method not allowed on this endpoint',
  request_timeout: 'The request took too long to arrive',
  uri_too_long: 'A part of the URL is too long',
  headers_too_large: 'The request line or headers are too large',
  unauthenticated: 'Sign-in required',
  invalid_credentials: 'Wrong email or password',
  verification_failed: 'We could not verify those details',
  csrf_token_invalid: 'Missing or invalid CSRF token',
  forbidden: 'Not allowed',
  too_many_attempts: 'Too many attempts',
  mfa_code_invalid: 'Two-step sign-in code not accepted',
  mfa_enrolment_required: 'Two-step sign-in required',
  mfa_already_enabled: 'Two-step sign-in already on',
  mfa_not_enabled: 'Two-step sign-in not on',
  not_found: 'Not found',
  conflict: 'Conflict',
  email_taken: 'That email address is already in use',
  idempotency_key_reused: 'Idempotency key reused with a different request',
  idempotency_request_in_progress: 'A request with this idempotency key is in progress',
  weak_password: 'The password does not meet the rules',
  invalid_catalog: 'The catalog is not valid',
  invalid_vin: 'The VIN is not valid',
  invalid_zip: 'The ZIP or postal code is not valid',
  invalid_state: 'Unknown state or province',
  invalid_date: 'The date is not valid',
  unknown_plan: 'No such plan in the catalog',
  deductible_not_offered: 'The plan does not offer that deductible',
  term_not_offered: 'The plan does not offer that term',
  contract_number_taken: 'That contract number is already in use',
  file_too_large: 'The file is too large',
  unsupported_file_type: 'Unsupported file type',
  malware_detected: 'The virus scan refused the file',
  contract_not_active: 'The contract is not active',
  invalid_status_transition: 'That change is not allowed in the current status',
  transfer_window_elapsed: 'The transfer window has passed',
  transfer_requires_private_sale: 'Only a private sale can transfer the contract',
  not_transferable: 'This contract cannot be transferred',
  cancel_date_before_purchase: 'The cancellation date is before the purchase date',
  odometer_below_sale: 'The odometer is below the reading at sale',
  rental_not_in_plan: 'Rental is not part of this plan',
  rental_not_triggered: 'The repair does not qualify for rental',
  repair_not_authorized: 'The repair is not authorized',
  trip_interruption_not_available: 'Trip interruption is not available for this contract',
  too_close_to_home: 'The breakdown was not far enough from home',
  not_kept_overnight: 'The vehicle was not kept overnight',
  component_not_covered: 'The component is not covered',
  work_started_before_authorization: 'Work started before authorization',
  lienholder_missing: 'The contract names no lienholder to pay',
  contract_not_in_force: 'The contract is not in force',
  unknown_component_group: 'No such component group in the catalog',
  line_not_eligible: 'That repair line is not eligible for authorization',
  inspection_required: 'An inspection is needed before authorization',
  roadside_service_not_covered: 'That roadside service is not part of this plan',
  gap_benefit_already_paid: 'The GAP addendum has already paid its benefit',
  second_approver_required: 'A second person must approve this payment',
  approval_limit_exceeded: 'The amount is above your approval limit',
  proposal_outdated: 'The benefit changed after the payment was proposed',
  dealer_code_taken: 'That dealer code is already in use',
  unknown_dealer: 'No dealer with that code',
  vin_model_year_mismatch: "The VIN's model year does not match the vehicle year",
  vehicle_not_rated: 'The vehicle cannot be rated',
  rate_expired: 'The rate has expired',
  rate_already_used: 'The rate has already been booked',
  retail_price_below_cost: 'The retail price is below the dealer cost',
  retail_price_above_cap: 'The retail price is above the maximum retail',
  void_window_elapsed: 'The void window has passed',
  contract_has_claims: 'A claim was filed on the contract',
  not_dealer_contract: 'The contract was not booked by a dealer',
  form_changed: 'The contract form changed since it was shown',
  internal_error: 'Internal error',
  service_unavailable: 'Service unavailable',
  database_unavailable: 'The database is unavailable',
  catalog_draft_changed: 'Someone else saved the catalog draft since you opened it',
  catalog_draft_outdated: 'A new catalog version was published since the draft was compared',
  no_catalog_draft: 'There is no catalog draft',
  work_item_taken: 'Someone else has taken this work item',
  assignee_not_eligible: 'That person cannot work this item',
  payment_run_not_draft: 'The payment run is no longer a draft',
  nothing_to_pay: 'There is nothing to pay',
  ofac_list_missing: 'No OFAC SDN list is loaded',
  ofac_screening_outdated: 'The SDN list changed since the run was screened',
  ofac_hold_decided: 'The OFAC hold was already decided',
  invalid_routing_number: 'The routing number is not a valid ABA routing number',
  invalid_tin: 'The TIN is not nine digits',
  sdn_file_invalid: 'The file is not in the SDN CSV format',
  link_invalid: 'The link has expired or was already used',
  sso_not_configured: 'Single sign-on is not set up',
  sso_failed: 'The single sign-on did not complete',
  sso_role_unmapped: 'Your identity provider gives you no Coverwise role',
  remittance_not_pending: 'The remittance notice is not pending',
  unknown_lender_event: 'Unknown lender event type',
  event_date_in_future: 'The event date is in the future',
  vehicle_not_found: 'No contract on that vehicle',
  already_cancelled: 'The contract is already cancelled',
  invalid_amount: 'The amount is not valid',
  unknown_product: 'Unknown product',
  gap_claim_open: 'The GAP addendum has an open GAP claim',
  benefit_claim_exists: 'A claim was already filed for this',
  payment_on_ofac_hold: 'The payment is held or blocked by OFAC screening',
  earning_month_closed: 'A later month has already been earned',
  benefit_claim_decided: 'The claim was already decided',
  receipts_required: 'Receipts are required',
  cancel_date_not_today: 'A cancellation asked for online is dated today',
  backdate_evidence_required: 'A cancellation dated before today needs its evidence',
  roadside_not_covered: 'The contract has no roadside benefit',
  statement_period_too_long: 'The period has too many lines to show; ask for a shorter period',
  cancel_date_before_claim: 'The cancellation date is not after a repair claim that was authorized or paid',
  odometer_below_last_reading: 'The odometer is below the last reading recorded on the contract',
  repair_claim_undecided: 'A repair claim on the contract is still being decided',
} as const;

export type ErrorCode = keyof typeof ERROR_TITLES;

/** One reason among several, e.g. every reason a catalog was refused. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly param: string | undefined;
  /** Machine-readable details beyond `param`, e.g. every reason a catalog was refused. */
  readonly errors: ErrorDetail[] | undefined;
  /** When a refusal is temporary (too many attempts, a store unavailable): how long to wait. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    options: { param?: string; errors?: ErrorDetail[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.param = options.param;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The human sentence saying what went wrong and what to do (the problem's `detail`). */
  get detail(): string {
    return this.message;
  }
}
