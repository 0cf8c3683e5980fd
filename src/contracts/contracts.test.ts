import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { lenderGapBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { withCheckDigit } from './vin.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');

function contractBody(overrides: Record<string, unknown> = {}) {
  return {
    product: 'vsc',
    planCode: 'VALUE_GUARD',
    holder: {
      firstName: 'Ana',
      lastName: 'Núñez',
      email: 'ana@example.com',
      address: { line1: '1 Elm St', city: 'Topeka', state: 'KS', zip: '66603-1234' },
    },
    vehicle: { vin: withCheckDigit('1HGCM82603A004352'), year: 2024, make: 'Honda', model: 'Accord' },
    odometerAtSale: 10_000,
    purchaseDate: '2026-01-31',
    purchaseState: 'KS',
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 199_900,
    deductibleCents: 10_000,
    lienholder: { name: 'First Prairie Bank' },
    sellingDealer: { code: 'D-2002', name: 'Sunflower Ford' },
    ...overrides,
  };
}

describeEachEngine('contracts', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;
  let shop: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, env: { COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '4' } });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
  });
  afterAll(() => server.close());

  const create = (body: Record<string, unknown>, key?: string) =>
    admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  describe('registering a contract', () => {
    it.each([
      ['no lienholder', null],
      ['a lienholder of spaces', { name: '   ' }],
    ])('refuses a GAP addendum with %s: its benefit is paid to the lender', async (_case, lienholder) => {
      const body = { ...lenderGapBody(withCheckDigit('1FTFW1E50NF900401')), lienholder };
      const refused = await create(body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'validation_failed', param: 'lienholder.name' });
    });

    it('computes the term (Jan 31 + 36 months clamps to Jan 31), numbers it and audits it', async () => {
      const response = await create(contractBody());
      expect(response.statusCode).toBe(201);
      const contract = response.json();
      expect(contract).toMatchObject({
        status: 'active',
        planName: 'Value Guard',
        catalogVersion: 1,
        expiresOn: '2029-01-31',
        expiresAtMiles: 46_000,
        holder: { lastName: 'Núñez', address: { zip: '66603' } },
        lienholder: { name: 'First Prairie Bank' },
      });
      expect(contract.contractNumber).toMatch(/^VSC-2026-\d{6}$/);
      expect(contract.coverage.notes.map((n: { ruleId: string }) => n.ruleId)).toContain(
        'KS-trip-interruption',
      );
      expect(contract.coverage.benefits.tripInterruption).toBeNull();
      const audit = (await adjuster({ url: `/api/v1/contracts/${contract.id}/audit` })).json();
      expect(audit.data.map((e: { action: string }) => e.action)).toEqual(['contract.created']);
      // The next page starts after the last event read ("Show more events" on the staff page).
      const after = await adjuster({
        url: `/api/v1/contracts/${contract.id}/audit?startingAfter=${audit.data[0].id}`,
      });
      expect(after.json()).toEqual({ data: [], hasMore: false });
    });

    it('adds the waiting period to expiry when sold after the vehicle sale', async () => {
      const response = await create(
        contractBody({
          vehicle: { vin: withCheckDigit('1HGCM82603A004353'), year: 2022, make: 'Honda', model: 'Civic' },
          soldAfterVehicleSale: true,
        }),
      );
      expect(response.json()).toMatchObject({
        expiresOn: '2029-03-02',
        expiresAtMiles: 47_000,
        waitingPeriodEndsOn: '2026-03-02',
        waitingPeriodEndsAtMiles: 11_000,
      });
    });

    it.each([
      [
        'a VIN with a wrong check digit',
        { vehicle: { vin: '1HGCM82633A004353', year: 2024, make: 'Honda', model: 'Accord' } },
        'invalid_vin',
        'vehicle.vin',
      ],
      [
        'a VIN with the letter O',
        { vehicle: { vin: '1HGCM82633AO04352', year: 2024, make: 'Honda', model: 'Accord' } },
        'invalid_vin',
        'vehicle.vin',
      ],
      ['an unknown plan', { planCode: 'PLATINUM' }, 'unknown_plan', 'planCode'],
      ['a GAP plan sold as a VSC', { planCode: 'GAP' }, 'unknown_plan', 'planCode'],
      [
        'a four-digit ZIP',
        {
          holder: {
            firstName: 'A',
            lastName: 'B',
            address: { line1: 'x', city: 'y', state: 'KS', zip: '6660' },
          },
        },
        'invalid_zip',
        'holder.address.zip',
      ],
      ['an unknown state', { purchaseState: 'ZZ' }, 'invalid_state', 'purchaseState'],
      ['an impossible date', { purchaseDate: '2026-02-30' }, 'invalid_date', 'purchaseDate'],
      // Today is 2026-11-25; a day ahead is a dealer east of the business time zone, two days is no sale yet.
      ['a sale that has not happened', { purchaseDate: '2026-11-27' }, 'invalid_date', 'purchaseDate'],
      ['a sale years ahead', { purchaseDate: '2030-01-15' }, 'invalid_date', 'purchaseDate'],
      [
        'a deductible the plan does not offer',
        { deductibleCents: 5_000 },
        'deductible_not_offered',
        'deductibleCents',
      ],
      ['a term the plan does not offer', { termMonths: 37 }, 'term_not_offered', 'termMonths'],
    ])('refuses %s with 422 %s', async (_case, overrides, code, param) => {
      const response = await create(contractBody(overrides));
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code, param });
    });

    it.each([
      ['money as a string', { priceCents: '1999.00' }, 'priceCents'],
      ['negative money', { priceCents: -1 }, 'priceCents'],
      ['money with cents fractions', { priceCents: 10.5 }, 'priceCents'],
      ['an unknown field', { discount: 5 }, 'discount'],
      // The term end of a 9999 purchase left the four-digit years (RangeError, 500); year 0 is no date.
      ['a purchase date in 9999', { purchaseDate: '9999-12-31' }, 'purchaseDate'],
      ['a purchase date in year 0', { purchaseDate: '0000-01-01' }, 'purchaseDate'],
      ['a purchase date before 1900', { purchaseDate: '1899-12-31' }, 'purchaseDate'],
    ])('refuses %s with 400 validation_failed', async (_case, overrides, param) => {
      const response = await create(contractBody(overrides));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', param });
    });

    it('replays a retried creation instead of registering the contract twice', async () => {
      const body = contractBody({ contractNumber: 'ACME-42' });
      const first = await create(body, 'create-acme-42');
      const second = await create(body, 'create-acme-42');
      expect(second.json()).toEqual(first.json());
      const duplicate = await create(body);
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().code).toBe('contract_number_taken');
    });
  });

  describe('reading and searching', () => {
    it('shows a contract to its holder only; others get 404, repair facilities 403', async () => {
      const holder = await holderClient(server, DEMO_HOLDERS[0]!);
      const other = await holderClient(server, DEMO_HOLDERS[1]!);
      const id = holder.contractIds[0]!;
      expect((await holder({ url: `/api/v1/contracts/${id}` })).json()).toMatchObject({
        contractNumber: 'DEMO-000001',
        // Its $100 deductible is Value Guard's disappearing one: waived at the selling dealer.
        deductibleCents: 10_000,
        sellingDealer: { name: expect.any(String) },
        coverage: { inForce: true, disappearingDeductible: true },
      });
      expect((await other({ url: `/api/v1/contracts/${id}` })).statusCode).toBe(404);
      expect((await shop({ url: `/api/v1/contracts/${id}` })).statusCode).toBe(403);
      expect((await holder({ url: '/api/v1/contracts?vin=1HGCM82633A004352' })).statusCode).toBe(403);
    });

    it('finds contracts by last-name prefix (accents ignored), VIN and number, page by page', async () => {
      const byName = (await adjuster({ url: '/api/v1/contracts?lastName=NUN' })).json();
      expect(byName.data.map((c: { holder: { lastName: string } }) => c.holder.lastName)).toContain('Núñez');
      const vin = DEMO_HOLDERS[4]!.vin;
      const byVin = (await adjuster({ url: `/api/v1/contracts?vin=${vin.toLowerCase()}` })).json();
      expect(byVin.data.map((c: { product: string }) => c.product).sort()).toEqual(['gap', 'vsc']);
      const first = (await adjuster({ url: '/api/v1/contracts?lastName=a&limit=2' })).json();
      expect(first.data).toHaveLength(2);
      expect(first.hasMore).toBe(true);
      const next = (
        await adjuster({ url: `/api/v1/contracts?lastName=a&limit=2&startingAfter=${first.data[1].id}` })
      ).json();
      expect(next.data[0].id > first.data[1].id).toBe(true);
      expect((await adjuster({ url: '/api/v1/contracts' })).statusCode).toBe(400);
    });
  });

  describe('coverage lookup for repair facilities', () => {
    const lookup = (vin: string, odometer: number) =>
      shop({ url: `/api/v1/coverage?vin=${vin}&odometer=${odometer}` });

    it('answers in force with plan, deductible, groups and benefits, and no personal data', async () => {
      const response = await lookup(DEMO_HOLDERS[0]!.vin, 20_000);
      const body = response.json();
      expect(body).toMatchObject({ inForce: true, planCode: 'VALUE_GUARD', deductibleCents: 10_000 });
      expect(body.componentGroups.map((g: { code: string }) => g.code)).toContain('brakes');
      expect(body.benefits.rental).toMatchObject({ dailyLimitCents: 3_500, perVisitLimitCents: 17_500 });
      expect(JSON.stringify(body)).not.toContain('Rivera');
      expect(body.holder).toBeUndefined();
    });

    it('shows no trip interruption for a Kansas purchase, with the rule', async () => {
      const body = (await lookup(DEMO_HOLDERS[1]!.vin, 10_000)).json();
      expect(body.benefits.tripInterruption).toBeNull();
      expect(body.notes).toContainEqual({
        ruleId: 'KS-trip-interruption',
        sentence: expect.stringContaining('Kansas'),
        params: { state: 'KS', tripInterruptionAvailable: 0 },
      });
    });

    it('gives every reason a contract is not in force', async () => {
      const vin = (n: number) => withCheckDigit(`2T1BURHE0JC0${String(n).padStart(5, '0')}`);
      const base = (n: number, overrides: Record<string, unknown> = {}) =>
        contractBody({
          contractNumber: `COV-${n}`,
          vehicle: { vin: vin(n), year: 2020, make: 'Toyota', model: 'Corolla' },
          purchaseState: 'MO',
          holder: {
            firstName: 'C',
            lastName: 'Case',
            address: { line1: 'x', city: 'y', state: 'MO', zip: '64111' },
          },
          ...overrides,
        });
      await create(base(1, { purchaseDate: '2022-01-15' })); // 36 months → ended 2025-01-15
      await create(base(2, { purchaseDate: '2026-06-01' })); // in force by date
      await create(base(3, { purchaseDate: '2026-06-01' }));
      await create(base(4, { purchaseDate: '2026-06-01' }));
      await create(base(5, { purchaseDate: '2026-11-01', soldAfterVehicleSale: true })); // waiting until 2026-12-01 / 11,000 mi
      const db = server.built.database.db;
      await sql`update contracts set status = 'cancelled' where contract_number = 'COV-3'`.execute(db);
      await sql`update contracts set status = 'void' where contract_number = 'COV-4'`.execute(db);
      const cases: [number, number, string | undefined][] = [
        [1, 20_000, 'expired_by_date'],
        [2, 46_001, 'expired_by_miles'],
        [2, 46_000, undefined],
        [3, 12_000, 'cancelled'],
        [4, 12_000, 'void'],
        [5, 10_500, 'waiting_period'],
        [5, 11_000, undefined],
      ];
      for (const [n, odometer, reasonCode] of cases) {
        const body = (await lookup(vin(n), odometer)).json();
        expect({ n, odometer, inForce: body.inForce, reasonCode: body.reasonCode }).toEqual({
          n,
          odometer,
          inForce: reasonCode === undefined,
          reasonCode,
        });
      }
      // A reading below the one at sale (10,000) is refused, in words that name the reading at sale.
      const below = await lookup(vin(2), 9_999);
      expect(below.statusCode).toBe(422);
      expect(below.json()).toMatchObject({ code: 'odometer_below_sale', param: 'odometer' });
      expect(below.json().detail).toContain('(10,000 miles)');
      const unknown = (await lookup(withCheckDigit('3VWFE21C04M000001'), 1)).json();
      expect(unknown).toMatchObject({ inForce: false, reasonCode: 'not_found' });
      expect((await lookup('NOT-A-VIN', 1)).json().code).toBe('invalid_vin');
    });
  });

  describe('holder sign-in', () => {
    const holderLogin = (payload: Record<string, string>, ip = '10.0.0.1') =>
      server.built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/holder-login',
        payload,
        remoteAddress: ip,
      });

    it('matches the last name ignoring case and accents, and ZIP+4', async () => {
      const vin = withCheckDigit('1HGCM82603A004352');
      const response = await holderLogin(
        { lastName: 'NUNEZ', zip: '66603-9999', vin: vin.toLowerCase() },
        '10.0.0.2',
      );
      expect(response.statusCode).toBe(200);
      // Two contracts were registered on this VIN above (one under its own number ACME-42).
      expect(response.json().contractIds).toHaveLength(2);
    });

    it('gives the same answer whichever fact is wrong', async () => {
      const good = DEMO_HOLDERS[2]!;
      const answers = await Promise.all(
        [
          { ...good, lastName: 'Wrong' },
          { ...good, zip: '94111' },
          { ...good, vin: withCheckDigit('1HGCM82603A009999') },
        ].map((facts, i) =>
          holderLogin({ lastName: facts.lastName, zip: facts.zip, vin: facts.vin }, `10.0.1.${i}`),
        ),
      );
      const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      for (const answer of answers) {
        expect(answer.statusCode).toBe(401);
        expect(strip(answer.json())).toEqual(strip(answers[0]!.json()));
      }
    });

    it('backs off a guesser per VIN and address without locking the holder out at another address', async () => {
      const target = DEMO_HOLDERS[3]!;
      const statuses: number[] = [];
      // Anyone may read the VIN off the windshield: 4 free failures (COVERWISE_HOLDER_ATTEMPTS_PER_VIN).
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await holderLogin({ lastName: 'Guess', zip: target.zip, vin: target.vin }, '10.0.2.1')).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const blocked = await holderLogin(
        { lastName: target.lastName, zip: target.zip, vin: target.vin },
        '10.0.2.1',
      );
      // At the guessing address even the right facts wait: the throttle answers before checking them.
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe('too_many_attempts');
      expect(Number(blocked.headers['retry-after'])).toBe(30);
      // The holder, at their own address, is not locked out.
      const holderElsewhere = await holderLogin(
        { lastName: target.lastName, zip: target.zip, vin: target.vin },
        '10.0.3.1',
      );
      expect(holderElsewhere.statusCode).toBe(200);
      // The guesser's next wait doubles once the first has passed and another guess fails.
      clock.advance(30_000);
      expect(
        (await holderLogin({ lastName: 'Guess', zip: target.zip, vin: target.vin }, '10.0.2.1')).statusCode,
      ).toBe(401);
      const longer = await holderLogin({ lastName: 'Guess', zip: target.zip, vin: target.vin }, '10.0.2.1');
      expect(longer.statusCode).toBe(429);
      expect(Number(longer.headers['retry-after'])).toBe(60);
      clock.advance(16 * 60_000);
    });
  });

  describe('catalog versions', () => {
    it('publishes a new version for new sales while old contracts keep theirs', async () => {
      const current = (await admin({ url: '/api/v1/catalog' })).json();
      const document = structuredClone(current.document);
      const valueGuard = document.plans.find((p: { code: string }) => p.code === 'VALUE_GUARD');
      valueGuard.benefits.rental.dailyLimitCents = 4_000;
      const published = await admin({
        method: 'POST',
        url: '/api/v1/catalog/versions',
        payload: { document, note: 'rental $40/day' },
      });
      expect(published.statusCode).toBe(201);
      const version = published.json().version;
      expect(version).toBe(current.version + 1);

      const fresh = (
        await create(
          contractBody({
            contractNumber: 'V2-1',
            vehicle: { vin: withCheckDigit('1HGCM82603A007777'), year: 2024, make: 'Honda', model: 'Accord' },
          }),
        )
      ).json();
      expect(fresh.catalogVersion).toBe(version);
      expect(fresh.coverage.benefits.rental.dailyLimitCents).toBe(4_000);
      const old = (await holderClient(server, DEMO_HOLDERS[0]!))!;
      const oldContract = (await old({ url: `/api/v1/contracts/${old.contractIds[0]}` })).json();
      expect(oldContract.catalogVersion).toBe(1);
      expect(oldContract.coverage.benefits.rental.dailyLimitCents).toBe(3_500);
      const plans = (await shop({ url: '/api/v1/plans' })).json();
      expect(plans.catalogVersion).toBe(version);
    });

    it('refuses a bad catalog whole, with every reason, and stores nothing', async () => {
      const before = (await admin({ url: '/api/v1/catalog' })).json().version;
      const response = await admin({
        method: 'POST',
        url: '/api/v1/catalog/versions',
        payload: {
          document: {
            name: 'broken',
            componentGroups: [],
            plans: [{ code: 'x' }],
            stateRules: [],
            documentTypes: [],
          },
        },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('invalid_catalog');
      expect(response.json().errors.length).toBeGreaterThan(1);
      expect((await admin({ url: '/api/v1/catalog' })).json().version).toBe(before);
      expect(
        (await adjuster({ method: 'POST', url: '/api/v1/catalog/versions', payload: { document: {} } }))
          .statusCode,
      ).toBe(403);
    });
  });
});
