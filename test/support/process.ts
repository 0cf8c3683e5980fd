// Child processes and waiting in tests. A test waits on a condition (a line in a process's output, a
// file appearing, a row committed), never on a fixed sleep or a time budget sized for an idle machine:
// on a busy machine every step is slower, and only a hang should fail the test. A wait fails at once,
// with what was awaited and the process's output, when the process it depends on exits.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface WaitOptions {
  /** A reason to stop waiting at once (e.g. the server exited), or null to go on. */
  failIf?: () => string | null;
  /** How long to wait between probes. */
  intervalMs?: number;
  /**
   * Only a guard against a hang, not a performance budget: long enough for the slowest machine that
   * still works (the test's own timeout is the outer guard).
   */
  hangAfterMs?: number;
}

/** Polls `probe` until it returns something other than undefined/false/null, and returns that. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const interval = options.intervalMs ?? 25;
  const hangAt = Date.now() + (options.hangAfterMs ?? 300_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as T;
    const failure = options.failIf?.();
    if (failure) throw new Error(`gave up waiting for ${what}: ${failure}`);
    if (Date.now() > hangAt) throw new Error(`gave up waiting for ${what}: it looks hung`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null after a signal) when the process has ended and its output is read. */
  exited: Promise<number | null>;
  /** Null while running, else how it ended. */
  exitReason(): string | null;
  /** Waits for a line matching `pattern` in the output; fails at once if the process exits first. */
  waitForOutput(pattern: RegExp, what?: string): Promise<RegExpExecArray>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every process `startProcess` started that is still running (for afterEach/afterAll). */
export function killAllProcesses(): void {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/**
 * Starts `node <args>` (with the tsx loader when a `.ts` file is run), so that a signal sent to it
 * reaches the program itself (the tsx CLI would stand in between).
 */
export function startProcess(args: string[], env: Record<string, string>): RunningProcess {
  const script = args[0] ?? '';
  const nodeArgs = script.endsWith('.ts') ? ['--import', 'tsx', ...args] : args;
  const child = spawn(process.execPath, nodeArgs, {
    cwd: path.resolve('.'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let reason: string | null = null;
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => {
      reason = `exited with ${code ?? signal}`;
      running.delete(child);
      resolve(code);
    }),
  );
  const handle: RunningProcess = {
    child,
    output: () => output,
    exited,
    exitReason: () => reason,
    waitForOutput: (pattern, what = `${pattern} in the output of ${script}`) =>
      waitFor(what, () => pattern.exec(output), {
        failIf: () => (reason ? `${script} ${reason}:\n${output}` : null),
      }),
    async kill() {
      if (reason === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return handle;
}

/** Starts the server (`src/main.ts` unless told) and waits until it is listening; returns its URL. */
export async function startServerProcess(
  env: Record<string, string>,
  script = 'src/main.ts',
): Promise<RunningProcess & { baseUrl: string }> {
  const server = startProcess([script], {
    LOG_LEVEL: 'info',
    COVERWISE_RUN_JOBS: '0',
    COVERWISE_WEB_DIR: 'none',
    PORT: '0',
    ...env,
  });
  const match = await server.waitForOutput(/serving on (http:\/\/[^\s"]+)/, `${script} to listen`);
  return Object.assign(server, { baseUrl: match[1]! });
}
