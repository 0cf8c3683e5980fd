// One suite, two stores: everything a document store promises is checked on the folder store and on
// the S3 store talking to an S3-compatible server (s3rver from npm) that the suite starts itself.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../../test/support/s3-server.js';
import { AppError } from '../../shared/errors.js';
import {
  createFileDocumentStore,
  DocumentIntegrityError,
  type DocumentStore,
  documentKeyPath,
  type PutOptions,
  type StoredFile,
} from './document-store.js';
import { createS3DocumentStore } from './s3-document-store.js';

const PDF_HEAD = Buffer.from(
  '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n',
  'latin1',
);
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function pdf(size: number, fill = 0x20): Buffer {
  return Buffer.concat([PDF_HEAD, Buffer.alloc(Math.max(0, size - PDF_HEAD.length), fill)]);
}
function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
/** A stream of `bytes` in chunks of 64 KiB, as a request body arrives. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 65_536)
    chunks.push(bytes.subarray(offset, offset + 65_536));
  return Readable.from(chunks);
}
/** A stream that sends `bytes` and then fails, as a client that goes away mid-upload. */
function failingAfter(bytes: Buffer): Readable {
  return new Readable({
    read() {
      if (bytes.length) {
        this.push(bytes);
        bytes = Buffer.alloc(0);
      } else this.destroy(new Error('connection reset'));
    },
  });
}
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
/** Stores an upload as a request does: staged, then promoted (by the transaction recording its row). */
async function putStored(store: DocumentStore, source: Readable, options: PutOptions): Promise<StoredFile> {
  const staged = await store.put(source, options);
  await staged.promote();
  return { sha256: staged.sha256, sizeBytes: staged.sizeBytes, contentType: staged.contentType };
}
async function allKeys(store: DocumentStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys.sort();
}

interface Harness {
  store: DocumentStore;
  /** Replaces the stored bytes of a key behind the store's back (damage at rest). */
  overwrite(sha256: string, bytes: Buffer): Promise<void>;
  /** How many partial-upload objects are left in the store's temporary area. */
  partialUploads(): Promise<number>;
  /** The stored object's name: the content-addressed layout. */
  storedPath(sha256: string): Promise<boolean>;
  close(): Promise<void>;
}

async function folderHarness(): Promise<Harness> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-store-'));
  const file = (key: string) => path.join(root, ...documentKeyPath(key).split('/'));
  return {
    store: createFileDocumentStore(root),
    async overwrite(key, bytes) {
      fs.writeFileSync(file(key), bytes);
    },
    async partialUploads() {
      return fs.readdirSync(path.join(root, 'tmp')).length;
    },
    async storedPath(key) {
      return fs.existsSync(path.join(root, key.slice(0, 2), key.slice(2, 4), key));
    },
    async close() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

async function s3Harness(): Promise<Harness> {
  const server: TestS3Server = await startS3Server('coverwise-docs', 'documents/');
  const store = await createS3DocumentStore(server.settings);
  const { bucket, prefix } = server.settings;
  return {
    store,
    async overwrite(key, bytes) {
      await store.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${documentKeyPath(key)}`, Body: bytes }),
      );
    },
    async partialUploads() {
      let count = 0;
      const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
      const page = await store.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}tmp/` }),
      );
      count += page.KeyCount ?? page.Contents?.length ?? 0;
      return count;
    },
    async storedPath(key) {
      const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
      try {
        await store.client.send(
          new HeadObjectCommand({
            Bucket: bucket,
            Key: `documents/${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`,
          }),
        );
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      store.client.destroy();
      await server.close();
    },
  };
}

describe.each([
  { name: 'folder', open: folderHarness },
  { name: 'S3-compatible bucket (s3rver)', open: s3Harness },
])('document store: $name', ({ open }) => {
  let harness: Harness;
  let store: DocumentStore;
  beforeAll(async () => {
    harness = await open();
    store = harness.store;
  });
  afterAll(async () => harness?.close());

  it('stores a file under its SHA-256 in the ab/cd/<hash> layout and streams the same bytes back', async () => {
    const bytes = pdf(200_000, 0x41);
    const stored = await putStored(store, chunked(bytes), { maxBytes: 1_000_000 });
    expect(stored).toEqual({
      sha256: sha256(bytes),
      sizeBytes: bytes.length,
      contentType: 'application/pdf',
    });
    expect(await harness.storedPath(stored.sha256)).toBe(true);
    expect(await store.exists(stored.sha256)).toBe(true);
    const back = await store.open(stored.sha256);
    expect(back).not.toBeNull();
    expect((await readAll(back as Readable)).equals(bytes)).toBe(true);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('streams a file of several upload parts (12 MB) both ways', async () => {
    const bytes = pdf(12 * 1024 * 1024 + 123, 0x42);
    const stored = await putStored(store, chunked(bytes), { maxBytes: 20 * 1024 * 1024 });
    expect(stored.sha256).toBe(sha256(bytes));
    expect(stored.sizeBytes).toBe(bytes.length);
    const back = await readAll((await store.open(stored.sha256)) as Readable);
    expect(sha256(back)).toBe(stored.sha256);
  });

  it('stores the same bytes once, however often they are uploaded', async () => {
    const bytes = pdf(5_000, 0x43);
    const first = await putStored(store, chunked(bytes), { maxBytes: 1_000_000 });
    const before = await allKeys(store);
    const second = await putStored(store, chunked(bytes), { maxBytes: 1_000_000 });
    expect(second).toEqual(first);
    expect(await allKeys(store)).toEqual(before);
    expect(before).toContain(first.sha256);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('refuses a file over the size limit with file_too_large and keeps nothing of it', async () => {
    const before = await allKeys(store);
    const bytes = pdf(300_000, 0x44);
    const error = await store.put(chunked(bytes), { maxBytes: 100_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'file_too_large', param: 'file' });
    expect(await allKeys(store)).toEqual(before);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('refuses a type that is not allowed (by its bytes) and keeps nothing of it', async () => {
    const before = await allKeys(store);
    const png = Buffer.concat([PNG_HEAD, Buffer.alloc(2_000, 1)]);
    const text = Buffer.from('just some text, not a document at all\n'.repeat(50));
    for (const [bytes, allowedTypes] of [
      [png, ['application/pdf'] as const],
      [text, undefined],
    ] as const) {
      const error = await store
        .put(chunked(bytes), { maxBytes: 1_000_000, ...(allowedTypes ? { allowedTypes } : {}) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'unsupported_file_type', param: 'file' });
    }
    expect(await allKeys(store)).toEqual(before);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('refuses a type that is not allowed once its first bytes arrive, not after the whole file', async () => {
    const before = await allKeys(store);
    // 40 MB of text offered in 64 KiB chunks, made as they are read; the cap is 10 MB.
    let offered = 0;
    const source = Readable.from(
      (function* () {
        while (offered < 40 * 2 ** 20) {
          offered += 65_536;
          yield Buffer.alloc(65_536, 'not a document at all\n');
        }
      })(),
    );
    const error = await store.put(source, { maxBytes: 10 * 2 ** 20 }).catch((e: unknown) => e);
    // The type is the answer (a smaller file of it would be refused too), and the rest was not read.
    expect(error).toMatchObject({ code: 'unsupported_file_type', param: 'file' });
    expect(offered).toBeLessThan(10 * 2 ** 20);
    expect(await allKeys(store)).toEqual(before);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('keeps nothing of an upload whose client goes away part-way', async () => {
    const before = await allKeys(store);
    const error = await store
      .put(failingAfter(pdf(64_000, 0x45)), { maxBytes: 1_000_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/connection reset/);
    expect(await allKeys(store)).toEqual(before);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('answers null for a key it does not hold', async () => {
    const missing = sha256(Buffer.from('never stored'));
    expect(await store.open(missing)).toBeNull();
    expect(await store.exists(missing)).toBe(false);
  });

  it('fails the read of a file whose bytes changed at rest (the SHA-256 check)', async () => {
    const bytes = pdf(70_000, 0x46);
    const stored = await putStored(store, chunked(bytes), { maxBytes: 1_000_000 });
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 1] = 0x00;
    await harness.overwrite(stored.sha256, damaged);
    const reading = readAll((await store.open(stored.sha256)) as Readable);
    const error = await reading.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentIntegrityError);
    expect(error).toMatchObject({ expectedSha256: stored.sha256, actualSha256: sha256(damaged) });
  });

  it('stores bytes under a known key only when they hash to it (copies and restores)', async () => {
    const bytes = pdf(9_000, 0x47);
    const key = sha256(bytes);
    const before = await allKeys(store);
    const wrong = await store.putExact(key, chunked(pdf(9_000, 0x48))).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(DocumentIntegrityError);
    expect(await allKeys(store)).toEqual(before);
    expect(await harness.partialUploads()).toBe(0);
    expect(await store.putExact(key, chunked(bytes))).toEqual({ sizeBytes: bytes.length });
    expect(await allKeys(store)).toEqual([...before, key].sort());
    expect(sha256(await readAll((await store.open(key)) as Readable))).toBe(key);
  });

  it('keeps an upload staged until it is promoted, and a discarded one leaves nothing', async () => {
    const before = await allKeys(store);
    const bytes = pdf(8_000, 0x49);
    const staged = await store.put(chunked(bytes), { maxBytes: 1_000_000 });
    expect(staged.sha256).toBe(sha256(bytes));
    expect(await store.exists(staged.sha256)).toBe(false);
    expect(await harness.partialUploads()).toBe(1);
    await staged.discard();
    await staged.discard();
    expect(await harness.partialUploads()).toBe(0);
    expect(await allKeys(store)).toEqual(before);
    await expect(staged.promote()).rejects.toThrow(/discarded/);

    const kept = await store.put(chunked(bytes), { maxBytes: 1_000_000 });
    await kept.promote();
    await kept.discard();
    expect(await store.exists(kept.sha256)).toBe(true);
    expect(await harness.partialUploads()).toBe(0);
  });

  it('sweeps old staged uploads and old files no row names, and keeps named and young ones', async () => {
    const named = await putStored(store, chunked(pdf(3_000, 0x50)), { maxBytes: 1_000_000 });
    const unnamed = await putStored(store, chunked(pdf(3_000, 0x51)), { maxBytes: 1_000_000 });
    const stagedOnly = await store.put(chunked(pdf(3_000, 0x52)), { maxBytes: 1_000_000 });
    const everyKey = await allKeys(store);
    const askedAbout: string[] = [];
    const referenced = async (keys: readonly string[]) => {
      askedAbout.push(...keys);
      return new Set(keys.filter((key) => key !== unnamed.sha256));
    };
    // Right now everything is young: nothing goes, and the database is not even asked.
    expect(await store.sweepOrphans(referenced, 3_600_000)).toEqual({
      stagedRemoved: 0,
      orphansRemoved: 0,
      kept: everyKey.length,
    });
    expect(askedAbout).toEqual([]);
    // As seen two hours later, the staged upload and the file no row names are a dead process's.
    const later = Date.now() + 7_200_000;
    expect(await store.sweepOrphans(referenced, 3_600_000, later)).toEqual({
      stagedRemoved: 1,
      orphansRemoved: 1,
      kept: everyKey.length - 1,
    });
    expect(askedAbout.sort()).toEqual(everyKey);
    expect(await store.exists(named.sha256)).toBe(true);
    expect(await store.exists(unnamed.sha256)).toBe(false);
    expect(await harness.partialUploads()).toBe(0);
    await expect(stagedOnly.promote()).rejects.toThrow();
  });

  it('refuses a key that is not a SHA-256', async () => {
    await expect(store.open('../../etc/passwd')).rejects.toThrow(/SHA-256/);
    await expect(store.putExact('abc', chunked(pdf(100)))).rejects.toThrow(/SHA-256/);
  });
});

describe('S3 document store start-up', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server('coverwise-sweep');
  });
  afterAll(async () => server?.close());

  it('refuses to start on a bucket that does not exist', async () => {
    await expect(createS3DocumentStore({ ...server.settings, bucket: 'no-such-bucket' })).rejects.toThrow();
  });
});
