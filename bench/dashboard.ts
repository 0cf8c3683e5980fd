// `npx tsx bench/dashboard.ts [--contracts N]`: times the staff dashboard and a rule
// what-if over a synthetic portfolio on PostgreSQL (DATABASE_URL; a database it creates and drops).
// Contracts are loaded with COPY; cancellations and claim payments are derived from them in SQL.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import type { Catalog } from '../src/catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../src/catalog/default-catalog.js';
import { loadConfig } from '../src/config.js';
import { CHART_IDS } from '../src/dashboard/dashboard.js';
import { buildDashboard, dashboardChart } from '../src/dashboard/dashboard.service.js';
import { runWhatIf } from '../src/what-if/what-if.service.js';
import { median } from './load.js';
import { copySyntheticContracts } from './portfolio.js';

const { values: args } = parseArgs({
  options: {
    contracts: { type: 'string', default: '1000000' },
    'as-of': { type: 'string', default: '2026-11-25' },
  },
});
const total = Number(args.contracts);
const asOf = args['as-of'];
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server');

const name = `coverwise_dashboard_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${name}`);
await admin.end();
const url = new URL(serverUrl);
url.pathname = `/${name}`;

const config = loadConfig({
  COVERWISE_DEMO: '0',
  COVERWISE_WEB_DIR: 'none',
  LOG_LEVEL: 'silent',
  DATABASE_URL: url.toString(),
  COVERWISE_ADMIN_EMAIL: 'bench@coverwise.test',
  COVERWISE_ADMIN_PASSWORD: 'bench-password-1',
});
const built = await buildApp({ ...config, dataDir: 'memory://' }, { startJobs: false });
const { db } = built.database;
try {
  const catalog = loadDefaultCatalog();
  const t0 = performance.now();
  await copySyntheticContracts(built.database.copyFromCsv, { count: total, catalog, catalogVersion: 1 });
  // 2% cancelled, 1% with a claim payment: enough rows for the monthly and per-plan series.
  await sql`insert into cancellations (contract_id, cancel_on, odometer, reason, method, gross_refund_cents,
      fee_cents, claims_deducted_cents, refund_cents, payee_kind, payee_name, quote, requested_by)
    select id, purchase_date + 90, odometer_at_sale, 'customer_request', 'pro_rata_days', price_cents / 2,
      5000, 0, price_cents / 2 - 5000, 'holder', 'Pat Holder', '{}'::jsonb, 'bench'
    from contracts where right(contract_number, 2) in ('00', '50')`.execute(db);
  await sql`update contracts set status = 'cancelled' where id in (select contract_id from cancellations)`.execute(
    db,
  );
  await sql`insert into ledger_entries (contract_id, kind, direction, amount_cents, payee_kind, payee_name,
      source_type, source_id, created_by)
    select id, 'repair_payment', 'payout', 120000, 'repair_facility', 'Bench Garage', 'repair_claim',
      id, 'bench'
    from contracts where right(contract_number, 2) = '07'`.execute(db);
  // As autovacuum leaves a table at rest: statistics and the visibility map (index-only scans).
  await sql`vacuum analyze`.execute(db);
  console.log(`loaded ${total} contracts in ${((performance.now() - t0) / 1000).toFixed(0)}s`);

  const login = await built.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'bench@coverwise.test', password: 'bench-password-1' },
  });
  const headers = { authorization: `Bearer ${login.json().token as string}` };
  const timeOf = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return { median: median(times), max: Math.max(...times) };
  };
  const dashboard = await timeOf(() => buildDashboard(db, asOf, 'America/New_York'));
  for (const id of CHART_IDS) {
    const one = await timeOf(() => dashboardChart(db, id, asOf, 'America/New_York'));
    console.log(`  ${id}: median ${one.median.toFixed(0)} ms`);
  }
  const http = await timeOf(() => built.app.inject({ method: 'GET', url: '/api/v1/dashboard', headers }));
  const draft = structuredClone(catalog) as Catalog;
  for (const plan of draft.plans)
    if (plan.product === 'vsc' && plan.benefits.rental) plan.benefits.rental.dailyLimitCents = 4000;
  draft.stateRules.push({
    id: 'OH-vsc-free-look',
    state: 'OH',
    products: ['vsc'],
    sentence: 'In Ohio, the free look is 30 days.',
    overrides: { cancellation: { freeLookDays: 30 } },
  });
  const whatIf = await timeOf(() => runWhatIf(db, { current: catalog, draft, today: asOf }));
  const result = await runWhatIf(db, { current: catalog, draft, today: asOf });
  console.log('\n| figure | median | max of 5 |\n|---|---|---|');
  console.log(
    `| GET dashboard queries over ${total} contracts | ${dashboard.median.toFixed(0)} ms | ${dashboard.max.toFixed(0)} ms |`,
  );
  console.log(
    `| GET /api/v1/dashboard (in-process HTTP, all charts) | ${http.median.toFixed(0)} ms | ${http.max.toFixed(0)} ms |`,
  );
  console.log(
    `| what-if (rental $35→$40/day + OH free look 30) over ${total} | ${whatIf.median.toFixed(0)} ms | ${whatIf.max.toFixed(0)} ms |`,
  );
  console.log(
    `what-if: ${result.contractsAffected} contracts, ${result.claimsAffected} claims, ${result.moneyDifferenceCents} cents`,
  );
} finally {
  await built.close();
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}
