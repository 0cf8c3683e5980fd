// Month-end earning at scale (issue 16 "Speed"): loads N synthetic contracts with COPY into a fresh
// database, then compares the earning run (one set-based statement computing and posting every plan and
// state's entry, undone after each timing so the next one does the same work) with `select count(*) from
// contracts` on the same database. Target: the run takes at most 10× the count.
//   npm run earning-check -- --contracts 1000000                  (embedded PGlite)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run earning-check -- --contracts 1000000
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { median } from '../bench/load.js';
import { copySyntheticContracts } from '../bench/portfolio.js';
import { createAccountingService } from '../src/accounting/accounting.service.js';
import { postMonthlyEarning } from '../src/accounting/premium-earning.repository.js';
import { buildApp } from '../src/app.js';
import { createCatalogService } from '../src/catalog/catalog.service.js';
import { loadDefaultCatalog } from '../src/catalog/default-catalog.js';
import { loadConfig } from '../src/config.js';
import { SYSTEM_ACTOR } from '../src/platform/audit/audit.repository.js';
import { systemClock } from '../src/platform/clock.js';

const { values } = parseArgs({
  options: { contracts: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '3' } },
});
const count = Number(values.contracts);
const rounds = Number(values.rounds);
const serverUrl = process.env.DATABASE_URL;
const name = `coverwise_earning_${randomBytes(4).toString('hex')}`;
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
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
const built = await buildApp({ ...config, dataDir: 'memory://' }, { startJobs: false });
const { db } = built.database;
let failed = false;
try {
  const catalog = loadDefaultCatalog();
  const t0 = performance.now();
  await copySyntheticContracts(built.database.copyFromCsv, { count, catalog, catalogVersion: 1 });
  await sql`analyze contracts`.execute(db);
  console.log(
    `${built.database.engine}: ${count} contracts loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const accounting = createAccountingService({
    db,
    clock: systemClock,
    catalog: createCatalogService({ db }),
    timeZone: config.timeZone,
  });
  const methods = await accounting.earningMethods();

  class Undo extends Error {}
  const countTimes: number[] = [];
  const runTimes: number[] = [];
  let entries = 0;
  for (let round = 0; round <= rounds; round++) {
    let start = performance.now();
    await sql`select count(*) from contracts`.execute(db);
    const countMs = performance.now() - start;
    start = performance.now();
    await db
      .transaction()
      .execute(async (trx) => {
        const result = await postMonthlyEarning(trx, {
          month: '2026-10',
          methods,
          timeZone: config.timeZone,
          actor: SYSTEM_ACTOR,
        });
        entries = result.entriesPosted;
        // Undone, so that every round posts the same entries (a posted month would post nothing).
        throw new Undo();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Undo)) throw error;
      });
    const runMs = performance.now() - start;
    // Round 0 warms the caches and is not counted.
    if (round > 0) {
      countTimes.push(countMs);
      runTimes.push(runMs);
    }
  }
  const ratio = median(runTimes) / median(countTimes);
  console.log(
    `count(*): ${median(countTimes).toFixed(0)} ms; earning run (${entries} entries): ${median(runTimes).toFixed(0)} ms; ` +
      `ratio ${ratio.toFixed(1)}× (target ≤ 10×)`,
  );
  failed = ratio > 10;
} finally {
  await built.close();
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
process.exit(failed ? 1 : 0);
