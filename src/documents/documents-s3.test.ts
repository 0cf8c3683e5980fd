// The app with its documents in an S3-compatible bucket (COVERWISE_S3_*, here s3rver started by the
// test): a holder's upload lands in the bucket under its SHA-256, nothing in the documents folder, and
// staff read the same bytes back through the API; bytes damaged in the bucket are never served whole.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { multipart } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'),
  Buffer.alloc(40_000, 0x20),
  Buffer.from('trailer\n<< /Root 1 0 R >>\n%%EOF\n'),
]);

describeEachEngine('documents in an S3-compatible bucket', (engine) => {
  let s3: TestS3Server;
  let server: TestServer;
  let client: S3Client;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-s3-app-documents-'));

  beforeAll(async () => {
    s3 = await startS3Server('coverwise-app', 'docs/');
    const { settings } = s3;
    server = await startTestServer({
      engine,
      clock,
      env: {
        COVERWISE_DOCUMENTS_DIR: documentsDir,
        COVERWISE_S3_BUCKET: settings.bucket,
        COVERWISE_S3_PREFIX: 'docs',
        COVERWISE_S3_ENDPOINT: settings.endpoint as string,
        COVERWISE_S3_ACCESS_KEY_ID: 'S3RVER',
        COVERWISE_S3_SECRET_ACCESS_KEY: 'S3RVER',
      },
    });
    client = new S3Client({
      endpoint: settings.endpoint as string,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  afterAll(async () => {
    await server?.close();
    client?.destroy();
    await s3?.close();
  });

  it('stores an upload in the bucket by its SHA-256 and serves the same bytes back', async () => {
    const inject = server.built.app.inject.bind(server.built.app);
    const started = await inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(started.statusCode).toBe(201);
    const { id: claimId, token } = started.json();
    const form = multipart({ type: 'gap_addendum' }, { name: 'addendum.pdf', bytes: PDF });
    const uploaded = await inject({
      method: 'POST',
      url: `/api/v1/gap-claims/${claimId}/documents`,
      payload: form.payload,
      headers: { ...form.headers, authorization: `Bearer ${token}` },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const sha256 = createHash('sha256').update(PDF).digest('hex');
    const row = await server.built.database.db
      .selectFrom('documents')
      .select(['id', 'sha256', 'size_bytes'])
      .where('owner_id', '=', claimId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sha256, size_bytes: PDF.length });
    const key = `docs/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
    const head = await client.send(new HeadObjectCommand({ Bucket: 'coverwise-app', Key: key }));
    expect(head.ContentLength).toBe(PDF.length);
    // Nothing but the empty temporary folder in the local documents folder.
    expect(fs.readdirSync(documentsDir).filter((name) => name !== 'tmp')).toEqual([]);

    const reviewer = await staffClient(server, 'reviewer@coverwise.test');
    const download = await reviewer({ url: `/api/v1/documents/${row.id}/file` });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);

    // Damaged at rest (same length, one byte changed): the download does not complete as that file.
    const damaged = Buffer.from(PDF);
    damaged[100] = 0x21;
    await client.send(new PutObjectCommand({ Bucket: 'coverwise-app', Key: key, Body: damaged }));
    const tampered = await reviewer({ url: `/api/v1/documents/${row.id}/file` }).catch(
      (error: unknown) => error,
    );
    if (!(tampered instanceof Error))
      expect((tampered as { rawPayload: Buffer }).rawPayload.equals(damaged)).toBe(false);
  });
});
