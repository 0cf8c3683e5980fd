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

export interface ContractFileSession {
  /** Hands the worker a chunk of the file; resolves once it has read all of it (its steps given before). */
  push(chunk: string | Uint8Array): Promise<void>;
  /** The end of the file: the last batch. */
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
  let waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  let closed = false;
  listeners.set(session, {
    onSteps,
    onConsumed() {
      const pending = waiting;
      waiting = null;
      pending?.resolve();
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

  function send(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<void> {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('The dealer-file check is closed.'));
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      worker.postMessage(request, transfer);
    });
  }

  return {
    push(chunk) {
      if (typeof chunk === 'string') return send({ session, type: 'text', text: chunk });
      // A copy of just these bytes, handed over (a stream's chunk may be a view of a larger buffer).
      const bytes = new Uint8Array(chunk);
      return send({ session, type: 'text', text: bytes }, [bytes.buffer]);
    },
    end: () => send({ session, type: 'end' }),
    cut: () => send({ session, type: 'cut' }),
    close() {
      if (closed) return;
      closed = true;
      listeners.delete(session);
      if (!failure) worker.postMessage({ session, type: 'close' } satisfies WorkerRequest);
      if (listeners.size === 0) worker.unref();
    },
  };
}
