// Where the logs go: standard output, written asynchronously (sonic-boom, as pino does by default),
// but owned here so that shutdown never waits on it without a bound. pino's own default destination
// flushes synchronously when the process exits, and sonic-boom 4's synchronous flush retries a failed
// write forever: with stdout on a pipe whose reader had died (EPIPE), `process.exit` never returned.
// Here a write error stops the logging (there is nobody left to read it), and shutdown flushes what is
// buffered asynchronously with a deadline.
import sonicBoom, { type SonicBoom } from 'sonic-boom';

// The CommonJS module is the class itself; its type declarations name it as a member.
const SonicBoomClass = sonicBoom as unknown as typeof SonicBoom;

let destination: SonicBoom | null = null;
let broken = false;

/** The process's one log destination (standard output). */
export function logDestination(): SonicBoom {
  if (destination) return destination;
  // Lines are written out in batches (at 4 KB, or every 50 ms, whichever comes first), not one write
  // per line: each write goes through libuv's thread pool, a hand-off to another thread and back,
  // which cost a busy server more than formatting the line (two lines a request). A line reaches the
  // file at most 50 ms late; shutdown (endLogs) writes out what is buffered.
  const stream = new SonicBoomClass({ fd: 1, sync: false, minLength: 4096, periodicFlush: 50 });
  stream.on('error', () => {
    // EPIPE (the reader is gone) or any other write error: drop the logs from now on.
    broken = true;
    stream.write = () => true;
  });
  destination = stream;
  return stream;
}

/**
 * Writes out what is buffered and closes the destination (the last thing before the process exits);
 * gives up after `timeoutMs` when the reader is dead or stalled.
 */
export function endLogs(timeoutMs: number): Promise<void> {
  const stream = destination;
  if (!stream || broken) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.once('close', done);
    stream.once('error', done);
    try {
      stream.end();
    } catch {
      done();
    }
  });
}
