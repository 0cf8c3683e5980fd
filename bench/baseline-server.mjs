// The bench's baseline server, a process of its own: bare Fastify (no logging, no auth, no hooks) on
// the same database as the app, doing only the database work an answer needs.
//   GET  /coverage?vin=…  the columns the coverage answer is made of, for the VIN's service contracts
//                         (most recently sold first, as the app orders them), answered as JSON
//   POST /copy            the body (text/csv, contract rows) streamed into COPY of a contracts-shaped table
// Settings: BASELINE_DATABASE_URL (PostgreSQL) or BASELINE_PGLITE_DIR (embedded), BASELINE_COPY_SQL,
// BASELINE_POOL_SIZE (default 10, the app's). Prints {"url": …} once listening.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Fastify from 'fastify';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

// As the app does: calendar dates stay 'YYYY-MM-DD' strings, bigints numbers.
pg.types.setTypeParser(1082, (value) => value);
pg.types.setTypeParser(20, (value) => Number(value));

const COVERAGE_SQL = `select id, contract_number, plan_code, catalog_version, purchase_state, status,
  odometer_at_sale, deductible_cents, selling_dealer_code, term_days, expires_on, expires_at_miles, waiting_period_ends_on,
  waiting_period_ends_at_miles, vehicle_year, vehicle_make, vehicle_model
  from contracts where vin = $1 and product = 'vsc' order by purchase_date desc limit 50`;
const copySql = process.env.BASELINE_COPY_SQL;

/** query(text, values) → rows, and copy(readable) over the configured engine. */
async function openEngine() {
  if (process.env.BASELINE_DATABASE_URL) {
    const pool = new pg.Pool({
      connectionString: process.env.BASELINE_DATABASE_URL,
      max: Number(process.env.BASELINE_POOL_SIZE ?? 10),
    });
    return {
      query: async (text, values) => (await pool.query(text, values)).rows,
      async copy(body) {
        const client = await pool.connect();
        try {
          await pipeline(body, client.query(copyStreams.from(copySql)));
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(process.env.BASELINE_PGLITE_DIR, {
    parsers: { 1082: (value) => value, 20: (value) => Number(value) },
    // The app's engine settings (bench/run.ts), so that both sides run the same database.
    ...(process.env.BASELINE_PGLITE_START_PARAMS
      ? { startParams: JSON.parse(process.env.BASELINE_PGLITE_START_PARAMS) }
      : {}),
  });
  return {
    query: async (text, values) => (await db.query(text, values)).rows,
    async copy(body) {
      // PGlite takes COPY data as one blob (the app's import does the same on PGlite).
      const chunks = [];
      for await (const chunk of body) chunks.push(chunk);
      await db.query(copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'"), [], { blob: new Blob(chunks) });
    },
    close: () => db.close(),
  };
}

const engine = await openEngine();
const app = Fastify({ bodyLimit: 512 * 2 ** 20 });
app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
app.get('/coverage', async (request, reply) => {
  const rows = await engine.query(COVERAGE_SQL, [request.query.vin]);
  if (rows.length === 0) return reply.code(404).send({ inForce: false });
  return rows[0];
});
app.post('/copy', async (request) => {
  await engine.copy(request.body instanceof Readable ? request.body : Readable.from([request.body]));
  return { ok: true };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url })}\n`);
const stop = async () => {
  await app.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
