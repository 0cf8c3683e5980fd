// The worker thread that checks dealer files (contract-file.ts) for the imports of this process, so
// that the next batch is checked while the one before is written. It holds one checker per open
// import: text in, steps out, in order.
import { parentPort } from 'node:worker_threads';
import { createUtf8ChunkDecoder, type Utf8ChunkDecoder } from '../shared/utf8-text.js';
import {
  type ContractFileChecker,
  type ContractFileOptions,
  createContractFileChecker,
} from './contract-file.js';
import type { WorkerReplyBody, WorkerRequest } from './contract-file-pool.js';

if (!parentPort) throw new Error('contract-file.worker runs as a worker thread');
const port = parentPort;
const PIECE_CHARACTERS = 64 * 1024;
const sessions = new Map<number, { checker: ContractFileChecker; decoder: Utf8ChunkDecoder }>();

function open(session: number, options: ContractFileOptions): void {
  sessions.set(session, { checker: createContractFileChecker(options), decoder: createUtf8ChunkDecoder() });
}

/** The batches' COPY bytes, handed over rather than copied. */
function transferList(message: WorkerReplyBody): ArrayBuffer[] {
  if (message.type !== 'steps') return [];
  const buffers: ArrayBuffer[] = [];
  for (const step of message.steps)
    if (step.kind === 'batch') buffers.push(step.batch.copyData.buffer as ArrayBuffer);
  return buffers;
}

port.on('message', (request: WorkerRequest) => {
  const reply = (message: WorkerReplyBody) =>
    port.postMessage({ session: request.session, ...message }, transferList(message));
  try {
    if (request.type === 'open') {
      open(request.session, request.options);
      return;
    }
    const state = sessions.get(request.session);
    if (!state) return; // closed meanwhile
    if (request.type === 'close') {
      sessions.delete(request.session);
      return;
    }
    const { checker, decoder } = state;
    if (request.type === 'text') {
      // Bytes are decoded here, strictly as UTF-8 (each byte that is not is marked: the checker rejects
      // its row), with a character split between two chunks put back together.
      const text = typeof request.text === 'string' ? request.text : decoder.decode(request.text);
      // A large chunk is read a piece at a time, each piece's batches sent at once: the first ones are
      // written while the rest are checked.
      for (let from = 0; from < text.length; from += PIECE_CHARACTERS) {
        const last = from + PIECE_CHARACTERS >= text.length;
        const steps = checker.push(text.slice(from, from + PIECE_CHARACTERS));
        if (steps.length > 0 || last) reply({ type: 'steps', steps, consumed: last });
      }
      if (text.length === 0) reply({ type: 'steps', steps: [], consumed: true });
    } else if (request.type === 'end') {
      const tail = decoder.end();
      reply({ type: 'steps', steps: [...checker.push(tail), ...checker.end()], consumed: true });
      sessions.delete(request.session);
    } else {
      reply({ type: 'steps', steps: checker.cut(), consumed: true });
      sessions.delete(request.session);
    }
  } catch (error) {
    sessions.delete(request.session);
    reply({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
