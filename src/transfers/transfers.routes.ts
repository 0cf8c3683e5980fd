// Transfers to a new owner (docs/api.md "Transfers and cancellations"): the holder or staff ask for
// one; staff record its fee or reject it; the holder or staff attach the maintenance records.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { PersonInputSchema } from '../contracts/contract.schemas.js';
import { receiveDocumentUpload, type UploadPath } from '../documents/upload-path.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { followedBy, transactional } from '../platform/db/transaction.js';
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
  problemResponses,
  StateRuleNoteSchema,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { DocumentContentType } from '../platform/storage/document-store.js';
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import { FEE_PAYMENT_METHODS, TRANSFER_DOCUMENT_TYPES, type TransfersService } from './transfers.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;
const FEE_STAFF = ['admin', 'adjuster'] as const;
/**
 * Who may request a transfer or attach its records: the holder and the staff who act for holders. A
 * reviewer reviews documents and reads transfers; starting one, or supplying the evidence for it, is
 * not their job (and keeps the one who checks papers from also being the one who files them).
 */
const TRANSFER_ACTORS = ['admin', 'adjuster', 'holder'] as const;
const RECORD_TYPES: readonly DocumentContentType[] = ['application/pdf', 'image/jpeg', 'image/png'];

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const TransferBodySchema = Type.Object(
  {
    ownershipTransferredOn: DateInput('The day the vehicle changed owner'),
    saleType: StringEnum(['private', 'dealer', 'trade_in'] as const),
    odometer: Type.Integer({ minimum: 0, maximum: 2_000_000 }),
    buyer: PersonInputSchema,
    language: Type.Optional(LanguageInput),
  },
  { additionalProperties: false },
);

const TransferDocumentSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    status: Type.String(),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    originalName: Nullable(Type.String()),
    sha256: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TransferDocument' },
);

export const TransferSchema = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    contractNumber: Type.String(),
    status: StringEnum(['pending_fee', 'completed', 'rejected', 'closed'] as const, {
      description: 'closed: its contract was cancelled or voided while the transfer waited for its fee',
    }),
    ownershipTransferredOn: Type.String(),
    saleType: Type.String(),
    odometer: Type.Integer(),
    feeCents: Type.Integer(),
    buyer: Type.Object({
      firstName: Type.String(),
      lastName: Type.String(),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
      address: Type.Object({
        line1: Type.String(),
        city: Type.String(),
        state: Type.String(),
        zip: Type.String(),
      }),
    }),
    feeLedgerEntryId: Nullable(Type.String()),
    rejectionReason: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    completedAt: Nullable(Type.String({ format: 'date-time' })),
    rejectedAt: Nullable(Type.String({ format: 'date-time' })),
    closedAt: Nullable(Type.String({ format: 'date-time' })),
    closedReason: Nullable(StringEnum(['contract_cancelled', 'contract_voided'] as const), {
      description: 'Why a closed transfer ended',
    }),
    documents: Type.Array(Type.Ref('TransferDocument')),
  },
  { $id: 'Transfer' },
);

export function registerTransferRoutes(
  app: TypedApp,
  deps: {
    transfers: TransfersService;
    db: Kysely<Database>;
    clock: Clock;
    /** Where maintenance records are received, scanned and stored (throttled per transfer). */
    uploads: UploadPath;
    /** Drops this process's cached sessions, so a completed transfer leaves the seller's session at once. */
    forgetCachedSessions?: () => void;
  },
): void {
  const { transfers } = deps;
  const afterChange = (result: { body: { status: string } }) => {
    if (result.body.status === 'completed') deps.forgetCachedSessions?.();
  };
  app.addSchema(TransferDocumentSchema);
  app.addSchema(TransferSchema);

  app.post(
    '/api/v1/contracts/:id/transfers',
    {
      config: { access: TRANSFER_ACTORS },
      schema: {
        operationId: 'createContractTransfer',
        description:
          'The holder or staff. Opens a transfer to the buyer; 422 when the contract does not allow transfer or the reporting window has passed.',
        tags: ['Transfers'],
        summary: 'Ask to transfer the contract to the buyer of a private sale',
        params: Type.Object({ id: Uuid }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: TransferBodySchema,
        response: { 201: Type.Ref('Transfer'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await runIdempotent(
        deps.db,
        idempotentRequestOf(request),
        deps.clock.now(),
        201,
        (run) =>
          transfers.request(
            run,
            request.params.id,
            request.body,
            request.principal!,
            actorOf(request.principal),
            request.id,
          ),
      );
      afterChange(result);
      return sendResult(reply, result);
    },
  );

  app.get(
    '/api/v1/contracts/:id/transfers',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        operationId: 'listContractTransfers',
        description: 'Staff, or the holder for their own contract.',
        tags: ['Transfers'],
        summary: "The contract's transfers, newest first",
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('Transfer')), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => transfers.listForContract(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/contracts/:id/transfer-terms',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        operationId: 'getContractTransferTerms',
        description:
          'Staff, or the holder. Whether the contract can be transferred, the fee and the reporting window; changes nothing.',
        tags: ['Transfers'],
        summary: 'What transferring this contract takes: allowed, fee, reporting window',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            allowed: Type.Boolean(),
            feeCents: Type.Integer(),
            windowDays: Type.Integer(),
            privateSaleOnly: Type.Boolean(),
            feeRuleId: Type.String(),
            notes: Type.Array(StateRuleNoteSchema),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => transfers.termsFor(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/transfers/:id',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        operationId: 'getTransfer',
        description: 'Staff, or the holder who asked for it.',
        tags: ['Transfers'],
        summary: 'A transfer: status, fee, buyer and attached records',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('Transfer'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => transfers.get(request.params.id, request.principal!),
  );

  app.post(
    '/api/v1/transfers/:id/fee-payment',
    {
      config: { access: FEE_STAFF },
      schema: {
        operationId: 'payTransferFee',
        description:
          'Staff. Records the fee received, posts it to the ledger and makes the buyer the holder; 409 when the transfer is not waiting for its fee.',
        tags: ['Transfers'],
        summary: 'Record the transfer fee as received; the buyer becomes the holder',
        params: Type.Object({ id: Uuid }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          { method: StringEnum(FEE_PAYMENT_METHODS), reference: Text(100) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Transfer'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await runIdempotent(
        deps.db,
        idempotentRequestOf(request),
        deps.clock.now(),
        200,
        (run) =>
          transfers.recordFeePayment(
            run,
            request.params.id,
            request.body,
            request.principal!,
            actorOf(request.principal),
            request.id,
          ),
      );
      afterChange(result);
      return sendResult(reply, result);
    },
  );

  app.post(
    '/api/v1/transfers/:id/rejection',
    {
      config: { access: FEE_STAFF },
      schema: {
        operationId: 'rejectTransfer',
        description:
          'Staff. Rejects a transfer waiting for its fee, with a reason; 409 in any other status. Writes an audit row.',
        tags: ['Transfers'],
        summary: 'Reject a transfer that is waiting for its fee',
        params: Type.Object({ id: Uuid }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Transfer'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        transfers.reject(
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

  app.post(
    '/api/v1/transfers/:id/documents',
    {
      config: { access: TRANSFER_ACTORS },
      schema: {
        operationId: 'uploadTransferDocument',
        description:
          'The holder or staff. Attaches a maintenance record; 415 `unsupported_file_type` or 413 `file_too_large` on a refused file.',
        tags: ['Transfers'],
        summary: 'Attach a maintenance record (PDF, JPEG or PNG; multipart fields `type` then `file`)',
        params: Type.Object({ id: Uuid }),
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Ref('TransferDocument'),
          ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      await transfers.assertMayAttach(request.params.id, principal);
      const document = await receiveDocumentUpload(
        request,
        deps.uploads,
        { ownerId: request.params.id, allowedTypes: RECORD_TYPES },
        async (upload) => {
          const type = upload.fields.type || 'maintenance_record';
          if (!(TRANSFER_DOCUMENT_TYPES as readonly string[]).includes(type)) {
            throw new AppError(
              'validation_failed',
              `type must be one of ${TRANSFER_DOCUMENT_TYPES.join(', ')}.`,
              { param: 'type' },
            );
          }
          return transfers.attachDocument(
            // The file gets its stored name only in the transaction that records its row.
            followedBy(transactional(deps.db), () => upload.file.promote()),
            request.params.id,
            { file: upload.file, originalName: upload.originalName, type },
            principal,
            actorOf(principal),
            request.id,
          );
        },
      );
      return reply.status(201).send(document);
    },
  );
}
