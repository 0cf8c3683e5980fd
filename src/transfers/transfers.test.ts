import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { brakesEstimate } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';
import { addDays } from '../shared/calendar-date.js';

// Business "today" is 2026-11-25 in America/New_York.
const TODAY = '2026-11-25';
const clock = new FakeClock('2026-11-25T15:00:00Z');
let serial = 0;

const SELLER = {
  firstName: 'Ana',
  lastName: 'Núñez',
  address: { line1: '1 Elm St', city: 'Miami', state: 'FL', zip: '33101' },
};
const BUYER = {
  firstName: 'Bo',
  lastName: "O'Hara",
  email: 'bo@example.com',
  address: { line1: '9 Bay Rd', city: 'Tampa', state: 'FL', zip: '33602-1234' },
};

function contractBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    product: 'vsc',
    planCode: 'VALUE_GUARD',
    holder: SELLER,
    vehicle: {
      vin: withCheckDigit(`2HGFC2F50NH${String(serial).padStart(6, '0')}`),
      year: 2022,
      make: 'Honda',
      model: 'Civic',
    },
    odometerAtSale: 30_000,
    purchaseDate: '2026-01-15',
    purchaseState: 'FL',
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 120_000,
    deductibleCents: 10_000,
    lienholder: null,
    ...overrides,
  };
}

function transferBody(overrides: Record<string, unknown> = {}) {
  return {
    ownershipTransferredOn: addDays(TODAY, -10),
    saleType: 'private',
    odometer: 41_000,
    buyer: BUYER,
    ...overrides,
  };
}

/** A multipart body with a `type` field and one file, as a browser form sends it. */
function multipart(fileBytes: Buffer, fileName: string, type = 'maintenance_record') {
  const boundary = '----coverwise-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${type}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    fileBytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachEngine('transfers', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000', COVERWISE_UPLOAD_MAX_MB: '1' },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
  });
  afterAll(() => server.close());

  async function createContract(overrides: Record<string, unknown> = {}) {
    const body = contractBody(overrides);
    const response = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id as string, vin: body.vehicle.vin, body };
  }

  const requestTransfer = (id: string, payload: Record<string, unknown>, client = adjuster) =>
    client({ method: 'POST', url: `/api/v1/contracts/${id}/transfers`, payload });
  const payFee = (transferId: string, client = adjuster) =>
    client({
      method: 'POST',
      url: `/api/v1/transfers/${transferId}/fee-payment`,
      payload: { method: 'check', reference: 'CHK-1001' },
    });
  const holderLogin = (facts: { lastName: string; zip: string; vin: string }) =>
    server.built.app.inject({ method: 'POST', url: '/api/v1/auth/holder-login', payload: facts });

  describe('the holder swap', () => {
    it('waits for the Florida $40 fee, then makes the buyer the holder: the buyer signs in, the seller no longer does', async () => {
      const { id, vin } = await createContract();
      const seller = await holderClient(server, { lastName: 'Nunez', zip: '33101', vin });

      const created = await requestTransfer(id, transferBody(), seller);
      expect(created.statusCode, created.body).toBe(201);
      const transfer = created.json();
      expect(transfer).toMatchObject({ status: 'pending_fee', feeCents: 4000, contractId: id });
      expect(transfer.buyer).toMatchObject({ lastName: "O'Hara", address: { zip: '33602', state: 'FL' } });

      const upload = await seller({
        method: 'POST',
        url: `/api/v1/transfers/${transfer.id}/documents`,
        ...multipart(PDF, 'oil-changes.pdf'),
      });
      expect(upload.statusCode, upload.body).toBe(201);
      expect(upload.json()).toMatchObject({
        type: 'maintenance_record',
        status: 'received',
        contentType: 'application/pdf',
        originalName: 'oil-changes.pdf',
      });

      // The holder cannot record their own fee.
      expect((await payFee(transfer.id, seller)).statusCode).toBe(403);
      const paid = await payFee(transfer.id);
      expect(paid.statusCode, paid.body).toBe(200);
      expect(paid.json()).toMatchObject({
        status: 'completed',
        documents: [{ originalName: 'oil-changes.pdf' }],
      });

      const contract = (await adjuster({ url: `/api/v1/contracts/${id}` })).json();
      expect(contract.holder).toMatchObject({
        firstName: 'Bo',
        lastName: "O'Hara",
        email: 'bo@example.com',
        address: { line1: '9 Bay Rd', city: 'Tampa', zip: '33602' },
      });

      expect((await holderLogin({ lastName: 'ohara', zip: '33602', vin })).statusCode).toBe(200);
      expect((await holderLogin({ lastName: 'Núñez', zip: '33101', vin })).json()).toMatchObject({
        code: 'verification_failed',
      });
      // The seller's open session no longer reaches the contract, but still follows its transfer.
      expect((await seller({ url: `/api/v1/contracts/${id}` })).statusCode).toBe(404);
      expect((await seller({ url: '/api/v1/auth/me' })).json().holder.contractIds).toEqual([]);
      expect((await seller({ url: `/api/v1/transfers/${transfer.id}` })).json().status).toBe('completed');

      const ledger = (await adjuster({ url: `/api/v1/contracts/${id}/ledger` })).json();
      expect(ledger.data).toEqual([
        expect.objectContaining({
          kind: 'transfer_fee',
          direction: 'receipt',
          amountCents: 4000,
          method: 'check',
          reference: 'CHK-1001',
          source: { type: 'transfer', id: transfer.id },
        }),
      ]);
      expect(ledger.receivedCents).toBe(4000);

      const audit = (await adjuster({ url: `/api/v1/contracts/${id}/audit` })).json();
      const actions = audit.data.map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'contract.transfer_requested',
          'contract.transfer_document_received',
          'contract.transfer_fee_received',
          'contract.transferred',
        ]),
      );
      const transferred = audit.data.find((e: { action: string }) => e.action === 'contract.transferred');
      expect(transferred.data).toMatchObject({
        previousHolder: { lastName: 'Núñez', address: { zip: '33101' } },
        newHolder: { lastName: "O'Hara", address: { zip: '33602' } },
      });
    });

    it('completes at once with no fee in Massachusetts, and writes no ledger entry', async () => {
      const { id, vin } = await createContract({
        purchaseState: 'MA',
        holder: { ...SELLER, address: { line1: '1 Elm', city: 'Boston', state: 'MA', zip: '02108' } },
      });
      const response = await requestTransfer(id, transferBody());
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ status: 'completed', feeCents: 0, feeLedgerEntryId: null });
      expect((await adjuster({ url: `/api/v1/contracts/${id}/ledger` })).json().data).toEqual([]);
      expect((await holderLogin({ lastName: "O'Hara", zip: '33602', vin })).statusCode).toBe(200);
    });

    it('tells the holder the fee and window before they ask, with the state rule that set the fee', async () => {
      const { id, vin } = await createContract();
      const seller = await holderClient(server, { lastName: 'Núñez', zip: '33101', vin });
      const terms = await seller({ url: `/api/v1/contracts/${id}/transfer-terms` });
      expect(terms.json()).toEqual({
        allowed: true,
        feeCents: 4000,
        windowDays: 30,
        privateSaleOnly: true,
        feeRuleId: 'FL-vsc-transfer',
        notes: [
          {
            ruleId: 'FL-vsc-transfer',
            sentence: 'In Florida, the fee to transfer the contract to a new owner is $40.',
            params: { state: 'FL', transferFeeCents: 4000 },
          },
        ],
      });
    });

    it('charges the default $50 fee in Missouri', async () => {
      const { id } = await createContract({
        purchaseState: 'MO',
        holder: { ...SELLER, address: { line1: '1 Elm', city: 'Kansas City', state: 'MO', zip: '64111' } },
      });
      expect((await requestTransfer(id, transferBody())).json()).toMatchObject({ feeCents: 5000 });
    });
  });

  describe('refusals', () => {
    it.each([
      ['a dealer sale', transferBody({ saleType: 'dealer' }), 'transfer_requires_private_sale', 'saleType'],
      ['a trade-in', transferBody({ saleType: 'trade_in' }), 'transfer_requires_private_sale', 'saleType'],
      [
        'a transfer 31 days after the sale',
        transferBody({ ownershipTransferredOn: addDays(TODAY, -31) }),
        'transfer_window_elapsed',
        'ownershipTransferredOn',
      ],
      [
        'an ownership change dated tomorrow',
        transferBody({ ownershipTransferredOn: addDays(TODAY, 1) }),
        'invalid_date',
        'ownershipTransferredOn',
      ],
      [
        'an odometer below the sale reading',
        transferBody({ odometer: 100 }),
        'odometer_below_sale',
        'odometer',
      ],
      [
        "a buyer's ZIP that is not one",
        transferBody({ buyer: { ...BUYER, address: { ...BUYER.address, zip: '3360' } } }),
        'invalid_zip',
        'buyer.address.zip',
      ],
      [
        "a buyer's unknown state",
        transferBody({ buyer: { ...BUYER, address: { ...BUYER.address, state: 'XX' } } }),
        'invalid_state',
        'buyer.address.state',
      ],
    ])('refuses %s with 422', async (_name, body, code, param) => {
      const { id } = await createContract();
      const response = await requestTransfer(id, body);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code, param });
      expect((await adjuster({ url: `/api/v1/contracts/${id}/transfers` })).json().data).toEqual([]);
    });

    it('refuses an odometer below a reading recorded by the ownership change, naming it', async () => {
      const { id, vin } = await createContract();
      const shop = await staffClient(server, 'shop@coverwise.test');
      const claim = await shop({
        method: 'POST',
        url: '/api/v1/repair-claims',
        payload: brakesEstimate(vin, { odometer: 45_000 }),
      });
      expect(claim.statusCode, claim.body).toBe(201);
      const refused = await requestTransfer(id, transferBody({ ownershipTransferredOn: TODAY }));
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'odometer_below_last_reading',
        param: 'odometer',
        detail: `The odometer reading (41,000 miles) is below the last reading recorded on this contract: 45,000 miles on ${TODAY} (repair claim ${claim.json().claimNumber}). Give the reading on the dashboard today.`,
      });
      expect((await adjuster({ url: `/api/v1/contracts/${id}/transfers` })).json().data).toEqual([]);
      // Sold ten days before that reading was taken: the reading at the sale may be lower.
      expect((await requestTransfer(id, transferBody())).statusCode).toBe(201);
    });

    it('accepts a transfer reported on day 30 after the sale', async () => {
      const { id } = await createContract();
      const response = await requestTransfer(
        id,
        transferBody({ ownershipTransferredOn: addDays(TODAY, -30) }),
      );
      expect(response.statusCode).toBe(201);
    });

    it('refuses a GAP addendum as not transferable', async () => {
      const { id } = await createContract({
        product: 'gap',
        planCode: 'GAP',
        termMonths: 60,
        termMiles: undefined,
        deductibleCents: undefined,
        priceCents: 79_500,
        amountFinancedCents: 3_000_000,
        msrpCents: 3_200_000,
        lienholder: { name: 'First Prairie Bank' },
      });
      const refused = await requestTransfer(id, transferBody());
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'not_transferable',
        detail:
          "A GAP addendum cannot be transferred to a new owner: it covers the loan of the person who bought it, and a buyer's loan is their own. Once the loan is paid off at the sale, the GAP addendum can be cancelled for a refund.",
      });
    });

    it('refuses a cancelled and an expired contract as not active', async () => {
      const cancelled = await createContract();
      await adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${cancelled.id}/cancellation`,
        payload: { cancelOn: TODAY, odometer: 41_000, reason: 'customer_request' },
      });
      const expired = await createContract({ purchaseDate: '2022-01-10' });
      for (const id of [cancelled.id, expired.id]) {
        const response = await requestTransfer(id, transferBody());
        expect(response.statusCode).toBe(409);
        expect(response.json().code).toBe('contract_not_active');
      }
    });

    it.each([
      ['cancelled by hand', 'contract_cancelled'],
      ['cancelled by a lender event', 'contract_cancelled'],
      ['voided', 'contract_voided'],
    ])(
      'closes the transfer waiting for its fee when its contract is %s, audited; no fee is taken after',
      async (how, closedReason) => {
        const { id, vin } = await createContract();
        const pending = (await requestTransfer(id, transferBody())).json();
        expect(pending.status).toBe('pending_fee');
        const ended =
          how === 'voided'
            ? await admin({
                method: 'POST',
                url: `/api/v1/contracts/${id}/void`,
                payload: { reason: 'Deal unwound' },
              })
            : how === 'cancelled by hand'
              ? await adjuster({
                  method: 'POST',
                  url: `/api/v1/contracts/${id}/cancellation`,
                  payload: { odometer: 41_500, reason: 'customer_request' },
                })
              : await admin({
                  method: 'POST',
                  url: '/api/v1/lender-events',
                  payload: { events: [{ vin, event: 'payoff', eventDate: TODAY, odometer: 41_500 }] },
                });
        expect(ended.statusCode, ended.body).toBeLessThan(300);
        if (how === 'cancelled by a lender event') expect(ended.json().results[0].status).toBe('cancelled');

        const read = (await adjuster({ url: `/api/v1/transfers/${pending.id}` })).json();
        expect(read).toMatchObject({ status: 'closed', closedReason, closedAt: clock.now().toISOString() });
        expect((await payFee(pending.id)).json()).toMatchObject({ code: 'invalid_status_transition' });
        const audit = (await adjuster({ url: `/api/v1/contracts/${id}/audit` })).json();
        expect(audit.data).toContainEqual(
          expect.objectContaining({
            action: 'contract.transfer_closed',
            data: { transferId: pending.id, closedReason, feeCents: 4000 },
          }),
        );
      },
    );

    it('refuses a second transfer while one waits for its fee, and allows one after a rejection', async () => {
      const { id } = await createContract();
      const first = (await requestTransfer(id, transferBody())).json();
      expect((await requestTransfer(id, transferBody())).json()).toMatchObject({ code: 'conflict' });

      const rejected = await adjuster({
        method: 'POST',
        url: `/api/v1/transfers/${first.id}/rejection`,
        payload: { reason: 'The transfer form was not signed by the buyer.' },
      });
      expect(rejected.json()).toMatchObject({
        status: 'rejected',
        rejectionReason: 'The transfer form was not signed by the buyer.',
      });
      expect((await payFee(first.id)).json()).toMatchObject({ code: 'invalid_status_transition' });
      expect((await requestTransfer(id, transferBody())).statusCode).toBe(201);
    });

    it('refuses records that are not PDF, JPEG or PNG, and records over the size limit', async () => {
      const { id } = await createContract();
      const transfer = (await requestTransfer(id, transferBody())).json();
      const text = await adjuster({
        method: 'POST',
        url: `/api/v1/transfers/${transfer.id}/documents`,
        ...multipart(Buffer.from('just some notes about oil changes'), 'notes.pdf'),
      });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ code: 'unsupported_file_type', param: 'file' });
      const large = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
      const tooLarge = await adjuster({
        method: 'POST',
        url: `/api/v1/transfers/${transfer.id}/documents`,
        ...multipart(large, 'big.pdf'),
      });
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json()).toMatchObject({ code: 'file_too_large' });
      expect((await adjuster({ url: `/api/v1/transfers/${transfer.id}` })).json().documents).toEqual([]);
    });

    it("answers 404 for another holder's transfer", async () => {
      const { id } = await createContract();
      const transfer = (await requestTransfer(id, transferBody())).json();
      const other = await createContract({
        holder: { ...SELLER, lastName: 'Stranger' },
      });
      const stranger = await holderClient(server, { lastName: 'Stranger', zip: '33101', vin: other.vin });
      expect((await stranger({ url: `/api/v1/transfers/${transfer.id}` })).statusCode).toBe(404);
      expect((await requestTransfer(id, transferBody(), stranger)).statusCode).toBe(404);
    });
  });

  describe.skipIf(engine.name !== 'postgres')('racing requests on PostgreSQL', () => {
    it('records the fee once when five fee payments for one transfer arrive together', async () => {
      const { id } = await createContract();
      const transfer = (await requestTransfer(id, transferBody())).json();
      const answers = await Promise.all(Array.from({ length: 5 }, () => payFee(transfer.id)));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
      const { db } = server.built.database;
      const entries = await db
        .selectFrom('ledger_entries')
        .selectAll()
        .where('contract_id', '=', id)
        .execute();
      expect(entries).toHaveLength(1);
    });

    it('creates one pending transfer when five requests for one contract arrive together', async () => {
      const { id } = await createContract();
      const answers = await Promise.all(Array.from({ length: 5 }, () => requestTransfer(id, transferBody())));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    });
  });
});
