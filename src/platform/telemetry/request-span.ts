// Puts the request id on the span active while Fastify handles a request (its request span when
// tracing is on; without tracing the API's no-op span takes it for nothing).
import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_ATTRIBUTE } from './tracing.js';

export function tagRequestSpans(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, request.id);
    done();
  });
}
