// E-contracting, voids and a dealer's contract list (docs/api.md "Dealer channel").
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { PersonInputSchema } from '../contracts/contract.schemas.js';
import type { ContractsService } from '../contracts/contracts.service.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { NonBlankText, Nullable, Page, PageQuery, problemResponses, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf, dealerIdOf } from '../shared/principal.js';
import type { EcontractsService } from './econtracts.service.js';

const Money = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description });

const BookingBodySchema = Type.Object(
  {
    rateId: Uuid,
    retailPriceCents: Money('What the customer pays: between the dealer cost and maxRetailCents'),
    holder: PersonInputSchema,
    lienholder: Type.Optional(
      Nullable(Type.Object({ name: NonBlankText(200) }, { additionalProperties: false })),
    ),
    dealNumber: Type.Optional(NonBlankText(40, { description: "The dealer's deal number" })),
    amountFinancedCents: Type.Optional(Money('GAP: must equal the loan the rate was priced with')),
    msrpCents: Type.Optional(Money('GAP: must equal the loan the rate was priced with')),
  },
  { additionalProperties: false },
);

export function registerEcontractRoutes(
  app: TypedApp,
  deps: { econtracts: EcontractsService; contracts: ContractsService; db: Kysely<Database>; clock: Clock },
): void {
  const { econtracts } = deps;

  app.post(
    '/api/v1/econtracts',
    {
      config: { access: ['dealer', 'dealer_user'] },
      schema: {
        operationId: 'createEcontract',
        description:
          'Dealer API keys and dealer users. Books a rate as a contract for the dealer, with its cost and retail price, and posts it to the ledger. Accepts an Idempotency-Key.',
        tags: ['Dealer channel'],
        summary:
          'Book a rate: registers the contract (as POST /contracts does) with the dealer, its cost and the retail price',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: BookingBodySchema,
        response: { 201: Type.Ref('Contract'), ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        econtracts.book(run, request.body, request.principal!, actorOf(request.principal), request.id),
      );
    },
  );

  app.post(
    '/api/v1/contracts/:id/void',
    {
      config: { access: ['dealer', 'dealer_user', 'admin', 'adjuster'] },
      schema: {
        operationId: 'voidContract',
        description:
          "The contract's dealer within the void window when no claim was filed, or staff at any time. Reverses the contract's entries; 409 when the contract cannot be voided.",
        tags: ['Dealer channel'],
        summary:
          'Void a contract: its dealer within the void window if no claim was filed, staff at any time (no refund, no fee)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ reason: NonBlankText(500) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Contract'), ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        econtracts.voidContract(
          run,
          request.params.id,
          request.body.reason,
          request.principal!,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );

  app.get(
    '/api/v1/dealers/:id/contracts',
    {
      config: { access: ['admin', 'adjuster', 'reviewer', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'listDealerContracts',
        description:
          "Staff, or the dealer for its own contracts (404 for another dealer's). Paged, newest sale first " +
          '(purchase date descending), and within a sale day newest booked first (createdAt descending, then id).',
        tags: ['Dealer channel'],
        summary: "The dealer's contracts (a dealer reads only its own)",
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({ ...PageQuery, startingAfter: Type.Optional(Uuid) }),
        response: { 200: Page(Type.Ref('Contract')), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const own = dealerIdOf(request.principal);
      if (own !== null && own !== request.params.id)
        throw new AppError('not_found', 'No dealer with that id.');
      return deps.contracts.listForDealer(request.params.id, {
        limit: request.query.limit ?? 20,
        startingAfter: request.query.startingAfter,
      });
    },
  );
}
