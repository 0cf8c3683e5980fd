import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR, PDF, startFakeClamd } from '../../test/support/fake-clamd.js';
import { statusOf } from '../platform/http/errors.js';
import { createFileDocumentStore } from '../platform/storage/document-store.js';
import type { AppError } from '../shared/errors.js';
import { parseClamdReply, scanningDocumentStore, scanWithClamd } from './clamd.js';

describe('clamd INSTREAM client', () => {
  let fake: Awaited<ReturnType<typeof startFakeClamd>>;
  beforeAll(async () => {
    fake = await startFakeClamd();
  });
  afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));
  const address = () => ({ host: '127.0.0.1', port: fake.port });

  it.each([
    ['stream: OK', { clean: true }],
    ['stream: Eicar-Test-Signature FOUND', { clean: false, signature: 'Eicar-Test-Signature' }],
    ['INSTREAM size limit exceeded. ERROR', null],
  ])('reads the reply "%s"', (reply, verdict) => {
    expect(parseClamdReply(reply)).toEqual(verdict);
  });

  it('answers clean for a clean file sent in chunks, with the zINSTREAM command', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(200_000, 0x20)]);
    expect(await scanWithClamd(address(), Readable.from([big]))).toEqual({ clean: true });
    expect(fake.commands.at(-1)).toBe('zINSTREAM');
  });

  it('answers the signature of an infected file', async () => {
    expect(await scanWithClamd(address(), Readable.from([EICAR]))).toEqual({
      clean: false,
      signature: 'Eicar-Test-Signature',
    });
  });

  it('fails when clamd answers an error or cannot be reached', async () => {
    await expect(scanWithClamd(address(), Readable.from([Buffer.from('ERROR')]))).rejects.toThrow(/ERROR/);
    await expect(scanWithClamd({ host: '127.0.0.1', port: 1 }, Readable.from([PDF]))).rejects.toThrow();
  });

  describe('scanning document store', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-scan-'));
    const store = () =>
      scanningDocumentStore(createFileDocumentStore(root), address(), path.join(root, 'scan'));
    const leftovers = () => [
      ...fs.readdirSync(path.join(root, 'tmp')),
      ...fs.readdirSync(path.join(root, 'scan')),
    ];

    it('stages a clean file, which its promotion stores under its SHA-256', async () => {
      const stored = await store().put(Readable.from([PDF]), { maxBytes: 1_000_000 });
      expect(stored.contentType).toBe('application/pdf');
      expect(fs.readdirSync(path.join(root, 'scan'))).toEqual([]);
      expect(fs.readdirSync(path.join(root, 'tmp'))).toHaveLength(1);
      await stored.promote();
      expect(leftovers()).toEqual([]);
      expect(
        fs.existsSync(path.join(root, stored.sha256.slice(0, 2), stored.sha256.slice(2, 4), stored.sha256)),
      ).toBe(true);
    });

    it('refuses an infected file with 422 malware_detected and keeps nothing', async () => {
      const refused = await store()
        .put(Readable.from([EICAR]), { maxBytes: 1_000_000 })
        .catch((error: AppError) => error);
      expect(refused).toMatchObject({ code: 'malware_detected' });
      expect(statusOf(refused as AppError)).toBe(422);
      expect(leftovers()).toEqual([]);
    });

    it('refuses a file over the cap, or of a type not allowed, before spooling it whole or scanning it', async () => {
      const scansBefore = fake.commands.length;
      for (const [fill, code] of [
        [PDF, 'file_too_large'],
        [Buffer.from('not a document at all\n'), 'unsupported_file_type'],
      ] as const) {
        let offered = 0;
        const source = Readable.from(
          (function* () {
            yield fill;
            while (offered < 40 * 2 ** 20) {
              offered += 65_536;
              yield Buffer.alloc(65_536, 0x20);
            }
          })(),
        );
        const refused = await store()
          .put(source, { maxBytes: 10 * 2 ** 20 })
          .catch((error: AppError) => error);
        expect(refused).toMatchObject({ code, param: 'file' });
        expect(offered).toBeLessThanOrEqual(10 * 2 ** 20 + 65_536 * 32);
      }
      expect(fake.commands.length).toBe(scansBefore);
      expect(leftovers()).toEqual([]);
    });

    it('refuses the upload with 503 when the scan fails', async () => {
      const unreachable = scanningDocumentStore(
        createFileDocumentStore(root),
        { host: '127.0.0.1', port: 1 },
        path.join(root, 'scan'),
      );
      await expect(unreachable.put(Readable.from([PDF]), { maxBytes: 1_000_000 })).rejects.toMatchObject({
        code: 'service_unavailable',
      });
      expect(leftovers()).toEqual([]);
    });
  });
});
