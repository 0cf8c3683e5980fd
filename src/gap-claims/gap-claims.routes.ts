import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { HolderSignInService } from '../auth/holder-sign-in.service.js';
import { receiveDocumentUpload, type UploadPath } from '../documents/upload-path.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { followedBy } from '../platform/db/transaction.js';
import {
  idempotentRequestOf,
  runIdempotent,
  sendIdempotent,
  sendResult,
} from '../platform/http/idempotency.js';
import {
  DateInput,
  LanguageInput,
  Nullable,
  Page,
  problemResponses,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import { setSessionCookies, type TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { isHolderLanguage } from '../shared/language.js';
import { actorOf } from '../shared/principal.js';
import { GAP_CLAIM_STATUSES } from './gap-claim-status.js';
import type { GapClaimsService } from './gap-claims.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;
/**
 * Who may upload a claim's documents: the holder, and staff taking papers in for them. Not the
 * reviewer, who decides on those documents: the one who checks papers does not also supply them.
 */
const UPLOADERS = ['admin', 'adjuster', 'holder'] as const;
const Cents = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
// The amounts of a loss: up to $10,000,000 each, so that their sums stay exact integers (safe-integer
// amounts could add up past 2^53, where the bigint columns no longer read back as numbers).
const LossCents = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const LossType = StringEnum(['total_loss', 'theft', 'theft_recovered']);
const Status = StringEnum(GAP_CLAIM_STATUSES);

const ChecklistItemSchema = Type.Object({
  type: Type.String(),
  name: Type.String(),
  status: StringEnum(['missing', 'pending_review', 'accepted', 'rejected']),
  documentId: Nullable(Type.String()),
  receivedAt: Nullable(Type.String({ format: 'date-time' })),
  reviewDueOn: Nullable(Type.String({ format: 'date' })),
  overdue: Type.Boolean(),
  reason: Nullable(Type.String({ description: 'The reviewer’s reason, shown to the holder' })),
});

const BenefitLineSchema = Type.Object({
  label: Type.String({ description: 'The line in English' }),
  amountCents: Type.Integer(),
  code: Type.Optional(
    Type.String({
      description:
        'What the line says, for a client to say it in its language (payoff, past_due_removed, late_fees_removed, add_on_refunds_removed, interest_after_loss_removed, ltv_cap, acv, deductible, deductible_capped, no_benefit_due, max_benefit_cap); absent on lines calculated before the codes',
    }),
  ),
  params: Type.Optional(
    Type.Record(Type.String(), Type.Integer(), {
      description: "The line's numbers by name (…Cents in cents, …BasisPoints in basis points)",
    }),
  ),
});

export const GapClaimSchema = Type.Object(
  {
    id: Type.String(),
    claimNumber: Type.String(),
    contractId: Type.String(),
    contractNumber: Type.String(),
    holderName: Type.String(),
    status: Status,
    statusWords: Type.String(),
    lossType: LossType,
    dateOfLoss: Type.String({ format: 'date' }),
    openedAt: Type.String({ format: 'date-time' }),
    requiredDocuments: Type.Array(ChecklistItemSchema),
    documents: Type.Array(Type.Ref('Document')),
    benefit: Nullable(
      Type.Object({
        benefitCents: Cents,
        lines: Type.Array(BenefitLineSchema),
        calculatedAt: Nullable(Type.String({ format: 'date-time' })),
      }),
    ),
    decisionReason: Nullable(Type.String()),
    payment: Nullable(
      Type.Object({
        amountCents: Cents,
        payee: Type.Object({ kind: Type.String(), name: Type.String() }),
        paidAt: Type.String({ format: 'date-time' }),
      }),
    ),
    paymentProposal: Nullable(
      Type.Object({
        amountCents: Cents,
        proposedBy: Type.String(),
        proposedByUserId: Type.String(),
        proposedAt: Type.String({ format: 'date-time' }),
      }),
    ),
    lienholderName: Nullable(Type.String()),
    timeline: Type.Array(
      Type.Object({
        at: Type.String(),
        action: Type.String(),
        words: Type.String({ description: 'The event in English words' }),
        status: Type.Optional(Type.String({ description: 'A status change: the new status' })),
        documentType: Type.Optional(Type.String({ description: "A document event: the type's code" })),
        reviewDueOn: Type.Optional(Type.String({ format: 'date' })),
        reason: Type.Optional(Type.String({ description: 'The reason as written' })),
        reasonCode: Type.Optional(
          Type.String({ description: 'A reason the system wrote, by its stable code (translate by it)' }),
        ),
      }),
    ),
  },
  { $id: 'GapClaim' },
);

const StartedClaimSchema = Type.Object({
  id: Type.String(),
  claimNumber: Type.String(),
  contractId: Type.String(),
  status: Status,
  lossType: LossType,
  dateOfLoss: Type.String({ format: 'date' }),
  requiredDocuments: Type.Array(ChecklistItemSchema),
  detailsDiffer: Type.Array(StringEnum(['dateOfLoss', 'lossType']), {
    description:
      'On 200 (the open claim answered): the details of the request the open claim holds otherwise ' +
      '(its own dateOfLoss and lossType are above); nothing of it was changed. Empty on 201 and when they match.',
  }),
  token: Type.String({ description: 'A holder session for this contract, to continue the claim' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export function registerGapClaimRoutes(
  app: TypedApp,
  deps: {
    gapClaims: GapClaimsService;
    holderSignIn: HolderSignInService;
    /** Where claim documents are received, scanned and stored (throttled per claim). */
    uploads: UploadPath;
    db: Kysely<Database>;
    clock: Clock;
    secureCookies: boolean;
  },
): void {
  const { gapClaims, db, clock } = deps;
  app.addSchema(GapClaimSchema);

  app.post(
    '/api/v1/gap-claims',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'createGapClaim',
        tags: ['GAP claims'],
        summary: 'Start a GAP claim with last name + ZIP + VIN (or get the open one)',
        description:
          'The three facts are the verification: any mismatch answers 401 verification_failed, throttled like ' +
          'holder sign-in (429 too_many_attempts). One open claim per contract: a second start answers the ' +
          "open claim with 200, unchanged, and detailsDiffer names the request's details it holds otherwise " +
          '(dateOfLoss, lossType). The request is judged first: a date of loss after today or before the ' +
          'addendum was bought is 422 invalid_date even when a claim is open. The answer carries a holder ' +
          'session token for the contract.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            lastName: Type.String({ minLength: 1, maxLength: 100 }),
            zip: Type.String({ minLength: 1, maxLength: 12 }),
            vin: Type.String({ minLength: 1, maxLength: 40 }),
            dateOfLoss: DateInput('The day of the loss', { strict: true }),
            lossType: StringEnum(['total_loss', 'theft']),
            vehicleRecovered: Type.Optional(
              Type.Boolean({ description: 'Theft: the vehicle was recovered (adds the recovery report)' }),
            ),
            language: Type.Optional(LanguageInput),
          },
          { additionalProperties: false },
        ),
        response: {
          200: StartedClaimSchema,
          201: StartedClaimSchema,
          ...problemResponses(400, 401, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { lastName, zip, vin, ...claimInput } = request.body;
      const contractIds = await deps.holderSignIn.verify({ lastName, zip, vin }, request.ip);
      const actor = { kind: 'holder' as const, id: null, label: 'contract holder' };
      const result = await runIdempotent(
        db,
        idempotentRequestOf(request),
        clock.now(),
        (started: { created: boolean }) => (started.created ? 201 : 200),
        (run) => gapClaims.start(run, contractIds, claimInput, actor, request.id),
      );
      // The session is issued after the claim is stored (and again on a replay): a token is never
      // kept in the idempotency record, only its hash in the sessions table.
      const session = await deps.holderSignIn.openSessionForClaim(
        { contractIds, lastName, claimContractId: result.body.contractId },
        request.id,
      );
      setSessionCookies(reply, session, deps.secureCookies);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .status(result.status === 201 ? 201 : 200)
        .send({ ...result.body, token: session.token, expiresAt: session.expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/gap-claims',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        operationId: 'listGapClaims',
        description: 'Staff see every claim; a holder sees the claims on their contracts. Newest first.',
        tags: ['GAP claims'],
        summary: 'GAP claims, newest first (a holder sees the claims on their contracts)',
        querystring: Type.Object({
          status: Type.Optional(
            StringEnum([...GAP_CLAIM_STATUSES, 'open'] as const, {
              description: 'One status, or open: every claim not yet paid or denied',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          startingAfter: Type.Optional(Uuid),
        }),
        response: {
          200: Page(
            Type.Object({
              id: Type.String(),
              claimNumber: Type.String(),
              status: Status,
              statusWords: Type.String(),
              lossType: LossType,
              dateOfLoss: Type.String({ format: 'date' }),
              openedAt: Type.String({ format: 'date-time' }),
              benefitCents: Nullable(Cents),
              contractNumber: Type.String(),
              holderName: Type.String(),
            }),
          ),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) =>
      gapClaims.list(
        request.principal!,
        { status: request.query.status },
        { limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter },
      ),
  );

  app.get(
    '/api/v1/gap-claims/:id',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        operationId: 'getGapClaim',
        description: 'Staff, or the holder for their own claim (404 otherwise).',
        tags: ['GAP claims'],
        summary: 'A GAP claim with its document checklist, documents and timeline',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('GapClaim'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => gapClaims.get(request.params.id, request.principal!),
  );

  app.post(
    '/api/v1/gap-claims/:id/documents',
    {
      config: { access: UPLOADERS },
      schema: {
        operationId: 'uploadGapClaimDocument',
        tags: ['GAP claims'],
        summary: 'Upload a required document (multipart: a `type` field, then the `file`)',
        description:
          'The file is streamed to the document store with its SHA-256; its type is sniffed from the bytes ' +
          '(PDF, JPEG, PNG, HEIC, else 415 unsupported_file_type); the size cap answers 413 file_too_large. ' +
          'A rejected document is replaced by a new upload of its type; nothing is deleted. A refused upload ' +
          'stores nothing; uploads are throttled per claim and per client address (429 too_many_attempts). ' +
          'A holder may send a `language` field (en, es) before the file: the emails about the claim are then ' +
          'written in it.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        response: {
          201: Type.Ref('Document'),
          ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { id } = request.params;
      // Refuse before reading the file when the claim is not there or takes no documents.
      await gapClaims.checkUploadAllowed(id, principal);
      const result = await receiveDocumentUpload(request, deps.uploads, { ownerId: id }, async (upload) => {
        const type = upload.fields.type?.trim();
        if (!type) {
          throw new AppError(
            'validation_failed',
            'Name the document type in a "type" field before the file.',
            { param: 'type' },
          );
        }
        const language = upload.fields.language?.trim() || undefined;
        if (language !== undefined && !isHolderLanguage(language)) {
          throw new AppError('validation_failed', 'The "language" field is en or es.', { param: 'language' });
        }
        // The multipart body is not JSON: the idempotency hash covers the type and the file's SHA-256.
        const idempotent = { ...idempotentRequestOf(request), body: { type, sha256: upload.file.sha256 } };
        return runIdempotent(db, idempotent, clock.now(), 201, (run) =>
          gapClaims.addDocument(
            // The file gets its stored name only in the transaction that records its row.
            followedBy(run, () => upload.file.promote()),
            id,
            principal,
            { type, file: upload.file, originalName: upload.originalName, language },
            actorOf(principal),
            request.id,
          ),
        );
      });
      return sendResult(reply, result);
    },
  );

  app.post(
    '/api/v1/gap-claims/:id/benefit',
    {
      config: { access: ['adjuster'] },
      schema: {
        operationId: 'calculateGapClaimBenefit',
        description:
          "Claims staff. Computes the benefit with the contract's catalog version and stores it on the claim; repeating it recomputes with current figures.",
        tags: ['GAP claims'],
        summary: "Compute the GAP benefit with the contract's catalog version; stored on the claim",
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            payoffCents: LossCents,
            acvCents: LossCents,
            primaryDeductibleCents: LossCents,
            pastDueCents: Type.Optional(LossCents),
            lateFeesCents: Type.Optional(LossCents),
            addOnRefundsCents: Type.Optional(LossCents),
            interestAfterLossCents: Type.Optional(LossCents),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            benefitCents: Cents,
            adjustedPayoffCents: Type.Integer(),
            ltvCapped: Type.Boolean(),
            lines: Type.Array(BenefitLineSchema),
          }),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        gapClaims.calculateBenefit(
          run,
          request.params.id,
          request.body,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );

  app.post(
    '/api/v1/gap-claims/:id/approval',
    {
      config: { access: ['adjuster'] },
      schema: {
        operationId: 'approveGapClaim',
        tags: ['GAP claims'],
        summary:
          'Approve the calculated benefit (the claim becomes approved; the next payment run pays the lienholder)',
        description:
          'Claims staff. The approved benefit is owed to the lienholder (claims expense against claims payable) and ' +
          'is a payable of the next payment run, which pays it (ACH or check) and makes the claim `paid`. ' +
          'Maker–checker: an adjuster approves alone up to their approval limit (their own, or the ' +
          'COVERWISE_APPROVAL_LIMIT_CENTS setting) → 200, the claim `approved`. Above it, the first approval records ' +
          'a proposal (202, the claim with paymentProposal) and a second, different adjuster whose limit covers the ' +
          'amount approves it. The proposer approving again → 409 second_approver_required; a checker below the ' +
          'amount → 403 approval_limit_exceeded; a benefit recalculated after the proposal → 409 ' +
          'proposal_outdated.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Ref('GapClaim'),
          202: Type.Ref('GapClaim'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(
        deps,
        request,
        reply,
        (claim: { status: string }) => (claim.status === 'approved' ? 200 : 202),
        (run) =>
          gapClaims.approve(
            run,
            request.params.id,
            request.body ?? {},
            actorOf(request.principal),
            request.id,
          ),
      );
    },
  );

  app.post(
    '/api/v1/gap-claims/:id/denial',
    {
      config: { access: ['adjuster'] },
      schema: {
        operationId: 'denyGapClaim',
        description:
          'Claims staff. Denies the claim with a reason the holder reads; 409 when the claim is already decided. Writes an audit row.',
        tags: ['GAP claims'],
        summary: 'Deny the claim with a reason the holder reads',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('GapClaim'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        gapClaims.deny(run, request.params.id, request.body, actorOf(request.principal), request.id),
      );
    },
  );
}
