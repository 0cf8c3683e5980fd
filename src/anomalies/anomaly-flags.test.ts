import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import {
  BRAKES_LINE,
  brakesEstimate,
  staffVscBody,
  vinSequence,
} from '../../test/support/staff-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { anomalyFlags } from './anomalies.service.js';

// Flags on the adjuster's work queue, computed in SQL from the claims the shop submits through the API.
const clock = new FakeClock('2026-11-25T15:00:00Z');
const DAY_MS = 86_400_000;
type Client = Awaited<ReturnType<typeof staffClient>>;
const nextVin = vinSequence(500);

// Front calipers: `partsCents` of parts and an hour of labor at `laborRateCents`.
const estimate = (vin: string, partsCents: number, laborRateCents = 12_000) =>
  brakesEstimate(vin, { lines: [{ ...BRAKES_LINE, partsCents, laborHours: 1, laborRateCents }] });

describeEachEngine('anomaly flags on the work queue', (engine) => {
  let server: TestServer;
  let admin: Client;
  let shop: Client;
  let adjuster: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
  });
  afterAll(() => server?.close());

  async function contract(purchaseDate: string): Promise<string> {
    const vin = nextVin();
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(vin, { purchaseDate }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return vin;
  }

  async function claim(vin: string, partsCents: number, laborRateCents?: number): Promise<string> {
    clock.advance(60_000);
    const response = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: estimate(vin, partsCents, laborRateCents),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  async function flagsOf(claimId: string): Promise<{ code: string; reason: string }[]> {
    const response = await adjuster({ method: 'GET', url: '/api/v1/work-queue?limit=100' });
    expect(response.statusCode, response.body).toBe(200);
    const item = response.json().data.find((candidate: { id: string }) => candidate.id === claimId);
    expect(item, `claim ${claimId} is in the queue`).toBeDefined();
    return item.flags;
  }

  it('flags the same file (by SHA-256) uploaded on two claims', async () => {
    const { db } = server.built.database;
    const contract = await db.selectFrom('contracts').select('id').limit(1).executeTakeFirstOrThrow();
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    const document = (ownerId: string) => ({
      contract_id: contract.id,
      owner_type: 'gap_claim',
      owner_id: ownerId,
      document_type: 'gap_addendum',
      status: 'received' as const,
      sha256: 'ab'.repeat(32),
      size_bytes: 10,
      content_type: 'application/pdf',
      original_name: 'addendum.pdf',
      received_at: clock.now(),
      review_due_on: '2026-11-30',
      uploaded_by: 'holder',
    });
    const rows = await db
      .insertInto('documents')
      .values([document(first), document(second)])
      .returning('id')
      .execute();
    const flags = await anomalyFlags(
      db,
      [{ kind: 'gap_document_review', id: rows[1]!.id }],
      'America/New_York',
    );
    expect(flags.get(rows[1]!.id)).toEqual([
      {
        code: 'same_document_file',
        reason: `The same file (SHA-256 abababababab…) is on gap claim ${first}`,
      },
    ]);
  });

  it('flags the facility history, the repeat on the same VIN and component group, and the early claim', async () => {
    // Five ordinary claims build the facility's history: $100 parts + 1 h at $120 = $220 each.
    for (let index = 0; index < 5; index++) await claim(await contract('2025-06-01'), 10_000);
    const ordinary = await claim(await contract('2025-06-01'), 10_000);
    expect(await flagsOf(ordinary)).toEqual([]);

    const vin = await contract('2025-06-01');
    const first = await claim(vin, 10_000);
    clock.advance(10 * DAY_MS);
    // Sessions last hours, not days: sign in again after the ten days.
    [admin, shop, adjuster] = await Promise.all([
      staffClient(server, 'admin@coverwise.test'),
      staffClient(server, 'shop@coverwise.test'),
      staffClient(server, 'adjuster@coverwise.test'),
    ]);
    const repeat = await claim(vin, 10_000);
    expect(await flagsOf(first)).toEqual([]);
    expect(await flagsOf(repeat)).toEqual([
      {
        code: 'repeat_claim',
        reason: expect.stringMatching(
          /^Same VIN and component group \(brakes\) as claim \S+, 10 days earlier$/,
        ),
      },
    ]);

    const jump = await claim(await contract('2025-06-01'), 90_000, 30_000);
    expect((await flagsOf(jump)).map((flag) => flag.code)).toEqual([
      'facility_amount_jump',
      'facility_rate_jump',
    ]);
    expect((await flagsOf(jump))[0]?.reason).toBe(
      "$1,200.00 asked, over 2× this facility's median of $220.00 over its last 8 claims",
    );

    const soon = await claim(await contract('2026-11-20'), 10_000);
    expect(await flagsOf(soon)).toEqual([
      {
        code: 'early_claim',
        reason: expect.stringMatching(
          /^Submitted \d+ days after the contract was bought \(flagged within 30\)$/,
        ),
      },
    ]);
  });

  it('flags a claim whose contract was cancelled as of its day: it cannot be approved', async () => {
    const vin = await contract('2025-06-01');
    const open = await claim(vin, 10_000);
    const contractId = (await adjuster({ url: `/api/v1/contracts?vin=${vin}` })).json().data[0].id;
    const cancelled = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/cancellation`,
      payload: { odometer: 31_000, reason: 'customer_request' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    expect(await flagsOf(open)).toContainEqual({
      code: 'contract_not_in_force',
      reason: expect.stringMatching(
        /^Contract \S+ is cancelled as of (\d{4}-\d{2}-\d{2}), on or before this claim's date \(\1\): it was not in force for this repair/,
      ),
    });
  });

  it('flags a claim whose contract was cancelled as of a later day: covered, but its refund did not count it', async () => {
    const vin = await contract('2025-06-01');
    const open = await claim(vin, 10_000);
    // The claim as submitted on 2026-11-20 (a fixture: the API dates it now), still waiting.
    await server.built.database.db
      .updateTable('repair_claims')
      .set({ submitted_at: new Date('2026-11-20T15:00:00Z') })
      .where('id', '=', open)
      .execute();
    const contractId = (await adjuster({ url: `/api/v1/contracts?vin=${vin}` })).json().data[0].id;
    const cancelled = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/cancellation`,
      payload: { odometer: 31_000, reason: 'customer_request' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    const flags = await flagsOf(open);
    expect(flags.map((flag) => flag.code)).not.toContain('contract_not_in_force');
    expect(flags).toContainEqual({
      code: 'cancelled_after_claim',
      reason: expect.stringMatching(
        /^Contract \S+ was cancelled as of \d{4}-\d{2}-\d{2}, after this claim's day \(2026-11-20\): it covered the claim/,
      ),
    });
  });

  it('keeps a claim below an earlier claim’s reading and flags it with that reading', async () => {
    const vin = await contract('2025-06-01');
    const high = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: brakesEstimate(vin, { odometer: 70_000 }),
    });
    expect(high.statusCode, high.body).toBe(201);
    // Minutes later the same repair at 21,000 miles: kept (a shop may correct a typo), flagged.
    const low = await claim(vin, 10_000);
    expect(await flagsOf(low)).toContainEqual({
      code: 'odometer_below_last_reading',
      reason: `Odometer 21,000 miles, below the last reading recorded on this contract before the claim: 70,000 miles on ${high.json().submittedAt.slice(0, 10)} (repair claim ${high.json().claimNumber})`,
    });
    expect((await flagsOf(high.json().id)).map((flag) => flag.code)).not.toContain(
      'odometer_below_last_reading',
    );
  });
});
