// Opens the database the configuration names: a PostgreSQL server through `pg`, or the embedded
// PGlite (real PostgreSQL compiled to WebAssembly, in-process) through PGlite's node-postgres
// adapter. Both are driven by the same Kysely PostgresDialect, so one set of migrations and queries
// serves both engines.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, type LogEvent, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { namePreparedStatements } from './prepared.js';
import type { Database } from './schema.js';

export { isDatabaseUnavailable } from './unavailable.js';

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
  /**
   * Runs `work` in one transaction, like `db.transaction().execute`, with `copyIn` to bulk-load CSV
   * text with COPY inside that same transaction (several times cheaper than INSERT for many rows).
   */
  transactionWithCopy<T>(
    work: (trx: Kysely<Database>, copyIn: CopyIn) => Promise<T>,
    options?: TransactionWithCopyOptions,
  ): Promise<T>;
  /** The connection pool's use now (for /metrics): connections open, idle, and requests waiting. */
  poolStats(): { total: number; idle: number; waiting: number; max: number };
  /**
   * PGlite only: the data folder as an image (PGlite's `dumpDataDir`), which `pgliteImage` starts a
   * new in-memory database from; run it only when nothing else uses the database.
   */
  dumpImage?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface TransactionWithCopyOptions {
  /**
   * False: on a PostgreSQL server the commit does not wait for the server to flush its WAL to disk (nor,
   * with synchronous replication, for the standby): `SET LOCAL synchronous_commit = off`. Only for a step
   * of a longer piece of work whose LAST step commits normally before anything is acknowledged: the WAL
   * is flushed in order, so that last commit's wait makes every step before it durable too. Until then a
   * crash of the database server may undo the last of these steps, whole and in order (what a reader saw
   * of them can go back; nothing acknowledged is lost); the app's own crash loses nothing, the server
   * holds the WAL. On PGlite the database runs in the app's process (an app crash is a database crash),
   * so there the commit always waits. Default true.
   */
  commitWaitsForFlush?: boolean;
}

/** Called after each query Kysely runs, with its duration (for the query-latency histogram). */
export type QueryObserver = (durationMs: number, failed: boolean) => void;

/**
 * `COPY table (columns) FROM STDIN WITH (FORMAT csv)` of `data` (the text, or its UTF-8 bytes);
 * resolves to the number of rows loaded. A failure (a constraint, a bad value) fails the statement
 * and, unless a savepoint was set before it, the transaction.
 */
export type CopyIn = (copySql: string, data: string | Uint8Array) => Promise<number>;

export interface DatabaseOptions {
  /** PostgreSQL server URL; null → embedded PGlite. */
  databaseUrl: string | null;
  /** Folder for PGlite's files, or 'memory://' for a throw-away in-memory database. */
  dataDir: string;
  poolSize?: number;
  /** Told of each connection the server dropped (a restart, a failover); the process goes on. */
  onConnectionError?: (error: Error) => void;
  /**
   * How long a request waits for a connection (a new one, or a free one from a full pool) before it
   * fails with "the database is unavailable" instead of hanging while the server is away.
   */
  connectionTimeoutMs?: number;
  onQuery?: QueryObserver;
  /** PGlite's page cache (PostgreSQL `shared_buffers`) in MB; default 32. */
  pgliteCacheMb?: number;
  /**
   * An in-memory PGlite starts from this data-folder image (PGlite's `dumpDataDir`) instead of running
   * initdb: 0.3 s instead of 1.3 s. The test suite hands in an image it migrated once.
   */
  pgliteImage?: Blob;
}

/**
 * PostgreSQL settings of the embedded engine, whose memory lives in one WebAssembly memory that grows
 * and never shrinks: every page PostgreSQL touches once stays resident for the life of the process.
 * The stock settings are sized for a server (a 128 MB page cache, 64 MB per index build); one
 * process with a demo-sized database reads its tables from the operating system's file cache
 * through a smaller page cache at little cost. `shared_buffers` is the cache; index builds
 * (migrations, the demo) get 16 MB; the single-user engine has one backend, so the shared tables
 * sized by `max_connections` are sized for a few.
 */
export function pgliteStartParams(cacheMb: number): string[] {
  const settings = [`shared_buffers=${cacheMb}MB`, 'maintenance_work_mem=16MB', 'max_connections=8'];
  return [...PGlite.defaultStartParams, ...settings.flatMap((setting) => ['-c', setting])];
}

/**
 * Creates PGlite's data folder, when it has none, in a short-lived child process. `initdb` runs a
 * second PostgreSQL and the initdb program in memory beside the one that will serve: done in this
 * process it peaked at 800 MB and left 100–140 MB of freed but fragmented memory resident for good
 * (a worker thread left as much in its allocator arena); a process's exit hands all of it back.
 */
async function createPgliteDataFolder(folder: string, startParams: string[]): Promise<void> {
  if (fs.existsSync(path.join(folder, 'PG_VERSION'))) return;
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `const [pglite, folder, params] = process.argv.slice(1);
    require(pglite).PGlite.create(folder, { startParams: JSON.parse(params) }).then((db) => db.close());`;
  await promisify(execFile)(
    process.execPath,
    ['--input-type=commonjs', '-e', script, pglite, folder, JSON.stringify(startParams)],
    { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 2 ** 20 },
  );
}

/** How long to wait for a connection by default. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

function handleFromPool(
  pool: pg.Pool,
  engine: Engine,
  bulk: (db: Kysely<Database>) => Pick<DatabaseHandle, 'copyFromCsv' | 'transactionWithCopy'>,
  onClose: () => Promise<void>,
  onQuery?: QueryObserver,
): DatabaseHandle {
  const db = kyselyOver(pool, onQuery);
  let closed = false;
  return {
    db,
    engine,
    executeSql: (text, values) => pool.query(text, values as unknown[]),
    ...bulk(db),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? 10,
    }),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await onClose();
    },
  };
}

function kyselyOver(pool: pg.Pool | SingleClientPool, onQuery?: QueryObserver): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: pool as pg.Pool }),
    ...(onQuery
      ? { log: (event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'error') }
      : {}),
  });
}

/** What Kysely needs of a pool, over one client that a transaction has already taken. */
interface SingleClientPool {
  connect(): Promise<{ query: pg.PoolClient['query']; release(): void }>;
  end(): Promise<void>;
}

/** COPY … FROM STDIN of `csv` on a PostgreSQL server connection. */
async function copyOnClient(
  client: pg.PoolClient,
  copySql: string,
  data: string | Uint8Array,
): Promise<number> {
  const { from } = await import('pg-copy-streams');
  const stream = client.query(from(copySql));
  const chunk = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  await pipeline(Readable.from([chunk]), stream);
  return stream.rowCount;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      keepAlive: true,
    });
    // A connection the server drops (57P01 at a restart, a network cut) must not end the process:
    // pg emits 'error' on the pool for an idle client and on the client itself while a request or a
    // transaction holds it (pg-pool listens only while it is idle), and an 'error' event nobody
    // listens to is thrown. The client is not reused (pg-pool discards a client that is no longer
    // queryable); the next query opens a new connection once the server is back.
    const onConnectionError = (error: Error) => options.onConnectionError?.(error);
    pool.on('error', onConnectionError);
    pool.on('connect', (client) => {
      client.on('error', onConnectionError);
      namePreparedStatements(client);
    });
    const copyFromCsv = async (copySql: string, csv: string) => {
      const client = await pool.connect();
      try {
        await copyOnClient(client, copySql, csv);
      } finally {
        client.release();
      }
    };
    // COPY needs the transaction's own connection, which Kysely does not hand out: the transaction
    // runs on a Kysely over that one client instead.
    const transactionWithCopy: DatabaseHandle['transactionWithCopy'] = async (work, options) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const single: SingleClientPool = {
          connect: async () => ({ query: client.query.bind(client) as pg.PoolClient['query'], release() {} }),
          end: async () => {},
        };
        return await kyselyOver(single)
          .transaction()
          .execute(async (trx) => {
            if (options?.commitWaitsForFlush === false)
              await sql`set local synchronous_commit = off`.execute(trx);
            return work(trx, (copySql, csv) => copyOnClient(client, copySql, csv));
          });
      } catch (error) {
        // A connection whose COPY or ROLLBACK failed half-way is not given to anyone else.
        if (!(error instanceof pg.DatabaseError)) broken = error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    };
    return handleFromPool(
      pool,
      'postgres',
      () => ({ copyFromCsv, transactionWithCopy }),
      async () => {},
      options.onQuery,
    );
  }

  const inMemory = options.dataDir.startsWith('memory://');
  let lock: DataDirLock | null = null;
  if (!inMemory) lock = acquireDataDirLock(options.dataDir);
  try {
    const startParams = pgliteStartParams(options.pgliteCacheMb ?? 32);
    const folder = inMemory ? options.dataDir : path.join(options.dataDir, 'pglite');
    if (!inMemory) await createPgliteDataFolder(folder, startParams);
    const pglite = await PGlite.create(folder, {
      startParams,
      ...(inMemory && options.pgliteImage ? { loadDataDir: options.pgliteImage } : {}),
    });
    // PGlite has exactly one connection: the pool holds one client and queues the rest.
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
    pool.on('connect', (client) => namePreparedStatements(client));
    const copyBlob = async (copySql: string, data: string | Uint8Array) => {
      const result = await pglite.query(copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'"), [], {
        // The bytes of a batch are the worker's own ArrayBuffer (never shared memory).
        blob: new Blob([data as string | Uint8Array<ArrayBuffer>]),
      });
      return result.affectedRows ?? 0;
    };
    const copyFromCsv = async (copySql: string, csv: string) => {
      await copyBlob(copySql, csv);
    };
    // PGlite is one session: while the transaction holds the pool's only client, a query sent to
    // PGlite directly runs inside that transaction (and nothing else can run meanwhile).
    const bulk = (db: Kysely<Database>) => ({
      copyFromCsv,
      transactionWithCopy: <T>(work: (trx: Kysely<Database>, copyIn: CopyIn) => Promise<T>) =>
        db.transaction().execute((trx) => work(trx, copyBlob)),
    });
    // Kysely's destroy() ends the pool; PGlite itself is closed after it.
    const handle = handleFromPool(
      pool,
      'pglite',
      bulk,
      async () => {
        await pglite.close();
        lock?.release();
      },
      options.onQuery,
    );
    return { ...handle, dumpImage: () => pglite.dumpDataDir('none') };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
