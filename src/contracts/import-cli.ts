// `npm run import -- FILE.csv`: imports a dealer file into the configured database (the same import
// as POST /api/v1/contracts/import), with a progress line on stderr and the rejected rows and a
// summary on stdout. Exits 0 when the import ran (even with rejected rows), 1 when it could not run
// or stopped part-way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalogService } from '../catalog/catalog.service.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Actor } from '../platform/audit/audit.repository.js';
import { systemClock } from '../platform/clock.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { AppError } from '../shared/errors.js';
import { type ImportProgress, importContracts, type RejectedRow } from './contract-import.js';

/** One progress line: rows, rows per second, share of the file read, and the counters. */
export function formatProgress(
  progress: ImportProgress,
  elapsedMs: number,
  fileBytes: number | null,
): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const rate = Math.round(progress.rowsRead / seconds);
  const share =
    fileBytes && fileBytes > 0
      ? `${Math.min(100, Math.floor((progress.bytesRead / fileBytes) * 100))}% `
      : '';
  return (
    `${share}${progress.rowsRead.toLocaleString('en-US')} rows (${rate.toLocaleString('en-US')} rows/s): ` +
    `${progress.accepted} accepted, ${progress.duplicates} duplicates, ${progress.rejected} rejected`
  );
}

export function formatRejectedRow(row: RejectedRow): string {
  return `line ${row.line}\t${row.code}\t${row.detail}`;
}

/** Redraws one line on a terminal; on a pipe or a log file writes a line every 10% of the file. */
function progressReporter(stream: NodeJS.WriteStream, fileBytes: number | null, startedAt: number) {
  let lastTenth = -1;
  return {
    update(progress: ImportProgress): void {
      const line = formatProgress(progress, Date.now() - startedAt, fileBytes);
      if (stream.isTTY) {
        stream.write(`\r${line}\u001b[K`);
        return;
      }
      const tenth = fileBytes ? Math.floor((progress.bytesRead / fileBytes) * 10) : lastTenth + 1;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line}\n`);
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

const USAGE =
  'Usage: npm run import -- FILE.csv   (the columns are listed in the README, "Dealer-file import")';

async function main(argv: string[]): Promise<number> {
  const files = argv.filter((arg) => arg !== '--');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    console.error(USAGE);
    return 1;
  }
  const file = path.resolve(files[0]!);
  let fileBytes: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    fileBytes = stat.size;
  } catch {
    console.error(`Cannot read ${file}: no such file.`);
    return 1;
  }

  let database: DatabaseHandle;
  try {
    const config = loadConfig();
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      pgliteCacheMb: config.pgliteCacheMb,
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(
        `The embedded database in ${error.dataDir} is in use by another Coverwise process (pid ${error.ownerPid}), ` +
          'most likely the running server. The embedded database allows one process at a time: stop the ' +
          'server and run the import again, or send the file to the running server with ' +
          'POST /api/v1/contracts/import (see README, "Dealer-file import").',
      );
      return 1;
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return 1;
    }
    throw error;
  }

  try {
    const { db } = database;
    await migrateToLatest(db);
    const catalog = createCatalogService({ db });
    await catalog.ensureDefault();

    const actor: Actor = { kind: 'system', id: null, label: `import-cli (${os.userInfo().username})` };
    const startedAt = Date.now();
    const reporter = progressReporter(process.stderr, fileBytes, startedAt);
    let result: Awaited<ReturnType<typeof importContracts>>;
    try {
      result = await importContracts(
        { db, transactionWithCopy: database.transactionWithCopy, catalog, clock: systemClock },
        fs.createReadStream(file),
        {
          actor,
          fileName: path.basename(file),
          requestId: null,
          onProgress: (progress) => reporter.update(progress),
        },
      );
    } finally {
      reporter.done();
    }
    const elapsedMs = Date.now() - startedAt;

    for (const row of result.rejected) console.log(formatRejectedRow(row));
    if (result.rejectedCount > result.rejected.length) {
      console.log(`… and ${result.rejectedCount - result.rejected.length} more rejected rows not listed.`);
    }
    const rate = Math.round(result.rowsRead / Math.max(elapsedMs / 1000, 0.001));
    console.log(
      `Imported ${path.basename(file)} (import ${result.importId}): ${result.rowsRead} rows read, ` +
        `${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejectedCount} rejected ` +
        `in ${(elapsedMs / 1000).toFixed(2)} s (${rate} rows/s).`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`Import failed (${error.code}): ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

// Run only as a program, not when a test imports the formatting functions.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('Import failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
