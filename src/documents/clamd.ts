// A small client for clamd's INSTREAM command (ClamAV's daemon protocol): the file is sent as
// length-prefixed chunks and clamd answers "stream: OK" or "stream: <signature> FOUND". Uploads are
// scanned with it only when COVERWISE_CLAMD_URL names a clamd; without it there is no scan.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DocumentStore, uploadMeter } from '../platform/storage/document-store.js';
import { AppError } from '../shared/errors.js';

export type ScanVerdict = { clean: true } | { clean: false; signature: string };

export interface ClamdAddress {
  host: string;
  port: number;
}

/** clamd's default StreamMaxLength is 25 MB; chunks are far smaller so memory stays bounded. */
const CHUNK_BYTES = 64 * 1024;
const MAX_REPLY_BYTES = 4096;

/** Streams `source` to clamd and answers its verdict; throws when clamd cannot be reached or errs. */
export function scanWithClamd(
  address: ClamdAddress,
  source: Readable,
  timeoutMilliseconds = 30_000,
): Promise<ScanVerdict> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const replyChunks: Buffer[] = [];
    let replyBytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      source.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMilliseconds, () => fail(new Error('clamd did not answer in time')));
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      replyBytes += chunk.length;
      if (replyBytes > MAX_REPLY_BYTES) return fail(new Error('clamd reply too long'));
      replyChunks.push(chunk);
    });
    socket.on('end', () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const reply = Buffer.concat(replyChunks).toString('utf8').replace(/\0/g, '').trim();
      const verdict = parseClamdReply(reply);
      if (verdict) resolve(verdict);
      else reject(new Error(`clamd answered "${reply.slice(0, 200)}"`));
    });
    socket.on('connect', async () => {
      try {
        socket.write('zINSTREAM\0');
        for await (const data of source) {
          const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
          for (let offset = 0; offset < buffer.length; offset += CHUNK_BYTES) {
            const chunk = buffer.subarray(offset, offset + CHUNK_BYTES);
            const length = Buffer.alloc(4);
            length.writeUInt32BE(chunk.length);
            if (!socket.write(Buffer.concat([length, chunk]))) {
              await new Promise<void>((done) => socket.once('drain', done));
            }
            if (settled) return;
          }
        }
        socket.write(Buffer.alloc(4));
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** "stream: OK" → clean; "stream: Eicar-Test-Signature FOUND" → infected; anything else (ERROR) → null. */
export function parseClamdReply(reply: string): ScanVerdict | null {
  const body = reply.replace(/^stream:\s*/, '');
  if (body === 'OK') return { clean: true };
  const found = /^(.+) FOUND$/.exec(body);
  if (found) return { clean: false, signature: found[1] as string };
  return null;
}

/**
 * A document store that scans each file before storing it: the upload is spooled to a temporary
 * file (on disk, never whole in memory), scanned, and only a clean file is handed to the store. An
 * infected file or a failed scan refuses the upload and leaves nothing behind.
 */
export function scanningDocumentStore(
  store: DocumentStore,
  address: ClamdAddress,
  spoolDir: string,
): DocumentStore {
  fs.mkdirSync(spoolDir, { recursive: true });
  return {
    ...store,
    async put(source, options) {
      const spoolPath = path.join(spoolDir, `${randomUUID()}.scan`);
      // The size cap and the type's first look as every store applies them (a file over the cap, or of a
      // type that is not allowed, is refused before it is spooled whole or scanned).
      const meter = uploadMeter(source, options).stream;
      try {
        await pipeline(source, meter, fs.createWriteStream(spoolPath, { flags: 'wx' }));
        let verdict: ScanVerdict;
        try {
          verdict = await scanWithClamd(address, fs.createReadStream(spoolPath));
        } catch {
          throw new AppError(
            'service_unavailable',
            'The virus scan could not be completed; the file was not accepted. Try again shortly.',
          );
        }
        if (!verdict.clean) {
          throw new AppError(
            'malware_detected',
            'The virus scan found a threat in this file; it was not accepted.',
            {
              param: 'file',
            },
          );
        }
        return await store.put(fs.createReadStream(spoolPath), options);
      } catch (error) {
        source.resume?.();
        throw error;
      } finally {
        await fs.promises.rm(spoolPath, { force: true });
      }
    },
  };
}
