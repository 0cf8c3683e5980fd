import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../platform/storage/document-store.js';
import { parseClamdReply, scanningDocumentStore, scanWithClamd } from './clamd.js';

// A tiny fake clamd: it reads the INSTREAM command and its length-prefixed chunks exactly as clamd
// does, and answers in clamd's reply format ("stream: OK" or "stream: <name> FOUND", NUL-terminated).
// Files containing the EICAR marker are "infected"; the text "ERROR" makes it answer an error.
function startFakeClamd(): Promise<{ server: net.Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let command: string | null = null;
    const body: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (command === null) {
        const end = buffer.indexOf(0);
        if (end < 0) return;
        command = buffer.subarray(0, end).toString();
        commands.push(command);
        buffer = buffer.subarray(end + 1);
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          const content = Buffer.concat(body).toString('latin1');
          const reply = content.includes('ERROR')
            ? 'INSTREAM size limit exceeded. ERROR'
            : content.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')
              ? 'stream: Eicar-Test-Signature FOUND'
              : 'stream: OK';
          socket.end(`${reply}\0`);
          return;
        }
        if (buffer.length < 4 + length) return;
        body.push(buffer.subarray(4, 4 + length));
        buffer = buffer.subarray(4 + length);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, commands }),
    ),
  );
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n');
const EICAR = Buffer.concat([
  PDF,
  Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'),
]);

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
      await expect(store().put(Readable.from([EICAR]), { maxBytes: 1_000_000 })).rejects.toMatchObject({
        code: 'malware_detected',
        status: 422,
      });
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
