import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { gapAddendumBody } from '../../test/support/staff-contracts.js';
import { trialBalance } from '../accounting/journal.repository.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { withCheckDigit } from '../contracts/vin.js';
import { openPayables } from '../payment-runs/payment-runs.repository.js';
import { FakeClock } from '../platform/clock.js';
import { addDays } from '../shared/calendar-date.js';
import type { Principal } from '../shared/principal.js';
import { createBenefitClaimsService } from './benefit-claims.service.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

function multipartFile(name: string, bytes: Buffer) {
  const boundary = `----coverwise${Math.random().toString(16).slice(2)}`;
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * A claim submission: the claim's JSON as the "claim" part, then each receipt as a "file" part. The
 * claim part is untyped text unless `claimType` gives it a Content-Type (curl's `;type=`); `claim` given
 * as a string is sent as written.
 */
function claimWithReceipts(claim: unknown, files: { name: string; bytes: Buffer }[], claimType?: string) {
  const boundary = `----coverwise${Math.random().toString(16).slice(2)}`;
  const typeHeader = claimType === undefined ? '' : `Content-Type: ${claimType}\r\n`;
  const text = typeof claim === 'string' ? claim : JSON.stringify(claim);
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="claim"\r\n${typeHeader}\r\n${text}\r\n`,
    ),
  ];
  for (const file of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

let serial = 500;
function contractBody(planCode: string, state: string, lastName: string) {
  serial += 1;
  const zip = state === 'KS' ? '66044' : '64111';
  return {
    product: 'vsc',
    planCode,
    holder: { firstName: 'Ana', lastName, address: { line1: '1 Elm St', city: 'Somewhere', state, zip } },
    vehicle: {
      vin: withCheckDigit(`1HGCM82603A${String(serial).padStart(6, '0')}`),
      year: 2024,
      make: 'Honda',
      model: 'Civic',
    },
    odometerAtSale: 10_000,
    purchaseDate: '2026-01-31',
    purchaseState: state,
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 199_900,
    deductibleCents: 10_000,
    lienholder: null,
  };
}

describeEachEngine('benefit claims and roadside', (engine) => {
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let shop: Client;

  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-benefit-documents-'));

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: {
        COVERWISE_DOCUMENTS_DIR: documentsDir,
        // Every holder here signs in from the test's one address; the throttle is not what is tested.
        COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000',
      },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
  });
  afterAll(() => server.close());

  let nameSerial = 0;
  async function holderOf(planCode: string, state = 'MO') {
    nameSerial += 1;
    const lastName = `Benefit${String.fromCharCode(65 + nameSerial)}son`;
    const body = contractBody(planCode, state, lastName);
    const created = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const holder = await holderClient(server, {
      lastName,
      zip: body.holder.address.zip,
      vin: body.vehicle.vin,
    });
    return { holder, contract: created.json(), vin: body.vehicle.vin };
  }

  /**
   * A repair claim on the VIN with `hours` of labor-guide time, authorized when asked. The visit began on
   * 2026-11-19 (the claim is submitted then, and the clock comes back to today after): rental pays for the
   * days of the visit (`days` starts the day after).
   */
  async function repair(
    vin: string,
    options: { hours: number; overnight?: boolean; authorize: boolean; group?: string },
  ) {
    const today = clock.now();
    clock.set('2026-11-19T15:00:00Z');
    try {
      return await repairOnVisitDay(vin, options);
    } finally {
      clock.set(today);
    }
  }

  async function repairOnVisitDay(
    vin: string,
    options: { hours: number; overnight?: boolean; authorize: boolean; group?: string },
  ) {
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin,
        odometer: 20_000,
        complaint: 'No start',
        cause: 'Failed part',
        correction: 'Replace it',
        keptOvernight: options.overnight ?? false,
        lines: [
          {
            componentGroup: options.group ?? 'engine',
            description: 'Part',
            partsCents: 10_000,
            laborHours: options.hours,
          },
        ],
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const claim = submitted.json();
    if (options.authorize) {
      const decided = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/authorization`,
        payload: { lines: [{ id: claim.lines[0].id, approved: true }] },
      });
      expect(decided.statusCode, decided.body).toBe(200);
    }
    return claim as { id: string };
  }

  const days = (count: number, amountCents: number) =>
    Array.from({ length: count }, (_, i) => ({
      date: addDays('2026-11-20', i),
      kind: 'rental',
      amountCents,
    }));

  describe('rental reimbursement', () => {
    it('caps each day at $35 and the visit at $175, and says which limit cut each line', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const claim = await repair(vin, { hours: 2.5, authorize: true });
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: { repairClaimId: claim.id, expenses: days(6, 5_000) },
      });
      expect(response.statusCode, response.body).toBe(201);
      const rental = response.json();
      expect(rental.payableCents).toBe(17_500);
      expect(rental.lines.map((l: { payableCents: number }) => l.payableCents)).toEqual([
        3_500, 3_500, 3_500, 3_500, 3_500, 0,
      ]);
      expect(rental.lines[0].limitsApplied).toEqual(['daily_limit']);
      expect(rental.lines[5].limitsApplied).toEqual(['per_visit_limit']);
      expect(rental.lines[0].label).toContain('$35.00 daily rental limit');
      // One rental claim per repair visit.
      const again = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: { repairClaimId: claim.id, expenses: days(1, 1_000) },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'benefit_claim_exists', param: 'repairClaimId' });
    });

    it.each([
      ['after today', '2026-11-26'],
      ['before the contract was bought', '2026-01-30'],
    ])('refuses an expense dated %s with 422 invalid_date naming it', async (_case, date) => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const claim = await repair(vin, { hours: 2.5, authorize: true });
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: {
          repairClaimId: claim.id,
          expenses: [...days(1, 3_000), { date, kind: 'rental', amountCents: 3_000 }],
        },
      });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'expenses[1].date' });
    });

    it.each([
      ['Basic Guard', 'BASIC_GUARD', { hours: 3, authorize: true }, 'rental_not_in_plan'],
      ['a repair not yet authorized', 'VALUE_GUARD', { hours: 3, authorize: false }, 'repair_not_authorized'],
      [
        'a 1.9-hour repair done the same day',
        'VALUE_GUARD',
        { hours: 1.9, authorize: true },
        'rental_not_triggered',
      ],
    ])('refuses rental on %s with 422 %s', async (_case, planCode, repairOptions, code) => {
      const { holder, contract, vin } = await holderOf(planCode);
      const claim = await repair(vin, repairOptions);
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: { repairClaimId: claim.id, expenses: days(1, 3_000) },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe(code);
    });

    it('pays nothing for an expense dated before the repair visit began', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const visit = await repair(vin, { hours: 3, authorize: true });
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: {
          repairClaimId: visit.id,
          expenses: [
            { date: '2026-11-18', kind: 'rental', amountCents: 3_000 },
            { date: '2026-11-19', kind: 'rental', amountCents: 3_000 },
          ],
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      const rental = response.json();
      expect(rental.payableCents).toBe(3_000);
      expect(rental.lines[0]).toMatchObject({ payableCents: 0, limitsApplied: ['outside_repair_visit'] });
      expect(rental.lines[0].label).toContain('the repair visit began on 2026-11-19');
      expect(rental.lines[1]).toMatchObject({ payableCents: 3_000, limitsApplied: [] });
    });

    it('pays rental for a short repair when the vehicle stays overnight', async () => {
      const { holder, contract, vin } = await holderOf('MAJOR_GUARD');
      const claim = await repair(vin, { hours: 1, overnight: true, authorize: true });
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims`,
        payload: {
          repairClaimId: claim.id,
          expenses: [{ date: '2026-11-24', kind: 'public_transport', amountCents: 1_250 }],
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().payableCents).toBe(1_250);
    });

    it('takes a receipt as a document of the rental claim, and keeps other holders out', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const claim = await repair(vin, { hours: 2, authorize: true });
      const rental = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/rental-claims`,
          payload: { repairClaimId: claim.id, expenses: days(1, 3_000) },
        })
      ).json();
      const upload = await holder({
        method: 'POST',
        url: `/api/v1/rental-claims/${rental.id}/receipts`,
        ...multipartFile('receipt.pdf', PDF),
      });
      expect(upload.statusCode, upload.body).toBe(201);
      expect(upload.json()).toMatchObject({ contentType: 'application/pdf', originalName: 'receipt.pdf' });
      const stranger = (await holderOf('VALUE_GUARD')).holder;
      const refused = await stranger({
        method: 'POST',
        url: `/api/v1/rental-claims/${rental.id}/receipts`,
        ...multipartFile('receipt.pdf', PDF),
      });
      expect(refused.statusCode).toBe(404);
      // One claim by id (its staff detail page): the holder and staff read it, another holder cannot.
      const own = await holder({ url: `/api/v1/rental-claims/${rental.id}` });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json()).toMatchObject({ id: rental.id, contractId: contract.id, status: 'submitted' });
      const byStaff = await adjuster({ url: `/api/v1/rental-claims/${rental.id}` });
      expect(byStaff.json()).toEqual(own.json());
      expect((await stranger({ url: `/api/v1/rental-claims/${rental.id}` })).statusCode).toBe(404);
      expect((await adjuster({ url: `/api/v1/trip-interruption-claims/${rental.id}` })).statusCode).toBe(404);
      expect(
        (
          await stranger({
            method: 'POST',
            url: `/api/v1/contracts/${contract.id}/rental-claims`,
            payload: { repairClaimId: claim.id, expenses: days(1, 1) },
          })
        ).statusCode,
      ).toBe(404);
    });
  });

  describe('trip interruption', () => {
    const trip = (overrides: Record<string, unknown> = {}) => ({
      breakdownOn: '2026-11-20',
      milesFromHome: 250,
      componentGroup: 'engine',
      expenses: [
        { date: '2026-11-20', category: 'lodging', amountCents: 12_000 },
        { date: '2026-11-20', category: 'meals', amountCents: 3_000 },
        { date: '2026-11-21', category: 'lodging', amountCents: 8_000 },
        { date: '2026-11-22', category: 'meals', amountCents: 4_500, alcoholCents: 1_500 },
        { date: '2026-11-23', category: 'lodging', amountCents: 9_000 },
      ],
      ...overrides,
    });

    it('pays lodging and meals up to $100 a day for three days from the breakdown', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: trip(),
      });
      expect(response.statusCode, response.body).toBe(201);
      const claim = response.json();
      expect(
        claim.lines.map((l: { payableCents: number; limitsApplied: string[] }) => [
          l.payableCents,
          l.limitsApplied,
        ]),
      ).toEqual([
        [10_000, ['daily_limit']],
        [0, ['daily_limit']],
        [8_000, []],
        [3_000, ['alcohol_excluded']],
        [0, ['outside_covered_days']],
      ]);
      expect(claim.payableCents).toBe(21_000);
      const read = await adjuster({ url: `/api/v1/trip-interruption-claims/${claim.id}` });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toEqual(claim);
      // Its limits are per breakdown: a second claim for the same breakdown is refused, and pays nothing.
      const again = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: trip({ expenses: [{ date: '2026-11-21', category: 'meals', amountCents: 2_000 }] }),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'benefit_claim_exists', param: 'breakdownOn' });
      const claims = await server.built.database.db
        .selectFrom('trip_interruption_claims')
        .select('payable_cents')
        .where('contract_id', '=', contract.id)
        .execute();
      expect(claims).toEqual([{ payable_cents: 21_000 }]);
    });

    it.each([
      ['a breakdown after today', { breakdownOn: '2026-11-26' }, 'breakdownOn'],
      [
        'an expense after today',
        { expenses: [{ date: '2026-11-26', category: 'lodging', amountCents: 9_000 }] },
        'expenses[0].date',
      ],
      [
        'an expense before the contract was bought',
        {
          breakdownOn: '2026-02-01',
          expenses: [
            { date: '2026-02-01', category: 'lodging', amountCents: 9_000 },
            { date: '2026-01-30', category: 'meals', amountCents: 1_000 },
          ],
        },
        'expenses[1].date',
      ],
    ])(
      'refuses %s with 422 invalid_date naming the field, and files nothing',
      async (_case, change, param) => {
        const { holder, contract } = await holderOf('VALUE_GUARD');
        const response = await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
          payload: trip(change),
        });
        expect(response.statusCode, response.body).toBe(422);
        expect(response.json()).toMatchObject({ code: 'invalid_date', param });
        const claims = await server.built.database.db
          .selectFrom('trip_interruption_claims')
          .select('id')
          .where('contract_id', '=', contract.id)
          .execute();
        expect(claims).toEqual([]);
      },
    );

    it('refuses more alcohol on a receipt than its total', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: trip({
          expenses: [{ date: '2026-11-20', category: 'meals', amountCents: 1_000, alcoholCents: 5_000 }],
        }),
      });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json()).toMatchObject({ code: 'invalid_amount', param: 'expenses[0].alcoholCents' });
    });

    it('refuses a contract bought in Kansas with the state rule’s sentence', async () => {
      const { holder, contract } = await holderOf('MAJOR_GUARD', 'KS');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: trip(),
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'trip_interruption_not_available',
        detail: 'Trip interruption is not part of contracts bought in Kansas.',
      });
    });

    it.each([
      ['exactly 100 miles from home', { milesFromHome: 100 }, 'too_close_to_home', 'milesFromHome'],
      [
        'an uncovered component',
        { componentGroup: 'infotainment' },
        'component_not_covered',
        'componentGroup',
      ],
      ['no night away', { keptOvernight: false }, 'not_kept_overnight', 'keptOvernight'],
      [
        'a breakdown before the contract',
        { breakdownOn: '2025-12-01' },
        'contract_not_in_force',
        'breakdownOn',
      ],
      ['an impossible date', { breakdownOn: '2026-02-30' }, 'invalid_date', 'breakdownOn'],
    ])('refuses %s with 422 %s', async (_case, overrides, code, param) => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: trip(overrides),
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code, param });
    });
  });

  describe('a claim that asks for nothing', () => {
    const countOf = async (table: 'rental_claims' | 'trip_interruption_claims', contractId: string) =>
      (
        await server.built.database.db
          .selectFrom(table)
          .select('id')
          .where('contract_id', '=', contractId)
          .execute()
      ).length;
    it.each([
      ['rental', 'its one expense is $0', [{ amountCents: 0 }], 'expenses[0].amountCents'],
      [
        'rental',
        'its second expense is $0',
        [{ amountCents: 3_000 }, { amountCents: 0 }],
        'expenses[1].amountCents',
      ],
      ['trip', 'its one expense is $0', [{ amountCents: 0 }], 'expenses[0].amountCents'],
      [
        'trip',
        'its second expense is $0',
        [{ amountCents: 9_000 }, { amountCents: 0 }],
        'expenses[1].amountCents',
      ],
    ] as const)(
      'refuses a %s claim when %s: 422 invalid_amount naming the line, nothing filed',
      async (kind, _case, amounts, param) => {
        const { holder, contract, vin } = await holderOf('VALUE_GUARD');
        const payload =
          kind === 'rental'
            ? {
                repairClaimId: (await repair(vin, { hours: 3, authorize: true })).id,
                expenses: amounts.map(({ amountCents }, i) => ({
                  date: addDays('2026-11-20', i),
                  kind: 'rental',
                  amountCents,
                })),
              }
            : {
                breakdownOn: '2026-11-20',
                milesFromHome: 250,
                expenses: amounts.map(({ amountCents }, i) => ({
                  date: '2026-11-20',
                  category: i === 0 ? 'lodging' : 'meals',
                  amountCents,
                })),
              };
        const route = kind === 'rental' ? 'rental-claims' : 'trip-interruption-claims';
        const response = await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/${route}`,
          payload,
        });
        expect(response.statusCode, response.body).toBe(422);
        expect(response.json()).toMatchObject({ code: 'invalid_amount', param });
        const table = kind === 'rental' ? 'rental_claims' : 'trip_interruption_claims';
        expect(await countOf(table, contract.id)).toBe(0);
      },
    );
  });

  describe('a claim filed with its receipts', () => {
    const trip = {
      breakdownOn: '2026-11-20',
      milesFromHome: 250,
      expenses: [{ date: '2026-11-20', category: 'lodging', amountCents: 12_000 }],
    };
    const countOf = async (contractId: string) => {
      const { db } = server.built.database;
      const claims = await db
        .selectFrom('trip_interruption_claims')
        .select('id')
        .where('contract_id', '=', contractId)
        .execute();
      const receipts = await db
        .selectFrom('documents')
        .select('id')
        .where('contract_id', '=', contractId)
        .where('owner_type', '=', 'trip_interruption_claim')
        .execute();
      return { claims: claims.length, receipts: receipts.length };
    };

    it('files nothing when a receipt is refused, then files the claim with both receipts once', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const url = `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`;
      const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]);
      const refused = await holder({
        method: 'POST',
        url,
        ...claimWithReceipts(trip, [
          { name: 'hotel.pdf', bytes: PDF },
          { name: 'dinner.mp4', bytes: video },
        ]),
      });
      expect(refused.statusCode, refused.body).toBe(415);
      expect(refused.json()).toMatchObject({ code: 'unsupported_file_type', param: 'receipts[1]' });
      expect(await countOf(contract.id)).toEqual({ claims: 0, receipts: 0 });

      const key = { 'idempotency-key': `trip-${contract.id}` };
      const body = claimWithReceipts(trip, [
        { name: 'hotel.pdf', bytes: PDF },
        { name: 'dinner.pdf', bytes: Buffer.concat([PDF, Buffer.from('% dinner')]) },
      ]);
      const filed = await holder({
        method: 'POST',
        url,
        payload: body.payload,
        headers: { ...body.headers, ...key },
      });
      expect(filed.statusCode, filed.body).toBe(201);
      expect(filed.json().claim).toMatchObject({ status: 'submitted', payableCents: 10_000 });
      expect(filed.json().receipts.map((r: { originalName: string }) => r.originalName)).toEqual([
        'hotel.pdf',
        'dinner.pdf',
      ]);
      const again = await holder({
        method: 'POST',
        url,
        payload: body.payload,
        headers: { ...body.headers, ...key },
      });
      expect(again.json().claim.id).toBe(filed.json().claim.id);
      expect(await countOf(contract.id)).toEqual({ claims: 1, receipts: 2 });
      // Each receipt is stored under its SHA-256 (promoted with its row); nothing is left staged.
      for (const receipt of filed.json().receipts as { sha256: string }[]) {
        const { sha256 } = receipt;
        expect(fs.existsSync(path.join(documentsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256))).toBe(
          true,
        );
      }
      expect(fs.readdirSync(path.join(documentsDir, 'tmp'))).toEqual([]);
    });

    it('files nothing when the claim itself is refused, and checks the claim before storing receipts', async () => {
      const { holder, contract } = await holderOf('MAJOR_GUARD', 'KS');
      const url = `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`;
      const kansas = await holder({
        method: 'POST',
        url,
        ...claimWithReceipts(trip, [{ name: 'hotel.pdf', bytes: PDF }]),
      });
      expect(kansas.json()).toMatchObject({ code: 'trip_interruption_not_available' });
      const shapeless = await holder({
        method: 'POST',
        url,
        ...claimWithReceipts({ ...trip, milesFromHome: 'far' }, [{ name: 'hotel.pdf', bytes: PDF }]),
      });
      expect(shapeless.statusCode).toBe(400);
      expect(shapeless.json()).toMatchObject({ code: 'validation_failed', param: 'milesFromHome' });
      expect(await countOf(contract.id)).toEqual({ claims: 0, receipts: 0 });
    });

    // curl -F "claim=<claim.json;type=application/json" types the part; a browser's FormData does not.
    it.each([
      { form: 'an untyped text part', claimType: undefined },
      { form: 'a part typed application/json', claimType: 'application/json' },
      { form: 'a part typed application/json; charset=utf-8', claimType: 'application/json; charset=utf-8' },
      { form: 'a part typed text/plain', claimType: 'text/plain' },
    ])('files a claim whose "claim" part is $form', async ({ claimType }) => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`,
        ...claimWithReceipts(trip, [{ name: 'hotel.pdf', bytes: PDF }], claimType),
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().claim).toMatchObject({ status: 'submitted', payableCents: 10_000 });
      expect(await countOf(contract.id)).toEqual({ claims: 1, receipts: 1 });
    });

    it.each([
      {
        form: 'untyped',
        what: 'cut short',
        claimType: undefined,
        claim: '{"breakdownOn":',
        code: 'malformed_json',
        param: 'claim',
      },
      {
        form: 'JSON-typed',
        what: 'cut short',
        claimType: 'application/json',
        claim: '{"breakdownOn":',
        code: 'malformed_json',
        param: 'claim',
      },
      {
        form: 'JSON-typed',
        what: 'a string, not an object',
        claimType: 'application/json',
        claim: '"a string"',
        code: 'validation_failed',
        param: undefined,
      },
      {
        form: 'JSON-typed',
        what: 'of the wrong shape',
        claimType: 'application/json',
        claim: { ...trip, milesFromHome: 'far' },
        code: 'validation_failed',
        param: 'milesFromHome',
      },
    ])('refuses a $form "claim" part $what ($code)', async ({ claimType, claim, code, param }) => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`,
        ...claimWithReceipts(claim, [{ name: 'hotel.pdf', bytes: PDF }], claimType),
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code, ...(param ? { param } : {}) });
      expect(await countOf(contract.id)).toEqual({ claims: 0, receipts: 0 });
    });

    it('refuses receipts sent before the claim, storing none of them', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const boundary = '----coverwisereceiptfirst';
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`,
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hotel.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          PDF,
          Buffer.from(
            `\r\n--${boundary}\r\nContent-Disposition: form-data; name="claim"\r\n\r\n${JSON.stringify(trip)}\r\n--${boundary}--\r\n`,
          ),
        ]),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'claim' });
      expect(await countOf(contract.id)).toEqual({ claims: 0, receipts: 0 });
      expect(fs.readdirSync(path.join(documentsDir, 'tmp'))).toEqual([]);
    });

    it('files a rental claim with its receipt in one request', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const visit = await repair(vin, { hours: 6, authorize: true });
      const response = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/rental-claims/with-receipts`,
        ...claimWithReceipts({ repairClaimId: visit.id, expenses: days(1, 3_000) }, [
          { name: 'rental.pdf', bytes: PDF },
        ]),
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        claim: { payableCents: 3_000 },
        receipts: [{ contentType: 'application/pdf' }],
      });
    });
  });

  describe('deciding a benefit claim', () => {
    const decide = (client: Client, kind: 'rental' | 'trip', id: string, payload: Record<string, unknown>) =>
      client({
        method: 'POST',
        url: `/api/v1/${kind === 'rental' ? 'rental-claims' : 'trip-interruption-claims'}/${id}/decision`,
        payload,
      });
    const balanced = async () => {
      const accounts = await trialBalance(server.built.database.db, '2026-12-31');
      expect(accounts.reduce((sum, a) => sum + a.debitCents, 0)).toBe(
        accounts.reduce((sum, a) => sum + a.creditCents, 0),
      );
    };
    const payableIds = async () =>
      (await openPayables(server.built.database.db, 10_000)).map((payable) => payable.sourceId);

    it('pays a rental claim only once an adjuster approved it, and records who and when', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const visit = await repair(vin, { hours: 3, authorize: true });
      const rental = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/rental-claims`,
          payload: { repairClaimId: visit.id, expenses: days(2, 3_000) },
        })
      ).json();
      expect(await payableIds()).not.toContain(rental.id);
      // The holder cannot decide their own claim.
      expect((await decide(holder, 'rental', rental.id, { decision: 'approve' })).statusCode).toBe(403);

      const approved = await decide(adjuster, 'rental', rental.id, { decision: 'approve' });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({
        status: 'approved',
        decision: { decidedBy: 'adjuster@coverwise.test', reasonCode: null, reason: null },
      });
      expect(await payableIds()).toContain(rental.id);
      const again = await decide(adjuster, 'rental', rental.id, {
        decision: 'deny',
        reasonCode: 'duplicate_claim',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'benefit_claim_decided' });
      const audit = await admin({ url: `/api/v1/contracts/${contract.id}/audit` });
      expect(audit.body).toContain('rental_claim.approved');
      await balanced();
    });

    it('approves trip interruption only against receipts; a denial says why and takes it off the books', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const filed = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
          payload: {
            breakdownOn: '2026-11-21',
            milesFromHome: 300,
            componentGroup: 'engine',
            expenses: [{ date: '2026-11-21', category: 'lodging', amountCents: 9_000 }],
          },
        })
      ).json();
      const refused = await decide(adjuster, 'trip', filed.id, { decision: 'approve' });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'receipts_required', param: 'receipts' });
      const vague = await decide(adjuster, 'trip', filed.id, { decision: 'deny', reasonCode: 'other' });
      expect(vague.statusCode, vague.body).toBe(400);
      expect(vague.json()).toMatchObject({ code: 'validation_failed', param: 'reason' });
      const unknownReason = await decide(adjuster, 'trip', filed.id, {
        decision: 'deny',
        reasonCode: 'bored',
      });
      expect(unknownReason.statusCode).toBe(400);

      const journal = async () =>
        server.built.database.db
          .selectFrom('journal_entries')
          .select('event_type')
          .where('event_id', '=', filed.id)
          .execute();
      expect((await journal()).map((e) => e.event_type)).toEqual(['trip_interruption_claim_incurred']);
      const denied = await decide(adjuster, 'trip', filed.id, {
        decision: 'deny',
        reasonCode: 'receipts_missing',
        reason: 'No hotel receipt after two requests.',
      });
      expect(denied.statusCode, denied.body).toBe(200);
      expect(denied.json()).toMatchObject({
        status: 'denied',
        decision: { reasonCode: 'receipts_missing', reason: 'No hotel receipt after two requests.' },
      });
      expect((await journal()).map((e) => e.event_type).sort()).toEqual([
        'trip_interruption_claim_denied',
        'trip_interruption_claim_incurred',
      ]);
      expect(await payableIds()).not.toContain(filed.id);
      // The holder reads the decision on the claim.
      const own = await holder({ url: `/api/v1/trip-interruption-claims/${filed.id}` });
      expect(own.json()).toMatchObject({
        status: 'denied',
        // The holder is told it was claims staff, not which person's email.
        decision: { reasonCode: 'receipts_missing', decidedBy: 'claims staff' },
      });
      await balanced();

      // With a receipt, the next one is approved.
      const second = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/trip-interruption-claims/with-receipts`,
          ...claimWithReceipts(
            {
              breakdownOn: '2026-11-23',
              milesFromHome: 300,
              componentGroup: 'engine',
              expenses: [{ date: '2026-11-23', category: 'lodging', amountCents: 9_000 }],
            },
            [{ name: 'hotel.pdf', bytes: PDF }],
          ),
        })
      ).json();
      const approved = await decide(adjuster, 'trip', second.claim.id, { decision: 'approve' });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({
        status: 'approved',
        receipts: [{ originalName: 'hotel.pdf' }],
      });
      expect(await payableIds()).toContain(second.claim.id);
    });

    it('refuses a receipt for a decided claim (409 benefit_claim_decided naming its status) and stores none', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const visit = await repair(vin, { hours: 3, authorize: true });
      const rental = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/rental-claims`,
          payload: { repairClaimId: visit.id, expenses: days(1, 3_000) },
        })
      ).json();
      const trip = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
          payload: {
            breakdownOn: '2026-11-22',
            milesFromHome: 300,
            componentGroup: 'engine',
            expenses: [{ date: '2026-11-22', category: 'lodging', amountCents: 9_000 }],
          },
        })
      ).json();
      expect((await decide(adjuster, 'rental', rental.id, { decision: 'approve' })).statusCode).toBe(200);
      const denial = { decision: 'deny', reasonCode: 'receipts_missing' };
      expect((await decide(adjuster, 'trip', trip.id, denial)).statusCode).toBe(200);
      const cases = [
        [`/api/v1/rental-claims/${rental.id}/receipts`, 'approved', holder],
        [`/api/v1/trip-interruption-claims/${trip.id}/receipts`, 'denied', holder],
        [`/api/v1/trip-interruption-claims/${trip.id}/receipts`, 'denied', adjuster],
      ] as const;
      for (const [url, status, client] of cases) {
        const refused = await client({ method: 'POST', url, ...multipartFile('late.pdf', PDF) });
        expect(refused.statusCode, refused.body).toBe(409);
        expect(refused.json()).toMatchObject({ code: 'benefit_claim_decided' });
        expect(refused.json().detail).toContain(`already ${status}`);
      }
      const stored = await server.built.database.db
        .selectFrom('documents')
        .select('id')
        .where('owner_id', 'in', [rental.id, trip.id])
        .execute();
      expect(stored).toEqual([]);
    });

    it('refuses a receipt for a claim decided while its file was arriving, under the claim lock', async () => {
      const { holder, contract, vin } = await holderOf('VALUE_GUARD');
      const visit = await repair(vin, { hours: 3, authorize: true });
      const rental = (
        await holder({
          method: 'POST',
          url: `/api/v1/contracts/${contract.id}/rental-claims`,
          payload: { repairClaimId: visit.id, expenses: days(1, 3_000) },
        })
      ).json();
      const { db } = server.built.database;
      // The service as the route uses it: the owner is checked before the file is read, the file is
      // recorded after; the claim is decided in between.
      const service = createBenefitClaimsService({ db, clock, catalog: createCatalogService({ db }) });
      const principal: Principal = {
        kind: 'holder',
        sessionId: 'test',
        contractIds: [contract.id],
        lastName: contract.holder.lastName,
      };
      const owner = await service.receiptOwner('rental_claim', rental.id, principal);
      expect((await decide(adjuster, 'rental', rental.id, { decision: 'approve' })).statusCode).toBe(200);
      let promoted = false;
      const file = {
        sha256: 'a'.repeat(64),
        sizeBytes: PDF.length,
        contentType: 'application/pdf' as const,
        promote: async () => {
          promoted = true;
        },
        discard: async () => {},
      };
      await expect(
        service.attachReceipt(owner, { file, originalName: 'late.pdf' }, principal, 'test'),
      ).rejects.toMatchObject({
        code: 'benefit_claim_decided',
        message: expect.stringContaining('approved'),
      });
      expect(promoted).toBe(false);
      const stored = await db
        .selectFrom('documents')
        .select('id')
        .where('owner_id', '=', rental.id)
        .execute();
      expect(stored).toEqual([]);
    });

    it('answers 404 to a claim that does not exist', async () => {
      const response = await decide(adjuster, 'rental', '00000000-0000-4000-8000-000000000000', {
        decision: 'approve',
      });
      expect(response.statusCode).toBe(404);
    });
  });

  describe('roadside', () => {
    it('tracks a tow from request to completion and pays it up to the $75 per-event limit', async () => {
      const { holder, contract } = await holderOf('BASIC_GUARD');
      const requested = await holder({
        method: 'POST',
        url: '/api/v1/roadside-requests',
        payload: {
          contractId: contract.id,
          service: 'tow',
          location: { address: 'I-70 mile 12' },
          phone: '555-0100',
        },
      });
      expect(requested.statusCode, requested.body).toBe(201);
      const request = requested.json();
      expect(request).toMatchObject({ status: 'requested', perEventLimitCents: 7_500, towing: null });
      const url = `/api/v1/roadside-requests/${request.id}/status`;
      expect((await holder({ method: 'POST', url, payload: { status: 'dispatched' } })).statusCode).toBe(403);
      expect((await adjuster({ method: 'POST', url, payload: { status: 'dispatched' } })).json().status).toBe(
        'dispatched',
      );
      const done = await adjuster({
        method: 'POST',
        url,
        payload: { status: 'completed', towingCostCents: 12_000 },
      });
      expect(done.json()).toMatchObject({
        status: 'completed',
        towing: { requestedCents: 12_000, payableCents: 7_500 },
      });
      expect(done.json().towing.lines[0].label).toContain('$75.00 per-disablement towing limit');
      expect((await holder({ url: `/api/v1/roadside-requests/${request.id}` })).json().status).toBe(
        'completed',
      );
      expect((await adjuster({ method: 'POST', url, payload: { status: 'cancelled' } })).statusCode).toBe(
        409,
      );
      const overview = (await holder({ url: `/api/v1/contracts/${contract.id}/claims` })).json();
      expect(overview.roadsideRequests.map((r: { id: string }) => r.id)).toEqual([request.id]);
    });

    it('refuses roadside, rental and trip interruption on a GAP addendum with 422 saying GAP has none, and records nothing', async () => {
      nameSerial += 1;
      const lastName = `Benefit${String.fromCharCode(65 + nameSerial)}gap`;
      const vin = withCheckDigit(`1FTFW1E50NF${String(800_000 + nameSerial).padStart(6, '0')}`);
      const body = gapAddendumBody(vin, {
        holder: {
          firstName: 'Ana',
          lastName,
          address: { line1: '1 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
        },
      });
      const created = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
      expect(created.statusCode, created.body).toBe(201);
      const gap = created.json();
      const gapHolder = await holderClient(server, { lastName, zip: '78701', vin });
      const payload = {
        contractId: gap.id,
        service: 'tow',
        location: { address: 'I-35 exit 230' },
        phone: '555-0100',
      };
      for (const client of [gapHolder, adjuster]) {
        const refused = await client({ method: 'POST', url: '/api/v1/roadside-requests', payload });
        expect(refused.statusCode, refused.body).toBe(422);
        expect(refused.json()).toMatchObject({ code: 'roadside_not_covered', param: 'contractId' });
        expect(refused.json().detail).toContain('A GAP addendum has no roadside benefit');
      }
      // Someone else's contract still reads as missing, GAP or not.
      const { holder: stranger } = await holderOf('VALUE_GUARD');
      const hidden = await stranger({ method: 'POST', url: '/api/v1/roadside-requests', payload });
      expect(hidden.statusCode).toBe(404);
      const requests = await server.built.database.db
        .selectFrom('roadside_requests')
        .select('id')
        .where('contract_id', '=', gap.id)
        .execute();
      expect(requests).toEqual([]);
      // Nor rental or trip interruption: 422 saying GAP has none (not 404, as for a missing contract),
      // and the addendum's claims overview lists nothing claimed of them.
      const refusals = [
        {
          url: `/api/v1/contracts/${gap.id}/rental-claims`,
          payload: {
            repairClaimId: '00000000-0000-4000-8000-000000000000',
            expenses: [{ date: '2026-01-05', kind: 'rental', amountCents: 3500 }],
          },
          code: 'rental_not_in_plan',
          words: 'A GAP addendum has no rental benefit',
        },
        {
          url: `/api/v1/contracts/${gap.id}/trip-interruption-claims`,
          payload: {
            breakdownOn: '2026-01-05',
            milesFromHome: 300,
            expenses: [{ date: '2026-01-05', category: 'lodging', amountCents: 9000 }],
          },
          code: 'trip_interruption_not_available',
          words: 'A GAP addendum has no trip-interruption benefit',
        },
      ];
      for (const client of [gapHolder, adjuster]) {
        for (const { url, payload: claim, code, words } of refusals) {
          const refused = await client({ method: 'POST', url, payload: claim });
          expect(refused.statusCode, refused.body).toBe(422);
          expect(refused.json()).toMatchObject({ code, param: 'id' });
          expect(refused.json().detail).toContain(words);
        }
        const overview = await client({ url: `/api/v1/contracts/${gap.id}/claims` });
        expect(overview.statusCode, overview.body).toBe(200);
        expect(overview.json()).toMatchObject({ rentalClaims: [], tripInterruptionClaims: [] });
      }
      expect((await stranger({ url: `/api/v1/contracts/${gap.id}/claims` })).statusCode).toBe(404);
    });

    it('lets the holder cancel before dispatch, and refuses a request without a place', async () => {
      const { holder, contract } = await holderOf('VALUE_GUARD');
      const request = (
        await holder({
          method: 'POST',
          url: '/api/v1/roadside-requests',
          payload: {
            contractId: contract.id,
            service: 'jump_start',
            location: { lat: 39.1, lng: -94.58 },
            phone: '555-0100',
          },
        })
      ).json();
      const cancelled = await holder({
        method: 'POST',
        url: `/api/v1/roadside-requests/${request.id}/status`,
        payload: { status: 'cancelled' },
      });
      expect(cancelled.json().status).toBe('cancelled');
      const nowhere = await holder({
        method: 'POST',
        url: '/api/v1/roadside-requests',
        payload: { contractId: contract.id, service: 'lockout', location: {}, phone: '555-0100' },
      });
      expect(nowhere.json()).toMatchObject({ code: 'validation_failed', param: 'location' });
    });

    it.each([
      [
        'a phone number without digits',
        { phone: 'abcdefgh' },
        'phone',
        'must be a phone number with at least 7 digits',
      ],
      [
        'a phone number of spaces',
        { phone: '         ' },
        'phone',
        'must be a phone number with at least 7 digits',
      ],
      ['an address of spaces', { location: { address: '    ' } }, 'location.address', 'must not be blank'],
    ])(
      'refuses a roadside request with %s, saying why, and records nothing',
      async (_case, change, param, words) => {
        const { holder, contract } = await holderOf('VALUE_GUARD');
        const refused = await holder({
          method: 'POST',
          url: '/api/v1/roadside-requests',
          payload: {
            contractId: contract.id,
            service: 'tow',
            location: { address: 'I-70 mile 12' },
            phone: '(816) 555-0100',
            ...change,
          },
        });
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toMatchObject({ code: 'validation_failed', param });
        expect(refused.json().detail).toBe(`${param} ${words}.`);
        const requests = await server.built.database.db
          .selectFrom('roadside_requests')
          .select('id')
          .where('contract_id', '=', contract.id)
          .execute();
        expect(requests).toEqual([]);
      },
    );
  });
});
