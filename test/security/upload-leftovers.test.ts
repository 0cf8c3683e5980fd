// Uploads that are refused leave no file behind (issue 17, finding 4): a file is staged under a
// temporary name and promoted to its content-addressed name only in the transaction that records its
// row. Whatever escapes that (a crash, a failed commit) is removed by the orphan sweep, which keeps
// every file a documents row names. Uploads are throttled per claim and per client address.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { referencedSha256s } from '../../src/documents/document.repository.js';
import { FakeClock } from '../../src/platform/clock.js';
import { createFileDocumentStore } from '../../src/platform/storage/document-store.js';
import { describeEachEngine } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { multipart, PDF } from './multipart.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const GAP_HOLDER = DEMO_HOLDERS[4]!; // Feature Guard + GAP addendum on one vehicle (Texas).

/** Every file under `dir`, at any depth (the store's folders, tmp and the scan spool included). */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** A PDF no other upload has: content addressing must not hide a leftover behind a kept file. */
let pdfCount = 0;
const uniquePdf = () => Buffer.concat([PDF, Buffer.from(`% upload ${++pdfCount} ${Math.random()}\n`)]);

describeEachEngine('uploads leave nothing behind', (engine) => {
  let server: TestServer;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-leftovers-'));
  let claimId: string;
  let holder: (options: InjectOptions) => Promise<LightMyRequestResponse>;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_DOCUMENTS_DIR: documentsDir, COVERWISE_UPLOADS_PER_CLAIM: '1000' },
    });
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: GAP_HOLDER.lastName,
        zip: GAP_HOLDER.zip,
        vin: GAP_HOLDER.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(started.statusCode).toBe(201);
    claimId = started.json().id;
    const token = started.json().token;
    holder = (options) =>
      server.built.app.inject({
        ...options,
        headers: { ...options.headers, authorization: `Bearer ${token}` },
      });
  });
  afterAll(() => server?.close());

  const upload = (
    fields: Record<string, string>,
    bytes = uniquePdf(),
    headers: Record<string, string> = {},
  ) => {
    const body = multipart(fields, { name: 'scan.pdf', bytes });
    return holder({
      method: 'POST',
      url: `/api/v1/gap-claims/${claimId}/documents`,
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    });
  };

  /** A form whose text field comes after its file: refused once the file has been staged. */
  const uploadWithLateField = () => {
    const body = multipart({ type: 'gap_addendum' }, { name: 'a.pdf', bytes: uniquePdf() });
    const boundary = body.headers['content-type'].split('boundary=')[1];
    const closing = `--${boundary}--\r\n`;
    return holder({
      method: 'POST',
      url: `/api/v1/gap-claims/${claimId}/documents`,
      payload: Buffer.concat([
        body.payload.subarray(0, body.payload.length - closing.length),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="late"\r\n\r\nx\r\n${closing}`),
      ]),
      headers: body.headers,
    });
  };

  it('stores the file of an accepted upload under its SHA-256 and nothing else', async () => {
    const bytes = uniquePdf();
    const accepted = await upload({ type: 'gap_addendum' }, bytes);
    expect(accepted.statusCode, accepted.body).toBe(201);
    const { sha256 } = accepted.json();
    expect(filesUnder(documentsDir)).toEqual([path.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256)]);
  });

  it.each<[string, () => Promise<LightMyRequestResponse>, number, string]>([
    ['an unknown type', () => upload({ type: 'selfie' }), 400, 'validation_failed'],
    ['a blank type', () => upload({ type: '   ' }), 400, 'validation_failed'],
    ['no type field', () => upload({}), 400, 'validation_failed'],
    ['a type already waiting for review (409)', () => upload({ type: 'gap_addendum' }), 409, 'conflict'],
    ['a field after the file', () => uploadWithLateField(), 400, 'validation_failed'],
    [
      'a file that is not a document',
      () => upload({ type: 'insurer_settlement' }, Buffer.from('<html>hi</html>')),
      415,
      'unsupported_file_type',
    ],
  ])('refuses %s and leaves no file', async (_case, send, status, code) => {
    const before = new Set(filesUnder(documentsDir));
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
    expect(filesUnder(documentsDir).filter((file) => !before.has(file))).toEqual([]);
    expect(fs.readdirSync(path.join(documentsDir, 'tmp'))).toEqual([]);
  });

  it('keeps one file for an idempotent replay: the replayed copy is discarded', async () => {
    const bytes = uniquePdf();
    const before = new Set(filesUnder(documentsDir));
    const key = { 'idempotency-key': 'leftover-replay-1' };
    const first = await upload({ type: 'retail_installment_contract' }, bytes, key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await upload({ type: 'retail_installment_contract' }, bytes, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { sha256 } = first.json();
    expect(filesUnder(documentsDir).filter((file) => !before.has(file))).toEqual([
      path.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256),
    ]);
  });

  describe('the orphan sweep', () => {
    it('removes old staged files and old files no row names, and keeps named and young ones', async () => {
      const named = filesUnder(documentsDir).filter((file) => !file.startsWith('tmp'));
      expect(named.length).toBeGreaterThan(0);
      const orphan = 'ab'.repeat(32);
      const youngOrphan = 'cd'.repeat(32);
      for (const sha of [orphan, youngOrphan]) {
        fs.mkdirSync(path.join(documentsDir, sha.slice(0, 2), sha.slice(2, 4)), { recursive: true });
        fs.writeFileSync(path.join(documentsDir, sha.slice(0, 2), sha.slice(2, 4), sha), 'left behind');
      }
      fs.writeFileSync(path.join(documentsDir, 'tmp', 'old.part'), 'partial');
      fs.writeFileSync(path.join(documentsDir, 'tmp', 'young.part'), 'partial');
      const now = Date.now();
      const twoHoursAgo = new Date(now - 2 * 3_600_000);
      for (const file of [
        path.join(orphan.slice(0, 2), orphan.slice(2, 4), orphan),
        path.join('tmp', 'old.part'),
        ...named,
      ])
        fs.utimesSync(path.join(documentsDir, file), twoHoursAgo, twoHoursAgo);

      const db = server.built.database.db;
      const result = await createFileDocumentStore(documentsDir).sweepOrphans(
        (keys) => referencedSha256s(db, keys),
        3_600_000,
        now,
      );
      expect(result).toEqual({ stagedRemoved: 1, orphansRemoved: 1, kept: named.length + 1 });
      expect(filesUnder(documentsDir).sort()).toEqual(
        [
          ...named,
          path.join(youngOrphan.slice(0, 2), youngOrphan.slice(2, 4), youngOrphan),
          path.join('tmp', 'young.part'),
        ].sort(),
      );
      // Every kept stored file is named by a row; the files of the claim's documents are all there.
      const rows = await db.selectFrom('documents').select('sha256').execute();
      for (const row of rows)
        expect(
          fs.existsSync(path.join(documentsDir, row.sha256.slice(0, 2), row.sha256.slice(2, 4), row.sha256)),
        ).toBe(true);
    });
  });
});

describeEachEngine('upload throttle', (engine) => {
  let server: TestServer;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-upload-throttle-'));

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: {
        COVERWISE_DOCUMENTS_DIR: documentsDir,
        COVERWISE_UPLOADS_PER_CLAIM: '2',
        COVERWISE_UPLOADS_PER_ADDRESS: '1000',
      },
    });
  });
  afterAll(() => server?.close());

  it('answers 429 problem+json with Retry-After past the per-claim limit, storing nothing', async () => {
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: GAP_HOLDER.lastName,
        zip: GAP_HOLDER.zip,
        vin: GAP_HOLDER.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    const { id, token } = started.json();
    const send = (type: string) => {
      const body = multipart({ type }, { name: 'scan.pdf', bytes: uniquePdf() });
      return server.built.app.inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${id}/documents`,
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${token}` },
      });
    };
    expect((await send('gap_addendum')).statusCode).toBe(201);
    expect((await send('selfie')).statusCode).toBe(400); // A refused upload counts too.
    const before = filesUnder(documentsDir);
    const refused = await send('retail_installment_contract');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'too_many_attempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(filesUnder(documentsDir)).toEqual(before);
  });
});
