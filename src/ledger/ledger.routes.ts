// GET /api/v1/contracts/{id}/ledger: every money movement on a contract (refunds, fees, claim
// payments and their reversals), oldest first, with the net paid out and received. Staff only.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.js';
import { Nullable, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { createLedgerService, type LedgerService } from './ledger.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;

export const LedgerEntrySchema = Type.Object(
  {
    id: Type.String(),
    occurredAt: Type.String({ format: 'date-time' }),
    contractId: Type.String(),
    kind: Type.String({ description: 'cancellation_refund, transfer_fee, a claim payment, …' }),
    direction: StringEnum(['payout', 'receipt'] as const),
    amountCents: Type.Integer({ minimum: 0 }),
    payee: Type.Object({ kind: Type.String(), name: Type.String() }),
    method: Nullable(Type.String()),
    reference: Nullable(Type.String()),
    source: Type.Object({ type: Type.String(), id: Type.String() }),
    reversesEntryId: Nullable(Type.String()),
    memo: Nullable(Type.String()),
  },
  { $id: 'LedgerEntry' },
);

export function registerLedgerRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; ledger?: LedgerService },
): void {
  const ledger = deps.ledger ?? createLedgerService(deps);
  app.addSchema(LedgerEntrySchema);
  app.get(
    '/api/v1/contracts/:id/ledger',
    {
      config: { access: STAFF },
      schema: {
        operationId: 'getContractLedger',
        description:
          'Staff, or the holder for their own contract. Every payment and refund posted for the contract, oldest first.',
        tags: ['Contracts'],
        summary: "The contract's payments ledger, oldest first",
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('LedgerEntry')),
            hasMore: Type.Boolean(),
            paidOutCents: Type.Integer({ description: 'Payouts less reversals' }),
            receivedCents: Type.Integer({ description: 'Receipts less reversals' }),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ledger.contractLedger(request.params.id),
  );
}
