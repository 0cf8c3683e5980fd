// The OpenAPI 3 document is generated from the route schemas (so it cannot drift from the code),
// served at /openapi.json with browsable docs at /docs, and checked into openapi/openapi.json so that
// a change to the API shows up in review.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Every tag an operation may carry, with what it groups (a test fails on an undeclared tag). */
export const OPENAPI_TAGS = [
  { name: 'System', description: 'Liveness, readiness and metrics of the process' },
  { name: 'Sessions', description: 'Sign-in of staff, holders and dealer users; two-step sign-in; sessions' },
  { name: 'Users', description: 'Staff, repair-facility and dealer user accounts (administrators)' },
  {
    name: 'Catalog',
    description: 'The versioned product catalog: plans, state rules, rate tables, drafts and what-if',
  },
  { name: 'Contracts', description: 'Contracts, coverage, audit trails and dealer-file imports' },
  { name: 'Dealers', description: 'Dealers and their API keys (administrators)' },
  {
    name: 'Dealer channel',
    description: 'Rating, booking, contract forms, e-signatures and voids for dealers',
  },
  {
    name: 'Repair claims',
    description: 'Estimates, per-line decisions, authorization numbers and payment to shops',
  },
  { name: 'Benefits', description: 'Rental, trip interruption and roadside help' },
  { name: 'Cancellations', description: 'Refund quotes and cancellations' },
  { name: 'Transfers', description: 'Transfers of a contract to the buyer of a private sale' },
  { name: 'GAP claims', description: 'GAP claims after a total loss or theft, their documents and benefit' },
  { name: 'Documents', description: 'Uploaded documents and their two-business-day review' },
  { name: 'Work queue', description: 'Staff work ordered by due time' },
  {
    name: 'Accounting',
    description: 'The general ledger: chart of accounts, journal, trial balance, earning',
  },
  { name: 'Reports', description: 'Reserve and month-end reports' },
  { name: 'Dashboard', description: 'Dashboard charts as JSON or CSV' },
  { name: 'Webhooks', description: 'Webhook endpoints and their deliveries' },
  { name: 'Help', description: 'Help center articles' },
  { name: 'Holder accounts', description: "Contract holders' own sign-in accounts" },
  { name: 'Money', description: 'Payee bank accounts and payment details' },
  { name: 'Payment runs', description: 'Batched payments to payees: NACHA ACH and positive-pay files' },
  { name: 'OFAC screening', description: 'SDN lists and payments held by a possible match' },
  { name: 'Lender events', description: 'Lender payoff and repossession files and the refunds they trigger' },
  { name: 'Search', description: 'Search across contracts, holders and claims' },
];

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  // A public operation says so in the document (`security: []`), so a client or a validating proxy
  // does not expect a bearer token for it. The route's own access rule is the one source.
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (access === 'public' && route.schema && !route.schema.hide) {
      (route.schema as { security?: unknown[] }).security = [];
    }
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Coverwise API',
        version,
        contact: { name: 'Coverwise maintainers' },
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        description:
          'Administration of vehicle service contracts and GAP addenda. Money is in integer cents, calendar ' +
          'dates are YYYY-MM-DD, errors are application/problem+json with a stable `code`. State-changing POSTs ' +
          'accept an Idempotency-Key header.',
      },
      // Where the API is: the origin `npm start` listens on; a deployment serves the same paths at its own.
      servers: [
        { url: 'http://127.0.0.1:3000', description: 'A server started with npm start on this machine' },
      ],
      tags: OPENAPI_TAGS,
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
