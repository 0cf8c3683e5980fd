// The worker thread that checks dealer files for this process's imports (contract-file.worker.ts):
// started at the first import and kept (unreferenced while no import runs, so it never holds the
// process open), shared by concurrent imports, each a session of its own. Compute only: nothing in it
// is state another process would need.
import { Worker } from 'node:worker_threads';
import type { ContractFileOptions, FileStep } from './contract-file.js';

export type WorkerRequest =
  | { session: number; type: 'open'; options: ContractFileOptions }
  | { session: number; type: 'text'; text: string | Uint8Array }
  | { session: number; type: 'end' | 'cut' | 'close' };

export type WorkerReplyBody =
  | { type: 'steps'; steps: FileStep[]; consumed: boolean }
  | { type: 'failed'; message: string };

export type WorkerReply = WorkerReplyBody & { session: number };

interface Listener {
  onSteps(steps: FileStep[]): void;
  onConsumed(): void;
  onFailed(error: Error): void;
}

interface SharedWorker {
  worker: Worker;
  listeners: Map<number, Listener>;
}

let shared: SharedWorker | null = null;
let nextSession = 1;

function startWorker(): Worker {
  const entry = new URL(
    `./contract-file.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  if (entry.pathname.endsWith('.ts')) {
    // Run from the TypeScript sources (tests, tsx scripts): the worker loads them through tsx, a
    // development dependency. The built product runs the compiled .js directly.
    return new Worker(
      `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`,
      { eval: true },
    );
  }
  return new Worker(entry);
}

function sharedWorker(): SharedWorker {
  if (shared) return shared;
  const state: SharedWorker = { worker: startWorker(), listeners: new Map() };
  state.worker.unref();
  state.worker.on('message', (reply: WorkerReply) => {
    const listener = state.listeners.get(reply.session);
    if (!listener) return;
    if (reply.type === 'failed') {
      listener.onFailed(new Error(`The dealer-file checker failed: ${reply.message}`));
      return;
    }
    listener.onSteps(reply.steps);
    if (reply.consumed) listener.onConsumed();
  });
  const fail = (error: Error) => {
    if (shared === state) shared = null;
    for (const listener of state.listeners.values()) listener.onFailed(error);
    state.listeners.clear();
  };
  state.worker.on('error', fail);
  state.worker.on('exit', (code) => fail(new Error(`The dealer-file checker stopped (exit code ${code}).`)));
  shared = state;
  return state;
}

/**
 * How much of the file the worker is handed ahead of what it has read: about two of the largest batches
 * (DEFAULT_IMPORT_BATCH_SIZE) of typical rows (about 420 characters each). The worker must hold the next
 * batch's text before a batch is written: on the embedded PGlite a write runs on this thread and blocks
 * it, so text handed over only after each piece was read left the worker idle for the whole write
 * (checking and writing took turns instead of overlapping).
 */
export const READ_AHEAD_CHARACTERS = 4 * 2 ** 20;

export interface ContractFileSession {
  /**
   * Hands the worker a chunk of the file; resolves once what it has not read yet (this chunk included)
   * is at most READ_AHEAD_CHARACTERS, so that memory stays flat whatever the file's size.
   */
  push(chunk: string | Uint8Array): Promise<void>;
  /** The end of the file: the last batch; resolves once the worker has read everything (steps given before). */
  end(): Promise<void>;
  /** The file is cut off here (a size limit): the last batch, without the unfinished record. */
  cut(): Promise<void>;
  close(): void;
}

/** Opens a check of one file; `onSteps` gets the header's verdict and the batches, in file order. */
export function openContractFileSession(
  options: ContractFileOptions,
  onSteps: (steps: FileStep[]) => void,
): ContractFileSession {
  const { worker, listeners } = sharedWorker();
  const session = nextSession++;
  // The sizes of the requests sent and not yet read by the worker, oldest first (it replies to each in order).
  const unread: number[] = [];
  let unreadCharacters = 0;
  let waiting: { until: () => boolean; resolve: () => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  let closed = false;
  listeners.set(session, {
    onSteps,
    onConsumed() {
      unreadCharacters -= unread.shift() ?? 0;
      if (waiting?.until()) {
        const pending = waiting;
        waiting = null;
        pending.resolve();
      }
    },
    onFailed(error) {
      failure = error;
      const pending = waiting;
      waiting = null;
      pending?.reject(error);
    },
  });
  // While an import runs, its worker keeps the process alive (a CLI import may have nothing else).
  if (listeners.size === 1) worker.ref();
  worker.postMessage({ session, type: 'open', options } satisfies WorkerRequest);

  /** Sends a request of `size` characters; resolves once `until()` holds. */
  function send(request: WorkerRequest, size: number, until: () => boolean, transfer: ArrayBuffer[] = []) {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('The dealer-file check is closed.'));
    unread.push(size);
    unreadCharacters += size;
    worker.postMessage(request, transfer);
    if (until()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waiting = { until, resolve, reject };
    });
  }
  const roomAhead = () => unreadCharacters <= READ_AHEAD_CHARACTERS;
  const allRead = () => unread.length === 0;

  return {
    push(chunk) {
      if (typeof chunk === 'string')
        return send({ session, type: 'text', text: chunk }, chunk.length, roomAhead);
      // A copy of just these bytes, handed over (a stream's chunk may be a view of a larger buffer).
      const bytes = new Uint8Array(chunk);
      return send({ session, type: 'text', text: bytes }, bytes.length, roomAhead, [bytes.buffer]);
    },
    end: () => send({ session, type: 'end' }, 0, allRead),
    cut: () => send({ session, type: 'cut' }, 0, allRead),
    close() {
      if (closed) return;
      closed = true;
      listeners.delete(session);
      if (!failure) worker.postMessage({ session, type: 'close' } satisfies WorkerRequest);
      if (listeners.size === 0) worker.unref();
    },
  };
}
