// Lender events against a real database, on both engines: JSON and CSV, a bad row rejected with its
// line and code while the rest go on, already-cancelled skipped, the same file sent again changing
// nothing (and the books still balancing), a lender seeing only its own loans, a large file as a run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { LENDER_HOLDER, lenderGapBody, lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { trialBalance } from '../accounting/journal.repository.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
let serial = 0;

function nextVin() {
  serial += 1;
  return withCheckDigit(`1FTFW1E50NF${String(700_000 + serial).padStart(6, '0')}`);
}

describeEachEngine('lender events', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let lender: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      demo: true,
      env: { COVERWISE_LENDER_EVENTS_INLINE_ROWS: '50' },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'loans@prairie.test',
        password: 'a long lender passphrase 77',
        role: 'lender',
        lienholderName: 'First Prairie Bank',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    lender = await staffClient(server, 'loans@prairie.test', 'a long lender passphrase 77');
  });
  afterAll(() => server.close());

  async function createContract(body: Record<string, unknown>) {
    const response = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  }

  async function booksBalance() {
    const accounts = await trialBalance(server.built.database.db, '2026-12-31');
    const debit = accounts.reduce((sum, a) => sum + a.debitCents, 0);
    const credit = accounts.reduce((sum, a) => sum + a.creditCents, 0);
    expect(debit).toBe(credit);
  }

  it('JSON: cancels every add-on in force, pays the right party, sets the deadline, skips GAP on a total loss', async () => {
    const payoffVin = nextVin();
    const vsc = await createContract(lenderVscBody(payoffVin));
    const gap = await createContract(lenderGapBody(payoffVin));
    const lossVin = nextVin();
    const lossVsc = await createContract(lenderVscBody(lossVin));
    const lossGap = await createContract(lenderGapBody(lossVin));

    const response = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin: payoffVin, event: 'payoff', eventDate: '2026-10-01', odometer: 40_000, reference: 'L-1' },
          { vin: lossVin, event: 'total_loss', eventDate: '2026-10-02' },
          { vin: 'NOTAVIN', event: 'payoff', eventDate: '2026-10-01' },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const { run, results } = response.json();
    expect(run).toMatchObject({ status: 'finished', rowsTotal: 3, rowsDone: 3, cancelled: 2, rejected: 1 });
    const [payoff, loss, bad] = results;
    expect(payoff.status).toBe('cancelled');
    expect(payoff.cancellations.map((c: { contractId: string }) => c.contractId).sort()).toEqual(
      [vsc, gap].sort(),
    );
    for (const c of payoff.cancellations) {
      expect(c).toMatchObject({ outcome: 'cancelled', payee: { kind: 'holder' }, refundDueOn: '2026-10-31' });
      expect(c.refundCents).toBeGreaterThan(0);
    }
    expect(loss.status).toBe('cancelled');
    const byId = Object.fromEntries(loss.cancellations.map((c: { contractId: string }) => [c.contractId, c]));
    expect(byId[lossVsc]).toMatchObject({
      outcome: 'cancelled',
      payee: { kind: 'lienholder', name: 'First Prairie Bank' },
    });
    expect(byId[lossGap]).toMatchObject({ outcome: 'claimed_not_cancelled', refundCents: null });
    expect(bad).toMatchObject({ line: 3, status: 'rejected', code: 'invalid_vin', param: 'vin' });

    const contract = await admin({ method: 'GET', url: `/api/v1/contracts/${vsc}` });
    expect(contract.json().status).toBe('cancelled');
    await booksBalance();
  });

  it('CSV: a bad row is rejected with its line and code, the rest go on; already cancelled is skipped; a resend changes nothing', async () => {
    const a = nextVin();
    const b = nextVin();
    const c = nextVin();
    const contractA = await createContract(lenderVscBody(a));
    await createContract(lenderVscBody(b));
    const contractC = await createContract(lenderVscBody(c));
    // c is cancelled by hand first.
    const manual = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contractC}/cancellation`,
      payload: {
        cancelOn: '2026-09-01',
        odometer: 35_000,
        reason: 'customer_request',
        evidence: 'Signed request dated 2026-09-01',
      },
    });
    expect(manual.statusCode, manual.body).toBe(201);

    const csv = [
      'vin,event,event_date,odometer,reference',
      `${a},repossession,2026-09-15,41000,LN-1`,
      `${b},payoff,2026-13-40,,LN-2`,
      `${c},payoff,2026-09-20,,LN-3`,
      `${b},foreclosure,2026-09-20,,LN-4`,
      `${b},payoff,2027-01-01,,LN-5`,
      '',
    ].join('\n');
    const send = (key?: string) =>
      admin({
        method: 'POST',
        url: '/api/v1/lender-events?fileName=nightly.csv',
        payload: csv,
        headers: { 'content-type': 'text/csv', ...(key ? { 'idempotency-key': key } : {}) },
      });
    const first = await send('night-1');
    expect(first.statusCode, first.body).toBe(200);
    const rows = first.json().results;
    expect(
      rows.map((r: { line: number; status: string; code: string | null }) => [r.line, r.status, r.code]),
    ).toEqual([
      [2, 'cancelled', null],
      [3, 'rejected', 'invalid_date'],
      [4, 'skipped', 'already_cancelled'],
      [5, 'rejected', 'unknown_lender_event'],
      [6, 'rejected', 'event_date_in_future'],
    ]);
    expect(rows[0].cancellations[0]).toMatchObject({
      contractId: contractA,
      payee: { kind: 'lienholder', name: 'First Prairie Bank' },
      refundDueOn: '2026-10-15',
    });
    const cancellationsBefore = await server.built.database.db
      .selectFrom('cancellations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    // Same key, same body: the first run again.
    const replay = await send('night-1');
    expect(replay.statusCode).toBe(200);
    expect(replay.json().run.runId).toBe(first.json().run.runId);
    // Same key, another body: refused.
    const reused = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: `${csv}${a},payoff,2026-09-01,,\n`,
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'night-1' },
    });
    expect(reused.statusCode).toBe(422);
    // Named as e-contracting and every other idempotent POST name it: the header.
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' });
    // No key: a new run, but every applied event is a duplicate and nothing changes.
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json().results[0]).toMatchObject({ status: 'skipped', code: 'duplicate_event' });
    expect(again.json().results[0].cancellations[0].contractId).toBe(contractA);
    const cancellationsAfter = await server.built.database.db
      .selectFrom('cancellations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(cancellationsAfter.n)).toBe(Number(cancellationsBefore.n));
    await booksBalance();

    const report = await admin({
      method: 'GET',
      url: `/api/v1/lender-events/runs/${first.json().run.runId}/report.csv`,
    });
    expect(report.statusCode).toBe(200);
    expect(report.body.split('\n')[0]).toBe(
      'line,vin,event,event_date,status,code,contract_ids,refund_cents,payees,refund_due_on,detail',
    );
    expect(report.body).toContain(`2,${a},repossession,2026-09-15,cancelled`);
  });

  it('CSV: a rejected row names its column as the file header writes it', async () => {
    const unknownVin = nextVin();
    const rows = (vin: string) => [
      `${vin},payoff,2026-13-40,`,
      `${vin},payoff,2027-01-01,`,
      `${vin},payoff,2026-10-01,lots`,
      `${vin},foreclosure,2026-10-01,`,
      `${unknownVin},payoff,2026-10-01,`,
    ];
    for (const [header, names] of [
      ['vin,event,event_date,odometer', ['event_date', 'event_date', 'odometer', 'event', 'vin']],
      ['vin,event,eventDate,odometer', ['eventDate', 'eventDate', 'odometer', 'event', 'vin']],
      ['VIN,Type,Date,Odometer', ['Date', 'Date', 'Odometer', 'Type', 'VIN']],
    ] as const) {
      const vin = nextVin();
      await createContract(lenderVscBody(vin));
      const response = await admin({
        method: 'POST',
        url: '/api/v1/lender-events',
        payload: [header, ...rows(vin)].join('\n'),
        headers: { 'content-type': 'text/csv' },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(
        response.json().results.map((r: { code: string; param: string | null }) => [r.code, r.param]),
      ).toEqual([
        ['invalid_date', names[0]],
        ['event_date_in_future', names[1]],
        ['validation_failed', names[2]],
        ['unknown_lender_event', names[3]],
        ['vehicle_not_found', names[4]],
      ]);
    }
  });

  it('a malformed JSON event is rejected on its own, with its line, code and field, and the rest go on', async () => {
    const good = nextVin();
    await createContract(lenderVscBody(good));
    const response = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin: nextVin(), event: 'payoff', eventDate: '2026-10-01', odometer: 'about 20k' },
          { vin: nextVin(), event: 'payoff' },
          { vin: nextVin(), event: 'payoff', eventDate: '2026-10-01', colour: 'red' },
          { vin: nextVin(), event: 'payoff', eventDate: '2026-10-01', odometer: { miles: 20_000 } },
          // A VIN sent as a number (a 17-digit one would have lost digits to floating point): refused.
          { vin: 12_345_678_901_234, event: 'payoff', eventDate: '2026-10-01' },
          null,
          'payoff',
          // A number sent as text is refused: the odometer is a JSON number (a CSV cell is text: read).
          { vin: nextVin(), event: 'payoff', eventDate: '2026-10-01', odometer: '5' },
          { vin: good, event: 'payoff', eventDate: '2026-10-01', odometer: 41_000, reference: null },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(
      response
        .json()
        .results.map((r: { line: number; status: string; code: string | null; param: string | null }) => [
          r.line,
          r.status,
          r.code,
          r.param,
        ]),
    ).toEqual([
      [1, 'rejected', 'validation_failed', 'odometer'],
      [2, 'rejected', 'invalid_date', 'eventDate'],
      [3, 'rejected', 'validation_failed', 'colour'],
      [4, 'rejected', 'validation_failed', 'odometer'],
      [5, 'rejected', 'validation_failed', 'vin'],
      [6, 'rejected', 'validation_failed', null],
      [7, 'rejected', 'validation_failed', null],
      [8, 'rejected', 'validation_failed', 'odometer'],
      [9, 'cancelled', null, null],
    ]);
    expect(response.json().run).toMatchObject({ rowsTotal: 9, rejected: 8, cancelled: 1 });
    const results = response.json().results as { detail: string | null }[];
    expect(results[1]!.detail).toBe(
      'The event date is missing: send eventDate (event_date in a CSV) as YYYY-MM-DD.',
    );
    expect(results[5]!.detail).toMatch(
      /^An event is an object \{vin, event, eventDate, odometer, reference\}, not null\.$/,
    );
    expect(results[7]!.detail).toBe('odometer must be a whole number of miles, as a JSON number (not text).');
    await booksBalance();
  });

  it('a header without the required columns refuses the file and stages nothing', async () => {
    const response = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: 'vin,event\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'eventDate' });
  });

  it('a lender reaches only loans naming its lienholder; runs and reports are its own', async () => {
    const other = nextVin();
    await createContract(lenderVscBody(other, { lienholder: { name: 'Other Credit Union' } }));
    const mine = nextVin();
    await createContract(lenderVscBody(mine));
    const response = await lender({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin: other, event: 'payoff', eventDate: '2026-10-01' },
          { vin: mine, event: 'payoff', eventDate: '2026-10-01' },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(
      response.json().results.map((r: { status: string; code: string | null }) => [r.status, r.code]),
    ).toEqual([
      ['rejected', 'vehicle_not_found'],
      ['cancelled', null],
    ]);
    const runs = await lender({ method: 'GET', url: '/api/v1/lender-events/runs' });
    expect(runs.json().data.every((r: { runId: string }) => r.runId === response.json().run.runId)).toBe(
      true,
    );
  });

  it("a lender's lienholder name matches loans written with other case or spacing", async () => {
    const vin = nextVin();
    const contract = await createContract(
      lenderVscBody(vin, { lienholder: { name: ' first  prairie BANK' } }),
    );
    const response = await lender({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'payoff', eventDate: '2026-10-01' }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results[0]).toMatchObject({
      status: 'cancelled',
      cancellations: [{ contractId: contract }],
    });
    const refunds = await lender({ method: 'GET', url: '/api/v1/lender-events/refunds?limit=100' });
    expect(refunds.json().data.map((r: { contractId: string }) => r.contractId)).toContain(contract);
  });

  it('a GAP addendum left for its claim by a total loss is not cancelled by the payoff or repossession after it', async () => {
    const vin = nextVin();
    const vsc = await createContract(lenderVscBody(vin));
    const gap = await createContract(lenderGapBody(vin));
    const send = (events: Record<string, unknown>[]) =>
      lender({ method: 'POST', url: '/api/v1/lender-events', payload: { events } });
    const loss = await send([{ vin, event: 'total_loss', eventDate: '2026-10-05' }]);
    expect(loss.json().results[0].cancellations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ contractId: vsc, outcome: 'cancelled' }),
        expect.objectContaining({ contractId: gap, outcome: 'claimed_not_cancelled' }),
      ]),
    );
    // The insurer's settlement pays the loan off: the GAP addendum is still left for its claim.
    const payoff = await send([
      { vin, event: 'payoff', eventDate: '2026-10-20' },
      { vin, event: 'repossession', eventDate: '2026-10-21' },
    ]);
    expect(
      payoff.json().results.map((r: { status: string; code: string | null }) => [r.status, r.code]),
    ).toEqual([
      ['skipped', 'claimed_not_cancelled'],
      ['skipped', 'claimed_not_cancelled'],
    ]);
    expect((await admin({ method: 'GET', url: `/api/v1/contracts/${gap}` })).json().status).toBe('active');

    // In one file: the total loss, then the payoff of the same loan.
    const sameFile = nextVin();
    const gapInFile = await createContract(lenderGapBody(sameFile));
    const both = await send([
      { vin: sameFile, event: 'total_loss', eventDate: '2026-10-05' },
      { vin: sameFile, event: 'payoff', eventDate: '2026-10-20' },
    ]);
    expect(both.json().results.map((r: { code: string | null }) => r.code)).toEqual([
      'claimed_not_cancelled',
      'claimed_not_cancelled',
    ]);
    expect((await admin({ method: 'GET', url: `/api/v1/contracts/${gapInFile}` })).json().status).toBe(
      'active',
    );
    await booksBalance();
  });

  it('an add-on past its miles at the event is not in force: nothing cancelled, no refund due', async () => {
    const vin = nextVin();
    // Value Guard sold at 30,000 miles for 36,000 more: it ends at 66,000.
    const vsc = await createContract(lenderVscBody(vin));
    const response = await lender({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'payoff', eventDate: '2026-10-01', odometer: 70_000 }] },
    });
    expect(response.json().results[0]).toMatchObject({
      status: 'skipped',
      code: 'not_in_force',
      cancellations: [{ contractId: vsc, outcome: 'not_in_force', refundCents: null }],
    });
  });

  it('a file over the inline limit is a run applied by the job: queued, then progress to the end', async () => {
    const vins = Array.from({ length: 60 }, () => nextVin());
    for (const vin of vins.slice(0, 3)) await createContract(lenderVscBody(vin));
    const csv = ['vin,event,event_date', ...vins.map((vin) => `${vin},payoff,2026-10-05`)].join('\n');
    const response = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    // No job queue in this test process: the run stays queued until a worker applies it.
    expect(response.statusCode, response.body).toBe(202);
    const { runId, rowsTotal, rowsDone } = response.json().run;
    expect([rowsTotal, rowsDone]).toEqual([60, 0]);
    // What the `apply-lender-events` job does.
    const lenderEvents = (server.built as unknown as { lenderEvents?: unknown }).lenderEvents;
    expect(lenderEvents).toBeUndefined();
    const { createLenderEventsService } = await import('./lender-events.service.js');
    const { createCancellationsService } = await import('../cancellations/cancellations.service.js');
    const { createCatalogService } = await import('../catalog/catalog.service.js');
    const db = server.built.database.db;
    const catalog = createCatalogService({ db });
    const service = createLenderEventsService({
      db,
      clock,
      timeZone: 'America/New_York',
      inlineMaxRows: 50,
      cancellations: createCancellationsService({ db, clock, catalog, timeZone: 'America/New_York' }),
    });
    const finished = await service.applyRun(runId, { batchSize: 25 });
    expect(finished).toMatchObject({
      status: 'finished',
      rowsTotal: 60,
      rowsDone: 60,
      cancelled: 3,
      rejected: 57,
    });
    const progress = await admin({ method: 'GET', url: `/api/v1/lender-events/runs/${runId}` });
    expect(progress.json()).toMatchObject({ rowsDone: 60, status: 'finished' });
    await booksBalance();
  });

  it('compliance view: every refund with its deadline; a recorded payment posts to the books and is on time or late', async () => {
    const vin = nextVin();
    await createContract(lenderVscBody(vin));
    const vin2 = nextVin();
    await createContract(lenderVscBody(vin2));
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin, event: 'repossession', eventDate: '2026-11-20' },
          { vin: vin2, event: 'payoff', eventDate: '2026-09-01' },
        ],
      },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const [due, overdue] = sent
      .json()
      .results.map(
        (r: { cancellations: { cancellationId: string }[] }) => r.cancellations[0]!.cancellationId,
      );

    const list = await lender({ method: 'GET', url: '/api/v1/lender-events/refunds?limit=100' });
    expect(list.statusCode, list.body).toBe(200);
    const byId = Object.fromEntries(
      list.json().data.map((r: { cancellationId: string }) => [r.cancellationId, r]),
    );
    expect(byId[due]).toMatchObject({ status: 'due', refundDueOn: '2026-12-20', payeeKind: 'lienholder' });
    expect(byId[overdue]).toMatchObject({
      status: 'overdue',
      refundDueOn: '2026-10-01',
      payeeKind: 'holder',
    });
    expect(list.json().counts.overdue.count).toBeGreaterThanOrEqual(1);

    const paid = await admin({
      method: 'POST',
      url: `/api/v1/lender-events/refunds/${overdue}/payment`,
      payload: { paidOn: '2026-11-24', reference: 'CHK-1001' },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid_late', paidOn: '2026-11-24' });
    const twice = await admin({
      method: 'POST',
      url: `/api/v1/lender-events/refunds/${overdue}/payment`,
      payload: { paidOn: '2026-11-24', reference: 'CHK-1002' },
    });
    expect(twice.statusCode).toBe(409);
    // Paid by the lender-event path: a payment run no longer owes it (the unpaid one it still does).
    const run = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    expect(run.statusCode, run.body).toBe(201);
    const sources = run.json().items.map((item: { source: { id: string } }) => item.source.id);
    expect(sources).not.toContain(overdue);
    expect(sources).toContain(due);
    await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/discard` });
    const future = await admin({
      method: 'POST',
      url: `/api/v1/lender-events/refunds/${due}/payment`,
      payload: { paidOn: '2026-12-01', reference: 'CHK-1003' },
    });
    expect(future.json()).toMatchObject({ code: 'invalid_date', param: 'paidOn' });
    const onTime = await admin({
      method: 'POST',
      url: `/api/v1/lender-events/refunds/${due}/payment`,
      payload: { paidOn: '2026-11-25', reference: 'ACH-77' },
    });
    expect(onTime.json().status).toBe('paid_on_time');

    const filtered = await admin({
      method: 'GET',
      url: '/api/v1/lender-events/refunds?status=paid_late&limit=100',
    });
    expect(filtered.json().data.every((r: { status: string }) => r.status === 'paid_late')).toBe(true);
    const csv = await admin({ method: 'GET', url: '/api/v1/lender-events/refunds.csv?status=paid_on_time' });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(`${due},`);
    expect(csv.body).toContain(',paid_on_time');
    await booksBalance();
  });

  it('CSV downloads write a name or value that starts like a formula as text, amounts as numbers', async () => {
    const vin = nextVin();
    await createContract(
      lenderVscBody(vin, { holder: { ...LENDER_HOLDER, firstName: '=HYPERLINK("http://x")' } }),
    );
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: {
        events: [
          { vin, event: 'payoff', eventDate: '2026-11-01' },
          { vin: '@SUM(A1:A9)', event: 'payoff', eventDate: '2026-11-01' },
        ],
      },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const { run, results } = sent.json();
    const cancellationId = results[0].cancellations[0].cancellationId as string;

    const refunds = await admin({ method: 'GET', url: '/api/v1/lender-events/refunds.csv' });
    expect(refunds.statusCode).toBe(200);
    const line = refunds.body.split('\n').find((l) => l.startsWith(`${cancellationId},`))!;
    expect(line).toContain(`,"'=HYPERLINK(""http://x"") Núñez",`);
    expect(line).not.toMatch(/(^|,)"?=/);
    expect(line).toMatch(
      new RegExp(`,First Prairie Bank,${results[0].cancellations[0].refundCents},holder,`),
    );

    const report = await admin({ method: 'GET', url: `/api/v1/lender-events/runs/${run.runId}/report.csv` });
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain("\n2,'@SUM(A1:A9),payoff,2026-11-01,rejected,invalid_vin,");
  });
});
