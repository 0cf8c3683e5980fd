import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import {
  BRAKES_LINE,
  brakesEstimate,
  staffVscBody,
  vinSequence,
} from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';
import { MAX_LABOR_RATE_CENTS, MAX_LINE_PARTS_CENTS } from './repair-claim.schemas.js';
import { MAX_ESTIMATE_LINES } from './repair-claims.service.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

const nextVin = vinSequence(100);

// Brakes (covered by Value Guard): $400 parts + 2.5 h at $120 = $700. Infotainment (not covered): $300.
const estimate = (vin: string, overrides: Record<string, unknown> = {}) =>
  brakesEstimate(vin, {
    lines: [
      BRAKES_LINE,
      {
        componentGroup: 'infotainment',
        description: 'Head unit',
        partsCents: 30_000,
        laborHours: 0,
        laborRateCents: 12_000,
      },
      {
        componentGroup: 'steering',
        description: 'Tie rod ends',
        partsCents: 10_000,
        laborHours: 1,
        laborRateCents: 12_000,
      },
    ],
    ...overrides,
  });

describeEachEngine('repair claims', (engine) => {
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let secondAdjuster: Client;
  let shop: Client;
  let reviewer: Client;
  let plazaFacilityId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'second.adjuster@coverwise.test',
        password: 'a-long-enough-password',
        role: 'adjuster',
      },
    });
    expect(created.statusCode).toBe(201);
    secondAdjuster = await staffClient(server, 'second.adjuster@coverwise.test', 'a-long-enough-password');
    const facilities = (await adjuster({ url: '/api/v1/repair-facilities' })).json().data;
    plazaFacilityId = facilities.find((f: { dealerCode: string | null }) => f.dealerCode === 'D-1001').id;
  });
  afterAll(() => server.close());

  async function newContract(overrides: Record<string, unknown> = {}) {
    const vin = nextVin();
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(vin, overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return { vin, contract: response.json() };
  }

  async function submit(client: Client, body: Record<string, unknown>) {
    return client({ method: 'POST', url: '/api/v1/repair-claims', payload: body });
  }

  async function submitted(client: Client, body: Record<string, unknown>) {
    const response = await submit(client, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  const decide = (
    client: Client,
    claim: { id: string; lines: { id: string }[] },
    approvals: boolean[],
    key?: string,
  ) =>
    client({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.id}/authorization`,
      headers: key ? { 'idempotency-key': key } : {},
      payload: {
        lines: claim.lines.map((line, index) => ({
          id: line.id,
          approved: approvals[index],
          ...(approvals[index] ? {} : { reasonCode: 'component_not_covered' }),
        })),
      },
    });

  describe('submitting an estimate', () => {
    it('judges each line by the contract’s catalog version, marks the contract as having claims and audits it', async () => {
      const { vin, contract } = await newContract();
      expect(contract.hasClaims).toBe(false);
      const claim = await submitted(shop, estimate(vin));
      expect(claim).toMatchObject({
        status: 'submitted',
        contractId: contract.id,
        planCode: 'VALUE_GUARD',
        facility: { name: "Sam's Auto Repair", dealerCode: null },
        requestedCents: 70_000 + 30_000 + 22_000,
        eligibleCents: 92_000,
        inspection: { required: false },
        authorization: null,
      });
      expect(claim.claimNumber).toMatch(/^RC-2026-\d{6}$/);
      expect(
        claim.lines.map((l: { eligible: boolean; reasonCode?: string }) => [l.eligible, l.reasonCode]),
      ).toEqual([
        [true, undefined],
        [false, 'component_not_covered'],
        [true, undefined],
      ]);
      const after = (await adjuster({ url: `/api/v1/contracts/${contract.id}` })).json();
      expect(after.hasClaims).toBe(true);
      const audit = (await adjuster({ url: `/api/v1/contracts/${contract.id}/audit` })).json();
      expect(audit.data.map((e: { action: string }) => e.action)).toContain('contract.claim_filed');
      // The contract's trail holds what is recorded on its claims too (the claim's own rows), in order.
      const submittedRow = audit.data.find((e: { action: string }) => e.action === 'repair_claim.submitted');
      expect(submittedRow).toMatchObject({ entityType: 'repair_claim', entityId: claim.id });
      const ids = audit.data.map((e: { id: number }) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('pays labor above the catalog cap at the cap and says so on the line', async () => {
      const { vin } = await newContract();
      const claim = await submitted(
        shop,
        estimate(vin, {
          lines: [
            {
              componentGroup: 'engine',
              description: 'Water pump',
              partsCents: 20_000,
              laborHours: 2,
              laborRateCents: 18_000,
            },
          ],
        }),
      );
      expect(claim.lines[0]).toMatchObject({
        eligible: true,
        reasonCode: 'labor_rate_above_cap',
        requestedCents: 56_000,
        allowedLaborRateCents: 15_000,
        eligibleCents: 50_000,
      });
    });

    it('uses the facility’s posted labor rate when a line gives none', async () => {
      const { vin } = await newContract();
      const claim = await submitted(
        shop,
        estimate(vin, {
          lines: [{ componentGroup: 'engine', description: 'Gasket', partsCents: 0, laborHours: 1 }],
        }),
      );
      expect(claim.lines[0]).toMatchObject({ laborRateCents: 13_500, eligibleCents: 13_500 });
    });

    it.each([
      ['the odometer is past the contract’s miles', { odometer: 46_001 }, 'contract_not_in_force'],
      [
        'work already started',
        { workStartedAt: '2026-11-25T13:00:00Z' },
        'work_started_before_authorization',
      ],
    ])('marks every line not eligible when %s', async (_case, overrides, reasonCode) => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin, overrides));
      expect(
        claim.lines.every(
          (l: { eligible: boolean; reasonCode: string }) => !l.eligible && l.reasonCode === reasonCode,
        ),
      ).toBe(true);
    });

    it('marks lines in the waiting period when the contract was sold after the vehicle', async () => {
      const { vin } = await newContract({ purchaseDate: '2026-11-10', soldAfterVehicleSale: true });
      const claim = await submitted(shop, estimate(vin, { odometer: 10_200 }));
      expect(claim.lines[0]).toMatchObject({ eligible: false, reasonCode: 'waiting_period' });
      expect(claim.coverageReasonCode).toBe('waiting_period');
    });

    it.each([
      ['a VIN with a wrong check digit', { vin: '1HGCM82633A004353' }, 422, 'invalid_vin', 'vin'],
      ['a VIN with no contract', { vin: withCheckDigit('2HGCM82603A999999') }, 404, 'not_found', 'vin'],
      [
        'an unknown component group',
        { lines: [{ componentGroup: 'warp_drive', description: 'x', partsCents: 1, laborHours: 0 }] },
        422,
        'unknown_component_group',
        'lines[0].componentGroup',
      ],
      ['an odometer below the sale reading', { odometer: 9_999 }, 422, 'odometer_below_sale', 'odometer'],
      [
        'labor hours with three decimals',
        { lines: [{ componentGroup: 'engine', description: 'x', partsCents: 1, laborHours: 1.234 }] },
        400,
        'validation_failed',
        'lines[0].laborHours',
      ],
      [
        'work starting in the future',
        { workStartedAt: '2026-11-26T15:00:00Z' },
        400,
        'validation_failed',
        'workStartedAt',
      ],
      ['no lines', { lines: [] }, 400, 'validation_failed', undefined],
      ['a complaint of spaces', { complaint: '   ' }, 400, 'validation_failed', 'complaint'],
      [
        'a line described by spaces',
        { lines: [{ componentGroup: 'brakes', description: ' ', partsCents: 1, laborHours: 0 }] },
        400,
        'validation_failed',
        'lines[0].description',
      ],
      [
        // 3 h at $10,000,000/h overflowed the int4 amount columns (500).
        'a labor rate of $10,000,000 an hour',
        {
          lines: [
            { componentGroup: 'brakes', description: 'x', partsCents: 0, laborHours: 3, laborRateCents: 1e9 },
          ],
        },
        400,
        'validation_failed',
        'lines[0].laborRateCents',
      ],
      [
        'parts over $100,000 on one line',
        { lines: [{ componentGroup: 'brakes', description: 'x', partsCents: 10_000_001, laborHours: 0 }] },
        400,
        'validation_failed',
        'lines[0].partsCents',
      ],
    ])('refuses %s (%i %s) and writes nothing', async (_case, overrides, status, code, param) => {
      const { vin, contract } = await newContract();
      const response = await submit(shop, estimate(vin, overrides));
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code, ...(param ? { param } : {}) });
      expect((await adjuster({ url: `/api/v1/contracts/${contract.id}` })).json().hasClaims).toBe(false);
    });

    it('stores a claim at every bound at once (50 lines of $100,000 parts and 100 h at $1,000/h)', async () => {
      const { vin } = await newContract();
      const line = {
        componentGroup: 'brakes',
        description: 'x',
        partsCents: MAX_LINE_PARTS_CENTS,
        laborHours: 100,
        laborRateCents: MAX_LABOR_RATE_CENTS,
      };
      const claim = await submitted(shop, estimate(vin, { lines: Array(MAX_ESTIMATE_LINES).fill(line) }));
      expect(claim.lines).toHaveLength(MAX_ESTIMATE_LINES);
      const stored = await server.built.database.db
        .selectFrom('repair_claim_lines')
        .select((eb) => eb.fn.sum<string>('requested_cents').as('total'))
        .where('claim_id', '=', claim.id)
        .executeTakeFirstOrThrow();
      expect(Number(stored.total)).toBe(MAX_ESTIMATE_LINES * 20_000_000);
      expect(Number(stored.total)).toBeLessThan(2 ** 31);
    });

    it('asks staff which facility the claim is for, and keeps reviewers and holders out', async () => {
      const { vin } = await newContract();
      expect((await submit(adjuster, estimate(vin))).json()).toMatchObject({
        code: 'validation_failed',
        param: 'facilityId',
      });
      expect((await submit(reviewer, estimate(vin))).statusCode).toBe(403);
    });
  });

  describe('authorizing', () => {
    it('authorizes part of an estimate: number, authorized total, deductible and payable', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      // Approve brakes, deny the uncovered head unit and the tie rods.
      const response = await decide(adjuster, claim, [true, false, false]);
      expect(response.statusCode, response.body).toBe(200);
      const answer = response.json();
      expect(answer).toMatchObject({
        status: 'authorized',
        authorizedCents: 70_000,
        deductibleCents: 10_000,
        deductibleWaived: false,
        payableToFacilityCents: 60_000,
        holderOwesCents: 122_000 - 60_000,
        rentalEligible: true,
      });
      expect(answer.authorizationNumber).toMatch(/^A-2026-\d{6}$/);
      // The shop sees the same on its claim.
      const seen = (await shop({ url: `/api/v1/repair-claims/${claim.id}` })).json();
      expect(seen.authorization).toMatchObject({
        authorizationNumber: answer.authorizationNumber,
        payableToFacilityCents: 60_000,
        decidedBy: 'adjuster@coverwise.test',
      });
      expect(seen.lines.map((l: { decision: { approved: boolean } }) => l.decision.approved)).toEqual([
        true,
        false,
        false,
      ]);
    });

    it('waives the disappearing deductible when the repair is at the selling dealer', async () => {
      const { vin } = await newContract();
      const claim = await submitted(adjuster, { ...estimate(vin), facilityId: plazaFacilityId });
      const answer = (await decide(adjuster, claim, [true, false, true])).json();
      expect(answer).toMatchObject({
        authorizedCents: 92_000,
        deductibleCents: 0,
        deductibleWaived: true,
        payableToFacilityCents: 92_000,
      });
    });

    it('charges a $200 deductible at the selling dealer (only the disappearing one is waived)', async () => {
      const { vin } = await newContract({ deductibleCents: 20_000 });
      const claim = await submitted(adjuster, { ...estimate(vin), facilityId: plazaFacilityId });
      const answer = (await decide(adjuster, claim, [true, false, true])).json();
      expect(answer).toMatchObject({
        deductibleCents: 20_000,
        deductibleWaived: false,
        payableToFacilityCents: 72_000,
      });
    });

    it('issues no authorization number when every line is denied', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const answer = (await decide(adjuster, claim, [false, false, false])).json();
      expect(answer).toMatchObject({
        status: 'denied',
        authorizationNumber: null,
        authorizedCents: 0,
        payableToFacilityCents: 0,
      });
    });

    it.each([
      [
        'approving a line that is not covered',
        [true, true, false],
        422,
        'line_not_eligible',
        'lines[1].approved',
      ],
    ])('refuses %s', async (_case, approvals, status, code, param) => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const response = await decide(adjuster, claim, approvals);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code, param });
      expect((await shop({ url: `/api/v1/repair-claims/${claim.id}` })).json().status).toBe('submitted');
    });

    it('refuses a denial without a reason, a missing line and a decision by the shop', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const url = `/api/v1/repair-claims/${claim.id}/authorization`;
      const noReason = await adjuster({
        method: 'POST',
        url,
        payload: { lines: claim.lines.map((l: { id: string }) => ({ id: l.id, approved: false })) },
      });
      expect(noReason.json()).toMatchObject({ code: 'validation_failed', param: 'lines[0].reasonCode' });
      const missing = await adjuster({
        method: 'POST',
        url,
        payload: { lines: [{ id: claim.lines[0].id, approved: true }] },
      });
      expect(missing.json()).toMatchObject({ code: 'validation_failed', param: 'lines' });
      expect((await decide(shop, claim, [true, false, false])).statusCode).toBe(403);
    });

    it('needs a note for "other reason", keeps it for the shop, and takes the catalog’s exclusions as reasons', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const url = `/api/v1/repair-claims/${claim.id}/authorization`;
      const lines = (reasons: { reasonCode: string; note?: string }[]) =>
        claim.lines.map((l: { id: string }, index: number) => ({
          id: l.id,
          approved: false,
          ...reasons[index],
        }));
      const bare = await adjuster({
        method: 'POST',
        url,
        payload: {
          lines: lines([
            { reasonCode: 'wear_item' },
            { reasonCode: 'other', note: '   ' },
            { reasonCode: 'maintenance_item' },
          ]),
        },
      });
      expect(bare.statusCode).toBe(400);
      expect(bare.json()).toMatchObject({ code: 'validation_failed', param: 'lines[1].note' });
      const decided = await adjuster({
        method: 'POST',
        url,
        payload: {
          lines: lines([
            { reasonCode: 'wear_item' },
            { reasonCode: 'other', note: 'The estimate repeats line 1.' },
            { reasonCode: 'body_glass_trim' },
          ]),
        },
      });
      expect(decided.statusCode, decided.body).toBe(200);
      const seen = (await shop({ url: `/api/v1/repair-claims/${claim.id}` })).json();
      expect(seen.lines.map((l: { decision: unknown }) => l.decision)).toEqual([
        { approved: false, reasonCode: 'wear_item', note: null, approvedCents: 0 },
        { approved: false, reasonCode: 'other', note: 'The estimate repeats line 1.', approvedCents: 0 },
        { approved: false, reasonCode: 'body_glass_trim', note: null, approvedCents: 0 },
      ]);
    });

    it('refuses to approve work started before authorization', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin, { workStartedAt: '2026-11-25T12:00:00Z' }));
      const response = await decide(adjuster, claim, [true, false, false]);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'work_started_before_authorization',
        param: 'lines[0].approved',
      });
    });

    it('needs an inspection before approving an estimate above the catalog threshold', async () => {
      const { vin } = await newContract();
      const claim = await submitted(
        shop,
        estimate(vin, {
          lines: [
            {
              componentGroup: 'transmission',
              description: 'Transmission',
              partsCents: 380_000,
              laborHours: 8,
              laborRateCents: 12_000,
            },
          ],
        }),
      );
      expect(claim.inspection.required).toBe(true);
      const early = await decide(adjuster, claim, [true]);
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('inspection_required');
      const inspected = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/inspection`,
        payload: { notes: 'Inspector confirmed internal failure; no signs of neglect.' },
      });
      expect(inspected.json().inspection.inspectedAt).not.toBeNull();
      const answer = (await decide(adjuster, claim, [true])).json();
      expect(answer).toMatchObject({
        status: 'authorized',
        authorizedCents: 476_000,
        payableToFacilityCents: 466_000,
      });
    });

    it('sends a claim back for information and takes it again when the shop answers', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const url = `/api/v1/repair-claims/${claim.id}/authorization`;
      const sent = await adjuster({
        method: 'POST',
        url,
        payload: { requestInformation: 'Send photos of the calipers.' },
      });
      expect(sent.json()).toMatchObject({ status: 'information_requested', authorizationNumber: null });
      expect((await decide(adjuster, claim, [true, false, false])).statusCode).toBe(409);
      const answered = await shop({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/information`,
        payload: { message: 'Photos emailed to claims.' },
      });
      expect(answered.json().status).toBe('submitted');
      expect((await decide(adjuster, claim, [true, false, false])).statusCode).toBe(200);
    });

    it('lets two adjusters deciding at once produce exactly one authorization', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const responses = await Promise.all([
        decide(adjuster, claim, [true, false, true]),
        decide(secondAdjuster, claim, [true, false, false]),
      ]);
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([200, 409]);
      expect(responses.find((r) => r.statusCode === 409)!.json().code).toBe('invalid_status_transition');
      const winner = responses.find((r) => r.statusCode === 200)!.json();
      const stored = (await adjuster({ url: `/api/v1/repair-claims/${claim.id}` })).json();
      expect(stored.authorization.authorizationNumber).toBe(winner.authorizationNumber);
      expect(stored.authorization.authorizedCents).toBe(winner.authorizedCents);
      const rows = await server.built.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', claim.id)
        .where('action', '=', 'repair_claim.authorized')
        .execute();
      expect(rows).toHaveLength(1);
    });
  });

  describe('paying the shop', () => {
    it('writes one ledger entry to the facility, closes the claim, and replays the same request', async () => {
      const { vin, contract } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      await decide(adjuster, claim, [true, false, true]);
      const pay = (key: string, reference = 'CHK-1001') =>
        adjuster({
          method: 'POST',
          url: `/api/v1/repair-claims/${claim.id}/payment`,
          headers: { 'idempotency-key': key },
          payload: { method: 'check', reference },
        });
      const first = await pay('pay-1');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({
        claim: { status: 'paid' },
        ledgerEntry: {
          kind: 'repair_payment',
          direction: 'payout',
          amountCents: 82_000,
          payee: { kind: 'repair_facility', name: "Sam's Auto Repair" },
          method: 'check',
          reference: 'CHK-1001',
        },
      });
      const replay = await pay('pay-1');
      expect(replay.statusCode).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json().ledgerEntry.id).toBe(first.json().ledgerEntry.id);
      expect((await pay('pay-1', 'CHK-9999')).json().code).toBe('idempotency_key_reused');
      expect((await pay('pay-2')).statusCode).toBe(409);
      const entries = await server.built.database.db
        .selectFrom('ledger_entries')
        .select(['amount_cents', 'source_type'])
        .where('contract_id', '=', contract.id)
        .execute();
      expect(entries).toEqual([{ amount_cents: 82_000, source_type: 'repair_claim' }]);
    });

    it('refuses to pay a claim that is not authorized, and refuses the shop paying itself', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const payload = { method: 'card', reference: 'TX-1' };
      const url = `/api/v1/repair-claims/${claim.id}/payment`;
      expect((await adjuster({ method: 'POST', url, payload })).json().code).toBe(
        'invalid_status_transition',
      );
      expect((await shop({ method: 'POST', url, payload })).statusCode).toBe(403);
    });
  });

  describe('a contract that did not cover the claim’s date', () => {
    /** The claim as submitted on an earlier business day (a fixture: the API dates it now). */
    async function submittedOn(claimId: string, instant: string) {
      await server.built.database.db
        .updateTable('repair_claims')
        .set({ submitted_at: new Date(instant) })
        .where('id', '=', claimId)
        .execute();
    }
    const cancelAsOf = (contractId: string, cancelOn: string) =>
      admin({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/cancellation`,
        payload: {
          cancelOn,
          odometer: 22_000,
          reason: 'payoff',
          evidence: `Payoff letter dated ${cancelOn}`,
        },
      });

    it.each([
      ['as of the claim’s day', '2026-11-20'],
      ['as of a day before the claim', '2026-11-19'],
    ])(
      'refuses approving and shows why when the contract was cancelled %s; denying stays open',
      async (_name, cancelOn) => {
        const { vin, contract } = await newContract();
        const claim = await submitted(shop, estimate(vin));
        await submittedOn(claim.id, '2026-11-20T15:00:00Z');
        expect((await cancelAsOf(contract.id, cancelOn)).statusCode).toBe(201);

        const refused = await decide(adjuster, claim, [true, false, true]);
        expect(refused.statusCode, refused.body).toBe(409);
        expect(refused.json()).toMatchObject({ code: 'contract_not_active' });
        expect(refused.json().detail).toBe(
          `Contract ${contract.contractNumber} is cancelled as of ${cancelOn}, on or before this claim's date (2026-11-20): it was not in force for this repair, so nothing can be approved or paid. Deny its lines with the reason "contract not in force".`,
        );
        const read = (await adjuster({ url: `/api/v1/repair-claims/${claim.id}` })).json();
        expect(read).toMatchObject({
          status: 'submitted',
          contractEnded: { status: 'cancelled', cancelledOn: cancelOn },
        });
        expect(read.contractEnded.detail).toBe(refused.json().detail);

        const denied = await adjuster({
          method: 'POST',
          url: `/api/v1/repair-claims/${claim.id}/authorization`,
          payload: {
            lines: claim.lines.map((line: { id: string }) => ({
              id: line.id,
              approved: false,
              reasonCode: 'contract_not_in_force',
            })),
          },
        });
        expect(denied.statusCode, denied.body).toBe(200);
        expect(denied.json()).toMatchObject({ status: 'denied', payableToFacilityCents: 0 });
      },
    );

    it('authorizes a claim dated before the day its contract was cancelled as of', async () => {
      const { vin, contract } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      await submittedOn(claim.id, '2026-11-20T15:00:00Z');
      expect((await cancelAsOf(contract.id, '2026-11-21')).statusCode).toBe(201);
      expect((await adjuster({ url: `/api/v1/repair-claims/${claim.id}` })).json().contractEnded).toBeNull();
      const authorized = await decide(adjuster, claim, [true, false, true]);
      expect(authorized.statusCode, authorized.body).toBe(200);
      expect(authorized.json()).toMatchObject({ status: 'authorized', payableToFacilityCents: 82_000 });
    });

    it('refuses paying an authorized claim whose contract is void', async () => {
      // Legacy data: a void needs no claim, and a cancellation may not reach back over an authorization.
      const { vin, contract } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      expect((await decide(adjuster, claim, [true, false, true])).statusCode).toBe(200);
      await server.built.database.db
        .updateTable('contracts')
        .set({ status: 'void' })
        .where('id', '=', contract.id)
        .execute();
      const pay = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/payment`,
        payload: { method: 'check', reference: 'CHK-77' },
      });
      expect(pay.statusCode, pay.body).toBe(409);
      expect(pay.json().code).toBe('contract_not_active');
      expect(pay.json().detail).toMatch(/^Contract \S+ is void: it never existed for money/);
      const entries = await server.built.database.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('contract_id', '=', contract.id)
        .execute();
      expect(entries).toEqual([]);
    });
  });

  describe('correcting the odometer a claim was submitted with', () => {
    const correct = (client: Client, id: string, payload: Record<string, unknown>) =>
      client({ method: 'POST', url: `/api/v1/repair-claims/${id}/odometer-correction`, payload });
    /** The odometer corrections in the contract's audit trail (its claims' rows are in it). */
    const corrections = async (contractId: string) =>
      (await adjuster({ url: `/api/v1/contracts/${contractId}/audit` }))
        .json()
        .data.filter((row: { action: string }) => row.action === 'repair_claim.odometer_corrected');
    const quoteAt = (contractId: string, odometer: number) =>
      adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/cancellation-quote`,
        payload: { odometer, reason: 'customer_request' },
      });

    it('puts a typo right before the decision: assessed again, audited, and later records measured against it', async () => {
      const { vin, contract } = await newContract();
      // The shop meant 31,000: the typo is past the plan's miles, so nothing is covered.
      const claim = await submitted(shop, estimate(vin, { odometer: 310_000 }));
      expect(claim).toMatchObject({ odometer: 310_000, eligibleCents: 0 });
      expect(claim.coverageReasonCode).not.toBeNull();
      // While it stands, no cancellation may give a lower reading.
      const blocked = await quoteAt(contract.id, 31_500);
      expect(blocked.statusCode, blocked.body).toBe(422);
      expect(blocked.json()).toMatchObject({ code: 'odometer_below_last_reading' });

      for (const [payload, status, code, param] of [
        [{ odometer: 31_000, reason: '   ' }, 400, 'validation_failed', 'reason'],
        [{ odometer: 310_000, reason: 'photo' }, 400, 'validation_failed', 'odometer'],
        [{ odometer: 9_000, reason: 'photo' }, 422, 'odometer_below_sale', 'odometer'],
      ] as const) {
        const refused = await correct(adjuster, claim.id, payload);
        expect(refused.statusCode, refused.body).toBe(status);
        expect(refused.json()).toMatchObject({ code, param });
      }
      expect((await correct(shop, claim.id, { odometer: 31_000, reason: 'typo' })).statusCode).toBe(403);

      const corrected = await correct(adjuster, claim.id, {
        odometer: 31_000,
        reason: 'Photo of the dashboard from the shop: 31,000',
      });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json()).toMatchObject({
        status: 'submitted',
        odometer: 31_000,
        coverageReasonCode: null,
        eligibleCents: 92_000,
      });
      expect(await corrections(contract.id)).toEqual([
        expect.objectContaining({
          entityId: claim.id,
          reason: 'Photo of the dashboard from the shop: 31,000',
          data: expect.objectContaining({ from: 310_000, to: 31_000, reassessed: true }),
        }),
      ]);
      expect((await quoteAt(contract.id, 31_500)).statusCode).toBe(200);
    });

    it('keeps the decision of a decided claim and corrects only its reading', async () => {
      const { vin, contract } = await newContract();
      const claim = await submitted(shop, estimate(vin, { odometer: 32_000 }));
      const decided = await decide(adjuster, claim, [true, false, false]);
      if (decided.statusCode !== 200) throw new Error(decided.body);
      const before = (await adjuster({ url: `/api/v1/repair-claims/${claim.id}` })).json();
      const corrected = await correct(admin, claim.id, {
        odometer: 25_200,
        reason: 'Shop invoice reads 25,200',
      });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json()).toMatchObject({
        status: 'authorized',
        odometer: 25_200,
        eligibleCents: before.eligibleCents,
        authorization: before.authorization,
      });
      expect(await corrections(contract.id)).toEqual([
        expect.objectContaining({
          entityId: claim.id,
          reason: 'Shop invoice reads 25,200',
          data: expect.objectContaining({ from: 32_000, to: 25_200, reassessed: false }),
        }),
      ]);
    });
  });

  describe('reading claims', () => {
    it('lists submitted claims oldest first, page by page', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.advance(60_000);
        const { vin } = await newContract();
        ids.push((await submitted(shop, estimate(vin))).id);
      }
      const seen: string[] = [];
      let startingAfter: string | undefined;
      for (let page = 0; page < 50; page++) {
        const query = `status=submitted&limit=2${startingAfter ? `&startingAfter=${startingAfter}` : ''}`;
        const body = (await adjuster({ url: `/api/v1/repair-claims?${query}` })).json();
        for (const claim of body.data) {
          expect(claim.status).toBe('submitted');
          seen.push(claim.id);
        }
        if (!body.hasMore) break;
        startingAfter = body.data.at(-1).id;
      }
      expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
      const submittedAt = await Promise.all(
        seen.map(async (id) => (await adjuster({ url: `/api/v1/repair-claims/${id}` })).json().submittedAt),
      );
      expect([...submittedAt].sort()).toEqual(submittedAt);
    });

    it('puts a submitted claim on the work queue, due the next business day (Thanksgiving skipped)', async () => {
      const { vin } = await newContract();
      const claim = await submitted(shop, estimate(vin));
      const items: { kind: string; id: string; dueOn: string; href: string }[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const response = await adjuster({
          url: `/api/v1/work-queue?limit=100${cursor ? `&startingAfter=${cursor}` : ''}`,
        });
        const body: { data: typeof items; nextCursor: string | null; hasMore: boolean } = response.json();
        items.push(...body.data);
        cursor = body.nextCursor;
        if (!body.hasMore) break;
      }
      // Submitted Wednesday 2026-11-25 before the cutoff; Thursday is Thanksgiving.
      expect(items.find((item) => item.id === claim.id)).toMatchObject({
        kind: 'repair_claim_decision',
        dueOn: '2026-11-27',
        href: `/adjuster/claims/${claim.id}`,
      });
      // A reviewer cannot open a repair claim, so their queue never lists one.
      const reviewerQueue = (await reviewer({ url: '/api/v1/work-queue?limit=100' })).json();
      expect(
        reviewerQueue.data.filter((item: { kind: string }) => item.kind === 'repair_claim_decision'),
      ).toEqual([]);
      await decide(adjuster, claim, [true, false, false]);
      const after = (await adjuster({ url: '/api/v1/work-queue?limit=100' })).json();
      expect(after.data.some((item: { id: string }) => item.id === claim.id)).toBe(false);
    });

    it('shows a shop only its own claims', async () => {
      const { vin } = await newContract();
      const plazaClaim = await submitted(adjuster, { ...estimate(vin), facilityId: plazaFacilityId });
      expect((await shop({ url: `/api/v1/repair-claims/${plazaClaim.id}` })).statusCode).toBe(404);
      const mine = (await shop({ url: '/api/v1/repair-claims?limit=100' })).json();
      expect(
        mine.data.every((c: { facility: { name: string } }) => c.facility.name === "Sam's Auto Repair"),
      ).toBe(true);
    });
  });
});
