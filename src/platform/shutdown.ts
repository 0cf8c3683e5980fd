// Shutdown in bounded time, whatever the log sink or a stuck connection does. On SIGTERM/SIGINT the
// process stops taking work, lets in-flight work finish, closes the database and exits. Two guards
// bound it: a timer on the event loop (logs, then exits 1) and, for the case where the main thread
// itself is blocked and no timer of its can run (a synchronous write that never returns, an exit
// handler that spins), a watchdog thread that kills the process a few seconds later. An orchestrator
// sends SIGTERM and waits; it never waits longer than the shutdown timeout plus those seconds.
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { endLogs } from './log-stream.js';

/** After this much more than the shutdown timeout, the watchdog kills the process. */
export const WATCHDOG_GRACE_MS = 5_000;

/**
 * Starts a thread that SIGKILLs this process after `ms` unless it has exited by then. It runs beside
 * the main thread, so it fires even when the main thread is blocked in a synchronous call.
 */
export function armExitWatchdog(ms: number): void {
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.ms);`,
    { eval: true, workerData: { pid: process.pid, ms } },
  );
  worker.unref();
}

/** Runs `stop` on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function exitOnTerminationSignals(options: {
  log: FastifyBaseLogger;
  /** Stop taking work, let in-flight work finish, release everything. */
  stop: () => Promise<void>;
  timeoutMs: number;
  /** What is finishing, for the log line ("in-flight requests", "running jobs"). */
  finishing: string;
}): void {
  const { log } = options;
  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    armExitWatchdog(options.timeoutMs + WATCHDOG_GRACE_MS);
    const deadline = setTimeout(() => {
      log.error(`shutdown took longer than ${options.timeoutMs / 1000} s; exiting`);
      void endLogs(1_000).then(() => process.exit(1));
    }, options.timeoutMs);
    deadline.unref();
    log.info(`${signal}: finishing ${options.finishing}, then closing the database`);
    let code = 0;
    try {
      await options.stop();
      log.info('stopped');
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      code = 1;
    }
    // The logs are written out before exiting, but never waited on for long: their reader may be gone.
    await endLogs(2_000);
    process.exit(code);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
