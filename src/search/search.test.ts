// The staff search box on a real database (both engines): table-driven queries by number, VIN (whole
// or its end), phone and name; typed results with links; each role sees only what it can open.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { brakesEstimate, STAFF_HOLDER, staffVscBody } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

describeEachEngine('staff search', (engine) => {
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  const vin = withCheckDigit('2T1BURHE0KC123987');
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let reviewer: Client;
  let shop: Client;
  let contract: { id: string; contractNumber: string };
  let claim: { id: string; claimNumber: string };

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(vin, {
        holder: { ...STAFF_HOLDER, firstName: 'Ximena', lastName: 'Quintanilla', phone: '(816) 555-0199' },
        vehicle: { vin, year: 2019, make: 'Toyota', model: 'Corolla' },
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    contract = created.json();
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: brakesEstimate(vin),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    claim = submitted.json();
  });
  afterAll(() => server.close());

  async function search(client: Client, q: string) {
    const answer = await client({ url: `/api/v1/search?q=${encodeURIComponent(q)}` });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json().data as {
      type: string;
      id: string;
      href: string;
      matchedBy: string;
      title: string;
    }[];
  }

  type Expect = { type: string; matchedBy: string; id: () => string };
  const theContract = (matchedBy: string): Expect => ({ type: 'contract', matchedBy, id: () => contract.id });
  const theHolder = (matchedBy: string): Expect => ({ type: 'holder', matchedBy, id: () => contract.id });
  const theClaim = (matchedBy: string): Expect => ({ type: 'repair_claim', matchedBy, id: () => claim.id });

  it.each<[string, () => string, Expect[]]>([
    ['contract number', () => contract.contractNumber, [theContract('number')]],
    ['contract number in lower case', () => contract.contractNumber.toLowerCase(), [theContract('number')]],
    ['claim number', () => claim.claimNumber, [theClaim('number')]],
    ['whole VIN', () => vin, [theContract('vin'), theClaim('vin')]],
    ['last 6 of the VIN', () => vin.slice(-6), [theContract('vin')]],
    ['last 8 of the VIN, lower case', () => vin.slice(-8).toLowerCase(), [theContract('vin')]],
    ['phone with punctuation', () => '(816) 555-0199', [theHolder('phone'), theContract('phone')]],
    ['phone with country code', () => '+1 816 555 0199', [theHolder('phone')]],
    ['last name', () => 'Quintanilla', [theHolder('name'), theContract('name')]],
    ['last-name prefix', () => 'quintan', [theHolder('name')]],
    ['first and last name', () => 'Ximena Quintanilla', [theHolder('name')]],
    ['last, first', () => 'Quintanilla, Ximena', [theHolder('name')]],
  ])('finds by %s', async (_name, query, expected) => {
    const results = await search(adjuster, query());
    for (const want of expected) {
      const found = results.find((result) => result.type === want.type && result.id === want.id());
      expect(found, `${want.type} in ${JSON.stringify(results)}`).toBeDefined();
      expect(found?.matchedBy).toBe(want.matchedBy);
      expect(found?.href).toMatch(/^\/(staff|adjuster)\//);
    }
  });

  it.each([
    ['another first name', 'Maria Quintanilla'],
    ['an unknown number', 'CW-0000-999999'],
    ['another phone', '816 555 0100'],
  ])('finds nothing of the holder by %s', async (_name, query) => {
    const results = await search(adjuster, query);
    expect(results.filter((result) => result.id === contract.id)).toEqual([]);
  });

  it('shows a reviewer no repair claims (their role cannot open them), and refuses the shop', async () => {
    const results = await search(reviewer, vin);
    expect(results.map((result) => result.type)).toContain('contract');
    expect(results.map((result) => result.type)).not.toContain('repair_claim');
    expect(await search(reviewer, claim.claimNumber)).toEqual([]);
    const refused = await shop({ url: '/api/v1/search?q=Quintanilla' });
    expect(refused.statusCode).toBe(403);
  });

  it('says what it can search by when the query means nothing', async () => {
    for (const q of ['??', '%_', '12']) {
      const answer = await adjuster({ url: `/api/v1/search?q=${encodeURIComponent(q)}` });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ code: 'validation_failed', param: 'q' });
    }
  });
});
