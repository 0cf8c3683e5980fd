// The one way the web app talks to the Coverwise API: JSON in and out, the session cookie for
// authentication (the token is never kept in script-readable storage) and the double-submit CSRF
// header on every request that can change something.

export const apiBasePath = '/api/v1';
const csrfCookieName = 'cw_csrf';
const csrfHeaderName = 'x-csrf-token';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An answer other than 2xx, carrying the problem+json fields the API promises. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly param: string | undefined;

  constructor(status: number, code: string, detail: string, param?: string) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.param = param;
  }
}

interface ProblemDetails {
  title?: unknown;
  status?: unknown;
  code?: unknown;
  detail?: unknown;
  param?: unknown;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers, e.g. Idempotency-Key. */
  headers?: Record<string, string>;
}

export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const separatorIndex = pair.indexOf('=');
    if (separatorIndex < 0) continue;
    if (pair.slice(0, separatorIndex).trim() === name)
      return decodeURIComponent(pair.slice(separatorIndex + 1));
  }
  return undefined;
}

/** `path` is relative to /api/v1, e.g. '/auth/me'. A 204 answer resolves to undefined. */
export async function apiRequest<T>(
  method: HttpMethod,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') Object.assign(headers, csrfHeader());
  if (options.headers) Object.assign(headers, options.headers);

  let response: Response;
  try {
    response = await fetch(`${apiBasePath}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    // An abort is the caller's own decision, not a failure to report.
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'network_error',
      'Coverwise could not be reached. Check your connection and try again.',
    );
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  throw await toApiError(response);
}

async function toApiError(response: Response): Promise<ApiError> {
  const contentType = response.headers.get('content-type') ?? '';
  let problem: unknown = {};
  if (contentType.includes('json')) {
    try {
      problem = await response.json();
    } catch {
      // A malformed error body still leaves the status, which is enough to report the failure.
    }
  }
  return apiErrorFromProblem(response.status, problem);
}

/** The ApiError for a non-2xx answer whose body was parsed as `problem` (anything, if it was not JSON). */
export function apiErrorFromProblem(status: number, body: unknown): ApiError {
  const problem: ProblemDetails = typeof body === 'object' && body !== null ? body : {};
  const code = typeof problem.code === 'string' ? problem.code : 'http_error';
  const detail =
    typeof problem.detail === 'string'
      ? problem.detail
      : typeof problem.title === 'string'
        ? problem.title
        : `The request failed (HTTP ${status}).`;
  const param = typeof problem.param === 'string' ? problem.param : undefined;
  return new ApiError(status, code, detail, param);
}

/** The header pair that proves a state-changing request comes from this app (double-submit cookie). */
export function csrfHeader(): Record<string, string> {
  const csrfToken = readCookie(csrfCookieName);
  return csrfToken ? { [csrfHeaderName]: csrfToken } : {};
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => apiRequest<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    apiRequest<T>('POST', path, { ...options, body }),
};
