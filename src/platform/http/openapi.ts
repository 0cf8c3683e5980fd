// The OpenAPI 3 document is generated from the route schemas (so it cannot drift from the code),
// served at /openapi.json with browsable docs at /docs, and checked into openapi/openapi.json so that
// a change to the API shows up in review.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Coverwise API',
        version,
        description:
          'Administration of vehicle service contracts and GAP addenda. Money is in integer cents, calendar ' +
          'dates are YYYY-MM-DD, errors are application/problem+json with a stable `code`. State-changing POSTs ' +
          'accept an Idempotency-Key header.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/auth/login' },
        },
      },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: false });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
