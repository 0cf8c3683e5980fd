// The document store in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …), for app processes on
// several machines: the same content-addressed layout as the folder store (`<prefix>ab/cd/<sha256>`)
// and the same checks, through the AWS SDK v3.
//
// An upload streams to a temporary object (`<prefix>tmp/<uuid>`, multipart in 5 MiB parts with at
// most two in flight, so memory stays bounded whatever the file's size) while it is hashed and its
// first bytes kept for type sniffing; a complete, allowed file is then copied server-side to its key
// and the temporary object deleted when the transaction recording its row promotes it. A refused or
// interrupted upload deletes its temporary object (a multipart upload is aborted); what a killed
// process leaves under `tmp/`, and objects no row names, are removed by the orphan sweep at start and
// hourly (and a bucket lifecycle rule on `tmp/` is the belt to these braces, see README).
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable, pipeline as streamPipeline } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  type AgedKey,
  DocumentIntegrityError,
  type DocumentStore,
  documentKeyPath,
  hashingStream,
  isDocumentKey,
  staged,
  sweepStoredKeys,
  uploadMeter,
  verifyingStream,
} from './document-store.js';

export interface S3StoreSettings {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `documents/` (empty: the bucket's root). */
  prefix: string;
  /** Endpoint URL of an S3-compatible service; null = AWS S3 in `region`. */
  endpoint: string | null;
  region: string;
  /** Null = the SDK's default credential chain (AWS_* variables, a web identity, an instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  /** Bucket in the path (`endpoint/bucket/key`) rather than the host name: MinIO and most others. */
  forcePathStyle: boolean;
}

const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export function createS3Client(settings: S3StoreSettings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    // A copy: the SDK marks the credentials object it is given (the settings are frozen).
    ...(settings.credentials
      ? {
          credentials: {
            accessKeyId: settings.credentials.accessKeyId,
            secretAccessKey: settings.credentials.secretAccessKey,
          },
        }
      : {}),
    // Checksums only where the API requires them: many S3-compatible servers do not take the SDK's
    // default CRC32 trailers on streamed bodies. Integrity is ours anyway: SHA-256 on every read.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}

/**
 * Opens the bucket store: checks the bucket answers (a bad endpoint, bucket or credentials stop
 * start-up with the SDK's reason).
 */
export async function createS3DocumentStore(
  settings: S3StoreSettings,
  options: { client?: S3Client } = {},
): Promise<DocumentStore & { client: S3Client }> {
  const client = options.client ?? createS3Client(settings);
  const { bucket, prefix } = settings;
  const keyOf = (sha256: string) => `${prefix}${documentKeyPath(sha256)}`;
  const tmpPrefix = `${prefix}tmp/`;

  async function* listKeys(listPrefix: string) {
    let continuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: listPrefix,
          ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
        }),
      );
      for (const item of page.Contents ?? []) if (item.Key) yield item;
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async function remove(key: string): Promise<void> {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async function exists(sha256: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Streams `source` through `through` into a new temporary object; answers its key. */
  async function upload(source: Readable, through: NodeJS.ReadWriteStream): Promise<string> {
    const tmpKey = `${tmpPrefix}${randomUUID()}.part`;
    const body = new PassThrough();
    const sending = new Upload({
      client,
      params: { Bucket: bucket, Key: tmpKey, Body: body, ContentType: 'application/octet-stream' },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const sent = sending.done();
    // A failed upload (the store went away) stops the stream feeding it, which would otherwise wait.
    let sendError: unknown = null;
    sent.catch((error: unknown) => {
      sendError = error;
      body.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    try {
      await pipeline(source, through, body);
      await sent;
    } catch (error) {
      // The source failed (too large, the client went away) or the store did: stop the upload and
      // drop what it sent.
      const cause = sendError ?? error;
      await sending.abort().catch(() => {});
      await sent.catch(() => {});
      await remove(tmpKey).catch(() => {});
      throw cause;
    }
    return tmpKey;
  }

  /** When the object under a key was last written, or null when there is none. */
  async function modifiedAt(sha256: string): Promise<number | null> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
      return head.LastModified?.getTime() ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Moves a complete temporary object to its key. When the key holds the file already, that object is
   * copied onto itself (which renews its LastModified), so that an orphan sweep running now sees a
   * young object and leaves it to the row being written.
   */
  async function settle(tmpKey: string, sha256: string): Promise<void> {
    const present = await exists(sha256);
    const from = present ? keyOf(sha256) : tmpKey;
    try {
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: keyOf(sha256),
          CopySource: `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
          ContentType: 'application/octet-stream',
          MetadataDirective: 'REPLACE',
        }),
      );
    } finally {
      await remove(tmpKey).catch(() => {});
    }
  }

  async function* agedKeys(): AsyncIterable<AgedKey> {
    for await (const item of listKeys(prefix)) {
      const sha256 = storedKeyOf(item.Key as string);
      if (sha256) yield { sha256, modifiedAtMs: item.LastModified?.getTime() ?? Date.now() };
    }
  }

  /** The SHA-256 an object's key stores, or null for a key outside the layout (tmp/, strays). */
  function storedKeyOf(key: string): string | null {
    const name = key.slice(prefix.length);
    const parts = name.split('/');
    const sha256 = parts[2];
    return parts.length === 3 && sha256 && isDocumentKey(sha256) && name === documentKeyPath(sha256)
      ? sha256
      : null;
  }

  const store: DocumentStore & { client: S3Client } = {
    client,
    location: `s3://${bucket}/${prefix}`,
    async put(source, putOptions) {
      const meter = uploadMeter(source, putOptions);
      let tmpKey: string;
      try {
        tmpKey = await upload(source, meter.stream);
      } catch (error) {
        source.resume?.();
        throw error;
      }
      try {
        const stored = await meter.finish();
        return staged(stored, {
          promote: () => settle(tmpKey, stored.sha256),
          discard: () => remove(tmpKey),
        });
      } catch (error) {
        await remove(tmpKey).catch(() => {});
        throw error;
      }
    },
    async putExact(sha256, source) {
      documentKeyPath(sha256);
      const hashing = hashingStream();
      const tmpKey = await upload(source, hashing.stream);
      const actual = hashing.digest();
      if (actual !== sha256) {
        await remove(tmpKey).catch(() => {});
        throw new DocumentIntegrityError(sha256, actual);
      }
      await settle(tmpKey, sha256);
      return { sizeBytes: hashing.sizeBytes() };
    },
    async open(sha256) {
      let body: Readable;
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
        body = answer.Body as Readable;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
      const verifying = verifyingStream(sha256);
      streamPipeline(body, verifying, () => {});
      return verifying;
    },
    exists,
    async *keys() {
      for await (const item of listKeys(prefix)) {
        const sha256 = storedKeyOf(item.Key as string);
        if (sha256) yield sha256;
      }
    },
    async sweepOrphans(referenced, olderThanMs, now = Date.now()) {
      let stagedRemoved = 0;
      for await (const item of listKeys(tmpPrefix)) {
        const modifiedAtMs = item.LastModified?.getTime() ?? now;
        if (now - modifiedAtMs >= olderThanMs) {
          await remove(item.Key as string);
          stagedRemoved++;
        }
      }
      const stored = await sweepStoredKeys(
        agedKeys(),
        referenced,
        modifiedAt,
        (sha256) => remove(keyOf(sha256)),
        olderThanMs,
        now,
      );
      return { stagedRemoved, ...stored };
    },
  };

  // The start-up check that the bucket is there and the credentials work.
  await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: tmpPrefix, MaxKeys: 1 }));
  return store;
}
