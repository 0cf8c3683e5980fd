// Builds the Fastify instance every route hangs off: request ids, logging without personal data,
// strict validation, problem+json errors for everything that can go wrong, security headers,
// session authentication and a declared access rule on every route.

import { hash, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import helmet from 'helmet';
import { AppError, type ErrorCode } from '../../shared/errors.js';
import { DEALER_KEY_PREFIX, type Principal, roleOf } from '../../shared/principal.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { logDestination } from '../log-stream.js';
import { describeValidationError, paramOf, validatorCompiler } from '../validation.js';
import { problemHeaders, statusOf, toProblem } from './errors.js';
import { registerBoundedJsonParser } from './json-body.js';
import type { Access, Authenticator } from './principal.js';
import { cachingSerializerFactory } from './serializer-cache.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must say who may call it; registration fails otherwise. */
    access?: Access;
    /** Reachable by a session limited to two-step sign-in enrolment (COVERWISE_REQUIRE_MFA). */
    duringMfaEnrolment?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** True when the principal came from the session cookie (then CSRF applies). */
    viaCookie: boolean;
  }
}

export const SESSION_COOKIE = 'cw_session';
export const CSRF_COOKIE = 'cw_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export interface HttpServerOptions {
  logLevel: string;
  trustProxy: boolean;
  behindTls: boolean;
  authenticate: Authenticator;
  bodyLimitBytes?: number;
  /** Largest uploaded file accepted by multipart routes. */
  uploadMaxBytes?: number;
  /** Answers a request that matched no route (the web app's index.html for its own paths), or returns false. */
  notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
  /** Where log lines go (standard output by default); tests read them. */
  logStream?: { write(line: string): void };
}

export type App = FastifyInstance & { withTypeProvider(): FastifyInstance };

/** Masks personal data in logged URLs: a VIN shows only its last 6 characters; names and ZIPs not at all. */
export function maskUrlForLog(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const [key, value] of params) {
    if (key.toLowerCase() === 'vin') params.set(key, `…${value.slice(-6)}`);
    else if (/name|zip|email|phone|token/i.test(key)) params.set(key, '…');
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/** One registered route and who may call it (the authorization matrix test walks this list). */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

const routeTables = new WeakMap<object, RouteEntry[]>();

/** Every route registered on an app built by createHttpServer, with its declared access rule. */
export function routeTableOf(app: object): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

/** What a helmet middleware does to a response, recorded once on a stand-in response. */
function securityHeadersOf(middleware: ReturnType<typeof helmet>): {
  set: [string, string | string[]][];
  removed: string[];
} {
  const set = new Map<string, [string, string | string[]]>();
  const removed: string[] = [];
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), [name, Array.isArray(value) ? [...value] : String(value)]);
      return response;
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      removed.push(name);
    },
  };
  let failure: unknown = null;
  let finished = false;
  middleware({} as never, response as never, (error?: unknown) => {
    failure = error ?? null;
    finished = true;
  });
  if (!finished || failure !== null)
    throw new Error(`helmet did not finish synchronously: ${String(failure)}`);
  return { set: [...set.values()], removed };
}

function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .status(statusOf(error))
    .headers({
      'cache-control': 'no-store',
      'x-request-id': request.id,
      ...problemHeaders(error),
      ...headers,
    })
    .type('application/problem+json')
    .send(toProblem(error, request.id));
}

/** The client's own X-Request-Id, when it is well-formed: logged beside ours, never used as ours. */
function clientRequestIdOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : undefined;
}

/**
 * Whether the client left before its request was read. A socket error's code alone does not say so: the
 * database's connection fails with the same ECONNRESET when PostgreSQL goes away, and that request
 * (its body long read, a GET with none) must be answered 503 database_unavailable, not "the body
 * ended early" (seen in the database-restart test).
 */
function clientWentAway(request: FastifyRequest): boolean {
  // Node marks the request when its client resets or closes mid-body (`aborted`, its socket destroyed)
  // before the error reaches a handler. An error's code is not enough even while the body is still being
  // read: a database connection reset during an upload's stream has the same ECONNRESET while the client
  // waits for the answer (seen in the database-restart test: 400 "the request body ended early" for an
  // upload while PostgreSQL stopped). `destroyed` is no sign either: a request is destroyed once read.
  return request.raw.aborted || request.raw.socket?.destroyed === true;
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a request line or headers over
 * the 16 KB limit, a malformed request, a timeout) with problem+json instead of Node's plain JSON.
 */
function answerClientError(
  log: FastifyInstance['log'],
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError(
          'headers_too_large',
          'The request line and headers together must stay under 16 KB; send long input in a body.',
        )
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout', 'The request did not arrive in time.')
        : new AppError('validation_failed', 'The request is not valid HTTP.');
  const requestId = randomUUID();
  log.info(
    { reqId: requestId, code: error.code, status: statusOf(problem) },
    'request refused by the HTTP parser',
  );
  if (socket.writable) {
    const body = JSON.stringify(toProblem(problem, requestId));
    socket.write(
      `HTTP/1.1 ${statusOf(problem)} ${problem.code.replaceAll('_', ' ')}\r\n` +
        'Content-Type: application/problem+json\r\nCache-Control: no-store\r\n' +
        `X-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function problemFor(error: FastifyError & { validationContext?: string }): AppError {
  if (error instanceof AppError) return error;
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const context = error.validationContext ?? 'body';
    const param = paramOf(first as never);
    return new AppError('validation_failed', describeValidationError(first as never, context), {
      ...(param ? { param } : {}),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'This endpoint does not accept that Content-Type.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.');
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('file_too_large', 'The file is larger than this server accepts.', {
        param: 'file',
      });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'Send the upload as multipart/form-data.');
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('validation_failed', 'The form has too many parts, files or fields.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', 'The body is empty; send a JSON document.');
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError(
      'database_unavailable',
      'The database cannot be reached right now. Try again shortly, with the same Idempotency-Key so that a retry cannot apply a change twice.',
      { retryAfterSeconds: 5 },
    );
  }
  const pgCode = (error as { code?: string }).code;
  if (pgCode === '40001' || pgCode === '40P01' || pgCode === '55P03') {
    return new AppError('conflict', 'Another request changed the same record at the same time; try again.');
  }
  if (pgCode === '23505') {
    return new AppError('conflict', 'A record with the same unique value already exists.');
  }
  if (error.statusCode === 400 && (error.name === 'SyntaxError' || error.code?.startsWith('FST_ERR_CTP'))) {
    return new AppError('malformed_json', `The body is not valid JSON: ${error.message}`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const byStatus: Record<number, ErrorCode> = {
      404: 'route_not_found',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
    };
    return new AppError(byStatus[error.statusCode] ?? 'validation_failed', error.message);
  }
  return new AppError(
    'internal_error',
    'Something went wrong on our side. The request id identifies it in our logs.',
  );
}

/**
 * One access line a request: "request completed" (or "request errored") when the answer has gone,
 * carrying the request's method, masked path and id with the status and the time taken, so the line
 * reads alone. Fastify's "incoming request" line is written only at `debug`: at `info` it doubled the
 * log for nothing a reader needs (its fields are on the completion line), and writing it was about 3%
 * of a coverage lookup's CPU (profile of 2026-12-05). What the second line no longer shows at `info`:
 * a request still in flight when the process dies; the crash path logs its own error.
 */
class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    if (error)
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      );
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    trustProxy: options.trustProxy,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Keep-alive connections are closed promptly on shutdown so close() finishes.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    requestIdHeader: false,
    logController: new AccessLog(),
    // Our own id for every request: a client's X-Request-Id is recorded beside it (clientRequestId in
    // every log line of the request), so a client cannot make its requests' lines pass for others'.
    genReqId: () => randomUUID(),
    // Response serializers are compiled once per process per schema (see serializer-cache.ts).
    schemaController: { compilersFactory: { buildSerializer: cachingSerializerFactory } },
    childLoggerFactory(logger, bindings, childOptions, rawRequest) {
      const clientRequestId = clientRequestIdOf(rawRequest.headers);
      return logger.child(clientRequestId ? { ...bindings, clientRequestId } : bindings, childOptions);
    },
    clientErrorHandler: (error, socket) => {
      answerClientError(app.log, error as Error & { code?: string }, socket as Socket);
    },
    // Errors of the router (a path parameter over 100 characters, a malformed percent-encoding) are
    // answered as problems like every other error.
    frameworkErrors(error, request, reply) {
      const problem =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('uri_too_long', 'A part of the path is longer than any id (100 characters at most).')
          : error.code === 'FST_ERR_BAD_URL'
            ? new AppError('validation_failed', 'The path is not a valid URL (a bad percent-encoding?).')
            : problemFor(error);
      request.log.info({ code: error.code, status: statusOf(problem) }, 'request refused by the router');
      return sendProblem(request, reply, problem);
    },
    logger: {
      level: options.logLevel,
      // Standard output, owned so that shutdown never hangs on it (see log-stream.ts), unless a
      // caller (a test) hands in a stream of its own.
      stream: options.logStream ?? logDestination(),
      // A request or response is logged as these few fields, never with its headers (no token,
      // cookie or Set-Cookie can reach a line this way), so nothing is left for a redaction pass to
      // find: pino's `redact` over req.headers.* and res.headers cloned every line's request for
      // nothing (~2 µs a request of the two lines Fastify writes).
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({
          method: req.method,
          url: maskUrlForLog(req.url),
          id: req.id,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  registerBoundedJsonParser(app);
  app.decorateRequest('principal', null);
  app.decorateRequest('viaCookie', false);

  // Every route declares who may call it; a route without an access rule is a programming error.
  const router = FindMyWay();
  const routeTable: RouteEntry[] = [];
  routeTables.set(app, routeTable);
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      // Static files of the web app and the browsable API docs are public by nature.
      const isStaticFile = (route.config as { file?: unknown } | undefined)?.file !== undefined;
      if (!isStaticFile && !route.url.startsWith('/docs')) {
        throw new Error(`Route ${route.method} ${route.url} declares no config.access`);
      }
      route.config = { ...route.config, access: 'public' };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') router.on(method as HTTPMethod, route.url, () => {});
      if (method !== 'HEAD')
        routeTable.push({ method, url: route.url, access: route.config.access as Access });
    }
  });

  // While shutting down, answers ask the client to close its keep-alive connection, so that the
  // connections of in-flight requests do not hold the server open after their responses.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // API answers carry personal data and tokens: no cache may keep them unless a route says otherwise.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // A response whose headers went out before shutdown began carries no `Connection: close`, and
  // server.close() closed only the connections idle at that moment: once such a response has been
  // sent, its connection is idle, and is closed here. Otherwise close() waited for the client to drop
  // the keep-alive connection (up to keepAliveTimeout, 72 s), past an orchestrator's grace period: seen
  // 2026-12-05 in test/process/database-restart.test.ts, a SIGTERM during the last response of a
  // fetch, once in four runs.
  app.addHook('onResponse', (_request, _reply, done) => {
    if (closing) app.server.closeIdleConnections();
    done();
  });

  await app.register(fastifyCookie);
  // The document store enforces the size cap itself (and answers file_too_large); the multipart
  // reader's own limit sits just above it, as a backstop.
  const uploadMaxBytes = options.uploadMaxBytes ?? 25 * 1024 * 1024;
  await app.register(fastifyMultipart, {
    limits: { fileSize: uploadMaxBytes + 1024, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 },
  });
  // Security headers by helmet, its middleware built once: @fastify/helmet rebuilt it (and re-parsed the
  // content security policy) on every request, 12–40 µs each, a twentieth of a coverage lookup.
  const setSecurityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        'upgrade-insecure-requests': options.behindTls ? [] : null,
      },
    },
    hsts: options.behindTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  // With these options (no per-request directive, no nonce) helmet sets the same headers on every
  // answer: they are worked out once and copied onto each response (its middleware chain of a dozen
  // steps cost 12–15 µs a request).
  const securityHeaders = securityHeadersOf(setSecurityHeaders);
  app.addHook('onRequest', (_request, reply, done) => {
    const response = reply.raw;
    for (const name of securityHeaders.removed) response.removeHeader(name);
    for (const [name, value] of securityHeaders.set) response.setHeader(name, value);
    done();
  });

  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    let token: string | null = null;
    if (header?.startsWith('Bearer ')) token = header.slice('Bearer '.length).trim();
    else if (request.cookies[SESSION_COOKIE]) {
      token = request.cookies[SESSION_COOKIE] ?? null;
      request.viaCookie = true;
    }
    const access = request.routeOptions.config?.access ?? 'public';
    if (token) {
      const session = await options.authenticate(token);
      if (session && request.viaCookie && !SAFE_METHODS.has(request.method)) {
        const csrf = request.headers[CSRF_HEADER];
        if (typeof csrf !== 'string' || sha256(csrf) !== session.csrfTokenHash) {
          return sendProblem(
            request,
            reply,
            new AppError(
              'csrf_token_invalid',
              `Send the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie.`,
            ),
          );
        }
      }
      request.principal = session?.principal ?? null;
      if (!session && access !== 'public') {
        return sendProblem(
          request,
          reply,
          new AppError(
            'unauthenticated',
            token.startsWith(DEALER_KEY_PREFIX)
              ? 'This API key is not valid: it was revoked or never issued. Ask the administrator for a new key.'
              : 'Your session has expired or was signed out. Sign in again.',
          ),
        );
      }
    }
    if (access === 'public') return;
    const principal = request.principal;
    if (!principal) {
      return sendProblem(request, reply, new AppError('unauthenticated', 'Sign in to use this endpoint.'));
    }
    if (
      principal.kind === 'user' &&
      principal.mfaEnrolmentOnly &&
      !request.routeOptions.config?.duringMfaEnrolment
    ) {
      return sendProblem(
        request,
        reply,
        new AppError('mfa_enrolment_required', 'Turn on two-step sign-in before using Coverwise.'),
      );
    }
    if (access === 'signed_in') return;
    const role = roleOf(principal);
    if (!access.includes(role)) {
      return sendProblem(request, reply, new AppError('forbidden', 'Your role may not use this endpoint.'));
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A client that goes away mid-body (an aborted upload) is not our fault and pages nobody: one info
    // line. The answer below goes nowhere, but completes the request's life cycle.
    if (clientWentAway(request)) {
      request.log.info({ code: error.code }, 'client closed the connection before the request was read');
      return sendProblem(request, reply, new AppError('validation_failed', 'The request body ended early.'));
    }
    const problem = problemFor(error);
    if (problem.code === 'database_unavailable')
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
    else if (statusOf(problem) >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.notFoundFallback?.(request, reply)) return reply;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => router.find(m, path));
    if (allowed.length > 0) {
      return sendProblem(
        request,
        reply,
        new AppError(
          'method_not_allowed',
          `${request.method} is not allowed here; use ${allowed.join(' or ')}.`,
        ),
        { allow: allowed.join(', ') },
      );
    }
    return sendProblem(
      request,
      reply,
      new AppError('route_not_found', `There is no endpoint at ${request.method} ${path}.`),
    );
  });

  return app;
}
