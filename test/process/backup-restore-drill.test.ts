// The backup/restore drill (scripts/backup-restore-drill.ts) run as an operator runs it, against a
// database on the PostgreSQL server holding demo data, a cancellation (ledger entries) and an uploaded
// GAP document: the restore is whole; and a document damaged in the store makes the drill fail and
// name it. Needs a PostgreSQL server (pg_dump, pg_restore): skipped without TEST_DATABASE_URL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { PDF } from '../security/multipart.js';
import { ENGINES } from '../support/engines.js';
import { staffClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const postgres = ENGINES.find((engine) => engine.name === 'postgres');
const clock = new FakeClock('2026-11-25T15:00:00Z');
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

function runDrill(env: Record<string, string>, backupDir: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(TSX, ['scripts/backup-restore-drill.ts', '--backup-dir', backupDir], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

if (!postgres) {
  describe('backup/restore drill', () => {
    it.skip('needs a PostgreSQL server for pg_dump and pg_restore: set TEST_DATABASE_URL to run it', () => {});
  });
} else {
  describe('backup/restore drill [postgres]', () => {
    let server: TestServer;
    let databaseUrl: string;
    const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-drill-documents-'));
    let sha256: string;

    beforeAll(async () => {
      databaseUrl = (await postgres.createDatabaseUrl()) as string;
      server = await startTestServer({
        engine: postgres,
        clock,
        sharedDatabaseUrl: databaseUrl,
        env: { COVERWISE_DOCUMENTS_DIR: documentsDir },
      });
      const { db } = server.built.database;
      const adjuster = await staffClient(server, 'adjuster@coverwise.test');
      const cancelled = await db
        .selectFrom('contracts')
        .select(['id', 'odometer_at_sale'])
        .where('vin', '=', DEMO_HOLDERS[2]!.vin)
        .where('product', '=', 'vsc')
        .executeTakeFirstOrThrow();
      const cancellation = await adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${cancelled.id}/cancellation`,
        payload: {
          cancelOn: '2026-11-25',
          odometer: cancelled.odometer_at_sale + 100,
          reason: 'customer_request',
        },
      });
      expect(cancellation.statusCode, cancellation.body).toBe(201);

      const started = await server.built.app.inject({
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
      const { id, token } = started.json();
      const boundary = '----coverwisedrill';
      const uploaded = await server.built.app.inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${id}/documents`,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          authorization: `Bearer ${token}`,
        },
        payload: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ngap_addendum\r\n`),
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          PDF,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      sha256 =
        uploaded.json().sha256 ??
        (await db.selectFrom('documents').select('sha256').executeTakeFirstOrThrow()).sha256;
    });
    afterAll(async () => {
      await server?.close();
      await postgres.dropDatabase(databaseUrl);
    });

    it('restores into a fresh database with every document hash, every table and the ledger intact', async () => {
      const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-drill-backup-'));
      const result = await runDrill(
        { DATABASE_URL: databaseUrl, COVERWISE_DOCUMENTS_DIR: documentsDir },
        backupDir,
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.ok).toBe(true);
      expect(report.problems).toEqual([]);
      expect(report.documents.rows).toBeGreaterThanOrEqual(1);
      expect(report.documents.verified).toBe(report.documents.rows);
      expect(report.ledger.entries).toBeGreaterThanOrEqual(1);
      expect(report.tables).toBeGreaterThan(20);
      expect(fs.statSync(path.join(backupDir, 'database.dump')).size).toBe(report.dumpBytes);
      expect(
        fs.existsSync(path.join(backupDir, 'documents', sha256.slice(0, 2), sha256.slice(2, 4), sha256)),
      ).toBe(true);
      // The restored database was dropped.
      expect(report.restoredDatabaseUrl).toBeNull();
    });

    it('fails and names the file when a stored document no longer matches its hash', async () => {
      const file = path.join(documentsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
      const original = fs.readFileSync(file);
      fs.writeFileSync(file, Buffer.concat([original.subarray(0, -1), Buffer.from('!')]));
      try {
        const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-drill-backup-'));
        const result = await runDrill(
          { DATABASE_URL: databaseUrl, COVERWISE_DOCUMENTS_DIR: documentsDir },
          backupDir,
        );
        expect(result.code, result.stderr).toBe(1);
        const report = JSON.parse(result.stdout);
        expect(report.ok).toBe(false);
        expect(report.problems.join('\n')).toContain(sha256);
      } finally {
        fs.writeFileSync(file, original);
      }
    });
  });
}
