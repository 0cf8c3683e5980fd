// Lender events and the books, on both engines: random lender events (payoffs, repossessions, total
// losses, some twice, some on the same vehicle, some refused) applied through the endpoint leave a trial
// balance that balances, every refund allocated in parts that sum to it (the dealer's part on its
// statement), and a second sending that changes nothing; and a refund already paid by a payment run,
// reported again by the lender, is skipped (API.md: "skips what is already cancelled"), never paid twice.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { lenderGapBody, lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { trialBalance } from '../accounting/journal.repository.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

let serial = 0;
const fordVin = () => withCheckDigit(`1FTFW1E50NF${String(810_000 + ++serial).padStart(6, '0')}`);
const hondaVin = () => withCheckDigit(`1HGCM8260RA${String(820_000 + ++serial).padStart(6, '0')}`);

const SDN_CSV = '9001,"ZABALETA, Ximena",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"-0-"\r\n';

const dayBefore = (daysAgo: number) => new Date(Date.UTC(2026, 10, 25 - daysAgo)).toISOString().slice(0, 10);

describeEachEngine('lender events and the books', (engine) => {
  let server: TestServer;
  let admin: Client;
  let dealer: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    dealer = await staffClient(server, 'dealer@coverwise.test');
  });
  afterAll(() => server.close());

  async function created(body: Record<string, unknown>): Promise<string> {
    const response = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  /** A contract booked by its dealer today (a dealer cost, so a cancellation charges the dealer back). */
  async function booked(vin: string, markupCents: number): Promise<string> {
    const rated = await dealer({ method: 'POST', url: '/api/v1/rates', payload: rateBody({ vin }) });
    expect(rated.statusCode, rated.body).toBe(200);
    const offer = rated.json().offers.find((o: { planCode: string }) => o.planCode === 'VALUE_GUARD');
    const response = await dealer({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: bookingBody(offer.rateId, offer.dealerCostCents + markupCents, { dealNumber: `D-${vin}` }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  async function count(table: 'cancellations' | 'journal_entries' | 'lender_event_refunds') {
    const row = await server.built.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function expectBooksBalance() {
    for (const asOf of ['2026-06-30', '2026-12-31']) {
      const accounts = await trialBalance(server.built.database.db, asOf);
      const debit = accounts.reduce((sum, a) => sum + a.debitCents, 0);
      const credit = accounts.reduce((sum, a) => sum + a.creditCents, 0);
      expect(debit).toBe(credit);
    }
  }

  const vehicleArb = fc.oneof(
    fc.record({
      kind: fc.constant('direct' as const),
      priceCents: fc.integer({ min: 10_000, max: 900_000 }),
      withGap: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('booked' as const), markupCents: fc.integer({ min: 0, max: 250_000 }) }),
  );
  const eventArb = fc.record({
    vehicle: fc.nat(),
    event: fc.constantFrom('payoff', 'repossession', 'total_loss'),
    daysAgo: fc.integer({ min: 0, max: 330 }),
    odometer: fc.option(fc.integer({ min: 25_000, max: 70_000 }), { nil: undefined }),
    twice: fc.boolean(),
  });

  it('random lender events: the trial balance balances, each refund is allocated in full, a resend changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(vehicleArb, { minLength: 1, maxLength: 4 }),
        fc.array(eventArb, { minLength: 1, maxLength: 8 }),
        async (vehicles, reported) => {
          const vins: string[] = [];
          for (const vehicle of vehicles) {
            if (vehicle.kind === 'direct') {
              const vin = fordVin();
              await created(lenderVscBody(vin, { priceCents: vehicle.priceCents }));
              if (vehicle.withGap) await created(lenderGapBody(vin));
              vins.push(vin);
            } else {
              const vin = hondaVin();
              await booked(vin, vehicle.markupCents);
              vins.push(vin);
            }
          }
          // Several events may name one vehicle, and an event may be listed twice in the same file.
          const events = reported.flatMap((e) => {
            const event = {
              vin: vins[e.vehicle % vins.length]!,
              event: e.event,
              eventDate: dayBefore(e.daysAgo),
              ...(e.odometer === undefined ? {} : { odometer: e.odometer }),
            };
            return e.twice ? [event, event] : [event];
          });
          const send = () => admin({ method: 'POST', url: '/api/v1/lender-events', payload: { events } });
          const first = await send();
          expect(first.statusCode, first.body).toBe(200);
          const results = first.json().results as {
            status: string;
            code: string | null;
            cancellations: { cancellationId: string | null; outcome: string; refundCents: number | null }[];
          }[];
          expect(results).toHaveLength(events.length);
          const cancellationIds = results.flatMap((r) =>
            r.status === 'cancelled'
              ? r.cancellations.filter((c) => c.outcome === 'cancelled').map((c) => c.cancellationId!)
              : [],
          );
          // A contract is cancelled once, however many rows name its vehicle.
          expect(new Set(cancellationIds).size).toBe(cancellationIds.length);
          await expectBooksBalance();

          if (cancellationIds.length > 0) {
            const db = server.built.database.db;
            const rows = await sql<{
              id: string;
              contract_id: string;
              refund_cents: number;
              quote: { allocation: { party: string; amountCents: number }[] };
            }>`select id, contract_id, refund_cents, quote from cancellations
                where id = any(${cancellationIds}::uuid[])`.execute(db);
            expect(rows.rows).toHaveLength(cancellationIds.length);
            const refunds = await db
              .selectFrom('lender_event_refunds')
              .select(['cancellation_id', 'refund_cents'])
              .where('cancellation_id', 'in', cancellationIds)
              .execute();
            const refundOf = new Map(refunds.map((r) => [r.cancellation_id, Number(r.refund_cents)]));
            for (const row of rows.rows) {
              const refundCents = Number(row.refund_cents);
              const parts = row.quote.allocation;
              expect(parts.reduce((sum, part) => sum + part.amountCents, 0)).toBe(refundCents);
              expect(parts.every((part) => part.amountCents >= 0)).toBe(true);
              expect(refundOf.get(row.id)).toBe(refundCents);
              // The dealer's part is on its statement as a chargeback (nothing when it is zero).
              const dealerPart = parts.find((part) => part.party === 'dealer')!.amountCents;
              const chargebacks = await db
                .selectFrom('dealer_account_events')
                .select('amount_cents')
                .where('contract_id', '=', row.contract_id)
                .where('kind', '=', 'chargeback')
                .execute();
              expect(chargebacks.reduce((sum, c) => sum + Number(c.amount_cents), 0)).toBe(dealerPart);
            }
          }

          const before = [await count('cancellations'), await count('journal_entries')];
          const again = await send();
          expect(again.statusCode, again.body).toBe(200);
          for (const row of again.json().results as { status: string; code: string | null }[])
            expect(row.status === 'rejected' || row.code === 'duplicate_event').toBe(true);
          expect([await count('cancellations'), await count('journal_entries')]).toEqual(before);
          await expectBooksBalance();
        },
      ),
      { seed: 1616_2026, numRuns: 4 },
    );
  });

  it('a refund already paid by a payment run, reported again, is skipped and never paid twice', async () => {
    const vin = fordVin();
    const contractId = await created(lenderVscBody(vin, { priceCents: 150_000 }));
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'payoff', eventDate: '2026-10-01' }] },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const [cancelled] = sent.json().results[0].cancellations;
    expect(cancelled).toMatchObject({ contractId, outcome: 'cancelled', payee: { kind: 'holder' } });
    const cancellationId = cancelled.cancellationId as string;

    const sdn = await admin({
      method: 'POST',
      url: '/api/v1/ofac/sdn-lists',
      headers: { 'content-type': 'text/csv' },
      payload: SDN_CSV,
    });
    expect(sdn.statusCode, sdn.body).toBe(201);
    const run = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    expect(run.statusCode, run.body).toBe(201);
    const itemOf = (items: { source: { id: string }; status: string }[]) =>
      items.find((item) => item.source.id === cancellationId);
    expect(itemOf(run.json().items)).toMatchObject({ amountCents: cancelled.refundCents, status: 'ready' });
    const approved = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/approval` });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(itemOf(approved.json().items)?.status).toBe('paid');

    // The compliance view shows it paid (by the run, today: after its deadline of 2026-10-31).
    const paid = await admin({ url: '/api/v1/lender-events/refunds?status=paid_late&limit=100' });
    expect(
      paid.json().data.find((r: { cancellationId: string }) => r.cancellationId === cancellationId),
    ).toMatchObject({ paidOn: '2026-11-25', refundDueOn: '2026-10-31' });
    const cancellationsBefore = await count('cancellations');
    const refundsBefore = await count('lender_event_refunds');

    // The same event again (a resend), and another event on the same vehicle: both skipped, 200.
    const again = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin, event: 'payoff', eventDate: '2026-10-01' },
          { vin, event: 'repossession', eventDate: '2026-11-01' },
        ],
      },
    });
    expect(again.statusCode, again.body).toBe(200);
    const [resent, other] = again.json().results;
    expect(resent).toMatchObject({ status: 'skipped', code: 'duplicate_event' });
    expect(resent.cancellations[0]).toMatchObject({ cancellationId, refundCents: cancelled.refundCents });
    expect(other).toMatchObject({ status: 'skipped', code: 'already_cancelled' });
    expect(other.cancellations[0]).toMatchObject({
      contractId,
      outcome: 'already_cancelled',
      refundCents: null,
    });
    expect(await count('cancellations')).toBe(cancellationsBefore);
    expect(await count('lender_event_refunds')).toBe(refundsBefore);

    // Nothing is owed on it any more: no payment run takes it, the lender-event payment path refuses it,
    // and a cancellation by hand answers the contract is not active.
    const next = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    if (next.statusCode === 201) {
      expect(itemOf(next.json().items)).toBeUndefined();
      await admin({ method: 'POST', url: `/api/v1/payment-runs/${next.json().id}/discard` });
    } else {
      expect(next.json().code, next.body).toBe('nothing_to_pay');
    }
    const byHand = await admin({
      method: 'POST',
      url: `/api/v1/lender-events/refunds/${cancellationId}/payment`,
      payload: { paidOn: '2026-11-25', reference: 'CHK-9' },
    });
    expect(byHand.statusCode).toBe(409);
    const manual = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/cancellation`,
      payload: { cancelOn: '2026-11-01', odometer: 40_000, reason: 'customer_request' },
    });
    expect(manual.statusCode).toBe(409);
    expect(manual.json().code).toBe('contract_not_active');
    await expectBooksBalance();
  });
});
