// A request body streamed to the service that reads it (the dealer file, lender events, funded deals,
// the SDN list: text/csv of any size), and what becomes of its rest when the answer goes out first.
//
// A service may stop reading part-way: a header it refuses, a line that stops the file, a file over its
// size. The client may still be sending then. Closing the connection at once makes the kernel answer
// the bytes still arriving with a reset, and a client whose answer is still in flight loses it: undici's
// fetch failed with EPIPE instead of reading the 400 (1 run in 4 of a test sending 16 MB). Servers
// linger for this (nginx's lingering_close): once the answer is out, the rest of the body is read and
// dropped, up to LINGER_MAX_BYTES or for LINGER_MAX_MS, so the client finishes sending and reads the
// answer; the connection then stays open for the client's next request. Past either limit (a client
// that keeps sending a large file, or stops sending and stays), the connection is closed: the answer
// went out long before, and nothing more is read for it.
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';

/** The most of a refused body read and dropped after the answer (4 × the import's read-ahead). */
export const LINGER_MAX_BYTES = 16 * 2 ** 20;
/**
 * How long after the answer the rest of a refused body is read, at most: well within the 25 s a
 * shutdown waits by default for requests under way (COVERWISE_SHUTDOWN_TIMEOUT_SECONDS), which a lingering
 * body counts as.
 */
export const LINGER_MAX_MS = 10_000;

export interface LingerLimits {
  maxBytes: number;
  maxMs: number;
}

/**
 * The request's body (handed through untouched by the route's content-type parser) as the chunks a
 * service reads at its own pace; stopping early does not destroy it (see the top of this file).
 * `refusal` is the 415's detail when the body is not a stream (another content type).
 */
export function streamedBody(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: string,
  limits: LingerLimits = { maxBytes: LINGER_MAX_BYTES, maxMs: LINGER_MAX_MS },
): AsyncIterable<Buffer> {
  const stream = request.body as Readable | undefined;
  if (!stream || typeof stream.iterator !== 'function') throw new AppError('unsupported_media_type', refusal);
  reply.raw.once('finish', () => {
    if (!stream.readableEnded) lingerOver(stream, () => request.raw.socket.destroy(), limits);
  });
  return { [Symbol.asyncIterator]: () => stream.iterator({ destroyOnReturn: false }) };
}

/** Reads the rest of `body` and drops it, closing its connection (`closeConnection`) past either limit. */
function lingerOver(body: Readable, closeConnection: () => void, limits: LingerLimits): void {
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    body.removeListener('data', onData);
    closeConnection();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limits.maxBytes) close();
  };
  const timer = setTimeout(close, limits.maxMs);
  timer.unref();
  body.on('data', onData);
  body.once('end', () => clearTimeout(timer));
  body.once('close', () => clearTimeout(timer));
  body.once('error', () => clearTimeout(timer));
  body.resume();
}
