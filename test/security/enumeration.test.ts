// Enumeration resistance: holder sign-in and GAP claim start answer a wrong last name, a wrong ZIP
// and a wrong VIN alike — same status, same body (but for the request id) and, within noise (3× or 10 ms on a busy test machine), the same
// time — so neither form tells an attacker which of the three facts was right. That the throttle on
// these forms holds across two app processes is shown in test/process/multi-process.test.ts.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { describeEachEngine } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/server.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const HOLDER = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const TRIES = 30;

const FACTS = { lastName: HOLDER.lastName, zip: HOLDER.zip, vin: HOLDER.vin };
const WRONG = {
  'wrong last name': { ...FACTS, lastName: `${HOLDER.lastName}x` },
  'wrong ZIP': { ...FACTS, zip: HOLDER.zip === '99999' ? '99998' : '99999' },
  'wrong VIN': { ...FACTS, vin: withCheckDigit('1FTFW1E50NFA00001') },
} as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describeEachEngine('enumeration resistance', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // Limits high enough that this many tries are answered, yet the throttle still runs on each.
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '100000', COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000000' },
    });
  });
  afterAll(() => server.close());

  it.each([
    ['holder sign-in', '/api/v1/auth/holder-login', {}],
    ['GAP claim start', '/api/v1/gap-claims', { dateOfLoss: '2026-11-20', lossType: 'total_loss' }],
  ])(
    '%s answers a wrong last name, ZIP or VIN with the same status, body and time',
    async (_name, url, extra) => {
      const labels = Object.keys(WRONG);
      const times: Record<string, number[]> = Object.fromEntries(labels.map((label) => [label, []]));
      const answers: Record<string, Set<string>> = Object.fromEntries(
        labels.map((label) => [label, new Set()]),
      );
      // Warm up, then interleave the three kinds of mistake so drift affects them alike.
      for (const facts of Object.values(WRONG))
        await server.built.app.inject({ method: 'POST', url, payload: { ...facts, ...extra } });
      for (let i = 0; i < TRIES; i++) {
        // Rotate the order each round so that no kind of mistake always goes first.
        const kinds = Object.entries(WRONG);
        const rotated = [...kinds.slice(i % kinds.length), ...kinds.slice(0, i % kinds.length)];
        for (const [label, facts] of rotated) {
          const started = performance.now();
          const response = await server.built.app.inject({
            method: 'POST',
            url,
            payload: { ...facts, ...extra },
          });
          times[label]!.push(performance.now() - started);
          const { requestId: _requestId, ...body } = response.json();
          answers[label]!.add(`${response.statusCode} ${JSON.stringify(body)}`);
        }
      }
      const distinct = new Set(Object.values(answers).flatMap((set) => [...set]));
      expect([...distinct]).toHaveLength(1);
      expect([...distinct][0]).toMatch(/^401 .*"code":"verification_failed"/);
      const medians = Object.fromEntries(
        Object.entries(times).map(([label, values]) => [label, median(values)]),
      );
      const fastest = Math.min(...Object.values(medians));
      const slowest = Math.max(...Object.values(medians));
      console.log(`${url} [${engine.name}] median ms`, JSON.stringify(medians));
      expect(slowest <= fastest * 3 || slowest - fastest <= 10, JSON.stringify(medians)).toBe(true);
    },
  );
});
