// A benefit claim filed together with its receipts: one multipart request whose `claim` part is the
// claim's JSON body and whose `file` parts are the receipts. Every receipt is received and checked
// (type and size) before the claim exists, and the claim and its receipts' records are written
// in one transaction: a refused receipt leaves no claim, and a claim is never filed without the
// receipts sent with it. A retry with the same Idempotency-Key answers the first claim again.
import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { IdempotentRequest } from '../platform/http/idempotency.js';
import { idempotencyPrincipal } from '../platform/http/idempotency.js';
import type { DocumentStore, StagedFile } from '../platform/storage/document-store.js';
import { describeValidationError, paramOf, validatorCompiler } from '../platform/validation.js';
import { AppError } from '../shared/errors.js';

/** Receipts one submission may carry. */
export const MAX_RECEIPTS = 5;

export interface ClaimSubmission<Body> {
  claim: Body;
  /** Staged: the caller promotes each in the transaction recording its row, and discards them all after. */
  receipts: { file: StagedFile; originalName: string | null }[];
  /** What identifies the submission for its Idempotency-Key: the claim and the receipts' hashes. */
  idempotent: IdempotentRequest;
}

type Validate = ((data: unknown) => boolean) & { errors?: Parameters<typeof paramOf>[0][] | null };

/** Compiles the claim body's schema once, with the same strict validator as JSON bodies. */
export function claimValidator(schema: TSchema): Validate {
  return validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '' }) as unknown as Validate;
}

/**
 * Reads a claim submission: the `claim` part first (validated before any file is stored), then up to
 * MAX_RECEIPTS `file` parts, each streamed into the document store with its type and size checked.
 */
export async function receiveClaimSubmission<Body>(
  request: FastifyRequest,
  store: DocumentStore,
  validate: Validate,
  options: { maxBytes: number },
): Promise<ClaimSubmission<Body>> {
  if (!request.isMultipart())
    throw new AppError(
      'unsupported_media_type',
      'Send the claim as multipart/form-data: a "claim" part (JSON), then the receipts as "file" parts.',
    );
  let claim: Body | undefined;
  /** A receipt came before any claim: answered once the form has been read to its end (see below). */
  let receiptBeforeClaim: AppError | undefined;
  const receipts: ClaimSubmission<Body>['receipts'] = [];
  try {
    for await (const part of request.parts({ limits: { files: MAX_RECEIPTS } })) {
      if (part.type === 'field') {
        if (part.fieldname !== 'claim' || claim !== undefined)
          throw new AppError('validation_failed', 'Send one "claim" part, before the receipts.', {
            param: part.fieldname,
          });
        // A part typed application/json arrives already parsed by @fastify/multipart (curl's
        // `-F "claim=<claim.json;type=application/json"`); an untyped part is the JSON text.
        claim = validateClaim<Body>(
          part.mimetype === 'application/json' ? part.value : parseClaim(String(part.value ?? '')),
          validate,
        );
        continue;
      }
      if (claim === undefined || receiptBeforeClaim) {
        // The plugin skips a JSON-typed "claim" part that does not parse and reports it only when the
        // form ends; read on (the body limit bounds it) so that a claim sent as broken JSON is told so.
        part.file.resume();
        const detail = 'Send the "claim" part before the receipts.';
        receiptBeforeClaim ??= new AppError('validation_failed', detail, { param: 'claim' });
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new AppError('validation_failed', 'Send receipts as "file" parts.', { param: part.fieldname });
      }
      const index = receipts.length;
      try {
        const file = await store.put(part.file, { maxBytes: options.maxBytes });
        const name = part.filename ? part.filename.replaceAll('\u0000', '').slice(0, 255) : '';
        receipts.push({ file, originalName: name || null });
      } catch (error) {
        // Name the receipt that was refused, so a form can put the sentence next to it.
        if (error instanceof AppError && (error.param === undefined || error.param === 'file'))
          throw new AppError(error.code, error.message, { param: `receipts[${index}]` });
        throw error;
      }
    }
    if (receiptBeforeClaim) throw receiptBeforeClaim;
  } catch (error) {
    // Nothing of a refused submission stays in the store.
    for (const receipt of receipts) await receipt.file.discard();
    if (error instanceof AppError) throw error;
    const { code } = error as { code?: unknown };
    if (code === 'FST_FILES_LIMIT')
      throw new AppError('validation_failed', `Send at most ${MAX_RECEIPTS} receipts with one claim.`, {
        param: 'file',
      });
    // Only the "claim" part is a field, so a JSON-typed field that does not parse is the claim.
    if (code === 'FST_INVALID_JSON_FIELD_ERROR')
      throw new AppError('malformed_json', 'The "claim" part is not valid JSON.', { param: 'claim' });
    if (typeof code === 'string' && code.startsWith('FST_')) throw error;
    throw new AppError(
      'malformed_multipart',
      'The multipart body is truncated or its boundary does not match.',
    );
  }
  if (claim === undefined) {
    for (const receipt of receipts) await receipt.file.discard();
    throw new AppError('validation_failed', 'The request has no "claim" part.', { param: 'claim' });
  }
  const header = request.headers['idempotency-key'];
  return {
    claim,
    receipts,
    idempotent: {
      key: typeof header === 'string' ? header : undefined,
      principal: idempotencyPrincipal(request),
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      params: request.params,
      body: { claim, receipts: receipts.map((r) => r.file.sha256) },
    },
  };
}

function parseClaim(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('malformed_json', 'The "claim" part is not valid JSON.', { param: 'claim' });
  }
}

function validateClaim<Body>(value: unknown, validate: Validate): Body {
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const param = first ? paramOf(first) : undefined;
    throw new AppError(
      'validation_failed',
      first ? describeValidationError(first, 'claim') : 'The claim is not valid.',
      param ? { param } : {},
    );
  }
  return value as Body;
}
