// The server as a real child process: the data-directory lock and graceful shutdown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAllProcesses, startProcess, startServerProcess } from '../support/process.js';

afterEach(() => killAllProcesses());

describe('the server process', () => {
  it('refuses a second process on the same data directory with a clear message', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lock-'));
    const env = { COVERWISE_DATA_DIR: dataDir, COVERWISE_DEMO: '0' };
    const first = await startServerProcess(env);
    const second = startProcess(['src/main.ts'], { ...env, PORT: '0', COVERWISE_WEB_DIR: 'none' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('is in use by another Coverwise process');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The lock is released on shutdown: a new process can start on the same directory.
    const third = await startServerProcess(env);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('lets an in-flight request finish when SIGTERM arrives, then exits cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-term-'));
    const server = await startServerProcess(
      { COVERWISE_DATA_DIR: dataDir, COVERWISE_DEMO: '0' },
      'test/support/slow-server.ts',
    );
    const inFlight = fetch(`${server.baseUrl}/test/slow`);
    await server.waitForOutput(/slow request in flight/);
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'coverwise.lock'))).toBe(false);
  });

  it('exits in bounded time on SIGTERM with its stdout on a pipe whose reader is gone (the built server)', async () => {
    const built = path.resolve('dist/src/main.js');
    expect(fs.existsSync(built), `${built} is missing: run npm run build:server first`).toBe(true);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-pipe-'));
    const server = await startServerProcess({ COVERWISE_DATA_DIR: dataDir, COVERWISE_DEMO: '0' }, built);
    // The reader of its stdout goes away; the server goes on logging into the broken pipe.
    server.child.stdout?.destroy();
    for (let i = 0; i < 20; i++) expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    // Exit code 0: the orderly path, not the watchdog (which would SIGKILL it, 5 s after the timeout).
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'coverwise.lock'))).toBe(false);
  });

  it('is ended by its watchdog when the main thread blocks while exiting', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-watchdog-'));
    const server = await startServerProcess(
      {
        COVERWISE_DATA_DIR: dataDir,
        COVERWISE_DEMO: '0',
        COVERWISE_TEST_BLOCK_EXIT: '1',
        COVERWISE_SHUTDOWN_TIMEOUT_SECONDS: '1',
      },
      'test/support/slow-server.ts',
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toBeNull();
    expect(server.child.signalCode).toBe('SIGKILL');
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('stops at start-up with a message naming a bad setting', async () => {
    const server = startProcess(['src/main.ts'], { PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('PORT: must be a whole number');
  });
});
