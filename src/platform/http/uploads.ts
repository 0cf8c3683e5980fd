// Multipart uploads: the form's text fields, then one file streamed straight into the document store
// (hashed, size-capped and type-sniffed on the way), never held whole in memory. The file is staged:
// the handler promotes it in the transaction that records its row, and whatever else happens (a bad
// field, a conflict, a rollback, an idempotent replay) the staged file is discarded.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { DocumentContentType, DocumentStore, StagedFile } from '../storage/document-store.js';

export interface ReceivedUpload {
  fields: Record<string, string>;
  file: StagedFile;
  originalName: string | null;
}

const MAX_FIELDS = 20;

/**
 * Receives the upload and runs `record` with it; `record` must call `upload.file.promote()` as the last
 * step of the transaction that writes the file's row. When `record` throws, or returns without having
 * promoted the file (an idempotent replay), the staged file is removed.
 */
export async function withUpload<T>(
  request: FastifyRequest,
  store: DocumentStore,
  options: { maxBytes: number; allowedTypes?: readonly DocumentContentType[] },
  record: (upload: ReceivedUpload) => Promise<T>,
): Promise<T> {
  const upload = await receiveUpload(request, store, options);
  try {
    return await record(upload);
  } finally {
    await upload.file.discard();
  }
}

/**
 * Reads a multipart request whose text fields come before its single `file` part. Fields after the
 * file are refused: the file is stored as it streams, so its fields must be known first. The file
 * comes back staged; prefer `withUpload`, which discards it when the request does not record it.
 */
export async function receiveUpload(
  request: FastifyRequest,
  store: DocumentStore,
  options: { maxBytes: number; allowedTypes?: readonly DocumentContentType[] },
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data with a "file" part.');
  }
  try {
    return await readParts(request, store, options);
  } catch (error) {
    throw asUploadError(error);
  }
}

/**
 * A body the multipart parser cannot read (wrong boundary, truncated, no closing delimiter) is the
 * client's mistake: 400 malformed_multipart, not a 500. Our own errors and Fastify's (file too
 * large, too many parts) keep their codes; anything else is a real server fault and stays one.
 */
function asUploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code.startsWith('FST_')) return error;
  if (typeof message === 'string' && /multipart|boundary|unexpected end of (form|part)/i.test(message)) {
    return new AppError(
      'malformed_multipart',
      'The multipart body is truncated or its boundary does not match.',
    );
  }
  return error;
}

async function readParts(
  request: FastifyRequest,
  store: DocumentStore,
  options: { maxBytes: number; allowedTypes?: readonly DocumentContentType[] },
): Promise<ReceivedUpload> {
  const fields: Record<string, string> = {};
  let received: ReceivedUpload | null = null;
  try {
    return await readEachPart(request, store, options, fields, (upload) => {
      received = upload;
    });
  } catch (error) {
    await (received as ReceivedUpload | null)?.file.discard();
    throw error;
  }
}

async function readEachPart(
  request: FastifyRequest,
  store: DocumentStore,
  options: { maxBytes: number; allowedTypes?: readonly DocumentContentType[] },
  fields: Record<string, string>,
  onFile: (upload: ReceivedUpload) => void,
): Promise<ReceivedUpload> {
  let received: ReceivedUpload | null = null;
  let fieldCount = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (received)
        throw new AppError('validation_failed', 'Put the form fields before the file.', {
          param: part.fieldname,
        });
      if (++fieldCount > MAX_FIELDS) throw new AppError('validation_failed', 'Too many form fields.');
      const value = String(part.value ?? '');
      if (value.includes('\u0000') || part.fieldname.includes('\u0000'))
        throw new AppError(
          'validation_failed',
          `${part.fieldname.replaceAll('\u0000', '')} must not contain the NUL character (U+0000).`,
          { param: part.fieldname.replaceAll('\u0000', '') },
        );
      fields[part.fieldname] = value;
      continue;
    }
    if (part.fieldname !== 'file' || received) {
      part.file.resume();
      throw new AppError('validation_failed', 'Send exactly one file, in a part named "file".', {
        param: part.fieldname,
      });
    }
    const file = await store.put(part.file, {
      maxBytes: options.maxBytes,
      ...(options.allowedTypes ? { allowedTypes: options.allowedTypes } : {}),
    });
    // The name is only shown back to people: NUL characters (which the database cannot store) go.
    const originalName = part.filename ? part.filename.replaceAll('\u0000', '').slice(0, 255) : '';
    received = { fields, file, originalName: originalName || null };
    onFile(received);
  }
  if (!received) throw new AppError('validation_failed', 'The request has no file part.', { param: 'file' });
  return received;
}
