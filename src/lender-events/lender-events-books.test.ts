// Lender events and the books, on both engines: random lender events (payoffs, repossessions, total
// losses, some twice, some on the same vehicle, some refused) applied through the endpoint leave a trial
// balance that balances, every refund allocated in parts that sum to it (the dealer's part on its
// statement), and a second sending that changes nothing; a batch's one summary entry balances, equals the
// per-cancellation entries of the same cancellations made by hand, and drills down to the run; and a refund already paid by a payment run,
// reported again by the lender, is skipped (API.md: "skips what is already cancelled"), never paid twice.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { lenderGapBody, lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { explainedCancellation } from '../../test/support/stored-quote.js';
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

  async function count(table: 'cancellations' | 'journal_entries') {
    const row = await server.built.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Lender-event refunds: the cancellations a lender event made. */
  async function countLenderRefunds() {
    const row = await server.built.database.db
      .selectFrom('cancellations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('lender_event_id', 'is not', null)
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
            // Each is a lender-event refund (its event named, its deadline set) in the compliance view.
            const refunds = await db
              .selectFrom('cancellations')
              .select(['id', 'refund_cents'])
              .where('id', 'in', cancellationIds)
              .where('lender_event_id', 'is not', null)
              .where('refund_due_on', 'is not', null)
              .execute();
            const refundOf = new Map(refunds.map((r) => [r.id, Number(r.refund_cents)]));
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
          // A row applied the first time is a duplicate now. A row refused the first time (e.g. an odometer
          // below the sale's) is refused again, or skipped when another row has cancelled its add-ons since.
          for (const [index, row] of (
            again.json().results as { status: string; code: string | null }[]
          ).entries()) {
            if (results[index]!.status === 'rejected')
              expect(row.status, JSON.stringify(row)).not.toBe('cancelled');
            else expect(row.code, JSON.stringify(row)).toBe('duplicate_event');
          }
          expect([await count('cancellations'), await count('journal_entries')]).toEqual(before);
          await expectBooksBalance();
        },
      ),
      { seed: 1616_2026, numRuns: 4 },
    );
  });

  it("posts one balanced summary entry per batch, naming the run, equal to the cancellations' own entries summed, and drilled down to the run's rows", async () => {
    const db = server.built.database.db;
    // Twins: each vehicle's contracts are cancelled once by a lender event and once by hand (the same date,
    // odometer and reason), so the summary can be compared with the per-cancellation entries by hand.
    const vehicles = [
      { price: 150_000, gap: false, markup: null },
      { price: 90_000, gap: true, markup: null },
      { price: 0, gap: false, markup: 120_000 },
      { price: 0, gap: false, markup: 40_000 },
    ];
    const byEvent: string[] = [];
    const byHand: string[] = [];
    for (const vehicle of vehicles) {
      for (const twins of [byEvent, byHand]) {
        if (vehicle.markup !== null) {
          const vin = hondaVin();
          await booked(vin, vehicle.markup);
          twins.push(vin);
          continue;
        }
        const vin = fordVin();
        await created(lenderVscBody(vin, { priceCents: vehicle.price }));
        if (vehicle.gap) await created(lenderGapBody(vin));
        twins.push(vin);
      }
    }
    const eventDate = '2026-11-25';
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: byEvent.map((vin) => ({ vin, event: 'payoff', eventDate, odometer: 41_000 })) },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const runId = sent.json().run.runId as string;
    expect(sent.json().run.cancelled, sent.body).toBe(byEvent.length);
    // GAP on a payoff is cancelled too: every contract on the vehicles.
    const handContracts = await db.selectFrom('contracts').select('id').where('vin', 'in', byHand).execute();
    for (const { id } of handContracts) {
      const cancelled = await admin({
        method: 'POST',
        url: `/api/v1/contracts/${id}/cancellation`,
        payload: { cancelOn: eventDate, odometer: 41_000, reason: 'payoff' },
      });
      expect(cancelled.statusCode, cancelled.body).toBe(201);
    }

    // One entry for the run's one batch, through the journal browser: it names the run and its lines.
    const listed = await admin({
      url: `/api/v1/accounting/journal-entries?eventType=lender_event_batch&eventId=${runId}&limit=10`,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    const entries = listed.json().data as {
      eventKey: string;
      contractId: string | null;
      memo: string;
      lines: {
        accountCode: string;
        debitCents: number;
        creditCents: number;
        contractId: string | null;
        planCode: string | null;
        state: string | null;
        dealerCode: string | null;
      }[];
    }[];
    expect(entries).toHaveLength(1);
    const [entry] = entries as [(typeof entries)[0]];
    expect(entry.eventKey).toBe(`lender_event_batch:${runId}:1-${byEvent.length}`);
    expect(entry.memo).toContain(runId);
    expect(entry.contractId).toBeNull();
    const sum = (lines: typeof entry.lines, side: 'debitCents' | 'creditCents') =>
      lines.reduce((total, line) => total + Number(line[side]), 0);
    expect(sum(entry.lines, 'debitCents')).toBe(sum(entry.lines, 'creditCents'));
    expect(entry.lines.every((line) => line.contractId === null && line.planCode && line.state)).toBe(true);
    // The dealer is kept on the dealer accounts only.
    expect(entry.lines.every((line) => (line.accountCode === '1150') === (line.dealerCode !== null))).toBe(
      true,
    );
    // From a contract up to the entry: the journal's contract filter finds the batch's summary (its
    // cancellation names it), as it finds a hand cancellation's own entry.
    const eventContracts0 = await db
      .selectFrom('contracts')
      .select('id')
      .where('vin', 'in', byEvent)
      .execute();
    for (const { id } of eventContracts0) {
      const ofContract = await admin({ url: `/api/v1/accounting/journal-entries?contractId=${id}&limit=50` });
      expect(ofContract.statusCode, ofContract.body).toBe(200);
      const keys = (ofContract.json().data as { eventKey: string }[]).map(
        (listedEntry) => listedEntry.eventKey,
      );
      expect(keys).toContain(entry.eventKey);
    }
    const handCancellation = await db
      .selectFrom('cancellations')
      .innerJoin('journal_entries', 'journal_entries.id', 'cancellations.journal_entry_id')
      .select([
        'journal_entries.event_key',
        'journal_entries.contract_id',
        'cancellations.contract_id as cancelled',
      ])
      .where('cancellations.contract_id', '=', handContracts[0]!.id)
      .executeTakeFirstOrThrow();
    expect(handCancellation.event_key).toMatch(/^cancellation:/);
    expect(handCancellation.contract_id).toBe(handCancellation.cancelled);

    // The same totals per account, plan, state (and dealer on 1150) as the twins' entries by hand.
    const totals = (
      lines: {
        account: string;
        plan: string | null;
        state: string | null;
        dealer: string | null;
        net: number;
      }[],
    ) => {
      const sums = new Map<string, number>();
      for (const line of lines) {
        const key = [line.account, line.plan, line.state, line.account === '1150' ? line.dealer : null].join(
          '|',
        );
        sums.set(key, (sums.get(key) ?? 0) + line.net);
      }
      return [...sums.entries()].filter(([, net]) => net !== 0).sort(([a], [b]) => a.localeCompare(b));
    };
    const handLines = await sql<{
      account: string;
      plan: string | null;
      state: string | null;
      dealer: string | null;
      net: string;
    }>`select l.account_code as account, l.plan_code as plan, l.state, l.dealer_code as dealer,
              (l.debit_cents - l.credit_cents)::text as net
         from journal_entries e join journal_lines l on l.entry_id = e.id
        where e.event_type = 'cancellation'
          and e.contract_id = any(${handContracts.map((c) => c.id)}::uuid[])`.execute(db);
    expect(handLines.rows.length).toBeGreaterThan(0);
    expect(
      totals(
        entry.lines.map((line) => ({
          account: line.accountCode,
          plan: line.planCode,
          state: line.state,
          dealer: line.dealerCode,
          net: Number(line.debitCents) - Number(line.creditCents),
        })),
      ),
    ).toEqual(totals(handLines.rows.map((row) => ({ ...row, net: Number(row.net) }))));

    // Drill down: the key names the run's lines; their events' cancellations, refunds and chargebacks are
    // the per-contract detail, and add up to the entry's refunds payable, fee revenue and chargebacks.
    const [, keyRun, range] = entry.eventKey.split(':') as [string, string, string];
    const [firstLine, lastLine] = range.split('-').map(Number) as [number, number];
    const detail = await sql<{
      contract_id: string;
      plan_code: string;
      state: string;
      refund: string;
      fee_kept: string;
      chargeback: string;
      dealer_code: string | null;
    }>`select x.contract_id, c.plan_code, c.purchase_state as state, x.refund_cents::text as refund,
              least(x.fee_cents, x.gross_refund_cents)::text as fee_kept,
              coalesce((select sum(d.amount_cents) from dealer_account_events d
                         where d.contract_id = x.contract_id and d.kind = 'chargeback'), 0)::text as chargeback,
              c.selling_dealer_code as dealer_code
         from lender_events v
         join cancellations x on x.lender_event_id = v.id
         join contracts c on c.id = x.contract_id
        where v.run_id = ${keyRun} and v.line between ${firstLine} and ${lastLine}`.execute(db);
    const eventContracts = await db
      .selectFrom('contracts')
      .select('id')
      .where('vin', 'in', byEvent)
      .execute();
    expect(detail.rows.map((row) => row.contract_id).sort()).toEqual(eventContracts.map((c) => c.id).sort());
    const net = (account: string, match: (line: (typeof entry.lines)[number]) => boolean = () => true) =>
      entry.lines
        .filter((line) => line.accountCode === account && match(line))
        .reduce((total, line) => total + Number(line.creditCents) - Number(line.debitCents), 0);
    const total = (rows: typeof detail.rows, field: 'refund' | 'fee_kept' | 'chargeback') =>
      rows.reduce((sum, row) => sum + Number(row[field]), 0);
    for (const plan of new Set(detail.rows.map((row) => row.plan_code))) {
      const ofPlan = detail.rows.filter((row) => row.plan_code === plan);
      expect(net('2200', (line) => line.planCode === plan)).toBe(total(ofPlan, 'refund'));
      expect(net('4100', (line) => line.planCode === plan)).toBe(total(ofPlan, 'fee_kept'));
    }
    for (const dealerCode of new Set(detail.rows.map((row) => row.dealer_code))) {
      const ofDealer = detail.rows.filter((row) => row.dealer_code === dealerCode);
      expect(0 - net('1150', (line) => line.dealerCode === dealerCode)).toBe(total(ofDealer, 'chargeback'));
    }
    expect(total(detail.rows, 'chargeback')).toBeGreaterThan(0);
    // The run's report lists the same cancellations, row by row; each record rebuilds its whole quote.
    const report = await admin({ url: `/api/v1/lender-events/runs/${runId}/results?limit=100` });
    expect(report.statusCode, report.body).toBe(200);
    for (const row of report.json().data as {
      cancellations: { cancellationId: string | null; refundCents: number; refundDueOn: string }[];
    }[]) {
      for (const cancelled of row.cancellations.filter((c) => c.cancellationId !== null)) {
        const { stored, explained } = await explainedCancellation(db, cancelled.cancellationId!);
        expect(stored).not.toHaveProperty('explanation');
        expect(explained).toMatchObject({
          refundCents: cancelled.refundCents,
          refundDueOn: cancelled.refundDueOn,
          reason: 'payoff',
        });
        expect(explained!.lines.length).toBeGreaterThan(0);
      }
    }
    expect(
      (report.json().data as { cancellations: { contractId: string; outcome: string }[] }[])
        .flatMap((row) => row.cancellations.filter((c) => c.outcome === 'cancelled').map((c) => c.contractId))
        .sort(),
    ).toEqual(eventContracts.map((c) => c.id).sort());
    await expectBooksBalance();
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
    // A run paying two days ahead (its ACH entries and journal entry dated then).
    const run = await admin({
      method: 'POST',
      url: '/api/v1/payment-runs',
      payload: { payOn: '2026-11-27' },
    });
    expect(run.statusCode, run.body).toBe(201);
    const itemOf = (items: { source: { id: string }; status: string }[]) =>
      items.find((item) => item.source.id === cancellationId);
    expect(itemOf(run.json().items)).toMatchObject({ amountCents: cancelled.refundCents, status: 'ready' });
    const approved = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/approval` });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(itemOf(approved.json().items)?.status).toBe('paid');

    // The compliance view shows it paid on the run's date (after its deadline of 2026-10-31), and the
    // cancellation records the payment's reference.
    const paid = await admin({ url: '/api/v1/lender-events/refunds?status=paid_late&limit=100' });
    expect(
      paid.json().data.find((r: { cancellationId: string }) => r.cancellationId === cancellationId),
    ).toMatchObject({ paidOn: '2026-11-27', refundDueOn: '2026-10-31' });
    const reference = await server.built.database.db
      .selectFrom('cancellations')
      .select('payment_reference')
      .where('id', '=', cancellationId)
      .executeTakeFirstOrThrow();
    // Paid by check (the holder has no bank account on file): the reference is the check's number.
    const item = itemOf(approved.json().items) as { checkNumber: number | null } | undefined;
    expect(item?.checkNumber).toEqual(expect.any(Number));
    expect(reference.payment_reference).toBe(`check ${item?.checkNumber}`);
    const cancellationsBefore = await count('cancellations');
    const refundsBefore = await countLenderRefunds();

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
    expect(await countLenderRefunds()).toBe(refundsBefore);

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
