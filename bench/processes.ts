// Processes of the bench: the app as `node dist/src/main.js`, the baseline server, the autocannon load
// client, each a child process of its own, and the resident memory of a process read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..');

// Every process the bench starts, until it exits. If the bench itself dies (an exception thrown in an
// event handler skips run.ts's cleanups), they are killed as it exits: a server left running would
// take CPU from the next measurement on this machine.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `spawn`, with the child killed if the bench exits before it. */
export function spawnChild(...args: Parameters<typeof spawn>): ChildProcess {
  const child = spawn(...args);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface Child {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([
    new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
    sleep(ms).then(() => false),
  ]);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 30_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };
}

/** A free TCP port on loopback, found by listening on port 0 and closing. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The built app (`node dist/src/main.js`, as `npm start` runs it) with `env` on top of the bench's
 * environment; its log goes to a file (a file never blocks the writer); resolves once /readyz answers.
 */
export async function startAppProcess(env: Record<string, string>, label: string): Promise<Child> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `cw-bench-${label}-${process.pid}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  // e.g. BENCH_APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/profiles' to profile the servers (app, baseline).
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnChild(process.execPath, [...nodeArgs, path.join(root, 'dist/src/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `${label} exited (${child.exitCode}): ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error(
        `${label} was not ready within 180 s: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
    }
    await sleep(100);
  }
  return { url, pid: child.pid!, logFile, stop: stopper(child) };
}

/** bench/baseline-server.mjs, a bare Fastify over the same database. */
export async function startBaseline(env: Record<string, string>): Promise<Child> {
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnChild(
    process.execPath,
    [...nodeArgs, path.join(import.meta.dirname, 'baseline-server.mjs')],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    // Its first line of JSON names its URL (node flags such as --trace-gc may print lines before it).
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n').find((l, i, lines) => i < lines.length - 1 && l.startsWith('{"url":'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
  });
  child.stdout!.resume();
  return { url, pid: child.pid!, logFile: '', stop: stopper(child) };
}

export interface LoadRequest {
  path: string;
  method?: string;
  body?: string;
  /** Headers of this request on top of the run's common ones. */
  headers?: Record<string, string>;
}
export interface LoadResult {
  perSecond: number;
  ok: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** One autocannon run from bench/load-client.mjs, a process of its own. */
export async function runLoad(spec: {
  url: string;
  connections: number;
  seconds: number;
  /** Exactly this many requests instead of `seconds` of them. */
  amount?: number;
  headers?: Record<string, string>;
  requests: LoadRequest[];
}): Promise<LoadResult> {
  // The spec goes in a file: a long request list would overflow the environment's size limit.
  const specFile = path.join(os.tmpdir(), `cw-bench-load-${process.pid}-${randomUUID()}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const child = spawnChild(process.execPath, [path.join(import.meta.dirname, 'load-client.mjs'), specFile], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  fs.rmSync(specFile, { force: true });
  if (code !== 0) throw new Error(`load client exited ${code}: ${output}`);
  return JSON.parse(output) as LoadResult;
}

/** A field of /proc/<pid>/status in MiB (VmRSS: resident now; VmHWM: the peak since the last reset). */
export function procMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Resets the process's peak resident size (VmHWM) to its current one (Linux: clear_refs 5). */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user + system) the process has used so far, in milliseconds (/proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
