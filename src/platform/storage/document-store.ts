// Where uploaded files live. Files are content-addressed (named by their SHA-256, stored under
// `ab/cd/<sha256>`), so a second upload of the same bytes stores nothing new and a stored file can
// never change under its record. Two stores implement the one interface: a folder (the default, for
// one machine) and an S3-compatible bucket (`s3-document-store.ts`, for several app machines).
//
// A file is streamed to a temporary name while its hash and size are computed and its first bytes
// are kept for type sniffing. It stays there, staged, until the transaction that records its row
// promotes it to its content-addressed name (the last step before that transaction commits); a
// request refused for any reason (a bad form field, a conflict, a rolled-back transaction) discards
// the staged file. Nothing is ever fully buffered in memory. What a crash or a failed commit can
// still leave (a staged file, or a promoted file whose row never committed) is removed by the orphan
// sweep, at start and hourly, which keeps every file a documents row names. Every read is checked
// against the hash as it streams (`verifyingStream`).
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline as streamPipeline, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../shared/errors.js';

export const DOCUMENT_TYPES = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/heic': 'HEIC',
} as const;
export type DocumentContentType = keyof typeof DOCUMENT_TYPES;
export const ALLOWED_DOCUMENT_TYPES = Object.keys(DOCUMENT_TYPES) as DocumentContentType[];

export interface StoredFile {
  /** SHA-256 of the bytes, hex: also the storage key. */
  sha256: string;
  sizeBytes: number;
  contentType: DocumentContentType;
}

/**
 * A file written under a temporary name: `promote` gives it its content-addressed name (call it inside
 * the transaction that records the row, as its last step), `discard` removes it unless promoted (call
 * it when the request ends, whatever happened). Both may be called more than once.
 */
export interface StagedFile extends StoredFile {
  promote(): Promise<void>;
  discard(): Promise<void>;
}

export interface PutOptions {
  maxBytes: number;
  allowedTypes?: readonly DocumentContentType[];
}

export interface DocumentStore {
  /** Where the files are, for logs: a folder path or an `s3://bucket/prefix` address. */
  readonly location: string;
  /**
   * Stages an upload: size-capped, type-sniffed, hashed (the SHA-256 is its key). The file is stored
   * under its key only when the caller promotes it.
   */
  put(source: Readable, options: PutOptions): Promise<StagedFile>;
  /**
   * The stored bytes, or null when no file has that key. The stream is hashed as it is read and fails
   * at its end with DocumentIntegrityError when the bytes are not the ones stored under that key.
   */
  open(sha256: string): Promise<Readable | null>;
  exists(sha256: string): Promise<boolean>;
  /**
   * Stores bytes whose SHA-256 is already known (a copy from another store, a restore from a backup);
   * bytes that do not hash to `sha256` are refused with DocumentIntegrityError and leave nothing.
   */
  putExact(sha256: string, source: Readable): Promise<{ sizeBytes: number }>;
  /** Every stored file's key, in no particular order (partial uploads are not listed). */
  keys(): AsyncIterable<string>;
  /**
   * Removes what no documents row will ever name: staged and partial uploads, and stored files no row
   * names. Only files older than `olderThanMs` go, so an upload being streamed or recorded right now
   * (by this or another process sharing the store) survives; a file that a new upload reuses is
   * touched when promoted, which makes it young again.
   */
  sweepOrphans(referenced: ReferencedKeys, olderThanMs: number, now?: number): Promise<SweepResult>;
}

/** Which of these SHA-256 keys a documents row names (the database side of the orphan sweep). */
export type ReferencedKeys = (sha256s: readonly string[]) => Promise<ReadonlySet<string>>;

export interface SweepResult {
  /** Staged or partial uploads removed. */
  stagedRemoved: number;
  /** Content-addressed files no documents row names, removed. */
  orphansRemoved: number;
  /** Content-addressed files kept (named by a row, or too young to judge). */
  kept: number;
}

/** Keys checked against the database per query (bounded statements, short on PGlite's one connection). */
export const SWEEP_BATCH = 500;

/** A stored file as the sweep sees it: its key and when it was last written or touched. */
export interface AgedKey {
  sha256: string;
  modifiedAtMs: number;
}

/**
 * The sweep's judgement, shared by both stores: feeds old-enough keys to the database in batches and
 * removes those no row names, after a last look at their age (a new upload of the same bytes touches
 * the file while the sweep runs).
 */
export async function sweepStoredKeys(
  stored: AsyncIterable<AgedKey>,
  referenced: ReferencedKeys,
  ageNow: (sha256: string) => Promise<number | null>,
  remove: (sha256: string) => Promise<void>,
  olderThanMs: number,
  now: number,
): Promise<Omit<SweepResult, 'stagedRemoved'>> {
  const result = { orphansRemoved: 0, kept: 0 };
  let candidates: string[] = [];
  const judge = async () => {
    const named = await referenced(candidates);
    for (const sha256 of candidates) {
      const modifiedAtMs = named.has(sha256) ? null : await ageNow(sha256);
      if (modifiedAtMs === null || now - modifiedAtMs < olderThanMs) result.kept++;
      else {
        await remove(sha256);
        result.orphansRemoved++;
      }
    }
    candidates = [];
  };
  for await (const item of stored) {
    if (now - item.modifiedAtMs < olderThanMs) {
      result.kept++;
      continue;
    }
    candidates.push(item.sha256);
    if (candidates.length >= SWEEP_BATCH) await judge();
  }
  if (candidates.length > 0) await judge();
  return result;
}

/** Stored bytes that do not match their SHA-256 key: changed or damaged at rest or in transit. */
export class DocumentIntegrityError extends Error {
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`stored file ${expectedSha256} hashes to ${actualSha256}`);
    this.name = 'DocumentIntegrityError';
  }
}

const SNIFF_BYTES = 4100;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isDocumentKey(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** The content-addressed layout both stores use: `ab/cd/abcd…` (two levels keep folders small). */
export function documentKeyPath(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error('not a SHA-256 key');
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'file_too_large',
    `The file is larger than the ${Math.floor(maxBytes / 1_048_576)} MB limit.`,
    { param: 'file' },
  );
}

/**
 * What every store does to an upload on its way through: counts it against the size cap, hashes it
 * and sniffs its type from its first bytes. A type that is not allowed is refused as soon as those
 * bytes have arrived (a holder who picked the wrong file is told at once, not after sending all of it,
 * and is told the type, not that a wrong file is too large); a file shorter than them is sniffed when it
 * ends. `finish()` answers the stored file's description once the stream has ended, or throws the
 * error the client gets (too large, a refused type).
 */
export function uploadMeter(source: Readable, options: PutOptions) {
  const allowed = options.allowedTypes ?? ALLOWED_DOCUMENT_TYPES;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let sizeBytes = 0;
  let contentType: DocumentContentType | null = null;

  /** The type the first bytes show, or the 415 when it is not allowed. */
  async function sniff(): Promise<DocumentContentType> {
    const sniffed = await fileTypeFromBuffer(Buffer.concat(head));
    const type = sniffed?.mime as DocumentContentType | undefined;
    if (!type || !allowed.includes(type)) {
      throw new AppError(
        'unsupported_file_type',
        `Upload a ${allowed.map((t) => DOCUMENT_TYPES[t]).join(', ')} file${sniffed ? ` (this one is ${sniffed.ext.toUpperCase()})` : ''}.`,
        { param: 'file' },
      );
    }
    return type;
  }

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sizeBytes += chunk.length;
      if (sizeBytes > options.maxBytes) {
        callback(tooLarge(options.maxBytes));
        return;
      }
      hash.update(chunk);
      if (headBytes >= SNIFF_BYTES) {
        callback(null, chunk);
        return;
      }
      head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
      headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
      if (headBytes < SNIFF_BYTES) {
        callback(null, chunk);
        return;
      }
      sniff().then(
        (type) => {
          contentType = type;
          callback(null, chunk);
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
  return {
    stream,
    async finish(): Promise<StoredFile> {
      // The multipart reader ends a file early (instead of failing) when it passes its own limit.
      if ((source as Readable & { truncated?: boolean }).truncated) throw tooLarge(options.maxBytes);
      contentType ??= await sniff();
      return { sha256: hash.digest('hex'), sizeBytes, contentType };
    },
  };
}

/** Hashes bytes as they pass; `digest()` once the stream has ended. */
export function hashingStream() {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex'), sizeBytes: () => sizeBytes };
}

/**
 * Passes a stored file's bytes on while hashing them; at the end, bytes that do not hash to their
 * key fail the stream (a reader such as an HTTP response is cut off instead of ending cleanly).
 */
export function verifyingStream(sha256: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === sha256 ? null : new DocumentIntegrityError(sha256, actual));
    },
  });
}

export function createFileDocumentStore(rootDir: string): DocumentStore {
  const tmpDir = path.join(rootDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const finalPath = (sha256: string) => path.join(rootDir, ...documentKeyPath(sha256).split('/'));

  async function fsyncFile(file: string): Promise<void> {
    const handle = await fs.promises.open(file, 'r');
    await handle.sync();
    await handle.close();
  }

  /**
   * Moves a complete temporary file into place under its key. When the key holds the file already,
   * that copy is kept and touched, so that an orphan sweep running now sees a young file and leaves
   * it to the row being written.
   */
  async function settle(tmpPath: string, sha256: string): Promise<void> {
    const target = finalPath(sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) {
      const at = new Date();
      await fs.promises.utimes(target, at, at);
      await fs.promises.rm(tmpPath, { force: true });
    } else await fs.promises.rename(tmpPath, target);
  }

  async function modifiedAt(file: string): Promise<number | null> {
    try {
      return (await fs.promises.stat(file)).mtimeMs;
    } catch {
      return null; // Gone already (another process swept or promoted it).
    }
  }

  async function* agedKeys(): AsyncIterable<AgedKey> {
    for await (const sha256 of store.keys()) {
      const modifiedAtMs = await modifiedAt(finalPath(sha256));
      if (modifiedAtMs !== null) yield { sha256, modifiedAtMs };
    }
  }

  /**
   * Removes an upload's temporary file once its write stream has closed. An upload that fails at once
   * (a truncated body, a client gone before its first byte) rejects the pipeline while the file's open
   * may still be pending in libuv's thread pool; the removal, another thread-pool task, can then run
   * beside the open on a second thread and finish first, and the open creates the file after it (CI of
   * 2026-12-05 13:19: test/security/fuzz.test.ts found a truncated upload's `.part` file, once in ten
   * runs; a script that delays the open behind busy threads shows the pipeline rejecting 150 ms before
   * the open). The stream closes only after its pending open, so waiting for 'close' first removes the
   * file that open made.
   */
  async function removeTemporary(out: fs.WriteStream, tmpPath: string): Promise<void> {
    if (!out.closed) {
      await new Promise<void>((resolve) => {
        out.once('close', () => resolve());
        out.on('error', () => {}); // The upload's own error is already on its way to the caller.
        out.destroy();
      });
    }
    await fs.promises.rm(tmpPath, { force: true });
  }

  const store: DocumentStore = {
    location: rootDir,
    async put(source, options) {
      const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
      const meter = uploadMeter(source, options);
      const out = fs.createWriteStream(tmpPath, { flags: 'wx' });
      try {
        await pipeline(source, meter.stream, out);
        const stored = await meter.finish();
        await fsyncFile(tmpPath);
        return staged(stored, {
          promote: () => settle(tmpPath, stored.sha256),
          discard: () => fs.promises.rm(tmpPath, { force: true }),
        });
      } catch (error) {
        await removeTemporary(out, tmpPath);
        source.resume?.();
        throw error;
      }
    },
    async putExact(sha256, source) {
      documentKeyPath(sha256);
      const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
      const hashing = hashingStream();
      const out = fs.createWriteStream(tmpPath, { flags: 'wx' });
      try {
        await pipeline(source, hashing.stream, out);
        const actual = hashing.digest();
        if (actual !== sha256) throw new DocumentIntegrityError(sha256, actual);
        await fsyncFile(tmpPath);
        await settle(tmpPath, sha256);
        return { sizeBytes: hashing.sizeBytes() };
      } catch (error) {
        await removeTemporary(out, tmpPath);
        throw error;
      }
    },
    async open(sha256) {
      const file = finalPath(sha256);
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      // pipeline() passes a read error on to the reader and stops reading when the reader goes away.
      const verifying = verifyingStream(sha256);
      streamPipeline(handle.createReadStream(), verifying, () => {});
      return verifying;
    },
    async exists(sha256) {
      return fs.existsSync(finalPath(sha256));
    },
    async *keys() {
      for (const first of await readdirIfAny(rootDir)) {
        if (!/^[0-9a-f]{2}$/.test(first)) continue;
        for (const second of await readdirIfAny(path.join(rootDir, first))) {
          for (const name of await readdirIfAny(path.join(rootDir, first, second))) {
            if (isDocumentKey(name) && name.startsWith(first + second)) yield name;
          }
        }
      }
    },
    async sweepOrphans(referenced, olderThanMs, now = Date.now()) {
      let stagedRemoved = 0;
      for (const name of await readdirIfAny(tmpDir)) {
        const file = path.join(tmpDir, name);
        const modifiedAtMs = await modifiedAt(file);
        if (modifiedAtMs !== null && now - modifiedAtMs >= olderThanMs) {
          await fs.promises.rm(file, { force: true });
          stagedRemoved++;
        }
      }
      const stored = await sweepStoredKeys(
        agedKeys(),
        referenced,
        (sha256) => modifiedAt(finalPath(sha256)),
        (sha256) => fs.promises.rm(finalPath(sha256), { force: true }),
        olderThanMs,
        now,
      );
      return { stagedRemoved, ...stored };
    },
  };
  return store;
}

/** A staged file whose `promote` and `discard` each act once, and `discard` not after `promote`. */
export function staged(
  file: StoredFile,
  actions: { promote(): Promise<void>; discard(): Promise<void> },
): StagedFile {
  let promoted = false;
  let discarded = false;
  return {
    ...file,
    async promote() {
      if (promoted) return;
      if (discarded) throw new Error('a discarded upload cannot be promoted');
      await actions.promote();
      promoted = true;
    },
    async discard() {
      if (promoted || discarded) return;
      await actions.discard();
      discarded = true;
    },
  };
}

async function readdirIfAny(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return [];
    throw error;
  }
}
