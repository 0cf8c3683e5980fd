// Large request bodies (document uploads, contract files) arrive as one new buffer per network read,
// each dead as soon as it is written on. V8 frees a dead buffer's memory only when it collects the
// small object that owns it, and a stream of big buffers allocates too few small objects to trigger
// a collection: a 100 MB upload left 25–35 MB of dead buffers waiting (`npm run bench -- --only
// upload` on PostgreSQL), enough that two or three uploads at once could reach a container's limit.
//
// `releaseReadBuffers(bytes)` counts the bytes a stream has passed on, process-wide, and after every
// 8 MB asks V8 for a minor collection (a scavenge of the young generation, where those small owners
// live: about half a millisecond). The collector is reached by exposing V8's `gc` to a fresh context
// once, as Node's `v8.setFlagsFromString` allows; where that is not possible the counting is all that
// happens and memory is left to V8's own schedule, as before.
import v8 from 'node:v8';
import vm from 'node:vm';

export const RELEASE_EVERY_BYTES = 8 * 2 ** 20;

type Collect = (options: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let collect: Collect | null | undefined;
let passedSinceCollection = 0;

function collector(): Collect | null {
  if (collect !== undefined) return collect;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') {
    collect = exposed as Collect;
    return collect;
  }
  try {
    v8.setFlagsFromString('--expose-gc');
    const found: unknown = vm.runInNewContext('gc');
    collect = typeof found === 'function' ? (found as Collect) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Counts `bytes` passed on by a body stream; every 8 MB, collects the young generation. */
export function releaseReadBuffers(bytes: number): void {
  passedSinceCollection += bytes;
  if (passedSinceCollection < RELEASE_EVERY_BYTES) return;
  passedSinceCollection = 0;
  collector()?.({ type: 'minor' });
}

/** Whether V8's collector can be reached in this process (it is on Node 20). */
export function readBufferCollectorAvailable(): boolean {
  return collector() !== null;
}
