// An OFAC decision on a payment held in a run that was approved meanwhile, at the service level on both
// engines: the approved run's item says what became of it (released: skipped, released_after_approval,
// and a later run pays it; blocked: blocked), and the runs list counts as payments only the run's ready
// and paid items, not the held, blocked or skipped ones.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { STAFF_HOLDER, staffVscBody, vinSequence } from '../../test/support/staff-contracts.js';
import { createOfacService, type OfacService } from '../ofac/ofac.service.js';
import type { Actor } from '../platform/audit/audit.repository.js';
import { FakeClock } from '../platform/clock.js';
import { transactional } from '../platform/db/transaction.js';
import {
  createPaymentRunsService,
  type PaymentRunsService,
  type PaymentRunView,
} from './payment-runs.service.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const TODAY = '2026-11-25';
const SDN_CSV =
  '9001,"ZABALETA, Ximena",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970."\r\n';
const actor: Actor = { kind: 'user', id: null, label: 'admin@ofac.test' };
const nextVin = vinSequence(900);

describeEachEngine('OFAC decisions after a payment run was approved', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let ofac: OfacService;
  let paymentRuns: PaymentRunsService;
  let run: ReturnType<typeof transactional>;

  beforeAll(async () => {
    // No demo data: the only payables are this file's refunds.
    server = await startTestServer({
      engine,
      clock,
      demo: false,
      env: { COVERWISE_ADMIN_EMAIL: 'admin@ofac.test', COVERWISE_ADMIN_PASSWORD: 'ofac-test-password-1' },
    });
    admin = await staffClient(server, 'admin@ofac.test', 'ofac-test-password-1');
    const { db } = server.built.database;
    run = transactional(db);
    ofac = createOfacService({ db, clock, matchThreshold: 0.92 });
    paymentRuns = createPaymentRunsService({
      db,
      clock,
      timeZone: 'America/New_York',
      ofac,
      settings: {
        ach: {
          odfiRoutingNumber: '021000021',
          destinationName: 'TEST BANK',
          immediateOrigin: '1234567890',
          originName: 'COVERWISE',
          companyId: '1234567890',
          companyName: 'COVERWISE',
          entryDescription: 'CLAIMS',
        },
        checkAccountNumber: '000000000000',
      },
      gapBenefits: {
        benefitPaid: async () => {
          throw new Error('No GAP benefit is paid in this file.');
        },
      },
    });
    await ofac.loadSdnList(Readable.from([SDN_CSV]), actor, 'test');
  });
  afterAll(() => server?.close());

  /** A refund owed to the holder: a contract cancelled today. */
  async function refundTo(firstName: string, lastName: string): Promise<string> {
    const created = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(nextVin(), {
        holder: { ...STAFF_HOLDER, firstName, lastName },
        sellingDealer: null,
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const cancelled = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${created.json().id}/cancellation`,
      payload: { cancelOn: TODAY, odometer: 12_000, reason: 'customer_request' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    return cancelled.json().refund.cancellationId as string;
  }

  const preview = () => paymentRuns.preview(run, {}, actor, 'test');
  const approve = (id: string) => paymentRuns.approve(run, id, actor, 'test');
  const itemOf = (view: PaymentRunView, sourceId: string) =>
    view.items.find((item) => item.source.id === sourceId)!;
  const summaryOf = async (id: string) =>
    (await paymentRuns.list({ limit: 100 })).data.find((summary) => summary.id === id)!;
  const decide = (holdId: string, decision: 'release' | 'block') =>
    ofac.decide(run, holdId, { decision, reason: `${decision}d by the test` }, actor, 'test');

  it('says a hold released after approval is not paid by that run (skipped, released_after_approval), and a later run pays it', async () => {
    const held = await refundTo('Ximena', 'Zabaleta');
    const plain = await refundTo('Rosa', 'Delgado');
    const first = await preview();
    expect(itemOf(first, held)).toMatchObject({ status: 'held', ofacHold: { status: 'held' } });
    const approved = await approve(first.id);
    expect(itemOf(approved, plain).status).toBe('paid');
    expect(itemOf(approved, held).status).toBe('held');
    expect(await summaryOf(first.id)).toMatchObject({ itemCount: 2, paymentCount: 1, heldCount: 1 });

    await decide(itemOf(approved, held).ofacHold!.id, 'release');
    const after = await paymentRuns.view(first.id);
    expect(itemOf(after, held)).toMatchObject({
      status: 'skipped',
      skipReason: 'released_after_approval',
      checkNumber: null,
      ofacHold: { status: 'released' },
    });
    expect(after.totals).toMatchObject({ heldCount: 0, heldCents: 0, paidCount: 1, skippedCount: 1 });
    expect(after.totals.payableCents).toBe(itemOf(after, plain).amountCents);
    expect(await summaryOf(first.id)).toMatchObject({ itemCount: 2, paymentCount: 1, heldCount: 0 });

    // What the words promise: the next run pays it, and the first run still says it did not.
    const next = await preview();
    expect(itemOf(next, held)).toMatchObject({ status: 'ready', ofacHold: null });
    expect(itemOf(await approve(next.id), held).status).toBe('paid');
    expect(itemOf(await paymentRuns.view(first.id), held).status).toBe('skipped');
    expect(await summaryOf(next.id)).toMatchObject({ itemCount: 1, paymentCount: 1 });
  });

  it('says a hold blocked after approval is blocked in that run, and no later run offers it', async () => {
    const held = await refundTo('Ximena', 'Zabaleta');
    const first = await preview();
    const approved = await approve(first.id);
    expect(itemOf(approved, held).status).toBe('held');
    await decide(itemOf(approved, held).ofacHold!.id, 'block');
    const after = await paymentRuns.view(first.id);
    expect(itemOf(after, held)).toMatchObject({ status: 'blocked', ofacHold: { status: 'blocked' } });
    expect(after.totals).toMatchObject({ heldCount: 0, blockedCount: 1, payableCents: 0 });
    expect(await summaryOf(first.id)).toMatchObject({ itemCount: 1, paymentCount: 0, heldCount: 0 });
    await refundTo('Lee', 'Park');
    expect(itemOf(await preview(), held)).toBeUndefined();
  });

  it('counts no payment for an item another run paid first (skipped, already_paid)', async () => {
    const refund = await refundTo('Ana', 'Reyes');
    const first = await preview();
    const second = await preview();
    await approve(first.id);
    const late = await approve(second.id);
    expect(itemOf(late, refund)).toMatchObject({ status: 'skipped', skipReason: 'already_paid' });
    const summary = await summaryOf(second.id);
    expect(summary.paymentCount).toBe(
      late.items.filter((item) => item.status === 'ready' || item.status === 'paid').length,
    );
    expect(summary).toMatchObject({
      payableCents: late.totals.payableCents,
      paidCents: late.totals.paidCents,
    });
    expect(summary.paymentCount).toBeLessThan(summary.itemCount);
  });
});
