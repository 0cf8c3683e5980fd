// `npm run bench`: speed figures as ratios against a baseline measured side by side in the same run
// on the same database (absolute numbers on a shared 2-core machine are noise). Runs on the embedded
// PGlite by default, on PostgreSQL when DATABASE_URL is set (in a fresh database it creates and drops).
//
//   npm run bench                         all benchmarks
//   npm run bench -- --only coverage      one of: coverage, import
//   npm run bench -- --contracts 100000   portfolio size for the coverage lookups (default 10000)
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { insertContractsSkippingExisting } from '../src/contracts/contract.repository.js';
import { median, percentile, runLoad } from './load.js';
import { syntheticRows, syntheticVin } from './portfolio.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    contracts: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    'import-rows': { type: 'string' },
  },
});
const contractCount = Number(args.contracts);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const serverUrl = process.env.DATABASE_URL;

interface Figure {
  name: string;
  subject: string;
  baseline: string;
  ratio: number;
  target: number;
}
const figures: Figure[] = [];

async function freshServerDatabase(): Promise<{ url: string | null; drop(): Promise<void> }> {
  if (!serverUrl) return { url: null, drop: async () => {} };
  const name = `coverwise_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

const database = await freshServerDatabase();
const config = loadConfig({
  COVERWISE_DEMO: '0',
  COVERWISE_WEB_DIR: 'none',
  LOG_LEVEL: 'silent',
  COVERWISE_ADMIN_EMAIL: 'bench@coverwise.test',
  COVERWISE_ADMIN_PASSWORD: 'bench-password-1',
  // Throttling stays on (the bench measures the product as it runs), with room for the load.
  COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '100000',
  COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000000',
  ...(database.url ? { DATABASE_URL: database.url } : {}),
});
const built = await buildApp({ ...config, dataDir: 'memory://' }, { startJobs: false });
const engine = built.database.engine;
console.log(
  `Coverwise bench on ${engine === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}; ${seconds}s × ${rounds} rounds per side\n`,
);

try {
  const { db } = built.database;
  const catalogRow = await db
    .selectFrom('catalog_versions')
    .select('version')
    .orderBy('version', 'desc')
    .executeTakeFirstOrThrow();
  const { loadDefaultCatalog } = await import('../src/catalog/default-catalog.js');
  const catalog = loadDefaultCatalog();

  if (!args.only || args.only === 'coverage') {
    // Portfolio.
    const t0 = performance.now();
    let batch = [];
    for (const row of syntheticRows(contractCount, catalog, catalogRow.version)) {
      batch.push(row);
      if (batch.length === 1000) {
        await insertContractsSkippingExisting(db, batch);
        batch = [];
      }
    }
    await insertContractsSkippingExisting(db, batch);
    await sql`analyze contracts`.execute(db);
    console.log(
      `portfolio: ${contractCount} contracts loaded in ${((performance.now() - t0) / 1000).toFixed(1)}s`,
    );

    const appUrl = await built.app.listen({ port: 0, host: '127.0.0.1' });
    const login = await fetch(`${appUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@coverwise.test', password: 'bench-password-1' }),
    });
    const { token } = (await login.json()) as { token: string };

    // The baseline: a bare Fastify route doing the one indexed query, on the same database.
    const bare = Fastify();
    bare.get('/bare', async (request) => {
      const { vin } = request.query as { vin: string };
      return db.selectFrom('contracts').selectAll().where('vin', '=', vin).limit(1).executeTakeFirst();
    });
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

    const vinOf = (i: number) => syntheticVin((i * 7919) % contractCount);
    const app: number[] = [];
    const base: number[] = [];
    const appLatencies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const a = await runLoad((i) => `${appUrl}/api/v1/coverage?vin=${vinOf(i)}&odometer=20000`, {
        seconds,
        concurrency: 8,
        headers: { authorization: `Bearer ${token}` },
      });
      if (a.errors > 0) throw new Error(`${a.errors} coverage lookups failed`);
      const b = await runLoad((i) => `${bareUrl}/bare?vin=${vinOf(i)}`, { seconds, concurrency: 8 });
      app.push(a.perSecond);
      base.push(b.perSecond);
      appLatencies.push(...a.latenciesMs);
    }
    await bare.close();
    console.log(
      `coverage lookup: ${median(app).toFixed(0)}/s over HTTP (p99 ${percentile(appLatencies, 99).toFixed(1)} ms) vs bare route ${median(base).toFixed(0)}/s`,
    );
    figures.push({
      name: 'coverage lookup over HTTP',
      subject: `${median(app).toFixed(0)}/s`,
      baseline: `bare Fastify + 1 indexed query ${median(base).toFixed(0)}/s`,
      ratio: median(app) / median(base),
      target: 0.6,
    });
  }
} finally {
  await built.close();
  await database.drop();
}

console.log('\n| figure | measured | baseline | ratio | target |\n|---|---|---|---|---|');
let missed = 0;
for (const f of figures) {
  const ok = f.ratio >= f.target;
  if (!ok) missed++;
  console.log(
    `| ${f.name} | ${f.subject} | ${f.baseline} | ${f.ratio.toFixed(2)} | ≥ ${f.target} ${ok ? 'met' : 'MISSED'} |`,
  );
}
process.exitCode = missed > 0 ? 1 : 0;
