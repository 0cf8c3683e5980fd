// Batches of one file written in file order, with more than one transaction under way at once on a
// PostgreSQL server (the lender-event runs and the dealer-file import): while one batch's transaction
// does the work after its rows are in (journal entry, progress row, commit), the next one already
// writes its rows, so the app and the database are not each waiting for the other. A later batch
// stays behind the one before in two places:
// - it claims its rows (locks the contracts it changes, inserts the contracts it adds) only once the
//   batch before has claimed its own, so a row in both is the earlier batch's first and the later batch
//   waits for it to commit (never the other way round, which would deadlock outside the database's sight:
//   the later batch waits in the app for the earlier's commit);
// - it touches the run's shared row and commits only once the batch before has committed, and rolls
//   back when that one failed: what is committed is always the file's first batches.
// The embedded PGlite has one connection, so there one batch is under way at a time.
import type { Engine } from './database.js';

/**
 * Where a batch stands, for the batch after it: `claimed` once it holds every row a later batch could
 * want too, `committed` once it committed. Both are rejected when it failed (the later batch then rolls
 * back without writing: what it wrote would follow a gap in the file).
 */
export interface BatchOrder {
  claimed: Promise<void>;
  committed: Promise<void>;
  claimedNow(): void;
  /** Ties `committed` to the batch's write (its end also counts as claimed: nothing is held any more). */
  settle(written: Promise<unknown>): void;
}

export function batchOrder(): BatchOrder {
  let claimedNow = () => {};
  let claimFailed: (error: unknown) => void = () => {};
  const claimed = new Promise<void>((resolve, reject) => {
    claimedNow = resolve;
    claimFailed = reject;
  });
  let settle: (written: Promise<unknown>) => void = () => {};
  const committed = new Promise<void>((resolve, reject) => {
    settle = (written) => {
      written.then(
        () => {
          claimedNow();
          resolve();
        },
        (error: unknown) => {
          claimFailed(error);
          reject(error);
        },
      );
    };
  });
  // A batch's failure reaches the run through the batch awaited last; no rejection goes unhandled.
  claimed.catch(() => {});
  committed.catch(() => {});
  return { claimed, committed, claimedNow, settle };
}

/** The order of "the batch before" the first one: nothing to wait for. */
export const FIRST_BATCH: BatchOrder = {
  claimed: Promise.resolve(),
  committed: Promise.resolve(),
  claimedNow: () => {},
  settle: () => {},
};

/** Batch transactions one run may have under way at once on this engine (see the head of this file). */
export function batchesUnderWay(engine: Engine): number {
  return engine === 'pglite' ? 1 : 2;
}
