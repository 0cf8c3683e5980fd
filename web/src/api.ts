import createClient, {
  type ClientPathsWithMethod,
  type MaybeOptionalInit,
  type MethodResponse,
  type Middleware,
} from 'openapi-fetch';
import type { components, paths } from './api-types.js';

// The one way the web app talks to the Coverwise API: JSON in and out, the session cookie for
// authentication (the token is never kept in script-readable storage) and the double-submit CSRF
// header on every request that can change something. Requests are typed by path and method from
// the generated web/src/api-types.ts (`npm run openapi`), so a page cannot drift from the API:
//
//   const contract = await apiClient.GET('/contracts/{id}', { params: { path: { id } } });
//
// Any answer other than 2xx rejects with an ApiError carrying the problem+json fields. Pages read
// and change data through the hooks in web/src/queries.tsx, which add loading, retry and refetching.

export const apiBasePath = '/api/v1';
const csrfCookieName = 'cw_csrf';
const csrfHeaderName = 'x-csrf-token';

/** The API's paths as the web app names them: relative to /api/v1 ('/contracts/{id}'). */
export type ApiPaths = {
  [Path in keyof paths as Path extends `${typeof apiBasePath}${infer Rest}` ? Rest : never]: paths[Path];
};
/** A named schema of the API document, e.g. ApiSchema<'Contract'>. */
export type ApiSchema<Name extends keyof components['schemas']> = components['schemas'][Name];

type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The paths that answer `Method`, e.g. ApiPath<'get'>. */
export type ApiPath<Method extends ApiMethod> = ClientPathsWithMethod<typeof client, Method>;
/** What a successful call answers (the JSON body; undefined for 204). */
export type ApiResponse<Method extends ApiMethod, Path extends ApiPath<Method>> = MethodResponse<
  typeof client,
  Method,
  Path
>;
/** The JSON body a call sends. */
export type ApiBody<Method extends ApiMethod, Path extends ApiPath<Method>> = ApiPaths[Path][Method &
  keyof ApiPaths[Path]] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
/** The second argument of a call: path and query parameters, body, headers, signal. */
export type ApiInit<Method extends ApiMethod, Path extends ApiPath<Method>> = MaybeOptionalInit<
  ApiPaths[Path],
  Method & keyof ApiPaths[Path]
>;
/** The init argument is optional when nothing in it is required. */
type InitArgs<Init> = undefined extends Init ? [init?: Init] : [init: Init];

/** One finding of a validator the problem lists (e.g. the catalog's): where, and what is wrong. */
export type ProblemFinding = NonNullable<ApiSchema<'Problem'>['errors']>[number];

/** An answer other than 2xx, carrying the problem+json fields the API promises. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly param: string | undefined;
  /** Every finding, when the problem lists them (a catalog that does not validate); else empty. */
  readonly errors: readonly ProblemFinding[];

  constructor(
    status: number,
    code: string,
    detail: string,
    param?: string,
    errors: readonly ProblemFinding[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.param = param;
    this.errors = errors;
  }
}

interface ProblemDetails {
  title?: unknown;
  status?: unknown;
  code?: unknown;
  detail?: unknown;
  param?: unknown;
  errors?: unknown;
}

function isFinding(value: unknown): value is ProblemFinding {
  const finding = value as { path?: unknown; message?: unknown } | null;
  return typeof finding?.path === 'string' && typeof finding.message === 'string';
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

/** The CSRF header on every state-changing request; problem+json → ApiError; no network → ApiError. */
const coverwiseMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.method === 'GET') return undefined;
    for (const [name, value] of Object.entries(csrfHeader())) request.headers.set(name, value);
    return request;
  },
  async onResponse({ response }) {
    if (!response.ok) throw await toApiError(response);
    return undefined;
  },
  onError({ error }) {
    // An abort is the caller's own decision, not a failure to report.
    if (error instanceof DOMException && error.name === 'AbortError') return undefined;
    if (error instanceof ApiError) return error;
    return new ApiError(
      0,
      'network_error',
      'Coverwise could not be reached. Check your connection and try again.',
    );
  },
};

const client = createClient<ApiPaths>({
  baseUrl: apiBasePath,
  credentials: 'same-origin',
  headers: { accept: 'application/json, application/problem+json' },
});
client.use(coverwiseMiddleware);

function typedCall<Method extends ApiMethod>(method: Method) {
  return async <Path extends ApiPath<Method>>(
    path: Path,
    ...[init]: InitArgs<ApiInit<Method, Path>>
  ): Promise<ApiResponse<Method, Path>> => {
    // The generic signature above is the typed one; openapi-fetch's own overloads cannot be
    // re-stated generically, so the call itself is made untyped.
    const request = client.request as (
      method: string,
      path: string,
      init: unknown,
    ) => Promise<{ data?: unknown }>;
    const { data } = await request(method, path, init);
    return data as ApiResponse<Method, Path>;
  };
}

/**
 * The typed API: `apiClient.GET('/contracts/{id}', { params: { path: { id } } })` resolves with the
 * contract as the API document describes it, or rejects with an ApiError.
 */
export const apiClient = {
  GET: typedCall('get'),
  POST: typedCall('post'),
  PUT: typedCall('put'),
  PATCH: typedCall('patch'),
  DELETE: typedCall('delete'),
};

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
  const errors = Array.isArray(problem.errors) ? problem.errors.filter(isFinding) : [];
  return new ApiError(status, code, detail, param, errors);
}

/** The header pair that proves a state-changing request comes from this app (double-submit cookie). */
export function csrfHeader(): Record<string, string> {
  const csrfToken = readCookie(csrfCookieName);
  return csrfToken ? { [csrfHeaderName]: csrfToken } : {};
}
