// Payment runs on both engines through the HTTP API: preview → approve pays each payable once (ACH to a
// facility with bank details, checks to holders), posts payable → cash in the books, writes a valid NACHA
// file and the positive-pay file; a possible OFAC match holds a payment until an admin releases it; two
// runs approved at the same time over the same payables pay each payable exactly once; 1099-NEC CSV.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { LENDER_HOLDER, lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import {
  brakesEstimate,
  STAFF_HOLDER,
  staffVscBody,
  vinSequence,
} from '../../test/support/staff-contracts.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

const nextVin = vinSequence(700);

const SDN_CSV = [
  '306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'BNC\'."',
  '9001,"ZABALETA, Ximena",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970."',
  '\u001a',
].join('\r\n');
const ALT_CSV = '306,219,"aka","NATIONAL BANK OF CUBA",-0-\r\n';

describeEachEngine('payment runs', (engine) => {
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let shop: Client;
  let facilityId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    facilityId = (await shop({ url: '/api/v1/repair-facilities' })).json().data[0].id;
  });
  afterAll(() => server.close());

  async function newContract(holder = { firstName: 'Rosa', lastName: 'Delgado' }) {
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(nextVin(), { holder: { ...STAFF_HOLDER, ...holder } }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; vehicle: { vin: string } };
  }

  async function cancelled(holder?: { firstName: string; lastName: string }) {
    const contract = await newContract(holder);
    const done = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/cancellation`,
      payload: {
        cancelOn: '2026-11-20',
        odometer: 20_000,
        reason: 'customer_request',
        evidence: 'Signed request dated 2026-11-20',
      },
    });
    expect(done.statusCode, done.body).toBe(201);
    return { contractId: contract.id, ...done.json().refund } as {
      contractId: string;
      cancellationId: string;
      refundCents: number;
    };
  }

  async function authorizedRepair() {
    const contract = await newContract();
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: brakesEstimate(contract.vehicle.vin, { keptOvernight: true }),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const claim = submitted.json();
    const decided = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.id}/authorization`,
      payload: { lines: claim.lines.map((line: { id: string }) => ({ id: line.id, approved: true })) },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    return {
      id: claim.id as string,
      contractId: contract.id as string,
      payableCents: decided.json().payableToFacilityCents as number,
    };
  }

  async function preview() {
    const response = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function trialBalanced() {
    const response = await admin({ url: '/api/v1/accounting/trial-balance?asOf=2026-12-31' });
    return response.json().balanced as boolean;
  }

  it.each([
    ['an impossible day', '2026-02-30'],
    ['a thirteenth month', '2026-13-01'],
    ['a day before today', '2026-11-24'],
  ])('refuses a payOn that is %s (%s) with 422 invalid_date on payOn', async (_, payOn) => {
    const response = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: { payOn } });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'payOn' });
  });

  it('refuses to approve before an SDN list is loaded, and refuses a bad SDN file with its line', async () => {
    await cancelled({ firstName: 'Ana', lastName: 'Reyes' });
    const run = await preview();
    expect(run.ofacListId).toBeNull();
    const refused = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/approval` });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('ofac_list_missing');
    const bad = await admin({
      method: 'POST',
      url: '/api/v1/ofac/sdn-lists',
      headers: { 'content-type': 'text/csv' },
      payload: '306,"BANCO NACIONAL DE CUBA",-0-\n',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'sdn_file_invalid' });
    expect(bad.json().detail).toContain('Line 1');
    const discarded = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/discard` });
    expect(discarded.json().status).toBe('discarded');
  });

  it('loads the SDN list and its alternate names', async () => {
    const loaded = await admin({
      method: 'POST',
      url: '/api/v1/ofac/sdn-lists',
      headers: { 'content-type': 'text/csv' },
      payload: SDN_CSV,
    });
    expect(loaded.statusCode, loaded.body).toBe(201);
    expect(loaded.json()).toMatchObject({ entryCount: 2, alternateCount: 0 });
    const alternates = await admin({
      method: 'POST',
      url: `/api/v1/ofac/sdn-lists/${loaded.json().id}/alternates`,
      headers: { 'content-type': 'text/csv' },
      payload: ALT_CSV,
    });
    expect(alternates.statusCode, alternates.body).toBe(200);
    expect(alternates.json().alternateCount).toBe(1);
  });

  it('pays a run once: ACH to the shop, checks to holders, books and files; holds a possible SDN match', async () => {
    const details = await admin({
      method: 'PUT',
      url: `/api/v1/repair-facilities/${facilityId}/payment-details`,
      payload: {
        bankAccount: { routingNumber: '011000015', accountNumber: '123456789012', accountType: 'checking' },
        tin: '12-3456789',
      },
    });
    expect(details.statusCode, details.body).toBe(200);
    expect(details.json()).toEqual({
      facilityId,
      method: 'ach',
      bankAccount: { routingNumber: '011000015', accountNumberMasked: '••••9012', accountType: 'checking' },
      tinMasked: '•••••6789',
    });
    const badRouting = await admin({
      method: 'PUT',
      url: `/api/v1/repair-facilities/${facilityId}/payment-details`,
      payload: {
        bankAccount: { routingNumber: '011000016', accountNumber: '1234', accountType: 'checking' },
        tin: null,
      },
    });
    expect(badRouting.statusCode).toBe(422);
    expect(badRouting.json()).toMatchObject({
      code: 'invalid_routing_number',
      param: 'bankAccount.routingNumber',
    });

    const repair = await authorizedRepair();
    const refund = await cancelled();
    const sanctioned = await cancelled({ firstName: 'Ximena', lastName: 'Zabaleta' });
    const run = await preview();
    expect(run.status).toBe('draft');
    expect(run.ofacListId).not.toBeNull();
    const itemOf = (r: typeof run, sourceId: string) =>
      r.items.find((item: { source: { id: string } }) => item.source.id === sourceId);
    expect(itemOf(run, repair.id)).toMatchObject({
      method: 'ach',
      amountCents: repair.payableCents,
      status: 'ready',
      payee: { type: 'repair_facility' },
      bankAccount: { accountNumberMasked: '••••9012' },
    });
    expect(JSON.stringify(run)).not.toContain('123456789012');
    expect(itemOf(run, refund.cancellationId)).toMatchObject({
      method: 'check',
      amountCents: refund.refundCents,
      status: 'ready',
      payee: { type: 'holder', name: 'Rosa Delgado' },
    });
    expect(itemOf(run, sanctioned.cancellationId)).toMatchObject({
      status: 'held',
      ofacHold: { matchedName: 'ZABALETA, Ximena', entNum: 9001, status: 'held' },
    });

    const approved = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/approval` });
    expect(approved.statusCode, approved.body).toBe(200);
    const paidRun = approved.json();
    expect(paidRun.status).toBe('approved');
    expect(itemOf(paidRun, repair.id)).toMatchObject({
      status: 'paid',
      traceNumber: expect.stringMatching(/^\d{15}$/),
    });
    expect(itemOf(paidRun, refund.cancellationId)).toMatchObject({
      status: 'paid',
      checkNumber: expect.any(Number),
    });
    expect(itemOf(paidRun, sanctioned.cancellationId).status).toBe('held');

    const again = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/approval` });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('payment_run_not_draft');

    // Each payable's own trail says the run paid it: the repair's shows on its contract's trail.
    const trail = await admin({ url: `/api/v1/contracts/${repair.contractId}/audit?limit=100` });
    expect(trail.json().data).toContainEqual(
      expect.objectContaining({
        action: 'repair_claim.paid_by_run',
        entityType: 'repair_claim',
        entityId: repair.id,
        data: expect.objectContaining({ runId: run.id, amountCents: repair.payableCents }),
      }),
    );

    // The repair claim is paid; paying it by hand now is refused.
    const claim = await adjuster({ url: `/api/v1/repair-claims/${repair.id}` });
    expect(claim.json().status).toBe('paid');

    // The books: payable → cash, one entry per payable, and the trial balance balances.
    const entries = await admin({
      url: `/api/v1/accounting/journal-entries?eventId=${refund.cancellationId}&eventType=cancellation_refund_paid`,
    });
    const [entry] = entries.json().data;
    expect(entry.lines).toEqual([
      expect.objectContaining({ accountCode: '2200', debitCents: refund.refundCents, creditCents: 0 }),
      expect.objectContaining({ accountCode: '1000', debitCents: 0, creditCents: refund.refundCents }),
    ]);
    const repairPaid = await admin({
      url: `/api/v1/accounting/journal-entries?eventId=${repair.id}&eventType=repair_claim_paid`,
    });
    expect(repairPaid.json().data).toHaveLength(1);
    expect(await trialBalanced()).toBe(true);

    // The NACHA file: 94-character records in blocks of ten; its credits are the ACH items.
    const nacha = await admin({ url: `/api/v1/payment-runs/${run.id}/nacha` });
    expect(nacha.statusCode).toBe(200);
    const records = nacha.body.slice(0, -1).split('\n');
    expect(records.every((record) => record.length === 94)).toBe(true);
    expect(records.length % 10).toBe(0);
    const achItems = paidRun.items.filter(
      (item: { method: string; status: string }) => item.method === 'ach' && item.status === 'paid',
    );
    const fileControl = records.find((record) => record.startsWith('9') && !/^9+$/.test(record))!;
    expect(Number(fileControl.slice(43, 55))).toBe(
      achItems.reduce((total: number, item: { amountCents: number }) => total + item.amountCents, 0),
    );
    expect(nacha.body).toContain('123456789012');
    const positivePay = await admin({ url: `/api/v1/payment-runs/${run.id}/positive-pay` });
    expect(positivePay.statusCode).toBe(200);
    const checkLine = `I,000000000000,${itemOf(paidRun, refund.cancellationId).checkNumber},112526,${(refund.refundCents / 100).toFixed(2)},Rosa Delgado`;
    expect(positivePay.body.split('\n')).toContain(checkLine);

    // Released with a reason (audited), the held refund goes in the next run and is not held again.
    const holds = await admin({ url: '/api/v1/ofac/holds?status=held' });
    const hold = holds
      .json()
      .data.find((h: { source: { id: string } }) => h.source.id === sanctioned.cancellationId);
    expect(hold.matchedEntry).toMatchObject({ entNum: 9001, program: 'SDGT', remarks: 'DOB 01 Jan 1970.' });
    const noReason = await admin({
      method: 'POST',
      url: `/api/v1/ofac/holds/${hold.id}/decision`,
      payload: { decision: 'release', reason: '' },
    });
    expect(noReason.statusCode).toBe(400);
    const released = await admin({
      method: 'POST',
      url: `/api/v1/ofac/holds/${hold.id}/decision`,
      payload: {
        decision: 'release',
        reason: 'Different date of birth on the contract: not the listed person.',
      },
    });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', decidedBy: 'admin@coverwise.test' });
    const twice = await admin({
      method: 'POST',
      url: `/api/v1/ofac/holds/${hold.id}/decision`,
      payload: { decision: 'block', reason: 'Changed my mind.' },
    });
    expect(twice.json().code).toBe('ofac_hold_decided');
    const audit = await sql<{ reason: string }>`select reason from audit_events
      where action = 'ofac.hold_released' and entity_id = ${hold.id}`.execute(server.built.database.db);
    expect(audit.rows[0]!.reason).toContain('Different date of birth');
    const next = await preview();
    expect(itemOf(next, sanctioned.cancellationId)).toMatchObject({ status: 'ready', ofacHold: null });
    expect(itemOf(next, repair.id)).toBeUndefined();
    expect(
      (await admin({ method: 'POST', url: `/api/v1/payment-runs/${next.id}/approval` })).statusCode,
    ).toBe(200);
  });

  it('refuses a lender-event refund recorded as paid by hand while its payee is held for OFAC review, or dated before it was owed', async () => {
    const vin = nextVin();
    const created = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: lenderVscBody(vin, {
        holder: { ...LENDER_HOLDER, firstName: 'Ximena', lastName: 'Zabaleta' },
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    // A payoff: the refund goes to the holder, whose name is a possible SDN match.
    const reported = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'payoff', eventDate: '2026-11-20' }] },
    });
    expect(reported.statusCode, reported.body).toBe(200);
    const cancellationId = reported.json().results[0].cancellations[0].cancellationId as string;
    const run = await preview();
    const item = run.items.find((i: { source: { id: string } }) => i.source.id === cancellationId);
    expect(item).toMatchObject({ status: 'held' });
    await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/discard` });

    const pay = (paidOn: string) =>
      admin({
        method: 'POST',
        url: `/api/v1/lender-events/refunds/${cancellationId}/payment`,
        payload: { paidOn, reference: 'CHK-9' },
      });
    const early = await pay('2026-11-19');
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'invalid_date', param: 'paidOn' });
    const held = await pay('2026-11-24');
    expect(held.statusCode).toBe(409);
    expect(held.json()).toMatchObject({ code: 'payment_on_ofac_hold' });
    expect(held.json().detail).toContain('ZABALETA, Ximena');
    const { db } = server.built.database;
    const cancellation = await db
      .selectFrom('cancellations')
      .select('paid_on')
      .where('id', '=', cancellationId)
      .executeTakeFirstOrThrow();
    expect(cancellation.paid_on).toBeNull();

    // Released with a reason, the payment can be recorded.
    const hold = (await admin({ url: '/api/v1/ofac/holds?status=held' }))
      .json()
      .data.find((h: { source: { id: string } }) => h.source.id === cancellationId);
    const released = await admin({
      method: 'POST',
      url: `/api/v1/ofac/holds/${hold.id}/decision`,
      payload: { decision: 'release', reason: 'Not the listed person: another date of birth.' },
    });
    expect(released.statusCode, released.body).toBe(200);
    const paid = await pay('2026-11-24');
    expect(paid.statusCode, paid.body).toBe(200);
    expect(await trialBalanced()).toBe(true);
  });

  it('refuses a repair recorded as paid by hand while its facility is held for OFAC review', async () => {
    const repair = await authorizedRepair();
    const { db } = server.built.database;
    const facility = await db
      .selectFrom('repair_facilities')
      .select('name')
      .where('id', '=', facilityId)
      .executeTakeFirstOrThrow();
    // The facility's name, for this test only, is a listed one.
    await db
      .updateTable('repair_facilities')
      .set({ name: 'Banco Nacional de Cuba' })
      .where('id', '=', facilityId)
      .execute();
    try {
      const run = await preview();
      const item = run.items.find((i: { source: { id: string } }) => i.source.id === repair.id);
      expect(item).toMatchObject({ status: 'held' });
      await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/discard` });
      const refused = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${repair.id}/payment`,
        payload: { method: 'check', reference: 'CHK-77' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'payment_on_ofac_hold' });
      const claim = await db
        .selectFrom('repair_claims')
        .select('status')
        .where('id', '=', repair.id)
        .executeTakeFirstOrThrow();
      expect(claim.status).toBe('authorized');
      const hold = (await admin({ url: '/api/v1/ofac/holds?status=held' }))
        .json()
        .data.find((h: { source: { id: string } }) => h.source.id === repair.id);
      const blocked = await admin({
        method: 'POST',
        url: `/api/v1/ofac/holds/${hold.id}/decision`,
        payload: { decision: 'block', reason: 'Confirmed match.' },
      });
      expect(blocked.statusCode, blocked.body).toBe(200);
      const stillRefused = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${repair.id}/payment`,
        payload: { method: 'check', reference: 'CHK-78' },
      });
      expect(stillRefused.json()).toMatchObject({ code: 'payment_on_ofac_hold' });
      expect(stillRefused.json().detail).toContain('blocked');
    } finally {
      await db
        .updateTable('repair_facilities')
        .set({ name: facility.name })
        .where('id', '=', facilityId)
        .execute();
    }
  });

  it('pays each payable exactly once when two runs over the same payables are approved at once', async () => {
    const refunds = [];
    for (let i = 0; i < 4; i += 1) refunds.push(await cancelled({ firstName: 'Lee', lastName: `Park${i}` }));
    refunds.push({ cancellationId: (await authorizedRepair()).id });
    const first = await preview();
    const second = await preview();
    const sources = (run: { items: { source: { id: string } }[] }) =>
      run.items.map((item) => item.source.id).sort();
    expect(sources(first)).toEqual(sources(second));
    const [a, b] = await Promise.all([
      admin({ method: 'POST', url: `/api/v1/payment-runs/${first.id}/approval` }),
      admin({ method: 'POST', url: `/api/v1/payment-runs/${second.id}/approval` }),
    ]);
    expect(a!.statusCode, a!.body).toBe(200);
    expect(b!.statusCode, b!.body).toBe(200);
    const paidIn = (run: { items: { status: string; source: { id: string } }[] }) =>
      run.items.filter((item) => item.status === 'paid').map((item) => item.source.id);
    const paidA = paidIn(a!.json());
    const paidB = paidIn(b!.json());
    expect(paidA.filter((id) => paidB.includes(id))).toEqual([]);
    expect([...paidA, ...paidB].sort()).toEqual(sources(first));
    for (const item of [...a!.json().items, ...b!.json().items].filter((i) => i.status !== 'paid'))
      expect(item).toMatchObject({ status: 'skipped', skipReason: 'already_paid' });
    const settlements = await sql<{ n: number }>`select count(*)::int as n from payment_settlements
      where source_id = any(${sources(first)}::uuid[])`.execute(server.built.database.db);
    expect(Number(settlements.rows[0]!.n)).toBe(sources(first).length);
    const posted = await sql<{
      event_id: string;
      n: number;
    }>`select event_id, count(*)::int as n from journal_entries
      where event_type in ('cancellation_refund_paid', 'repair_claim_paid') and event_id = any(${sources(first)}::text[])
      group by event_id`.execute(server.built.database.db);
    expect(posted.rows.every((row) => Number(row.n) === 1)).toBe(true);
    expect(posted.rows).toHaveLength(sources(first).length);
    expect(await trialBalanced()).toBe(true);
  });

  it('lists the runs newest first a page at a time, each with its total and the files it wrote', async () => {
    type Summary = {
      id: string;
      runNumber: number;
      status: string;
      itemCount: number;
      payableCents: number;
      paidCents: number;
      files: { nacha: boolean; positivePay: boolean };
    };
    const all: Summary[] = (await admin({ url: '/api/v1/payment-runs?limit=100' })).json().data;
    expect(all.length).toBeGreaterThan(3);
    expect(all.map((run) => run.runNumber)).toEqual(all.map((run) => run.runNumber).sort((a, b) => b - a));
    const first = await admin({ url: '/api/v1/payment-runs?limit=2' });
    expect(first.json()).toMatchObject({ hasMore: true });
    const next = await admin({
      url: `/api/v1/payment-runs?limit=2&startingAfter=${first.json().data[1].id}`,
    });
    expect([...first.json().data, ...next.json().data].map((run: Summary) => run.id)).toEqual(
      all.slice(0, 4).map((run) => run.id),
    );
    // Each summary says what the run's own view says.
    for (const summary of all) {
      const run = (await admin({ url: `/api/v1/payment-runs/${summary.id}` })).json();
      expect(summary).toMatchObject({
        status: run.status,
        itemCount: run.totals.itemCount,
        payableCents: run.totals.payableCents,
        paidCents: run.totals.paidCents,
        files: run.files,
      });
    }
    const approved = all.find((run) => run.status === 'approved' && run.files.nacha);
    expect(approved).toMatchObject({ files: { nacha: true, positivePay: true } });
    expect(approved!.payableCents).toBe(approved!.paidCents);
    const draft = all.find((run) => run.status !== 'approved');
    expect(draft).toMatchObject({ paidCents: 0, files: { nacha: false, positivePay: false } });
  });

  it('writes the 1099-NEC CSV of facilities paid at least $600 in the year', async () => {
    const response = await admin({ url: '/api/v1/reports/1099-nec?year=2026' });
    expect(response.statusCode).toBe(200);
    const [header, ...rows] = response.body.trimEnd().split('\n');
    expect(header).toBe(
      'payee_tin,payee_name,address_line1,city,state,zip,country,box1_nonemployee_compensation,payments,tin_missing',
    );
    const own = rows.find((row) => row.startsWith('12-3456789,'));
    expect(own).toBeDefined();
    expect(own!.endsWith(',no')).toBe(true);
    const none = await admin({ url: '/api/v1/reports/1099-nec?year=2025' });
    expect(none.body.trimEnd().split('\n')).toHaveLength(1);
  });

  it('keeps one OFAC hold per payable across previews; one decision settles every draft run holding it', async () => {
    type Run = {
      id: string;
      runNumber: number;
      items: { status: string; source: { id: string }; ofacHold: { id: string; status: string } | null }[];
    };
    const itemIn = (run: Run, sourceId: string) => run.items.find((item) => item.source.id === sourceId);
    const heldHoldsOf = async (sourceId: string) =>
      (await admin({ url: '/api/v1/ofac/holds?status=held&limit=100' }))
        .json()
        .data.filter((hold: { source: { id: string } }) => hold.source.id === sourceId);
    const runView = async (run: Run): Promise<Run> =>
      (await admin({ url: `/api/v1/payment-runs/${run.id}` })).json();
    const decide = (holdId: string, decision: 'release' | 'block', reason: string) =>
      admin({ method: 'POST', url: `/api/v1/ofac/holds/${holdId}/decision`, payload: { decision, reason } });

    // Blocked: the payable, previewed in two runs, has one hold; blocking it blocks it in both drafts,
    // nothing is left to release, and no later run offers it.
    const blockedRefund = await cancelled({ firstName: 'Ximena', lastName: 'Zabaleta' });
    const first: Run = await preview();
    const second: Run = await preview();
    const hold = itemIn(first, blockedRefund.cancellationId)?.ofacHold;
    expect(itemIn(first, blockedRefund.cancellationId)).toMatchObject({
      status: 'held',
      ofacHold: { status: 'held' },
    });
    expect(itemIn(second, blockedRefund.cancellationId)).toMatchObject({
      status: 'held',
      ofacHold: { id: hold?.id },
    });
    const open = await heldHoldsOf(blockedRefund.cancellationId);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: hold?.id, runNumber: second.runNumber });
    expect((await decide(hold!.id, 'block', 'Confirmed match: same date of birth.')).statusCode).toBe(200);
    for (const run of [first, second])
      expect(itemIn(await runView(run), blockedRefund.cancellationId)).toMatchObject({
        status: 'blocked',
        ofacHold: { id: hold?.id, status: 'blocked' },
      });
    expect(await heldHoldsOf(blockedRefund.cancellationId)).toEqual([]);
    expect((await decide(hold!.id, 'release', 'Second thoughts.')).json()).toMatchObject({
      code: 'ofac_hold_decided',
    });

    // Released: the same payable held in two drafts is ready in both, and is not held again.
    const releasedRefund = await cancelled({ firstName: 'Ximena', lastName: 'Zabaleta' });
    const third: Run = await preview();
    const fourth: Run = await preview();
    expect(itemIn(third, blockedRefund.cancellationId)).toBeUndefined();
    const [releasable] = await heldHoldsOf(releasedRefund.cancellationId);
    expect(await heldHoldsOf(releasedRefund.cancellationId)).toHaveLength(1);
    expect(itemIn(third, releasedRefund.cancellationId)?.ofacHold?.id).toBe(releasable.id);
    expect(itemIn(fourth, releasedRefund.cancellationId)?.ofacHold?.id).toBe(releasable.id);
    expect((await decide(releasable.id, 'release', 'Another person: other date of birth.')).statusCode).toBe(
      200,
    );
    for (const run of [third, fourth])
      expect(itemIn(await runView(run), releasedRefund.cancellationId)).toMatchObject({ status: 'ready' });
    const fifth: Run = await preview();
    expect(itemIn(fifth, releasedRefund.cancellationId)).toMatchObject({ status: 'ready' });
    const holds = await sql<{ n: number }>`select count(*)::int as n from ofac_holds
      where source_id in (${blockedRefund.cancellationId}, ${releasedRefund.cancellationId})`.execute(
      server.built.database.db,
    );
    expect(Number(holds.rows[0]!.n)).toBe(2);
    for (const run of [first, second, third, fourth, fifth])
      await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.id}/discard` });
  });

  it('puts one hold on a payable that two previews at the same time find a possible match', async () => {
    const refund = await cancelled({ firstName: 'Ximena', lastName: 'Zabaleta' });
    const previews = await Promise.all([
      admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} }),
      admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} }),
    ]);
    const holdIds = previews.map((response) => {
      expect(response.statusCode, response.body).toBe(201);
      const item = response
        .json()
        .items.find((i: { source: { id: string } }) => i.source.id === refund.cancellationId);
      expect(item).toMatchObject({ status: 'held' });
      return item.ofacHold.id as string;
    });
    expect(holdIds[0]).toBe(holdIds[1]);
    const holds = await sql<{ n: number }>`select count(*)::int as n from ofac_holds
      where source_id = ${refund.cancellationId}`.execute(server.built.database.db);
    expect(Number(holds.rows[0]!.n)).toBe(1);
    for (const response of previews)
      await admin({ method: 'POST', url: `/api/v1/payment-runs/${response.json().id}/discard` });
  });
});
