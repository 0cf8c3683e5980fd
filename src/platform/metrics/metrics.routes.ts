// GET /metrics: Prometheus text format. With COVERWISE_METRICS_TOKEN set it asks for that bearer token
// (a scraper's `authorization` setting); without it, keep the port away from the public (README).
import { timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import { AppError } from '../../shared/errors.js';
import { problemResponses } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import type { Metrics } from './metrics.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerMetricsRoutes(app: TypedApp, deps: { metrics: Metrics; token: string | null }): void {
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['System'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Requests by route and status, database pool and query latency, job queues, imports and ' +
          'document-review SLA breaches. With COVERWISE_METRICS_TOKEN set, send it as a bearer token.',
        response: { 200: Type.String(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      if (deps.token) {
        const header = request.headers.authorization ?? '';
        const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
        if (!sameToken(given, deps.token)) {
          throw new AppError('unauthenticated', 'Send the metrics token as Authorization: Bearer <token>.');
        }
      }
      const text = await deps.metrics.render();
      return reply
        .header('content-type', deps.metrics.contentType)
        .header('cache-control', 'no-store')
        .send(text);
    },
  );
}
