import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { receiveDocumentUpload, type UploadPath } from '../documents/upload-path.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { runIdempotent, sendIdempotent, sendResult } from '../platform/http/idempotency.js';
import {
  DateInput,
  LanguageInput,
  Nullable,
  problemResponses,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { RepairClaimsService } from '../repair-claims/repair-claims.service.js';
import { RoadsideRequestSchema } from '../roadside/roadside.schemas.js';
import type { RoadsideService } from '../roadside/roadside.service.js';
import {
  type BenefitClaimsService,
  MAX_EXPENSES,
  type RentalClaimBody,
  type TripClaimBody,
} from './benefit-claims.service.js';
import { BENEFIT_DENIAL_REASONS } from './benefit-decision.js';
import { claimValidator, MAX_RECEIPTS, receiveClaimSubmission } from './claim-submission.js';

const MONEY = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const DATE = DateInput('A calendar day');
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

/** A payable line: the amount and, in `limitsApplied` and the label, which limit cut it. */
const BenefitLineSchema = Type.Object(
  {
    label: Type.String({ description: 'The line in English' }),
    code: Type.Optional(
      Type.String({
        description:
          'What the line says, as a stable code a client translates with `params` and `limitsApplied`: rental_expense, trip_expense (absent on claims filed before codes were sent)',
      }),
    ),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description:
          'date, kind or category, requestedCents, payableCents, and the limits the line may name: dailyLimitCents, perVisitLimitCents (rental); alcoholCents, breakdownOn, lastCoveredDay, maxDays (trip)',
      }),
    ),
    date: Type.String(),
    requestedCents: Type.Integer(),
    payableCents: Type.Integer(),
    amountCents: Type.Integer(),
    limitsApplied: Type.Array(Type.String()),
    kind: Type.Optional(Type.String()),
    category: Type.Optional(Type.String()),
    alcoholCents: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);

const ReceiptSchema = Type.Object({
  id: Type.String({ description: 'The document id: GET /documents/{id}/file downloads it' }),
  sha256: Type.String(),
  sizeBytes: Type.Integer(),
  contentType: Type.String(),
  originalName: Nullable(Type.String()),
  receivedAt: Type.String(),
});

const BenefitStatusSchema = StringEnum(['submitted', 'approved', 'denied', 'paid'] as const, {
  description:
    'submitted: waiting for claims staff; approved: the next payment run pays it; denied: with its reason; paid',
});

const DecisionSchema = Nullable(
  Type.Object({
    decidedBy: Type.String(),
    decidedAt: Type.String({ format: 'date-time' }),
    reasonCode: Nullable(StringEnum(BENEFIT_DENIAL_REASONS)),
    reason: Nullable(Type.String()),
  }),
  { description: 'Who decided the claim and when, and a denial’s reason; null while it waits' },
);

// One object (not a union of two), so a wrong field gets a plain error naming it and its allowed values.
const DecisionBodySchema = Type.Object(
  {
    decision: StringEnum(['approve', 'deny'] as const),
    reasonCode: Type.Optional(
      StringEnum(BENEFIT_DENIAL_REASONS, {
        description: 'Why a claim is denied: required with deny, refused with approve',
      }),
    ),
    reason: Type.Optional(
      Type.String({ maxLength: 1000, description: 'In words; required with reasonCode other' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Approve as filed, or deny with a reason code (and words, required for other)',
  },
);

const RentalClaimSchema = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    repairClaimId: Type.String(),
    status: BenefitStatusSchema,
    requestedCents: Type.Integer(),
    payableCents: Type.Integer(),
    lines: Type.Array(BenefitLineSchema),
    createdAt: Type.String(),
    reviewDueOn: Type.String({
      format: 'date',
      description:
        "The business day by whose end staff review the claim (the catalog's review SLA; the work-queue due date)",
    }),
    decision: DecisionSchema,
    receipts: Type.Array(ReceiptSchema),
  },
  { $id: 'RentalClaim' },
);

const TripClaimSchema = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    status: BenefitStatusSchema,
    breakdownOn: Type.String(),
    milesFromHome: Type.Integer(),
    componentGroup: Nullable(Type.String()),
    requestedCents: Type.Integer(),
    payableCents: Type.Integer(),
    lines: Type.Array(BenefitLineSchema),
    createdAt: Type.String(),
    reviewDueOn: Type.String({
      format: 'date',
      description:
        "The business day by whose end staff review the claim (the catalog's review SLA; the work-queue due date)",
    }),
    decision: DecisionSchema,
    receipts: Type.Array(ReceiptSchema),
  },
  { $id: 'TripInterruptionClaim' },
);

const RentalBodySchema = Type.Object(
  {
    repairClaimId: Uuid,
    expenses: Type.Array(
      Type.Object(
        { date: DATE, kind: StringEnum(['rental', 'public_transport'] as const), amountCents: MONEY },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_EXPENSES },
    ),
    language: Type.Optional(LanguageInput),
  },
  { additionalProperties: false },
);

const TripBodySchema = Type.Object(
  {
    breakdownOn: DATE,
    milesFromHome: Type.Integer({ minimum: 0, maximum: 20_000 }),
    componentGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    keptOvernight: Type.Optional(Type.Boolean()),
    expenses: Type.Array(
      Type.Object(
        {
          date: DATE,
          category: StringEnum(['lodging', 'meals'] as const),
          amountCents: MONEY,
          alcoholCents: Type.Optional(MONEY),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_EXPENSES },
    ),
    language: Type.Optional(LanguageInput),
  },
  { additionalProperties: false },
);

const BENEFIT_ACCESS = ['holder', 'admin', 'adjuster'] as const;

export function registerBenefitClaimRoutes(
  app: TypedApp,
  deps: {
    benefitClaims: BenefitClaimsService;
    repairClaims: RepairClaimsService;
    roadside: RoadsideService;
    db: Kysely<Database>;
    clock: Clock;
    /** Where receipts are received, scanned and stored (throttled per claim). */
    uploads: UploadPath;
  },
): void {
  const { benefitClaims, db, clock } = deps;
  app.addSchema(RentalClaimSchema);
  app.addSchema(TripClaimSchema);

  app.post(
    '/api/v1/contracts/:id/rental-claims',
    {
      config: { access: BENEFIT_ACCESS },
      schema: {
        operationId: 'createRentalClaim',
        description:
          'Holders for their own contracts, and staff. Files a rental claim for an authorized repair visit; the amount is capped per day and per visit. Accepts an Idempotency-Key.',
        tags: ['Benefits'],
        summary: 'Rental reimbursement for an authorized repair visit, capped per day and per visit',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: RentalBodySchema,
        response: { 201: Type.Ref('RentalClaim'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        benefitClaims.fileRental(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/contracts/:id/trip-interruption-claims',
    {
      config: { access: BENEFIT_ACCESS },
      schema: {
        operationId: 'createTripInterruptionClaim',
        description:
          'Holders for their own contracts, and staff. Files lodging and meals after a breakdown far from home, capped per covered day. Accepts an Idempotency-Key.',
        tags: ['Benefits'],
        summary:
          'Lodging and meals after a breakdown far from home, up to the daily cap for the covered days',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: TripBodySchema,
        response: {
          201: Type.Ref('TripInterruptionClaim'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        benefitClaims.fileTrip(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  // The claim and its receipts in one request, filed together or not at all (claim-submission.ts).
  const rentalValidator = claimValidator(RentalBodySchema);
  const tripValidator = claimValidator(TripBodySchema);
  for (const [path, kind] of [
    ['/api/v1/contracts/:id/rental-claims/with-receipts', 'rental'],
    ['/api/v1/contracts/:id/trip-interruption-claims/with-receipts', 'trip'],
  ] as const) {
    app.post(
      path,
      {
        config: { access: BENEFIT_ACCESS },
        schema: {
          tags: ['Benefits'],
          operationId:
            kind === 'rental' ? 'createRentalClaimWithReceipts' : 'createTripInterruptionClaimWithReceipts',
          summary:
            kind === 'rental'
              ? 'Rental reimbursement filed with its receipts: all of it, or nothing'
              : 'Trip interruption filed with its receipts: all of it, or nothing',
          description: `Multipart: a "claim" part holding the same JSON body as the JSON endpoint, then up to ${MAX_RECEIPTS} receipts as "file" parts (PDF, JPEG, PNG or HEIC). Every receipt is checked before the claim is filed; a refused receipt (415 unsupported_file_type, 413 file_too_large, with param receipts[n]) files nothing. Accepts an Idempotency-Key.`,
          headers: IdempotencyHeaders,
          params: Type.Object({ id: Uuid }),
          consumes: ['multipart/form-data'],
          response: {
            201: Type.Object({
              claim: Type.Ref(kind === 'rental' ? 'RentalClaim' : 'TripInterruptionClaim'),
              receipts: Type.Array(ReceiptSchema),
            }),
            ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const submission = await receiveClaimSubmission<RentalClaimBody & TripClaimBody>(
          request,
          deps.uploads.store,
          kind === 'rental' ? rentalValidator : tripValidator,
          { maxBytes: deps.uploads.maxBytes },
        );
        let result: Awaited<ReturnType<typeof runIdempotent<unknown>>>;
        try {
          result = await runIdempotent(db, submission.idempotent, clock.now(), 201, (run) =>
            benefitClaims.fileWithReceipts(
              run,
              kind,
              request.params.id,
              submission.claim,
              submission.receipts,
              principal,
              request.id,
            ),
          );
        } finally {
          // A refused claim, a rollback or an idempotent replay keeps none of the staged receipts
          // (before the answer goes out, so a client that reads the store next finds nothing staged).
          for (const receipt of submission.receipts) await receipt.file.discard();
        }
        return sendResult(reply, result);
      },
    );
  }

  for (const [path, ownerType] of [
    ['/api/v1/rental-claims/:id/receipts', 'rental_claim'],
    ['/api/v1/trip-interruption-claims/:id/receipts', 'trip_interruption_claim'],
  ] as const) {
    app.post(
      path,
      {
        config: { access: BENEFIT_ACCESS },
        schema: {
          tags: ['Benefits'],
          operationId:
            ownerType === 'rental_claim' ? 'attachRentalClaimReceipt' : 'attachTripInterruptionClaimReceipt',
          summary: 'Attach a receipt (multipart: a "file" part)',
          description:
            'Adds one receipt (PDF, JPEG, PNG or HEIC) to a rental or trip-interruption claim the caller may read. ' +
            'A refused file answers 415 `unsupported_file_type` or 413 `file_too_large`; uploads are throttled per claim (429). ' +
            'A claim takes receipts only while it waits for a decision: an approved, denied or paid one answers 409 ' +
            '`benefit_claim_decided`, its detail naming the status.',
          params: Type.Object({ id: Uuid }),
          consumes: ['multipart/form-data'],
          response: { 201: ReceiptSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const owner = await benefitClaims.receiptOwner(ownerType, request.params.id, principal);
        const receipt = await receiveDocumentUpload(
          request,
          deps.uploads,
          { ownerId: owner.claimId },
          (upload) => benefitClaims.attachReceipt(owner, upload, principal, request.id),
        );
        return reply.status(201).send(receipt);
      },
    );
  }

  for (const [path, kind] of [
    ['/api/v1/rental-claims/:id/decision', 'rental_claim'],
    ['/api/v1/trip-interruption-claims/:id/decision', 'trip_interruption_claim'],
  ] as const) {
    app.post(
      path,
      {
        config: { access: ['admin', 'adjuster'] },
        schema: {
          tags: ['Benefits'],
          operationId: kind === 'rental_claim' ? 'decideRentalClaim' : 'decideTripInterruptionClaim',
          summary:
            kind === 'rental_claim'
              ? 'Approve or deny a rental claim (claims staff)'
              : 'Approve or deny a trip interruption claim (claims staff)',
          description:
            'Adjusters and admins. A claim is decided once (409 `benefit_claim_decided` after). Approved, the next ' +
            'payment run pays its payable amount; denied, with `reasonCode` (and `reason`, required for other), ' +
            'what its filing put on the books is reversed. ' +
            (kind === 'trip_interruption_claim'
              ? 'Trip interruption is paid against receipts: approving one with none attached answers 422 `receipts_required`. '
              : '') +
            'Accepts an Idempotency-Key.',
          headers: IdempotencyHeaders,
          params: Type.Object({ id: Uuid }),
          body: DecisionBodySchema,
          response: {
            200: Type.Ref(kind === 'rental_claim' ? 'RentalClaim' : 'TripInterruptionClaim'),
            ...problemResponses(400, 401, 403, 404, 409, 422),
          },
        },
      },
      async (request, reply) =>
        sendIdempotent(deps, request, reply, 200, (run) =>
          benefitClaims.decide(run, kind, request.params.id, request.body, request.principal!, request.id),
        ),
    );
  }

  app.get(
    '/api/v1/rental-claims/:id',
    {
      config: { access: BENEFIT_ACCESS },
      schema: {
        tags: ['Benefits'],
        operationId: 'getRentalClaim',
        summary: 'One rental reimbursement claim',
        description:
          'A rental claim with its payable lines, for claims staff (its detail page) and for the holder ' +
          'of its contract (another holder gets 404 `not_found`).',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('RentalClaim'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => benefitClaims.rentalClaim(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/trip-interruption-claims/:id',
    {
      config: { access: BENEFIT_ACCESS },
      schema: {
        tags: ['Benefits'],
        operationId: 'getTripInterruptionClaim',
        summary: 'One trip interruption claim',
        description:
          'A trip interruption claim with its payable lines, for claims staff (its detail page) and for ' +
          'the holder of its contract (another holder gets 404 `not_found`).',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('TripInterruptionClaim'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => benefitClaims.tripClaim(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/contracts/:id/claims',
    {
      config: { access: ['holder', 'admin', 'adjuster', 'reviewer'] },
      schema: {
        operationId: 'listContractBenefitClaims',
        description:
          'Staff, or the holder for their own contract. Every claim on the contract of every kind, with status and amounts.',
        tags: ['Benefits'],
        summary: 'Everything claimed on a contract: repair claims, rental, trip interruption, roadside',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            repairClaims: Type.Array(Type.Ref('RepairClaim')),
            rentalClaims: Type.Array(Type.Ref('RentalClaim')),
            tripInterruptionClaims: Type.Array(Type.Ref('TripInterruptionClaim')),
            roadsideRequests: Type.Array(RoadsideRequestSchema),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const benefits = await benefitClaims.overview(request.params.id, principal);
      const [repairs, roadside] = await Promise.all([
        deps.repairClaims.list(principal, { contractId: request.params.id }, { limit: 100 }),
        deps.roadside.list(principal, { contractId: request.params.id }, { limit: 100 }),
      ]);
      return { repairClaims: repairs.data, ...benefits, roadsideRequests: roadside.data };
    },
  );
}
