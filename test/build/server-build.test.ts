// The built server is what `npm start` and `npm run worker` run: compiled JavaScript, where the
// dealer-file checker's worker thread loads its own compiled module (the tests run the TypeScript
// sources through tsx, which would not show a worker missing from the build). `npm test` builds the
// server before this test runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { seedDemoDealersIn } from '../support/dealer-channel.js';

const CLI = path.resolve('dist/src/contracts/import-cli.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-built-import-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

it('imports the sample dealer file with the built import CLI (its checker in a worker thread)', async () => {
  // The sample file's dealers (the demo dealers) are on file before the import.
  await seedDemoDealersIn(dataDir);
  expect(fs.existsSync(CLI), `${CLI} is missing: run npm run build:server first`).toBe(true);
  expect(fs.existsSync(path.resolve('dist/src/contracts/contract-file.worker.js'))).toBe(true);
  const result = spawnSync(process.execPath, [CLI, 'samples/contracts-sample.csv'], {
    env: { ...process.env, COVERWISE_DATA_DIR: dataDir, COVERWISE_DEMO: '0', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/15 rows read, 12 accepted, 0 duplicates, 3 rejected/);
  expect(result.stdout).toMatch(/line 14\tinvalid_vin/);
});
