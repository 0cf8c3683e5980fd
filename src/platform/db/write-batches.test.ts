import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from './unavailable.js';
import { DatabaseNotAnsweringError, writeBatches } from './write-batches.js';

/** A write function whose statements finish only when the test says so. */
function controlledWrites<T, R = T>(
  answer: (items: readonly T[]) => R[] | Error = (items) => [...items] as unknown as R[],
) {
  const statements: { items: T[]; finish(): void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const write = (items: readonly T[]) =>
    new Promise<R[]>((resolve, reject) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      statements.push({
        items: [...items],
        finish() {
          inFlight--;
          const result = answer(items);
          if (result instanceof Error) reject(result);
          else resolve(result);
        },
      });
    });
  return { write, statements, mostInFlight: () => mostInFlight };
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function outcomes<R>(promises: Promise<R>[]) {
  const seen: ({ ok: R } | { error: unknown } | 'pending')[] = promises.map(() => 'pending');
  for (const [index, promise] of promises.entries()) {
    promise.then(
      (ok) => {
        seen[index] = { ok };
      },
      (error: unknown) => {
        seen[index] = { error };
      },
    );
  }
  return seen;
}

describe('writeBatches', () => {
  it('sends a write at once and alone when nothing is in flight', async () => {
    const writes = controlledWrites<number>();
    const submit = writeBatches({ write: writes.write, maxBatch: 10, maxInFlight: 1 });
    const answer = submit(7);
    expect(writes.statements.map((s) => s.items)).toEqual([[7]]);
    writes.statements[0]!.finish();
    await expect(answer).resolves.toBe(7);
  });

  it('sends the writes that arrived meanwhile as one statement once one finishes, each with its own result', async () => {
    const writes = controlledWrites<number>((items) => items.map((n) => n * 10));
    const submit = writeBatches({ write: writes.write, maxBatch: 10, maxInFlight: 1 });
    const answers = [1, 2, 3, 4].map(submit);
    expect(writes.statements.map((s) => s.items)).toEqual([[1]]);
    writes.statements[0]!.finish();
    await settle();
    expect(writes.statements.map((s) => s.items)).toEqual([[1], [2, 3, 4]]);
    writes.statements[1]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('keeps at most maxInFlight statements on their way and at most maxBatch items in each', async () => {
    const writes = controlledWrites<number>();
    const submit = writeBatches({ write: writes.write, maxBatch: 2, maxInFlight: 2 });
    const answers = [1, 2, 3, 4, 5, 6, 7].map(submit);
    expect(writes.statements.map((s) => s.items)).toEqual([[1], [2]]);
    writes.statements[0]!.finish();
    await settle();
    expect(writes.statements.map((s) => s.items)).toEqual([[1], [2], [3, 4]]);
    writes.statements[1]!.finish();
    await settle();
    expect(writes.statements.map((s) => s.items)).toEqual([[1], [2], [3, 4], [5, 6]]);
    writes.statements[2]!.finish();
    writes.statements[3]!.finish();
    await settle();
    writes.statements[4]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(writes.mostInFlight()).toBe(2);
  });

  it("retries a failed statement one write at a time: one write's fault reaches only its caller", async () => {
    const fault = Object.assign(new Error('check constraint'), { code: '23514' });
    const writes = controlledWrites<number>((items) => (items.includes(13) ? fault : [...items]));
    const submit = writeBatches({ write: writes.write, maxBatch: 10, maxInFlight: 1 });
    const answers = [1, 2, 13, 4].map(submit);
    const seen = outcomes(answers);
    writes.statements[0]!.finish();
    await settle();
    writes.statements[1]!.finish(); // [2, 13, 4] fails, then each alone
    await settle();
    expect(writes.statements.slice(2).map((s) => s.items)).toEqual([[2], [13], [4]]);
    for (const statement of writes.statements.slice(2)) statement.finish();
    await settle();
    expect(seen).toEqual([{ ok: 1 }, { ok: 2 }, { error: fault }, { ok: 4 }]);
  });

  it('does not retry when the database is away: every caller of the batch gets the error', async () => {
    const away = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const writes = controlledWrites<number>((items) => (items.length > 1 ? away : [...items]));
    const submit = writeBatches({ write: writes.write, maxBatch: 10, maxInFlight: 1 });
    const seen = outcomes([1, 2, 3].map(submit));
    writes.statements[0]!.finish();
    await settle();
    writes.statements[1]!.finish();
    await settle();
    expect(writes.statements).toHaveLength(2);
    expect(seen).toEqual([{ ok: 1 }, { error: away }, { error: away }]);
  });

  it('refuses a write function that answers a different number of results', async () => {
    const writes = controlledWrites<number>(() => [1]);
    const submit = writeBatches({ write: writes.write, maxBatch: 10, maxInFlight: 1 });
    const seen = outcomes([1, 2, 3].map(submit));
    writes.statements[0]!.finish();
    await settle();
    writes.statements[1]!.finish(); // two items, one result: retried alone, each then answers
    await settle();
    for (const statement of writes.statements.slice(2)) statement.finish();
    await settle();
    expect(seen).toEqual([{ ok: 1 }, { ok: 1 }, { ok: 1 }]);
    expect(() => writeBatches({ write: writes.write, maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
  });

  it('refuses, as the database being unavailable, the writes behind a statement that does not come back, until it does', async () => {
    vi.useFakeTimers();
    try {
      const writes = controlledWrites<number>();
      const submit = writeBatches({
        write: writes.write,
        maxBatch: 10,
        maxInFlight: 1,
        stallTimeoutMs: 5_000,
      });
      const seen = outcomes([1, 2, 3].map(submit));
      await vi.advanceTimersByTimeAsync(4_999);
      expect(seen).toEqual(['pending', 'pending', 'pending']);
      await vi.advanceTimersByTimeAsync(1);
      // The writes waiting behind the statement are refused; the statement's own caller still waits for it.
      expect(seen[0]).toBe('pending');
      for (const outcome of seen.slice(1)) {
        const { error } = outcome as { error: unknown };
        expect(error).toBeInstanceOf(DatabaseNotAnsweringError);
        expect(isDatabaseUnavailable(error)).toBe(true);
      }
      // So is a write that arrives meanwhile, at once.
      const late = outcomes([submit(4)]);
      await vi.advanceTimersByTimeAsync(0);
      expect((late[0] as { error: unknown }).error).toBeInstanceOf(DatabaseNotAnsweringError);
      // Once the statement comes back, writes go again.
      writes.statements[0]!.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(seen[0]).toEqual({ ok: 1 });
      const after = submit(5);
      expect(writes.statements.map((s) => s.items)).toEqual([[1], [5]]);
      writes.statements[1]!.finish();
      await expect(after).resolves.toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes every item exactly once and answers each its own result, whatever the arrivals and completion order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        // Each step: submit a new item, or finish the statement at this position among those in flight.
        fc.array(fc.oneof(fc.constant('submit' as const), fc.nat({ max: 5 })), { maxLength: 60 }),
        async (maxBatch, maxInFlight, steps) => {
          const writes = controlledWrites<number>((items) => items.map((n) => -n));
          const submit = writeBatches({ write: writes.write, maxBatch, maxInFlight });
          const answers: Promise<number>[] = [];
          const finished = new Set<number>();
          const open = () => writes.statements.map((_, i) => i).filter((i) => !finished.has(i));
          const finish = async (position: number) => {
            const pending = open();
            if (pending.length === 0) return;
            const index = pending[position % pending.length]!;
            finished.add(index);
            writes.statements[index]!.finish();
            await settle();
          };
          for (const step of steps) {
            if (step === 'submit') answers.push(submit(answers.length));
            else await finish(step);
            expect(open().length).toBeLessThanOrEqual(maxInFlight);
          }
          while (open().length > 0) await finish(0);
          const written = writes.statements.flatMap((s) => s.items);
          expect([...written].sort((a, b) => a - b)).toEqual(answers.map((_, i) => i));
          expect(writes.statements.every((s) => s.items.length >= 1 && s.items.length <= maxBatch)).toBe(
            true,
          );
          expect(await Promise.all(answers)).toEqual(answers.map((_, i) => -i));
        },
      ),
      { numRuns: 200 },
    );
  });
});
