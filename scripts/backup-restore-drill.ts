// `npm run drill -- [--backup-dir DIR] [--keep]`: the backup/restore drill on the configured
// database and document store (DATABASE_URL and COVERWISE_DOCUMENTS_DIR or COVERWISE_S3_*, as the
// app reads them). pg_dump of the database plus a copy of every document into DIR (default a new
// folder under the system's temporary folder), a restore into a fresh database on the same server,
// then checks: every document's file is in the copy and hashes to its SHA-256, every table has the
// rows it had, the ledger's entries and per-contract balances are the same. Prints a JSON report;
// exits 0 when the restore is whole, 1 when it is not (the problems are listed), 2 when it cannot run.
// The restored database is dropped at the end unless --keep.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { runBackupRestoreDrill } from '../src/platform/backup/backup-drill.js';
import { openDocumentStore } from '../src/platform/storage/open-document-store.js';

const { values: args } = parseArgs({
  options: {
    'backup-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

try {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error(
      'The drill needs a PostgreSQL server (pg_dump): set DATABASE_URL. The embedded database is backed up by copying its stopped data folder.',
    );
    process.exit(2);
  }
  const store = await openDocumentStore(config);
  const backupDir = args['backup-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'coverwise-backup-'));
  const report = await runBackupRestoreDrill({
    databaseUrl: config.databaseUrl,
    store,
    backupDir,
    keepRestoredDatabase: args.keep,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify({ backupDir, ...report }, null, 2));
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  if (error instanceof ConfigError) console.error(`The drill cannot start: ${error.message}`);
  else console.error(`The drill could not run: ${(error as Error).stack ?? error}`);
  process.exit(2);
}
