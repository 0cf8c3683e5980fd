// One transaction convention. A use case that changes state runs in ONE transaction, and the service
// opens it: each public state-changing service method takes an `InTransaction` as its first argument
// and runs all its work through it. The caller only chooses how that transaction is run:
//   - `transactional(db)`: a fresh transaction (a job, a CLI, a test);
//   - the runner `sendIdempotent` hands out (src/platform/http/idempotency.ts): a fresh transaction
//     that also checks and stores the request's Idempotency-Key record in it;
//   - `joining(trx)`: the step of a larger use case, inside that use case's transaction.
// Inside the service the work is a function of the open transaction (`(trx, ...args) => …`), so steps
// compose; `asUseCase` turns such a step into the public method.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** An open transaction. */
export type Tx = Transaction<Database>;

/** Runs `work` in the use case's one transaction and returns what `work` returned. */
export type InTransaction = <T>(work: (trx: Tx) => Promise<T>) => Promise<T>;

/** Each call runs its work in a new transaction on `db` (committed when the work resolves). */
export function transactional(db: Kysely<Database>): InTransaction {
  return (work) => db.transaction().execute(work);
}

/** Runs the work in a transaction that is already open: a use case that is a step of a larger one. */
export function joining(trx: Tx): InTransaction {
  return (work) => work(trx);
}

/**
 * The public form of a service step: `(run, ...args)` runs `step(trx, ...args)` in the transaction
 * `run` opens, and returns its result unchanged (an idempotent POST stores exactly that result).
 */
export function asUseCase<A extends unknown[], R>(
  step: (trx: Tx, ...args: A) => Promise<R>,
): (run: InTransaction, ...args: A) => Promise<R> {
  return (run, ...args) => run((trx) => step(trx, ...args));
}

/**
 * The runner `run`, with `then` done in the same transaction once the work has succeeded (before it
 * commits): e.g. an upload's file gets its stored name only in the transaction that records its row.
 */
export function followedBy(run: InTransaction, then: () => Promise<void>): InTransaction {
  return (work) =>
    run(async (trx) => {
      const value = await work(trx);
      await then();
      return value;
    });
}
