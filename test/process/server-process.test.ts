// The server as a real child process: the data-directory lock and graceful shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const TSX = path.resolve('node_modules/.bin/tsx');
const children: ChildProcess[] = [];

function startServer(script: string, env: Record<string, string>) {
  const child = spawn(TSX, [script], {
    env: { ...process.env, LOG_LEVEL: 'info', COVERWISE_RUN_JOBS: '0', COVERWISE_WEB_DIR: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /serving on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`server exited before listening:\n${output}`));
    });
  });
  // A test that expects the process to fail never awaits `listening`; keep its rejection handled.
  listening.catch(() => {});
  return { child, exited, listening, output: () => output };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('the server process', () => {
  it('refuses a second process on the same data directory with a clear message', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lock-'));
    const first = startServer('src/main.ts', { COVERWISE_DATA_DIR: dataDir, PORT: '0', COVERWISE_DEMO: '0' });
    await first.listening;
    const second = startServer('src/main.ts', {
      COVERWISE_DATA_DIR: dataDir,
      PORT: '0',
      COVERWISE_DEMO: '0',
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('is in use by another Coverwise process');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The lock is released on shutdown: a new process can start on the same directory.
    const third = startServer('src/main.ts', { COVERWISE_DATA_DIR: dataDir, PORT: '0', COVERWISE_DEMO: '0' });
    await third.listening;
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('lets an in-flight request finish when SIGTERM arrives, then exits cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-term-'));
    const server = startServer('test/support/slow-server.ts', {
      COVERWISE_DATA_DIR: dataDir,
      PORT: '0',
      COVERWISE_DEMO: '0',
    });
    const baseUrl = await server.listening;
    const inFlight = fetch(`${baseUrl}/test/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'coverwise.lock'))).toBe(false);
  });

  it('stops at start-up with a message naming a bad setting', async () => {
    const server = startServer('src/main.ts', { PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('PORT: must be a whole number');
  });
});
