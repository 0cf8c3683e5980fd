// `npm run bench`: speed figures as ratios against a baseline measured side by side in the same run
// on the same engine (absolute numbers on a shared 2-core machine are noise). Runs on the embedded
// PGlite by default, on PostgreSQL when DATABASE_URL is set (in fresh databases it creates and drops).
//
//   npm run bench                            all benchmarks
//   npm run bench -- --only coverage         one of: coverage, import, signin, upload
//   npm run bench -- --contracts 100000      portfolio size for the coverage lookups (default 10000),
//                                            loaded with COPY in batches (flat memory, progress shown)
//   npm run bench -- --import-rows 20000     rows per dealer-file import round (default 20000)
//   npm run bench -- --rounds 6 --seconds 2  paired rounds per figure (default 6), seconds per side
//                                            of a round under load (default 2); the figure is the
//                                            median of the rounds' own ratios
//   npm run portfolio -- --contracts N       the portfolio-scale check (scripts/portfolio-check.ts)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { type BuiltApp, buildApp } from '../src/app.js';
import type { Catalog } from '../src/catalog/catalog.schema.js';
import { createCatalogService } from '../src/catalog/catalog.service.js';
import { loadDefaultCatalog } from '../src/catalog/default-catalog.js';
import { loadConfig } from '../src/config.js';
import { CONTRACTS_COPY_SQL, contractCopyLine } from '../src/contracts/contract.repository.js';
import { importContracts } from '../src/contracts/contract-import.js';
import { DEMO_HOLDERS } from '../src/demo/demo-contracts.js';
import { systemClock } from '../src/platform/clock.js';
import { median, percentile, runLoad } from './load.js';
import {
  CSV_HEADER,
  copySyntheticContracts,
  csvLine,
  syntheticContract,
  syntheticRows,
  syntheticVin,
} from './portfolio.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    contracts: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '6' },
    'import-rows': { type: 'string', default: '20000' },
  },
});
const contractCount = Number(args.contracts);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const importRows = Number(args['import-rows']);
const serverUrl = process.env.DATABASE_URL;
const want = (name: string) => !args.only || args.only.split(',').includes(name);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Figure {
  name: string;
  subject: string;
  baseline: string;
  /** The ratio (or, for memory, the growth in MB) and whether it meets the target. */
  value: string;
  target: string;
  met: boolean;
}
const figures: Figure[] = [];
/**
 * A ratio from paired rounds: each round runs both sides back to back (in alternating order), so
 * the figure is the median of the rounds' own ratios, and a machine that slows down or speeds up
 * between rounds moves both sides of a pair alike. The spread of the rounds is shown beside it.
 */
function ratioFigure(name: string, subject: string, baseline: string, ratios: number[], target: number) {
  const ratio = median(ratios);
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  figures.push({
    name,
    subject,
    baseline,
    value: `${ratio.toFixed(2)} (rounds ${spread})`,
    target: `≥ ${target}`,
    met: ratio >= target,
  });
}

interface BenchApp {
  built: BuiltApp;
  url: string;
  close(): Promise<void>;
}

/** The real app on a fresh database (a new PostgreSQL database, or PGlite in a new data folder), listening. */
async function startApp(env: Record<string, string> = {}): Promise<BenchApp> {
  let databaseUrl: string | null = null;
  let name = '';
  if (serverUrl) {
    name = `coverwise_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-documents-'));
  const config = loadConfig({
    COVERWISE_DEMO: '0',
    COVERWISE_WEB_DIR: 'none',
    LOG_LEVEL: 'silent',
    COVERWISE_ADMIN_EMAIL: 'bench@coverwise.test',
    COVERWISE_ADMIN_PASSWORD: 'bench-password-1',
    COVERWISE_DOCUMENTS_DIR: documentsDir,
    // Throttling stays on (the bench measures the product as it runs), with room for the load.
    COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '100000',
    COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  // PGlite keeps its files in a data folder, as `npm start` does (an in-memory PGlite grows its files
  // by copying them whole as they grow, which no real deployment does); a PostgreSQL run ignores it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-data-'));
  const built = await buildApp({ ...config, dataDir }, { startJobs: false });
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    built,
    url,
    async close() {
      await built.close();
      fs.rmSync(documentsDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      }
    },
  };
}

async function loadPortfolio(app: BenchApp, count: number, catalog: Catalog): Promise<void> {
  const { db } = app.built.database;
  const { version } = await db
    .selectFrom('catalog_versions')
    .select('version')
    .orderBy('version', 'desc')
    .executeTakeFirstOrThrow();
  const t0 = performance.now();
  let lastShown = t0;
  await copySyntheticContracts(app.built.database.copyFromCsv, {
    count,
    catalog,
    catalogVersion: version,
    onProgress(loaded) {
      if (performance.now() - lastShown > 5000) {
        lastShown = performance.now();
        console.log(
          `  portfolio: ${loaded}/${count} (rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB)`,
        );
      }
    },
  });
  await sql`analyze contracts`.execute(db);
  console.log(`portfolio: ${count} contracts loaded in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
}

async function staffToken(app: BenchApp): Promise<string> {
  const login = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@coverwise.test', password: 'bench-password-1' }),
  });
  return ((await login.json()) as { token: string }).token;
}

const catalog = loadDefaultCatalog();
const engineName = serverUrl ? 'PostgreSQL' : 'embedded PGlite';
console.log(`Coverwise bench on ${engineName}; ${seconds}s × ${rounds} rounds per side\n`);

const main = await startApp();
const opened: BenchApp[] = [main];
try {
  const { db } = main.built.database;
  if (want('coverage')) await loadPortfolio(main, contractCount, catalog);

  if (want('coverage')) {
    const token = await staffToken(main);
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
    // Round 0 warms both sides up (JIT, connection pools) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const runApp = () =>
        runLoad((i) => `${main.url}/api/v1/coverage?vin=${vinOf(i)}&odometer=20000`, {
          seconds,
          concurrency: 8,
          headers: { authorization: `Bearer ${token}` },
        });
      const runBare = () => runLoad((i) => `${bareUrl}/bare?vin=${vinOf(i)}`, { seconds, concurrency: 8 });
      // Each side goes first in every other round, so neither gains from the order.
      const a = round % 2 === 0 ? await runApp() : undefined;
      const b = await runBare();
      const appResult = a ?? (await runApp());
      if (appResult.errors > 0) throw new Error(`${appResult.errors} coverage lookups failed`);
      if (round === 0) continue;
      app.push(appResult.perSecond);
      base.push(b.perSecond);
      appLatencies.push(...appResult.latenciesMs);
    }
    await bare.close();
    console.log(
      `coverage lookup: ${median(app).toFixed(0)}/s over HTTP (p99 ${percentile(appLatencies, 99).toFixed(1)} ms) vs bare route ${median(base).toFixed(0)}/s`,
    );
    ratioFigure(
      'coverage lookup over HTTP',
      `${median(app).toFixed(0)}/s`,
      `bare Fastify + 1 indexed query ${median(base).toFixed(0)}/s`,
      app.map((perSecond, round) => perSecond / base[round]!),
      0.6,
    );
  }

  if (want('import')) {
    // The dealer-file import (stream-parse, validate every row against the catalog, insert in batches,
    // audit each batch) against PostgreSQL COPY of the same rows, alternating, each round with new
    // contract numbers. Baseline: COPY of the same contract rows into a table shaped like contracts
    // (LIKE … INCLUDING ALL: its columns, defaults, checks and indexes), so both sides do the same
    // storage work. Shown too: COPY of the raw CSV into a bare table of text columns without indexes.
    await sql`create table bench_copy_contracts (like contracts including all)`.execute(db);
    await sql
      .raw(
        `create table bench_copy_text (${CSV_HEADER.split(',')
          .map((c) => `${c} text`)
          .join(', ')})`,
      )
      .execute(db);
    const catalogService = createCatalogService({ db });
    const { version } = await catalogService.current();
    // Numbers far above the coverage portfolio's, still below the synthetic VIN's 10^7 range.
    const firstOf = (round: number) => 9_000_000 + round * importRows;
    const csvOf = (round: number) => {
      const lines = [CSV_HEADER];
      for (let i = 0; i < importRows; i++)
        lines.push(csvLine(syntheticContract(firstOf(round) + i, catalog)));
      return `${lines.join('\n')}\n`;
    };
    const rowsCsvOf = (round: number) => {
      const lines: string[] = [];
      for (const row of syntheticRows(importRows, catalog, version, firstOf(round)))
        lines.push(contractCopyLine(row));
      return `${lines.join('\n')}\n`;
    };
    const importMs: number[] = [];
    const copyMs: number[] = [];
    const textCopyMs: number[] = [];
    // Round 0 warms up (the checking worker's start, JIT) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const csv = csvOf(round);
      const rowsCsv = rowsCsvOf(round);
      let t0 = performance.now();
      const result = await importContracts(
        {
          db,
          transactionWithCopy: main.built.database.transactionWithCopy,
          catalog: catalogService,
          clock: systemClock,
        },
        Readable.from([csv]),
        {
          actor: { kind: 'user', id: null, label: 'bench' },
          fileName: 'bench.csv',
          requestId: null,
        },
      );
      const tookImport = performance.now() - t0;
      if (result.accepted !== importRows)
        throw new Error(
          `import accepted ${result.accepted} of ${importRows}: ${JSON.stringify(result.rejected[0])}`,
        );
      t0 = performance.now();
      await main.built.database.copyFromCsv(
        CONTRACTS_COPY_SQL.replace('COPY contracts', 'COPY bench_copy_contracts'),
        rowsCsv,
      );
      const tookCopy = performance.now() - t0;
      t0 = performance.now();
      await main.built.database.copyFromCsv(
        `COPY bench_copy_text (${CSV_HEADER}) FROM STDIN WITH (FORMAT csv, HEADER true)`,
        csv,
      );
      const tookTextCopy = performance.now() - t0;
      if (round === 0) continue;
      importMs.push(tookImport);
      copyMs.push(tookCopy);
      textCopyMs.push(tookTextCopy);
    }
    const rate = (ms: number[]) => importRows / (median(ms) / 1000);
    console.log(
      `contract import: ${rate(importMs).toFixed(0)} rows/s vs COPY into a contracts-shaped table ${rate(copyMs).toFixed(0)} rows/s ` +
        `(COPY into a bare text table: ${rate(textCopyMs).toFixed(0)} rows/s, ratio ${(rate(importMs) / rate(textCopyMs)).toFixed(2)})`,
    );
    ratioFigure(
      `contract import (${importRows} rows)`,
      `${rate(importMs).toFixed(0)} rows/s`,
      `COPY of the same rows into a contracts-shaped table ${rate(copyMs).toFixed(0)} rows/s`,
      importMs.map((ms, round) => copyMs[round]! / ms),
      0.5,
    );
  }

  if (want('signin')) {
    // Holder sign-in (last name + ZIP + VIN → session) with the throttle on vs an app with
    // COVERWISE_HOLDER_THROTTLE=0 over an identical portfolio, alternating rounds.
    // The second portfolio stops at 100k (a --contracts 10000000 run would otherwise load it twice);
    // both sides sign in to the same first 100k contracts.
    const signInCount = Math.min(contractCount, 100_000);
    // Two fresh apps with identical portfolios (the main one has served the other benchmarks).
    const guarded = await startApp();
    opened.push(guarded);
    await loadPortfolio(guarded, signInCount, catalog);
    const open = await startApp({ COVERWISE_HOLDER_THROTTLE: '0' });
    opened.push(open);
    await loadPortfolio(open, signInCount, catalog);
    const signIn = (base: string) => (i: number) => {
      const n = (i * 7919 + 11) % signInCount;
      const c = syntheticContract(n, catalog);
      return {
        url: `${base}/api/v1/auth/holder-login`,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            lastName: c.holder.lastName,
            zip: c.holder.address.zip,
            vin: c.vehicle.vin,
          }),
        },
      };
    };
    const throttled: number[] = [];
    const unthrottled: number[] = [];
    // Round 0 warms both sides up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      // Each side goes first in every other round, so neither gains from the order.
      const first = round % 2 === 0 ? guarded.url : open.url;
      const second = first === guarded.url ? open.url : guarded.url;
      const x = await runLoad(signIn(first), { seconds, concurrency: 8 });
      const y = await runLoad(signIn(second), { seconds, concurrency: 8 });
      const [a, b] = first === guarded.url ? [x, y] : [y, x];
      if (a.errors + b.errors > 0) throw new Error(`${a.errors + b.errors} holder sign-ins failed`);
      if (round === 0) continue;
      throttled.push(a.perSecond);
      unthrottled.push(b.perSecond);
    }
    console.log(
      `holder sign-in: ${median(throttled).toFixed(0)}/s throttled vs ${median(unthrottled).toFixed(0)}/s unthrottled`,
    );
    ratioFigure(
      'holder sign-in, throttle on',
      `${median(throttled).toFixed(0)}/s`,
      `throttle off ${median(unthrottled).toFixed(0)}/s`,
      throttled.map((perSecond, round) => perSecond / unthrottled[round]!),
      0.8,
    );
  }

  if (want('upload')) {
    // A GAP claim document through the real route (multipart, holder token), generated as a stream:
    // a PDF header then filler. Growth of the process's RSS and heap at their peak during each upload.
    const demo = await startApp({ COVERWISE_DEMO: '1', COVERWISE_UPLOAD_MAX_MB: '200' });
    opened.push(demo);
    const holder = DEMO_HOLDERS.find((h) => h.state === 'TX') ?? DEMO_HOLDERS[0]!;
    const started = await fetch(`${demo.url}/api/v1/gap-claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        lastName: holder.lastName,
        zip: holder.zip,
        vin: holder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      }),
    });
    if (started.status !== 201) throw new Error(`GAP claim start failed: ${await started.text()}`);
    const claim = (await started.json()) as {
      id: string;
      token: string;
      requiredDocuments: { type: string }[];
    };

    // The client runs in a child process, so only the server's memory is measured.
    async function upload(type: string, sizeBytes: number): Promise<{ rssMb: number; heapMb: number }> {
      gc();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
      }, 5);
      const child = spawn(process.execPath, [path.join(import.meta.dirname, 'upload-client.mjs')], {
        env: {
          ...process.env,
          UPLOAD_URL: `${demo.url}/api/v1/gap-claims/${claim.id}/documents`,
          UPLOAD_TOKEN: claim.token,
          UPLOAD_TYPE: type,
          UPLOAD_BYTES: String(sizeBytes),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearInterval(sampler);
      if (code !== 0 || !output.startsWith('201')) throw new Error(`upload of ${sizeBytes} bytes: ${output}`);
      return { rssMb: (peakRss - before.rss) / 2 ** 20, heapMb: (peakHeap - before.heapUsed) / 2 ** 20 };
    }
    const types = claim.requiredDocuments.map((d) => d.type);
    await upload(types[0]!, 64 * 1024); // warm-up: code paths and buffers loaded once
    const small = await upload(types[1 % types.length]!, 2 ** 20);
    const large = await upload(types[2 % types.length]!, 100 * 2 ** 20);
    const growth = large.rssMb - small.rssMb;
    console.log(
      `document upload: peak growth 1 MB file rss +${small.rssMb.toFixed(1)} MB heap +${small.heapMb.toFixed(1)} MB; ` +
        `100 MB file rss +${large.rssMb.toFixed(1)} MB heap +${large.heapMb.toFixed(1)} MB`,
    );
    figures.push({
      name: 'document upload memory, 1 MB → 100 MB file',
      subject: `100 MB: rss +${large.rssMb.toFixed(1)} MB, heap +${large.heapMb.toFixed(1)} MB`,
      baseline: `1 MB: rss +${small.rssMb.toFixed(1)} MB, heap +${small.heapMb.toFixed(1)} MB`,
      value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
      target: '≤ 30 MB',
      met: growth <= 30,
    });
  }
} finally {
  for (const app of opened.reverse()) await app.close();
}

console.log(`\n| figure (${engineName}) | measured | baseline | ratio | target |\n|---|---|---|---|---|`);
for (const f of figures) {
  console.log(
    `| ${f.name} | ${f.subject} | ${f.baseline} | ${f.value} | ${f.target} ${f.met ? 'met' : 'MISSED'} |`,
  );
}
process.exitCode = figures.every((f) => f.met) ? 0 : 1;
