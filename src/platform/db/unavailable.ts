// Which errors mean "the database server is away" (stopped, restarting, unreachable) as opposed to
// "this request or its data is wrong": the HTTP layer answers the first with 503 database_unavailable.
// A named statement that a migration outdated during a rolling deploy is answered the same way (the
// connection renames it, so the retry succeeds): see `isResultTypeChanged`.
import { isResultTypeChanged } from './prepared.js';

// SQLSTATEs of a server going away or not yet accepting work: class 08 (connection exception),
// admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped, too_many_connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P04', '53300']);
// Errors of the socket itself (Node's codes).
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg's own messages for a connection that ended or could not be had in time.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Connection terminated due to connection timeout/,
];

/**
 * Whether `error` says the database server cannot be reached now (stopped, restarting, unreachable,
 * out of connections) rather than that the request or the data is wrong. Such a request may be
 * retried once the server is back (with its Idempotency-Key: if the server went away during the
 * commit itself, the change may have been kept, and the retry then replays it).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (code.startsWith('08') && code.length === 5) return true;
      if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    // A named statement a migration outdated mid-deploy: the connection renames it, a retry succeeds.
    if (isResultTypeChanged(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
