// Lender events vs the contract import on the same engine (issue 16, "Speed": lender events ≥ 0.3 of
// the contract import's throughput). One in-process app on the embedded PGlite (or DATABASE_URL):
// a dealer file of N contracts is imported over HTTP and timed, then a lender-event CSV with one payoff
// per contract's VIN is sent over HTTP and applied (inline, or by applyRun when over the inline limit)
// and timed; the figure is events/s ÷ contracts/s.
//   npx tsx bench/lender-events.ts [--rows 300]
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadDefaultCatalog } from '../src/catalog/default-catalog.js';
import { loadConfig } from '../src/config.js';
import { CSV_HEADER, csvLine, syntheticContract } from './portfolio.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '300' } } });
const rows = Number(values.rows);
const catalog = loadDefaultCatalog();
const config = loadConfig({
  COVERWISE_DATA_DIR: 'memory://',
  COVERWISE_DEMO: '0',
  COVERWISE_ADMIN_EMAIL: 'bench@coverwise.test',
  COVERWISE_ADMIN_PASSWORD: 'bench password long enough 1',
  COVERWISE_LENDER_EVENTS_INLINE_ROWS: String(rows + 1),
  LOG_LEVEL: 'silent',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
const built = await buildApp({ ...config, dataDir: 'memory://', webDir: null }, { startJobs: false });
const { app } = built;
try {
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'bench@coverwise.test', password: 'bench password long enough 1' },
  });
  const auth = { authorization: `Bearer ${login.json().token}`, 'content-type': 'text/csv' };
  const contracts = Array.from({ length: rows }, (_, i) => syntheticContract(8_000_000 + i, catalog));
  const importCsv = `${[CSV_HEADER, ...contracts.map(csvLine)].join('\n')}\n`;
  let t0 = performance.now();
  const imported = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts/import',
    headers: auth,
    payload: importCsv,
  });
  const importMs = performance.now() - t0;
  if (imported.statusCode !== 200 || imported.json().accepted !== rows)
    throw new Error(imported.body.slice(0, 500));

  const vins = [...new Set(contracts.map((c) => c.vehicle.vin))];
  const eventDate = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const eventsCsv = `${['vin,event,event_date', ...vins.map((vin) => `${vin},payoff,${eventDate}`)].join('\n')}\n`;
  t0 = performance.now();
  const sent = await app.inject({
    method: 'POST',
    url: '/api/v1/lender-events',
    headers: auth,
    payload: eventsCsv,
  });
  const eventsMs = performance.now() - t0;
  if (sent.statusCode !== 200) throw new Error(`${sent.statusCode} ${sent.body.slice(0, 500)}`);
  const run = sent.json().run;
  const importRate = rows / (importMs / 1000);
  const eventRate = vins.length / (eventsMs / 1000);
  console.log(
    JSON.stringify(
      {
        engine: built.database.engine,
        contractsImported: rows,
        importMs: Math.round(importMs),
        importPerSecond: Math.round(importRate),
        events: vins.length,
        cancelled: run.cancelled,
        skipped: run.skipped,
        rejected: run.rejected,
        eventsMs: Math.round(eventsMs),
        eventsPerSecond: Math.round(eventRate),
        ratio: Number((eventRate / importRate).toFixed(3)),
        target: 0.3,
      },
      null,
      2,
    ),
  );
} finally {
  await built.close();
}
