// `npm run portfolio -- --contracts N`: portfolio scale check. Builds a fresh database, loads 10k
// synthetic contracts with COPY, measures coverage-lookup p99 over HTTP, grows the portfolio to N in
// COPY batches (flat memory, progress shown), measures p99 again and prints the ratio (target ≤ 1.5×).
// Then times the nightly unearned-reserve report over the N contracts against a plain count(*) scan.
// Runs on PostgreSQL when DATABASE_URL is set (in a database it creates and drops; --keep keeps it),
// on the embedded PGlite otherwise (for small N only).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { median, percentile, runLoad } from '../bench/load.js';
import { copySyntheticContracts, syntheticVin } from '../bench/portfolio.js';
import { buildApp } from '../src/app.js';
import { loadDefaultCatalog } from '../src/catalog/default-catalog.js';
import { loadConfig } from '../src/config.js';
import { unearnedReserve } from '../src/reports/reports.service.js';

const { values: args } = parseArgs({
  options: {
    contracts: { type: 'string', default: '1000000' },
    baseline: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    'as-of': { type: 'string', default: '2026-11-25' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(args.contracts);
const baselineCount = Math.min(Number(args.baseline), total);
const seconds = Number(args.seconds);
const serverUrl = process.env.DATABASE_URL;

const name = `coverwise_portfolio_${randomBytes(4).toString('hex')}`;
let databaseUrl: string | null = null;
if (serverUrl) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}

const config = loadConfig({
  COVERWISE_DEMO: '0',
  COVERWISE_WEB_DIR: 'none',
  LOG_LEVEL: 'silent',
  COVERWISE_ADMIN_EMAIL: 'bench@coverwise.test',
  COVERWISE_ADMIN_PASSWORD: 'bench-password-1',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
const built = await buildApp({ ...config, dataDir: 'memory://' }, { startJobs: false });
const { db } = built.database;
console.log(
  `Portfolio check on ${built.database.engine === 'pglite' ? 'embedded PGlite' : `PostgreSQL (${name})`}: ${baselineCount} → ${total} contracts\n`,
);

try {
  const catalog = loadDefaultCatalog();
  const { version } = await db
    .selectFrom('catalog_versions')
    .select('version')
    .orderBy('version', 'desc')
    .executeTakeFirstOrThrow();

  let loadedSoFar = 0;
  let lastShown = 0;
  async function growTo(count: number) {
    const t0 = performance.now();
    const from = loadedSoFar;
    await copySyntheticContracts(built.database.copyFromCsv, {
      count: count - from,
      catalog,
      catalogVersion: version,
      start: from,
      onProgress(loaded) {
        const now = performance.now();
        if (now - lastShown > 5000 || from + loaded === count) {
          lastShown = now;
          const rss = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
          const rate = (loaded / ((now - t0) / 1000)).toFixed(0);
          console.log(`  loaded ${from + loaded}/${count} (${rate} rows/s, rss ${rss} MB)`);
        }
      },
    });
    loadedSoFar = count;
    await sql`analyze contracts`.execute(db);
  }

  const appUrl = await built.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${appUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@coverwise.test', password: 'bench-password-1' }),
  });
  const { token } = (await login.json()) as { token: string };

  async function coverageP99(count: number): Promise<{ p99: number; perSecond: number }> {
    // Lookups spread over the whole portfolio (a multiplicative hash of the request number).
    const url = (i: number) =>
      `${appUrl}/api/v1/coverage?vin=${syntheticVin((i * 7_919 + 13) % count)}&odometer=20000`;
    const headers = { authorization: `Bearer ${token}` };
    await runLoad(url, { seconds: 1, concurrency: 4, headers }); // warm-up
    const result = await runLoad(url, { seconds, concurrency: 4, headers });
    if (result.errors > 0) throw new Error(`${result.errors} coverage lookups failed`);
    return { p99: percentile(result.latenciesMs, 99), perSecond: result.perSecond };
  }

  await growTo(baselineCount);
  const small = await coverageP99(baselineCount);
  console.log(
    `coverage at ${baselineCount}: p99 ${small.p99.toFixed(2)} ms (${small.perSecond.toFixed(0)}/s)`,
  );

  const t0 = performance.now();
  await growTo(total);
  console.log(`loaded ${total} contracts in ${((performance.now() - t0) / 1000).toFixed(0)}s`);
  const large = await coverageP99(total);
  console.log(`coverage at ${total}: p99 ${large.p99.toFixed(2)} ms (${large.perSecond.toFixed(0)}/s)`);

  // Set-based batch work: the reserve report against the cheapest full scan of the same table.
  const timeOf = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const countMs = await timeOf(() => sql`select count(*) from contracts`.execute(db));
  const reportMs = await timeOf(() => unearnedReserve(db, args['as-of'], config.timeZone));

  const p99Ratio = large.p99 / small.p99;
  console.log('\n| figure | measured | baseline | ratio | target |\n|---|---|---|---|---|');
  console.log(
    `| coverage p99 at ${total} vs ${baselineCount} | ${large.p99.toFixed(2)} ms | ${small.p99.toFixed(2)} ms | ${p99Ratio.toFixed(2)}× | ≤ 1.5× ${p99Ratio <= 1.5 ? 'met' : 'MISSED'} |`,
  );
  console.log(
    `| unearned-reserve report over ${total} | ${reportMs.toFixed(0)} ms | select count(*) ${countMs.toFixed(0)} ms | ${(reportMs / countMs).toFixed(2)}× | (quoted) |`,
  );
  process.exitCode = p99Ratio <= 1.5 ? 0 : 1;
} finally {
  await built.close();
  if (databaseUrl && !args.keep) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  }
}
