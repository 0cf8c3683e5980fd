// The README's commands are what a newcomer types first; when one of them names a script, a file, a
// setting or an endpoint that is gone, the newcomer is the first to find out. This test reads every
// `sh` block of the README and checks what it names against the repository, and runs the README's
// dealer curl session, as printed, against the server with the demo data.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config-settings.js';
import { FakeClock } from '../../src/platform/clock.js';
import { startTestServer } from '../support/server.js';

const readme = fs.readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const commands = blocks.flatMap((block) =>
  block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#')),
);
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const NPM_BUILTINS = new Set(['ci', 'install', 'start', 'test']);

describe('the README', () => {
  it('has the two commands of a newcomer, and CI runs exactly the test command', () => {
    expect(blocks[0]?.trim()).toBe('npm ci && npm start');
    expect(blocks[1]?.trim()).toBe('npm ci && npm test');
    const ci = fs.readFileSync('.ci/run', 'utf8').trim().split('\n');
    expect(ci.slice(-2)).toEqual(['npm ci', 'npm test']);
  });

  it('names only npm scripts that exist', () => {
    const named = commands.flatMap((line) =>
      [...line.matchAll(/\bnpm (?:run )?([a-z][\w:-]*)/g)].map((m) => m[1] ?? ''),
    );
    expect(named.length).toBeGreaterThan(5);
    const missing = named.filter((name) => name !== 'run' && !NPM_BUILTINS.has(name) && !pkg.scripts[name]);
    expect(missing).toEqual([]);
  });

  it('names only files that exist (a built file by its source)', () => {
    const files = commands.flatMap((line) =>
      [...line.matchAll(/(?:^|\s|@)((?:dist|samples|scripts|bench|deploy)\/[\w./-]+)/g)].map(
        (m) => m[1] ?? '',
      ),
    );
    expect(files.length).toBeGreaterThan(2);
    const source = (file: string) =>
      file.startsWith('dist/') ? file.replace(/^dist\//, '').replace(/\.js$/, '.ts') : file;
    expect(files.filter((file) => !fs.existsSync(source(file)))).toEqual([]);
  });

  it('names only settings the server reads', () => {
    const known = new Set([...SETTINGS.flatMap((s) => s.names), 'BENCH_APP_NODE_ARGS']);
    const named = commands.flatMap((line) =>
      [...line.matchAll(/\b((?:COVERWISE|DATABASE|BENCH)_[A-Z_]+|PORT|HOST)=/g)].map((m) => m[1] ?? ''),
    );
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });

  it('calls only endpoints the OpenAPI document describes', () => {
    const openapi = JSON.parse(fs.readFileSync('openapi/openapi.json', 'utf8')) as {
      paths: Record<string, unknown>;
    };
    const patterns = Object.keys(openapi.paths).map(
      (p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    );
    const called = blocks
      .join('\n')
      .split(/\s+/)
      .map((word) => /(?:\$BASE|\/api\/v1)(\/[\w/$-]+)/.exec(word.replace(/["'?].*$/, ''))?.[1])
      .filter((p): p is string => Boolean(p))
      .map((p) => `/api/v1${p.replace(/\$[A-Z_]+/g, 'x')}`);
    expect(called.length).toBeGreaterThan(5);
    expect(called.filter((p) => !patterns.some((re) => re.test(p)))).toEqual([]);
  });

  it("runs the dealer developer's curl session, as printed, against the server with the demo data", async () => {
    const session = blocks.find((block) => block.includes('$BASE/rates'));
    expect(session, 'the README has a dealer curl session').toBeDefined();
    // The session sells on a printed date, and the server judges rates and the void window by its own
    // clock: the server's clock stands on that date (10:00 in New York, its business time zone), so the
    // session runs as printed whatever the wall clock says.
    const saleDate = /"saleDate": "(\d{4}-\d{2}-\d{2})"/.exec(session!)?.[1];
    expect(saleDate, 'the session sells on a printed date').toBeDefined();
    const server = await startTestServer({ demo: true, clock: new FakeClock(`${saleDate}T15:00:00Z`) });
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-readme-work-'));
    try {
      const script = `set -euo pipefail\n${session!.replace(/^BASE=.*$/m, `BASE=${server.baseUrl}/api/v1`)}`;
      // Not spawnSync: the server answers curl from this process's event loop.
      const run = await new Promise<{ status: number | string | null; stdout: string; stderr: string }>(
        (resolve) =>
          execFile(
            'bash',
            ['-c', script],
            { cwd: workDir, encoding: 'utf8', timeout: 120_000 },
            (error, stdout, stderr) =>
              resolve({ status: error ? (error.code ?? error.signal ?? null) : 0, stdout, stderr }),
          ),
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      // The void answers the contract's new status; the dealer's list names the contract it booked.
      expect(run.stdout).toContain('"void"');
      const contract = JSON.parse(fs.readFileSync(path.join(workDir, 'contract.json'), 'utf8')) as {
        contractNumber?: string;
      };
      expect(contract.contractNumber, JSON.stringify(contract)).toBeTruthy();
      expect(run.stdout).toContain(contract.contractNumber);
      expect(fs.readFileSync(path.join(workDir, 'contract.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await server.close();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});
