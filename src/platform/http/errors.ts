// The one application error type. Its `code` comes from a closed list that outside clients rely on
// (see shared/API.md); each code has exactly one HTTP status. A business-rule refusal is a named code
// ('contract_not_active'), never a bare 400.

export const ERROR_STATUS = {
  // Request shape
  malformed_json: 400,
  validation_failed: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  // Sessions and access
  unauthenticated: 401,
  invalid_credentials: 401,
  verification_failed: 401,
  csrf_token_invalid: 403,
  forbidden: 403,
  too_many_attempts: 429,
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
  // Server
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLES: Record<ErrorCode, string> = {
  malformed_json: 'The request body is not valid JSON',
  validation_failed: 'The request does not match the expected shape',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'The request body is too large',
  route_not_found: 'No such endpoint',
  method_not_allowed: 'Method not allowed on this endpoint',
  unauthenticated: 'Sign-in required',
  invalid_credentials: 'Wrong email or password',
  verification_failed: 'We could not verify those details',
  csrf_token_invalid: 'Missing or invalid CSRF token',
  forbidden: 'Not allowed',
  too_many_attempts: 'Too many attempts',
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
  internal_error: 'Internal error',
  service_unavailable: 'Service unavailable',
};

export class AppError extends Error {
  readonly status: number;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;
  /** Machine-readable details beyond `param`, e.g. every reason a catalog was refused. */
  readonly errors: { path: string; message: string }[] | undefined;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    options: {
      param?: string;
      headers?: Record<string, string>;
      errors?: { path: string; message: string }[];
    } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  param?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
}

export function toProblem(error: AppError, requestId?: string): Problem {
  return {
    type: `urn:coverwise:problem:${error.code}`,
    title: ERROR_TITLES[error.code],
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.param !== undefined ? { param: error.param } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
