// Opens the database the configuration names: a PostgreSQL server through `pg`, or the embedded
// PGlite (real PostgreSQL compiled to WebAssembly, in-process) through PGlite's node-postgres
// adapter. Both are driven by the same Kysely PostgresDialect, so one set of migrations and queries
// serves both engines.
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Database } from './schema.js';

// Type parsers are global in `pg` (PGlite's adapter fails on per-query parsers). Calendar dates must
// stay 'YYYY-MM-DD' strings: parsing them as Date would make them UTC midnights and shift the day.
const DATE_OID = 1082;
const INT8_OID = 20;
pg.types.setTypeParser(DATE_OID, (value) => value);
pg.types.setTypeParser(INT8_OID, (value) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is beyond the safe-integer range`);
  return parsed;
});

export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Runs raw SQL on the shared pool (used by pg-boss so it shares PGlite's single connection). */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /**
   * Bulk-loads CSV text with PostgreSQL's COPY (`copySql` is `COPY table (cols) FROM STDIN WITH (FORMAT csv)`).
   * On PGlite the text goes in as one blob, so run it only when nothing else uses the database.
   */
  copyFromCsv(copySql: string, csv: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; null → embedded PGlite. */
  databaseUrl: string | null;
  /** Folder for PGlite's files, or 'memory://' for a throw-away in-memory database. */
  dataDir: string;
  poolSize?: number;
}

function handleFromPool(
  pool: pg.Pool,
  engine: Engine,
  copyFromCsv: DatabaseHandle['copyFromCsv'],
  onClose: () => Promise<void>,
): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    engine,
    executeSql: (text, values) => pool.query(text, values as unknown[]),
    copyFromCsv,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await onClose();
    },
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const copyFromCsv = async (copySql: string, csv: string) => {
      const { from } = await import('pg-copy-streams');
      const client = await pool.connect();
      try {
        const stream = client.query(from(copySql));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        client.release();
      }
    };
    return handleFromPool(pool, 'postgres', copyFromCsv, async () => {});
  }

  const inMemory = options.dataDir.startsWith('memory://');
  let lock: DataDirLock | null = null;
  if (!inMemory) lock = acquireDataDirLock(options.dataDir);
  try {
    const pglite = await PGlite.create(inMemory ? options.dataDir : path.join(options.dataDir, 'pglite'));
    // PGlite has exactly one connection: the pool holds one client and queues the rest.
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
    const copyFromCsv = async (copySql: string, csv: string) => {
      await pglite.query(copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'"), [], { blob: new Blob([csv]) });
    };
    // Kysely's destroy() ends the pool; PGlite itself is closed after it.
    return handleFromPool(pool, 'pglite', copyFromCsv, async () => {
      await pglite.close();
      lock?.release();
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
}
