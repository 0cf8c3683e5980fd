import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { brakesEstimate } from '../../test/support/staff-contracts.js';
import { explainedCancellation } from '../../test/support/stored-quote.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
let serial = 0;

function contractBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    product: 'vsc',
    planCode: 'VALUE_GUARD',
    holder: {
      firstName: 'Ana',
      lastName: 'Núñez',
      address: { line1: '1 Elm St', city: 'Topeka', state: 'KS', zip: '66603' },
    },
    vehicle: {
      vin: withCheckDigit(`1FTFW1E50NF${String(serial).padStart(6, '0')}`),
      year: 2022,
      make: 'Ford',
      model: 'F-150',
    },
    odometerAtSale: 30_000,
    purchaseDate: '2026-01-15',
    purchaseState: 'MO',
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 120_000,
    deductibleCents: 10_000,
    lienholder: { name: 'First Prairie Bank' },
    ...overrides,
  };
}

describeEachEngine('cancellations', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      demo: true,
      env: { COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000' },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
  });
  afterAll(() => server.close());

  async function createContract(overrides: Record<string, unknown> = {}) {
    const body = contractBody(overrides);
    const response = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id as string, body };
  }

  const quote = (id: string, payload: Record<string, unknown>, client = adjuster) =>
    client({ method: 'POST', url: `/api/v1/contracts/${id}/cancellation-quote`, payload });
  const cancel = (id: string, payload: Record<string, unknown>, key?: string, client = adjuster) =>
    client({
      method: 'POST',
      url: `/api/v1/contracts/${id}/cancellation`,
      payload,
      headers: key ? { 'idempotency-key': key } : {},
    });

  /** A shop's brakes estimate on the VIN at that reading, submitted (dated now): the claim. */
  async function submitRepairClaim(vin: string, odometer: number) {
    const shop = await staffClient(server, 'shop@coverwise.test');
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: brakesEstimate(vin, { odometer }),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    return submitted.json();
  }

  /** A paid repair claim as the claims issue will record it: a ledger payout of a claim source. */
  async function recordPaidClaim(contractId: string, amountCents: number) {
    const { db } = server.built.database;
    await db.updateTable('contracts').set({ has_claims: true }).where('id', '=', contractId).execute();
    await db
      .insertInto('ledger_entries')
      .values({
        contract_id: contractId,
        kind: 'repair_claim_payment',
        direction: 'payout',
        amount_cents: amountCents,
        payee_kind: 'repair_facility',
        payee_name: 'Main Street Auto',
        source_type: 'repair_claim',
        source_id: crypto.randomUUID(),
        created_by: 'test',
      })
      .execute();
  }

  describe('quotes', () => {
    it('quotes with the contract’s state rules: Texas deducts claims paid and its fee after day 30', async () => {
      const { id } = await createContract({ purchaseState: 'TX' });
      await recordPaidClaim(id, 30_000);
      const response = await quote(id, {
        cancelOn: '2026-02-15',
        odometer: 30_500,
        reason: 'customer_request',
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        method: 'pro_rata_days',
        grossRefundCents: 116_606,
        feeCents: 5000,
        claimsPaidCents: 30_000,
        claimsDeductedCents: 30_000,
        refundCents: 81_606,
        payee: { kind: 'lienholder', name: 'First Prairie Bank' },
        ruleIds: ['TX-vsc-cancellation', 'plan:VALUE_GUARD'],
        catalogVersion: 1,
      });
      const lines = response.json().lines as { label: string; amountCents: number; ruleId?: string }[];
      expect(lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(81_606);
      expect(lines[0]!.label).toBe(
        'Refund share: 1,065 of 1,096 days remain (97.17%) of the $1,200.00 price',
      );
    });

    it('gives a full refund inside the free look and ends the free look once a claim was filed', async () => {
      const { id } = await createContract({ purchaseDate: '2026-10-01' });
      const inside = await quote(id, {
        cancelOn: '2026-11-25',
        odometer: 31_000,
        reason: 'customer_request',
      });
      expect(inside.json()).toMatchObject({ method: 'full', refundCents: 120_000, feeCents: 0 });
      await recordPaidClaim(id, 10_000);
      const afterClaim = await quote(id, {
        cancelOn: '2026-11-25',
        odometer: 31_000,
        reason: 'customer_request',
      });
      // Missouri does not deduct claims paid: only the $50 fee comes off the prorated share.
      expect(afterClaim.json()).toMatchObject({
        method: 'pro_rata_days',
        feeCents: 5000,
        claimsDeductedCents: 0,
      });
    });

    it('quotes a GAP addendum under its own 30-day free look', async () => {
      const { id } = await createContract({
        product: 'gap',
        planCode: 'GAP',
        termMonths: 60,
        termMiles: undefined,
        deductibleCents: undefined,
        priceCents: 79_500,
        amountFinancedCents: 3_000_000,
        msrpCents: 3_200_000,
        purchaseState: 'CA',
      });
      const response = await quote(id, { cancelOn: '2026-02-15', odometer: 30_500, reason: 'payoff' });
      expect(response.json()).toMatchObject({
        method: 'pro_rata_days',
        grossRefundCents: 78_150,
        feeCents: 0,
        refundCents: 78_150,
        payee: { kind: 'holder', name: 'Ana Núñez' },
        ruleIds: ['CA-gap-cancellation', 'plan:GAP'],
      });
      expect(response.json().requiredProof.map((p: { type: string }) => p.type)).toContain('payoff_letter');
    });

    it.each([
      ['a date that does not exist', { cancelOn: '2026-02-30' }, 'invalid_date', 'cancelOn'],
      ['a date before the purchase', { cancelOn: '2026-01-14' }, 'cancel_date_before_purchase', 'cancelOn'],
      ['an odometer below the sale reading', { odometer: 29_999 }, 'odometer_below_sale', 'odometer'],
      ['an unknown reason', { reason: 'bored' }, 'validation_failed', 'reason'],
    ])('refuses %s with a problem naming the field', async (_name, change, code, param) => {
      const { id } = await createContract();
      const response = await quote(id, {
        cancelOn: '2026-06-01',
        odometer: 31_000,
        reason: 'customer_request',
        ...change,
      });
      expect(response.json()).toMatchObject({ code, param });
    });

    it('lets a holder quote their own contract and no other', async () => {
      const own = await createContract({
        holder: {
          firstName: 'Lee',
          lastName: 'Okoro',
          address: { line1: '2 Oak', city: 'Reno', state: 'NV', zip: '89501' },
        },
      });
      const other = await createContract();
      const holder = await holderClient(server, {
        lastName: 'Okoro',
        zip: '89501',
        vin: own.body.vehicle.vin,
      });
      const body = { cancelOn: '2026-11-25', odometer: 31_000, reason: 'customer_request' };
      expect((await quote(own.id, body, holder)).statusCode).toBe(200);
      expect((await quote(other.id, body, holder)).json()).toMatchObject({ code: 'not_found' });
    });
  });

  describe('cancelling', () => {
    it('cancels, pays the refund to the lienholder through the ledger, audits it and ends coverage', async () => {
      const { id } = await createContract();
      const body = {
        cancelOn: '2026-06-01',
        odometer: 31_000,
        reason: 'customer_request',
        evidence: 'Signed request dated 2026-06-01',
      };
      await quote(id, body);
      const response = await cancel(id, body, 'cancel-1');
      expect(response.statusCode, response.body).toBe(201);
      const { contract, refund } = response.json();
      expect(contract).toMatchObject({
        id,
        status: 'cancelled',
        coverage: { inForce: false, reasonCode: 'cancelled' },
      });
      expect(refund).toMatchObject({
        method: 'pro_rata_days',
        grossRefundCents: 105_000,
        feeCents: 5000,
        refundCents: 100_000,
        payee: { kind: 'lienholder', name: 'First Prairie Bank' },
      });

      const ledger = (await adjuster({ url: `/api/v1/contracts/${id}/ledger` })).json();
      expect(ledger.data).toHaveLength(1);
      expect(ledger.data[0]).toMatchObject({
        id: refund.ledgerEntryId,
        kind: 'cancellation_refund',
        direction: 'payout',
        amountCents: 100_000,
        payee: { kind: 'lienholder', name: 'First Prairie Bank' },
        source: { type: 'cancellation', id: refund.cancellationId },
      });
      expect(ledger.paidOutCents).toBe(100_000);

      // The record keeps the quote's figures only; the whole quote answered is rebuilt from it.
      const { stored, explained } = await explainedCancellation(
        server.built.database.db,
        refund.cancellationId,
      );
      expect(stored).not.toHaveProperty('lines');
      const { cancellationId: _c, ledgerEntryId: _l, journalEntryId: _j, ...answered } = refund;
      expect(explained).toEqual(answered);

      const audit = (await adjuster({ url: `/api/v1/contracts/${id}/audit` })).json();
      expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
        'contract.created',
        'contract.cancellation_quoted',
        'contract.cancelled',
      ]);
      const coverage = await adjuster({ url: `/api/v1/contracts/${id}` });
      expect(coverage.json()).toMatchObject({ status: 'cancelled', coverage: { reasonCode: 'cancelled' } });
    });

    it('replays the same answer for the same key, refuses the key with another body, and refuses a second cancellation', async () => {
      const { id } = await createContract();
      const body = {
        cancelOn: '2026-06-01',
        odometer: 31_000,
        reason: 'customer_request',
        evidence: 'Letter',
      };
      const first = await cancel(id, body, 'cancel-2');
      const replay = await cancel(id, body, 'cancel-2');
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect((await cancel(id, { ...body, odometer: 31_001 }, 'cancel-2')).json()).toMatchObject({
        code: 'idempotency_key_reused',
      });
      const second = await cancel(id, body, 'cancel-3');
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ code: 'contract_not_active' });
      expect((await quote(id, body)).json()).toMatchObject({ code: 'contract_not_active' });
      const ledger = (await adjuster({ url: `/api/v1/contracts/${id}/ledger` })).json();
      expect(ledger.data).toHaveLength(1);
    });

    it('writes no ledger entry when the fee takes the whole refund', async () => {
      // $60 price, 61 days in: the $50 fee is more than the prorated share.
      const { id } = await createContract({ priceCents: 6000, purchaseDate: '2024-12-20' });
      const response = await cancel(id, { cancelOn: '2026-11-25', odometer: 60_000, reason: 'trade_in' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().refund).toMatchObject({ refundCents: 0, ledgerEntryId: null });
      expect((await adjuster({ url: `/api/v1/contracts/${id}/ledger` })).json().data).toEqual([]);
    });

    it('refuses a cancellation dated after today and changes nothing', async () => {
      const { id } = await createContract();
      const response = await cancel(id, {
        cancelOn: '2026-11-26',
        odometer: 31_000,
        reason: 'customer_request',
      });
      expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'cancelOn' });
      expect((await adjuster({ url: `/api/v1/contracts/${id}` })).json().status).toBe('active');
      expect((await adjuster({ url: `/api/v1/contracts/${id}/audit` })).json().data).toHaveLength(1);
    });

    it('refuses to cancel a contract that has run out', async () => {
      const { id } = await createContract({ purchaseDate: '2022-01-10' });
      const response = await cancel(id, {
        cancelOn: '2026-11-25',
        odometer: 40_000,
        reason: 'customer_request',
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'contract_not_active' });
    });

    it('lets the holder cancel their own contract; the refund goes to them after a payoff', async () => {
      const own = await createContract({
        holder: {
          firstName: 'Lee',
          lastName: 'Adebayo',
          address: { line1: '2 Oak', city: 'Reno', state: 'NV', zip: '89501' },
        },
        purchaseState: 'NV',
      });
      const holder = await holderClient(server, {
        lastName: 'Adebayo',
        zip: '89501',
        vin: own.body.vehicle.vin,
      });
      const response = await cancel(
        own.id,
        { cancelOn: '2026-11-25', odometer: 41_000, reason: 'payoff' },
        'h-1',
        holder,
      );
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().refund).toMatchObject({
        feeCents: 2500,
        payee: { kind: 'holder', name: 'Lee Adebayo' },
      });
      const audit = (await adjuster({ url: `/api/v1/contracts/${own.id}/audit` })).json();
      expect(audit.data.at(-1)).toMatchObject({
        action: 'contract.cancelled',
        actor: { kind: 'holder' },
        reason: 'payoff',
      });
    });

    it('dates a holder’s own cancellation today: an earlier date is refused, quote and cancellation alike', async () => {
      // Bought 2026-08-08: the 60-day free look ended 2026-10-07; today is 2026-11-25.
      const own = await createContract({
        purchaseDate: '2026-08-08',
        holder: {
          firstName: 'Jo',
          lastName: 'Schmidt',
          address: { line1: '3 Pine', city: 'Austin', state: 'TX', zip: '78701' },
        },
      });
      const holder = await holderClient(server, {
        lastName: 'Schmidt',
        zip: '78701',
        vin: own.body.vehicle.vin,
      });
      const backdated = { cancelOn: '2026-08-10', odometer: 30_900, reason: 'customer_request' };
      for (const answer of [
        await quote(own.id, backdated, holder),
        await cancel(own.id, backdated, 'h-backdate', holder),
        await cancel(own.id, { ...backdated, evidence: 'I sold it then' }, 'h-backdate-2', holder),
      ]) {
        expect(answer.statusCode, answer.body).toBe(422);
        expect(answer.json()).toMatchObject({ code: 'cancel_date_not_today', param: 'cancelOn' });
        expect(answer.json().detail).toContain('call customer service');
      }
      expect((await adjuster({ url: `/api/v1/contracts/${own.id}` })).json().status).toBe('active');

      const { cancelOn: _omitted, ...undated } = backdated;
      const quoted = await quote(own.id, undated, holder);
      expect(quoted.json()).toMatchObject({ cancelOn: '2026-11-25', method: 'pro_rata_days' });
      const done = await cancel(own.id, undated, 'h-today', holder);
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json().refund).toMatchObject({
        cancelOn: '2026-11-25',
        refundCents: quoted.json().refundCents,
        refundDueOn: '2026-12-25',
      });
    });

    it('lets staff date a cancellation back only with its evidence, which the audit trail keeps', async () => {
      const { id } = await createContract({ purchaseDate: '2026-08-08' });
      const backdated = { cancelOn: '2026-08-10', odometer: 30_900, reason: 'payoff' };
      // A quote changes nothing: staff may look at an earlier date without evidence.
      expect((await quote(id, backdated)).json()).toMatchObject({ method: 'full', cancelOn: '2026-08-10' });
      const missing = await cancel(id, backdated, 's-backdate-1');
      expect(missing.statusCode).toBe(422);
      expect(missing.json()).toMatchObject({ code: 'backdate_evidence_required', param: 'evidence' });
      const blank = await cancel(id, { ...backdated, evidence: '   ' }, 's-backdate-2');
      expect(blank.json()).toMatchObject({ code: 'validation_failed', param: 'evidence' });
      expect((await adjuster({ url: `/api/v1/contracts/${id}` })).json().status).toBe('active');

      const done = await cancel(
        id,
        { ...backdated, evidence: ' Payoff letter from First Prairie Bank dated 2026-08-10 ' },
        's-backdate-3',
      );
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json().refund).toMatchObject({ cancelOn: '2026-08-10', method: 'full' });
      const audit = (await adjuster({ url: `/api/v1/contracts/${id}/audit` })).json();
      expect(audit.data.at(-1)).toMatchObject({
        action: 'contract.cancelled',
        actor: { kind: 'user' },
        reason: 'payoff',
        data: {
          cancelOn: '2026-08-10',
          backdated: true,
          evidence: 'Payoff letter from First Prairie Bank dated 2026-08-10',
        },
      });
    });

    it('follows the last repair the administrator authorized: dated after its day, its payable deducted where claims are', async () => {
      // Texas deducts claims; the authorization ($700 brakes less the $100 deductible) is not paid yet.
      const { id, body } = await createContract({ purchaseState: 'TX' });
      const claim = await submitRepairClaim(body.vehicle.vin, 31_000);
      const authorized = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/authorization`,
        payload: { lines: [{ id: claim.lines[0].id, approved: true }] },
      });
      expect(authorized.json()).toMatchObject({ status: 'authorized', payableToFacilityCents: 60_000 });
      // The claim as submitted on 2026-11-20 (a fixture: the API dates it now).
      await server.built.database.db
        .updateTable('repair_claims')
        .set({ submitted_at: new Date('2026-11-20T15:00:00Z') })
        .where('id', '=', claim.id)
        .execute();

      const onClaimDay = {
        cancelOn: '2026-11-20',
        odometer: 31_500,
        reason: 'payoff',
        evidence: 'Payoff letter',
      };
      for (const refused of [await quote(id, onClaimDay), await cancel(id, onClaimDay, 'after-claim-1')]) {
        expect(refused.statusCode, refused.body).toBe(422);
        expect(refused.json()).toMatchObject({
          code: 'cancel_date_before_claim',
          param: 'cancelOn',
          detail: `Repair claim ${claim.claimNumber} of 2026-11-20 was authorized while the contract was in force, so the cancellation can be dated 2026-11-21 at the earliest.`,
        });
      }
      const dayAfter = { ...onClaimDay, cancelOn: '2026-11-21' };
      const quoted = await quote(id, dayAfter);
      expect(quoted.json()).toMatchObject({ claimsPaidCents: 60_000, claimsDeductedCents: 60_000 });
      expect(quoted.json().lines).toContainEqual(
        expect.objectContaining({
          code: 'claims_deducted',
          label: 'Claims paid or authorized on this contract',
        }),
      );
      const done = await cancel(id, dayAfter, 'after-claim-2');
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json().refund).toMatchObject({
        claimsDeductedCents: 60_000,
        refundCents: quoted.json().refundCents,
      });
    });

    it('deducts a reimbursement approved but not yet paid where claims are deducted, as an authorized repair', async () => {
      // Texas deducts claims; a completed tow with a $75 reimbursement owed to the holder, no run yet.
      const { id } = await createContract({ purchaseState: 'TX' });
      const requested = await adjuster({
        method: 'POST',
        url: '/api/v1/roadside-requests',
        payload: {
          contractId: id,
          service: 'tow',
          location: { address: 'I-35 exit 230' },
          phone: '555-0100',
        },
      });
      expect(requested.statusCode, requested.body).toBe(201);
      const url = `/api/v1/roadside-requests/${requested.json().id}/status`;
      expect((await adjuster({ method: 'POST', url, payload: { status: 'dispatched' } })).statusCode).toBe(
        200,
      );
      const completed = await adjuster({
        method: 'POST',
        url,
        payload: { status: 'completed', towingCostCents: 12_000 },
      });
      expect(completed.json().towing).toMatchObject({ payableCents: 7_500 });
      const quoted = await quote(id, { odometer: 31_500, reason: 'customer_request' });
      expect(quoted.statusCode, quoted.body).toBe(200);
      expect(quoted.json()).toMatchObject({ claimsPaidCents: 7_500, claimsDeductedCents: 7_500 });
    });

    it('waits for a repair claim still being decided where claims are deducted, and not where they are not', async () => {
      // Texas deducts claims: the refund worked out now would not deduct a claim authorized later.
      const { id, body } = await createContract({ purchaseState: 'TX' });
      const claim = await submitRepairClaim(body.vehicle.vin, 31_000);
      const asked = { odometer: 31_500, reason: 'customer_request' };
      for (const refused of [await quote(id, asked), await cancel(id, asked, 'undecided-1')]) {
        expect(refused.statusCode, refused.body).toBe(409);
        expect(refused.json()).toMatchObject({ code: 'repair_claim_undecided' });
        expect(refused.json().detail).toContain(`Repair claim ${claim.claimNumber} of `);
      }
      expect((await adjuster({ url: `/api/v1/contracts/${id}` })).json().status).toBe('active');
      // Decided (here denied), the cancellation goes ahead, with nothing deducted for the denied claim.
      const denied = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/authorization`,
        payload: { lines: [{ id: claim.lines[0].id, approved: false, reasonCode: 'not_a_failure' }] },
      });
      expect(denied.json(), denied.body).toMatchObject({ status: 'denied' });
      const done = await cancel(id, asked, 'undecided-2');
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json().refund).toMatchObject({ claimsDeductedCents: 0 });

      // Missouri (the catalog's plan rule) does not deduct claims: the refund does not depend on the
      // claim, so it does not wait.
      const missouri = await createContract({ purchaseState: 'MO' });
      await submitRepairClaim(missouri.body.vehicle.vin, 31_000);
      const quoted = await quote(missouri.id, asked);
      expect(quoted.statusCode, quoted.body).toBe(200);
      expect(quoted.json()).toMatchObject({ claimsDeductedCents: 0 });
    });

    it('refuses a reading below the last one recorded by the cancellation’s day, quote and cancellation alike', async () => {
      const own = await createContract({
        holder: {
          firstName: 'Rui',
          lastName: 'Tanaka',
          address: { line1: '4 Ash', city: 'Reno', state: 'NV', zip: '89501' },
        },
      });
      const claim = await submitRepairClaim(own.body.vehicle.vin, 35_000);
      const holder = await holderClient(server, {
        lastName: 'Tanaka',
        zip: '89501',
        vin: own.body.vehicle.vin,
      });
      const lower = { odometer: 31_000, reason: 'customer_request' };
      for (const refused of [
        await quote(own.id, lower, holder),
        await cancel(own.id, lower, 'reading-1', holder),
        await quote(own.id, { ...lower, cancelOn: '2026-11-25' }),
      ]) {
        expect(refused.statusCode, refused.body).toBe(422);
        expect(refused.json()).toMatchObject({
          code: 'odometer_below_last_reading',
          param: 'odometer',
          detail: `The odometer reading (31,000 miles) is below the last reading recorded on this contract: 35,000 miles on 2026-11-25 (repair claim ${claim.claimNumber}). Give the reading on the dashboard today.`,
        });
      }
      expect((await adjuster({ url: `/api/v1/contracts/${own.id}` })).json().status).toBe('active');
      // Staff dating it back before that reading was taken measure it against the readings of that day.
      expect((await quote(own.id, { ...lower, cancelOn: '2026-11-20' })).statusCode).toBe(200);
      const done = await cancel(own.id, { ...lower, odometer: 35_000 }, 'reading-2', holder);
      expect(done.statusCode, done.body).toBe(201);
    });

    it('lists the ledger for staff only', async () => {
      const { id } = await createContract();
      const shop = await staffClient(server, 'shop@coverwise.test');
      expect((await shop({ url: `/api/v1/contracts/${id}/ledger` })).statusCode).toBe(403);
      expect((await adjuster({ url: `/api/v1/contracts/${crypto.randomUUID()}/ledger` })).statusCode).toBe(
        404,
      );
    });
  });

  describe.skipIf(engine.name !== 'postgres')('racing requests on PostgreSQL', () => {
    it('cancels once when five cancellations of one contract arrive together', async () => {
      const { id } = await createContract();
      const body = {
        cancelOn: '2026-06-01',
        odometer: 31_000,
        reason: 'customer_request',
        evidence: 'Letter',
      };
      const answers = await Promise.all(Array.from({ length: 5 }, () => cancel(id, body)));
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409]);
      for (const answer of answers.filter((a) => a.statusCode === 409)) {
        expect(answer.json().code).toBe('contract_not_active');
      }
      const { db } = server.built.database;
      const entries = await db
        .selectFrom('ledger_entries')
        .selectAll()
        .where('contract_id', '=', id)
        .execute();
      expect(entries).toHaveLength(1);
      const cancellations = await db
        .selectFrom('cancellations')
        .selectAll()
        .where('contract_id', '=', id)
        .execute();
      expect(cancellations).toHaveLength(1);
    });
  });
});
