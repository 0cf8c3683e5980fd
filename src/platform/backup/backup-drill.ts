// The backup/restore drill: takes a backup the way an operator would (pg_dump of the database, a copy
// of every stored document), restores it into a fresh database, and proves the restore whole:
// every document row has its file and the file hashes to its SHA-256, every table has the rows it
// had, and the ledger (entries and per-contract balances) is the same to the cent.
//
// The figures it compares against are read in the very snapshot pg_dump dumps (an exported
// snapshot held open by a repeatable-read transaction), so the drill can run against a live
// database taking writes. Documents are copied after the dump: a stored file is never changed or
// deleted (the store is content-addressed) and a row is committed only after its file is stored,
// so every row in the dump has its file in the copy.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { createFileDocumentStore, type DocumentStore } from '../storage/document-store.js';

export interface DrillOptions {
  /** The database to back up: a PostgreSQL server URL. */
  databaseUrl: string;
  /** The document store to back up. */
  store: DocumentStore;
  /** Where the backup goes (the dump and a folder copy of the documents); created if missing. */
  backupDir: string;
  /** Keep the restored database (its URL is in the report) instead of dropping it at the end. */
  keepRestoredDatabase?: boolean;
  /** pg_dump / pg_restore to run (default: from PATH). */
  pgDump?: string;
  pgRestore?: string;
  log?: (line: string) => void;
}

export interface TableCounts {
  [table: string]: number;
}

export interface LedgerFigures {
  entries: number;
  receiptsCents: number;
  payoutsCents: number;
  /** md5 over every contract's net balance, in contract order. */
  balancesDigest: string;
  /** md5 over every entry (id, contract, direction, amount, reversal), in id order. */
  entriesDigest: string;
}

export interface DrillReport {
  ok: boolean;
  problems: string[];
  dumpBytes: number;
  restoredDatabaseUrl: string | null;
  tables: number;
  rows: number;
  documents: { rows: number; filesCopied: number; verified: number };
  ledger: LedgerFigures;
  seconds: number;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8_000) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

async function tableCounts(client: pg.ClientBase): Promise<TableCounts> {
  const tables = await client.query<{ name: string }>(
    `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
     from information_schema.tables
     where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'
     order by 1`,
  );
  const counts: TableCounts = {};
  for (const { name } of tables.rows) {
    const result = await client.query<{ n: string }>(`select count(*) as n from ${name}`);
    counts[name] = Number(result.rows[0]?.n);
  }
  return counts;
}

async function ledgerFigures(client: pg.ClientBase): Promise<LedgerFigures> {
  const totals = await client.query<{ entries: string; receipts: string; payouts: string; digest: string }>(
    `select count(*) as entries,
       coalesce(sum(amount_cents) filter (where direction = 'receipt'), 0) as receipts,
       coalesce(sum(amount_cents) filter (where direction = 'payout'), 0) as payouts,
       md5(coalesce(string_agg(id::text || ':' || contract_id::text || ':' || direction || ':' ||
         amount_cents::text || ':' || coalesce(reverses_entry_id::text, ''), ',' order by id), '')) as digest
     from ledger_entries`,
  );
  const balances = await client.query<{ digest: string }>(
    `select md5(coalesce(string_agg(contract_id::text || '=' || net::text, ',' order by contract_id), '')) as digest
     from (select contract_id,
             sum(case when direction = 'receipt' then amount_cents else -amount_cents end) as net
           from ledger_entries group by contract_id) as balances`,
  );
  const row = totals.rows[0];
  return {
    entries: Number(row?.entries),
    receiptsCents: Number(row?.receipts),
    payoutsCents: Number(row?.payouts),
    entriesDigest: row?.digest ?? '',
    balancesDigest: balances.rows[0]?.digest ?? '',
  };
}

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

export async function runBackupRestoreDrill(options: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const problems: string[] = [];
  fs.mkdirSync(options.backupDir, { recursive: true });
  const dumpFile = path.join(options.backupDir, 'database.dump');

  // 1. The dump, and the figures to compare against, from one snapshot.
  const source = new pg.Client({ connectionString: options.databaseUrl });
  await source.connect();
  let expectedCounts: TableCounts;
  let expectedLedger: LedgerFigures;
  try {
    await source.query('begin isolation level repeatable read read only');
    const snapshot = (await source.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]?.id;
    expectedCounts = await tableCounts(source);
    expectedLedger = await ledgerFigures(source);
    log(`pg_dump (snapshot ${snapshot}) → ${dumpFile}`);
    await run(options.pgDump ?? 'pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--snapshot=${snapshot}`,
      `--file=${dumpFile}`,
      `--dbname=${options.databaseUrl}`,
    ]);
    await source.query('commit');
  } finally {
    await source.end();
  }
  const dumpBytes = fs.statSync(dumpFile).size;

  // 2. The documents, each checked against its hash on the way (read verified, written verified).
  const copy = createFileDocumentStore(path.join(options.backupDir, 'documents'));
  let filesCopied = 0;
  for await (const key of options.store.keys()) {
    const stream = await options.store.open(key);
    if (!stream) continue;
    try {
      await copy.putExact(key, stream);
      filesCopied++;
    } catch (error) {
      problems.push(`document file ${key} could not be copied: ${(error as Error).message}`);
    }
  }
  log(`${filesCopied} document files copied to ${copy.location}`);

  // 3. A fresh database from the dump.
  const restoredName =
    `${new URL(options.databaseUrl).pathname.slice(1) || 'coverwise'}_drill_${Date.now().toString(36)}`
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 63);
  const restoredUrl = new URL(options.databaseUrl);
  restoredUrl.pathname = `/${restoredName}`;
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${restoredName}`);
  await admin.end();
  log(`pg_restore → ${restoredName}`);
  let report: DrillReport;
  try {
    await run(options.pgRestore ?? 'pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      `--dbname=${restoredUrl.toString()}`,
      dumpFile,
    ]);

    // 4. Verify the restore against the snapshot's figures and the copied files.
    const restored = new pg.Client({ connectionString: restoredUrl.toString() });
    await restored.connect();
    let verified = 0;
    let documentRows = 0;
    let actualLedger: LedgerFigures;
    let actualCounts: TableCounts;
    try {
      actualCounts = await tableCounts(restored);
      actualLedger = await ledgerFigures(restored);
      const documents = await restored.query<{ id: string; sha256: string; size_bytes: number }>(
        'select id, sha256, size_bytes from documents order by id',
      );
      documentRows = documents.rows.length;
      for (const row of documents.rows) {
        const stream = await copy.open(row.sha256);
        if (!stream) {
          problems.push(`document ${row.id}: file ${row.sha256} is not in the backup`);
          continue;
        }
        try {
          const bytes = await drain(stream);
          if (bytes !== Number(row.size_bytes))
            problems.push(`document ${row.id}: ${bytes} bytes in the backup, ${row.size_bytes} recorded`);
          else verified++;
        } catch (error) {
          problems.push(`document ${row.id}: ${(error as Error).message}`);
        }
      }
    } finally {
      await restored.end();
    }
    for (const [table, count] of Object.entries(expectedCounts)) {
      if (actualCounts[table] !== count)
        problems.push(
          `table ${table}: ${actualCounts[table] ?? 'missing'} rows restored, ${count} in the backup`,
        );
    }
    for (const key of Object.keys(expectedLedger) as Array<keyof LedgerFigures>) {
      if (actualLedger[key] !== expectedLedger[key])
        problems.push(`ledger ${key}: ${actualLedger[key]} restored, ${expectedLedger[key]} in the backup`);
    }
    report = {
      ok: problems.length === 0,
      problems,
      dumpBytes,
      restoredDatabaseUrl: options.keepRestoredDatabase ? restoredUrl.toString() : null,
      tables: Object.keys(expectedCounts).length,
      rows: Object.values(expectedCounts).reduce((sum, n) => sum + n, 0),
      documents: { rows: documentRows, filesCopied, verified },
      ledger: actualLedger,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    if (!options.keepRestoredDatabase) {
      const dropper = new pg.Client({ connectionString: options.databaseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${restoredName} with (force)`);
      await dropper.end();
    }
  }
  return report;
}
