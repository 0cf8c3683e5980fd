// POST /api/v1/contracts/{id}/cancellation-quote and /cancellation (docs/api.md "Transfers and
// cancellations"): the holder of the contract or staff.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import {
  DateInput,
  LanguageInput,
  NonBlankText,
  Nullable,
  problemResponses,
  StringEnum,
  TextItemSchema,
  Uuid,
} from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import { CANCELLATION_REASONS } from './cancellation-reasons.js';
import type { CancellationsService } from './cancellations.service.js';

const STAFF_AND_HOLDER = ['admin', 'adjuster', 'reviewer', 'holder'] as const;
/**
 * Who may cancel (a refund is paid): the holder and the staff who move money. A reviewer reviews
 * documents; a quote (nothing is paid) stays open to them for answering a holder's questions.
 */
const CANCELLERS = ['admin', 'adjuster', 'holder'] as const;

export const CancellationBodySchema = Type.Object(
  {
    cancelOn: Type.Optional(
      DateInput(
        "Cancellation date; left out, today in the business time zone. A holder's cancellation is dated today (another day → 422 cancel_date_not_today); staff may date one back",
      ),
    ),
    odometer: Type.Integer({
      minimum: 0,
      maximum: 2_000_000,
      description: 'Odometer on the cancellation date',
    }),
    reason: StringEnum(CANCELLATION_REASONS),
    evidence: Type.Optional(
      NonBlankText(1000, {
        description:
          'What proves a cancelOn before today (e.g. "payoff letter dated 2026-08-10"): staff dating a cancellation back must give it (422 backdate_evidence_required, param evidence); kept in the audit trail',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A cancellation: the quote's fields and the holder pages' language (docs/languages.md). */
const CancelBodySchema = Type.Object(
  { ...CancellationBodySchema.properties, language: Type.Optional(LanguageInput) },
  { additionalProperties: false },
);

const QuoteFields = {
  contractId: Type.String(),
  cancelOn: Type.String(),
  odometer: Type.Integer(),
  reason: StringEnum(CANCELLATION_REASONS),
  method: StringEnum(['full', 'pro_rata_days', 'pro_rata_miles', 'rule_of_78s'] as const),
  priceCents: Type.Integer(),
  shareNumerator: Type.Integer(),
  shareDenominator: Type.Integer(),
  grossRefundCents: Type.Integer(),
  feeCents: Type.Integer(),
  claimsPaidCents: Type.Integer({
    description:
      'Claims paid on the contract (net ledger payouts), repair authorizations not yet paid (a promise to pay the shop) and reimbursements approved but not yet paid (rental, trip interruption, a completed tow); deducted only where the state rule deducts claims',
  }),
  claimsDeductedCents: Type.Integer(),
  refundCents: Type.Integer(),
  payee: Type.Object({ kind: StringEnum(['holder', 'lienholder'] as const), name: Type.String() }),
  lines: Type.Array(
    Type.Object({
      label: Type.String({ description: 'The line in English' }),
      code: Type.String({
        description:
          'What the line says, as a stable code a client translates with `params`: full_refund_free_look, share_days, share_miles, share_rule_of_78s, admin_fee, admin_fee_limited, claims_deducted, claims_not_deducted, no_refund_due',
      }),
      params: Type.Record(Type.String(), Type.Number(), {
        description:
          'The numbers in the line: freeLookDays; remaining, total, shareBasisPoints, priceCents (share lines); maxBasisPoints (admin_fee_limited)',
      }),
      amountCents: Type.Integer({
        description: 'Signed: deductions are negative; the lines add up to refundCents',
      }),
      ruleId: Type.Optional(Type.String()),
    }),
  ),
  explanation: Type.Array(Type.String(), { description: 'Sentences in English' }),
  explanationItems: Type.Array(TextItemSchema, {
    description: 'The same sentences as codes with parameters, in the same order, for a client to translate',
  }),
  requiredProof: Type.Array(Type.Object({ type: Type.String(), label: Type.String() })),
  ruleIds: Type.Array(Type.String()),
  catalogVersion: Type.Integer(),
  allocation: Type.Array(
    Type.Object({
      party: StringEnum(['administrator', 'dealer'] as const),
      amountCents: Type.Integer({ minimum: 0 }),
    }),
    {
      description:
        'Who pays the refund: the dealer is charged back (retail − dealer cost) × share, half-up (nothing when no dealer cost is recorded); the administrator pays the rest. The parts sum to refundCents.',
    },
  ),
  refundDueOn: Type.String({
    format: 'date',
    description: 'The refund must be paid by this day: cancelOn plus the state deadline (default 30 days)',
  }),
};

export const CancellationQuoteSchema = Type.Object(QuoteFields, { $id: 'CancellationQuote' });

const CancellationResultSchema = Type.Object({
  contract: Type.Ref('Contract'),
  refund: Type.Object({
    ...QuoteFields,
    cancellationId: Type.String(),
    ledgerEntryId: Nullable(Type.String()),
    journalEntryId: Nullable(Type.String(), {
      description: 'The general-ledger entry the cancellation posted',
    }),
  }),
});

export function registerCancellationRoutes(
  app: TypedApp,
  deps: { cancellations: CancellationsService; db: Kysely<Database>; clock: Clock },
): void {
  const { cancellations } = deps;
  app.addSchema(CancellationQuoteSchema);

  app.post(
    '/api/v1/contracts/:id/cancellation-quote',
    {
      config: { access: STAFF_AND_HOLDER },
      schema: {
        operationId: 'quoteCancellation',
        description:
          'Staff, the dealer or the holder. Computes the refund for a cancellation date and odometer reading line by line; changes nothing and is safe to repeat.',
        tags: ['Cancellations'],
        summary: 'What cancelling on a date at an odometer reading would refund, line by line',
        params: Type.Object({ id: Uuid }),
        body: CancellationBodySchema,
        response: { 200: Type.Ref('CancellationQuote'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      cancellations.quote(
        request.params.id,
        request.body,
        request.principal!,
        actorOf(request.principal),
        request.id,
      ),
  );

  app.post(
    '/api/v1/contracts/:id/cancellation',
    {
      config: { access: CANCELLERS },
      schema: {
        operationId: 'cancelContract',
        description:
          'Staff, the dealer or the holder. Cancels the contract and pays the refund through the ledger in one transaction; 409 when already cancelled. Accepts an Idempotency-Key.',
        tags: ['Cancellations'],
        summary: 'Cancel the contract: the refund is paid through the ledger and the contract ends',
        params: Type.Object({ id: Uuid }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: CancelBodySchema,
        response: { 201: CancellationResultSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        cancellations.cancel(
          run,
          request.params.id,
          request.body,
          request.principal!,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );
}
