// Liveness and readiness: /healthz says the process is up; /readyz says it can reach its database.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/schema.js';
import type { TypedApp } from './typed-app.js';

export function registerSystemRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; engine: string; version: string },
): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'checkLiveness',
        description:
          'Public, no authentication. Answers 200 while the process is running; it does not touch the database, so use it as a liveness probe.',
        tags: ['System'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'checkReadiness',
        description:
          'Public, no authentication. Answers 200 when the database answers a query and 503 otherwise; use it as a readiness probe before sending traffic.',
        tags: ['System'],
        summary: 'The database is reachable',
        response: {
          200: Type.Object({ status: Type.String(), database: Type.String(), version: Type.String() }),
          503: Type.Object({ status: Type.String(), database: Type.String(), version: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(deps.db);
        return { status: 'ready', database: deps.engine, version: deps.version };
      } catch {
        return reply
          .status(503)
          .send({ status: 'unavailable', database: deps.engine, version: deps.version });
      }
    },
  );
}
