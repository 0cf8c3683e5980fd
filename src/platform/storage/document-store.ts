// Where uploaded files live. Files are content-addressed (named by their SHA-256), so a second upload
// of the same bytes stores nothing new and a stored file can never change under its record. The
// default store is a folder under the data directory; the interface is what an S3-compatible store
// implements for several app processes.
//
// A file is streamed to a temporary name while its hash and size are computed and its first bytes
// are kept for type sniffing. It stays there, staged, until the transaction that records its row
// promotes it to its content-addressed name (the last step before that transaction commits); a
// request refused for any reason (a bad form field, a conflict, a rolled-back transaction) discards
// the staged file. Nothing is ever fully buffered in memory. What a crash or a failed commit can
// still leave (a staged file, or a promoted file whose row never committed) is removed by the orphan
// sweep, at start and hourly, which keeps every file a documents row names.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../http/errors.js';

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
  put(source: Readable, options: PutOptions): Promise<StagedFile>;
  open(sha256: string): Readable;
  exists(sha256: string): Promise<boolean>;
}

const SNIFF_BYTES = 4100;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Which of these SHA-256 keys a documents row names (the database side of the orphan sweep). */
export type ReferencedKeys = (sha256s: readonly string[]) => Promise<ReadonlySet<string>>;

export interface SweepResult {
  /** Staged or partial uploads removed from the tmp folder. */
  stagedRemoved: number;
  /** Content-addressed files no documents row names, removed. */
  orphansRemoved: number;
  /** Content-addressed files kept (named by a row, or too young to judge). */
  kept: number;
}

/** Keys checked against the database per query (bounded statements, short on PGlite's one connection). */
const SWEEP_BATCH = 500;

/**
 * Removes what no documents row will ever name: staged and partial uploads in the tmp folder, and
 * stored files no row names. Only files older than `olderThanMs` go, so an upload being streamed or
 * being recorded right now (by this or another process sharing the folder) survives; a file that a
 * new upload reuses is touched when promoted, which makes it young again.
 */
export async function sweepOrphanFiles(
  rootDir: string,
  referenced: ReferencedKeys,
  olderThanMs: number,
  now = Date.now(),
): Promise<SweepResult> {
  const result: SweepResult = { stagedRemoved: 0, orphansRemoved: 0, kept: 0 };
  const oldEnough = async (file: string) => {
    try {
      return now - (await fs.promises.stat(file)).mtimeMs >= olderThanMs;
    } catch {
      return false; // Gone already (another process swept or promoted it).
    }
  };
  const tmpDir = path.join(rootDir, 'tmp');
  for (const name of await readDirIfAny(tmpDir)) {
    const file = path.join(tmpDir, name);
    if (await oldEnough(file)) {
      await fs.promises.rm(file, { force: true });
      result.stagedRemoved++;
    }
  }
  let candidates: string[] = [];
  const judge = async () => {
    const named = await referenced(candidates);
    for (const sha256 of candidates) {
      // Looked at again just before removing: a new upload of the same bytes touches the file.
      if (named.has(sha256) || !(await oldEnough(storedPath(rootDir, sha256)))) result.kept++;
      else {
        await fs.promises.rm(storedPath(rootDir, sha256), { force: true });
        result.orphansRemoved++;
      }
    }
    candidates = [];
  };
  for (const first of await readDirIfAny(rootDir)) {
    if (!HEX2.test(first)) continue;
    for (const second of await readDirIfAny(path.join(rootDir, first))) {
      if (!HEX2.test(second)) continue;
      for (const name of await readDirIfAny(path.join(rootDir, first, second))) {
        if (!SHA256_HEX.test(name) || !name.startsWith(first + second)) continue;
        if (!(await oldEnough(storedPath(rootDir, name)))) {
          result.kept++;
          continue;
        }
        candidates.push(name);
        if (candidates.length >= SWEEP_BATCH) await judge();
      }
    }
  }
  if (candidates.length > 0) await judge();
  return result;
}

const HEX2 = /^[0-9a-f]{2}$/;

async function readDirIfAny(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch {
    return [];
  }
}

function storedPath(rootDir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error('not a SHA-256 key');
  return path.join(rootDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export function createFileDocumentStore(rootDir: string): DocumentStore {
  const tmpDir = path.join(rootDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const finalPath = (sha256: string) => storedPath(rootDir, sha256);

  return {
    async put(source, options) {
      const allowed = options.allowedTypes ?? ALLOWED_DOCUMENT_TYPES;
      const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headBytes = 0;
      let sizeBytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          sizeBytes += chunk.length;
          if (sizeBytes > options.maxBytes) {
            callback(
              new AppError(
                'file_too_large',
                `The file is larger than the ${Math.floor(options.maxBytes / 1_048_576)} MB limit.`,
                {
                  param: 'file',
                },
              ),
            );
            return;
          }
          hash.update(chunk);
          if (headBytes < SNIFF_BYTES) {
            head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
            headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
          }
          callback(null, chunk);
        },
      });
      try {
        const out = fs.createWriteStream(tmpPath, { flags: 'wx' });
        await pipeline(source, meter, out);
        // The multipart reader ends a file early (instead of failing) when it passes its own limit.
        if ((source as Readable & { truncated?: boolean }).truncated) {
          throw new AppError(
            'file_too_large',
            `The file is larger than the ${Math.floor(options.maxBytes / 1_048_576)} MB limit.`,
            {
              param: 'file',
            },
          );
        }
        const sniffed = await fileTypeFromBuffer(Buffer.concat(head));
        const contentType = sniffed?.mime as DocumentContentType | undefined;
        if (!contentType || !allowed.includes(contentType)) {
          throw new AppError(
            'unsupported_file_type',
            `Upload a ${allowed.map((t) => DOCUMENT_TYPES[t]).join(', ')} file${sniffed ? ` (this one is ${sniffed.ext.toUpperCase()})` : ''}.`,
            { param: 'file' },
          );
        }
        const sha256 = hash.digest('hex');
        const handle = await fs.promises.open(tmpPath, 'r');
        await handle.sync();
        await handle.close();
        return staged(tmpPath, finalPath(sha256), { sha256, sizeBytes, contentType });
      } catch (error) {
        await fs.promises.rm(tmpPath, { force: true });
        source.resume?.();
        throw error;
      }
    },
    open(sha256) {
      return fs.createReadStream(finalPath(sha256));
    },
    async exists(sha256) {
      return fs.existsSync(finalPath(sha256));
    },
  };
}

/** A staged file at `tmpPath` that becomes `target` when promoted. */
function staged(tmpPath: string, target: string, file: StoredFile): StagedFile {
  let promoted = false;
  return {
    ...file,
    async promote() {
      if (promoted) return;
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) {
        // The same bytes are stored already: keep that copy, and touch it so that an orphan sweep
        // running now sees a young file and leaves it to the row this transaction is writing.
        const at = new Date();
        await fs.promises.utimes(target, at, at);
        await fs.promises.rm(tmpPath, { force: true });
      } else await fs.promises.rename(tmpPath, target);
      promoted = true;
    },
    async discard() {
      if (!promoted) await fs.promises.rm(tmpPath, { force: true });
    },
  };
}
