// Starts the real app in this process on a random port, with a fresh database and (by default) demo
// data, serving the built web app from dist/web. Browser tests and HTTP tests use it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BuiltApp, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/platform/clock.js';
import { ENGINES, type TestEngine } from './engines.js';
import { migratedPgliteImage } from './pglite-image.js';

export interface TestServer {
  baseUrl: string;
  built: BuiltApp;
  /** The PostgreSQL server database it uses (null on PGlite): a second app may share it. */
  databaseUrl: string | null;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    demo?: boolean;
    /** With demo: also write the demo's year of history (slower; off by default). */
    demoHistory?: boolean;
    engine?: TestEngine;
    clock?: Clock;
    env?: Record<string, string>;
    /** Share an existing server database (two app processes on one PostgreSQL); it is not dropped on close. */
    sharedDatabaseUrl?: string;
    /** Start pg-boss and its workers (emails are then sent; see test/support/smtp.ts). Off by default. */
    startJobs?: boolean;
  } = {},
): Promise<TestServer> {
  const engine = options.engine ?? ENGINES[0]!;
  const databaseUrl = options.sharedDatabaseUrl ?? (await engine.createMigratedDatabaseUrl());
  const config = loadConfig({
    COVERWISE_DATA_DIR: 'memory://',
    COVERWISE_DEMO: options.demo === false ? '0' : '1',
    COVERWISE_DEMO_HISTORY: options.demoHistory ? '1' : '0',
    COVERWISE_WEB_DIR: path.resolve('dist/web'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    COVERWISE_DOCUMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cw-documents-')),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  // loadConfig resolves the data dir as a path; the in-memory PGlite wants the literal URL.
  const built = await buildApp(
    { ...config, dataDir: 'memory://' },
    {
      startJobs: options.startJobs ?? false,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(databaseUrl === null ? { pgliteImage: await migratedPgliteImage() } : {}),
    },
  );
  const address = await built.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl: address,
    built,
    databaseUrl,
    async close() {
      await built.close();
      if (!options.sharedDatabaseUrl) await engine.dropDatabase(databaseUrl);
    },
  };
}
