// Where uploaded files live. Files are content-addressed (named by their SHA-256), so a second upload
// of the same bytes stores nothing new and a stored file can never change under its record. The
// default store is a folder under the data directory; the interface is what an S3-compatible store
// implements for several app processes.
//
// A file is streamed to a temporary name while its hash and size are computed and its first bytes
// are kept for type sniffing; only a complete, allowed file is renamed into place. Nothing is ever
// fully buffered in memory, and an interrupted or refused upload leaves nothing behind.
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

export interface PutOptions {
  maxBytes: number;
  allowedTypes?: readonly DocumentContentType[];
}

export interface DocumentStore {
  put(source: Readable, options: PutOptions): Promise<StoredFile>;
  open(sha256: string): Readable;
  exists(sha256: string): Promise<boolean>;
}

const SNIFF_BYTES = 4100;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Removes partial uploads left in the tmp folder by a process that died mid-upload (SIGKILL, power
 * loss): no documents row points at a tmp file, so they are garbage. Only files older than
 * `olderThanMs` go, so an upload another process on the same folder is streaming right now survives.
 */
export function sweepPartialUploads(rootDir: string, olderThanMs: number, now = Date.now()): number {
  const tmpDir = path.join(rootDir, 'tmp');
  if (!fs.existsSync(tmpDir)) return 0;
  let removed = 0;
  for (const name of fs.readdirSync(tmpDir)) {
    const file = path.join(tmpDir, name);
    try {
      if (now - fs.statSync(file).mtimeMs >= olderThanMs) {
        fs.rmSync(file, { force: true });
        removed++;
      }
    } catch {
      // Gone already (another process swept it): nothing to do.
    }
  }
  return removed;
}

export function createFileDocumentStore(
  rootDir: string,
  options: { sweepPartialUploadsOlderThanMs?: number } = {},
): DocumentStore {
  const tmpDir = path.join(rootDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  if (options.sweepPartialUploadsOlderThanMs !== undefined)
    sweepPartialUploads(rootDir, options.sweepPartialUploadsOlderThanMs);
  const finalPath = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new Error('not a SHA-256 key');
    return path.join(rootDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

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
        const target = finalPath(sha256);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const handle = await fs.promises.open(tmpPath, 'r');
        await handle.sync();
        await handle.close();
        if (fs.existsSync(target)) await fs.promises.rm(tmpPath, { force: true });
        else await fs.promises.rename(tmpPath, target);
        return { sha256, sizeBytes, contentType };
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
