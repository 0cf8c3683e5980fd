import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeVinCheckDigit } from '../../src/contracts/vin.js';
import { FakeClock } from '../../src/platform/clock.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { bookingBody, rateBody, VIN_2024 } from '../support/dealer-channel.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// The dealer portal journeys through the built web app against the real server with demo data: the
// demo dealer user rates a vehicle, books an offer, downloads the contract form and voids the deal; rates
// a GAP with the loan and books it with a lienholder; voids an earlier contract from the list, whose
// void window the server keeps. axe finds no accessibility violations on the way (the context bypasses
// CSP only to inject axe). Twenty contracts were booked over the API five weeks before "today", so
// "Your contracts" has a second page and contracts whose void window has closed.

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }
    ).axe.run();
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  return violations;
}

/** When the earlier contracts were booked, and "today" for the journeys (the browser's clock too). */
const BOOKED_EARLIER_AT = '2026-10-20T15:00:00Z';
const TODAY = '2026-11-25T15:00:00Z';
const clock = new FakeClock(BOOKED_EARLIER_AT);
const EARLIER_CONTRACTS = 20;

/** VIN_2024 with a wrong check digit (9th character). */
const VIN_TYPO = `${VIN_2024.slice(0, 8)}${computeVinCheckDigit(VIN_2024) === '1' ? '2' : '1'}${VIN_2024.slice(9)}`;

const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

describe.skipIf(!chromiumAvailable())('dealer portal', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    // Sold on twenty different days up to a month before they were booked, booked out of sale order
    // (so contract numbers and sale dates disagree), all more than the 30-day void window ago by today.
    const dealer = await staffClient(server, 'dealer@coverwise.test');
    for (let index = 0; index < EARLIER_CONTRACTS; index++) {
      const saleDate = new Date(Date.UTC(2026, 9, 20 - ((index * 11) % 20))).toISOString().slice(0, 10);
      const rated = await dealer({ method: 'POST', url: '/api/v1/rates', payload: rateBody({ saleDate }) });
      const offer = (
        rated.json().offers as { rateId: string; product: string; dealerCostCents: number }[]
      ).find((o) => o.product === 'vsc')!;
      const booked = await dealer({
        method: 'POST',
        url: '/api/v1/econtracts',
        payload: bookingBody(offer.rateId, offer.dealerCostCents),
      });
      expect(booked.statusCode, booked.body).toBe(201);
    }
    clock.set(TODAY);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The portal signed in as the demo dealer user, the browser's clock on the server's day. */
  async function openPortal(): Promise<Page> {
    const page = await openSignedIn(browser, server, 'dealer@coverwise.test', {
      landsOn: '/dealer',
      context: { bypassCSP: true },
    });
    await page.clock.setSystemTime(new Date(TODAY));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Dealer portal' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Your contracts' }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
    return page;
  }

  async function fillVehicle(page: Page) {
    const rateForm = page.getByRole('form', { name: 'Rate a vehicle' });
    await rateForm.getByLabel('VIN').fill(VIN_2024);
    await rateForm.getByLabel('Model year').fill('2024');
    await rateForm.getByLabel('Make').fill('Honda');
    await rateForm.getByLabel('Model', { exact: true }).fill('Accord');
    await rateForm.getByLabel('Odometer (miles)').fill('12000');
    await rateForm.getByLabel('State of sale').fill('MO');
    return rateForm;
  }

  async function fillCustomer(page: Page) {
    const bookForm = page.getByRole('form', { name: 'Book the offer' });
    await bookForm.getByLabel('Customer first name').fill('Rosa');
    await bookForm.getByLabel('Customer last name').fill('Delgado');
    await bookForm.getByLabel('Street address').fill('4 Oak St');
    await bookForm.getByLabel('City').fill('Kansas City');
    await bookForm.getByLabel('State', { exact: true }).fill('MO');
    await bookForm.getByLabel('ZIP code').fill('64111');
    return bookForm;
  }

  /** The row of a contract in "Your contracts". */
  const contractRow = (page: Page, contractNumber: string) =>
    page.getByRole('region', { name: 'Your contracts' }).getByRole('row').filter({ hasText: contractNumber });

  /** Each listed contract's number and sale date, in the order shown. */
  async function listedContracts(page: Page): Promise<{ number: string; saleDate: string }[]> {
    const table = page.getByRole('region', { name: 'Your contracts' }).getByRole('table');
    return table.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        number: row.querySelector('th')!.textContent!,
        saleDate: row.querySelector('td')!.textContent!,
      })),
    );
  }

  it('rates a vehicle, books an offer, downloads the form and voids the contract', async () => {
    const page = await openPortal();
    try {
      expect(await axeViolations(page)).toEqual([]);

      // A VIN with a wrong check digit: the API's sentence next to the VIN, which takes focus.
      const rateForm = await fillVehicle(page);
      const vin = rateForm.getByLabel('VIN');
      await vin.fill(VIN_TYPO);
      await rateForm.getByLabel('Turbo or supercharged').check();
      await rateForm.getByRole('button', { name: 'Get rates' }).click();
      await rateForm.getByText('The check digit (9th character) should be', { exact: false }).waitFor();
      expect(await vin.getAttribute('aria-invalid')).toBe('true');
      expect(await isFocused(vin)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      await vin.fill(VIN_2024);
      await rateForm.getByRole('button', { name: 'Get rates' }).click();
      await page.getByRole('heading', { level: 2, name: /^48 offers \(vehicle class A\)$/ }).waitFor();
      expect(await vin.getAttribute('aria-invalid')).toBeNull();
      // Each offer shows why it costs what it costs; GAP needs the loan.
      await page.getByText('Turbo or supercharged surcharge: $100.00').first().waitFor();
      await page.getByText('GAP is not offered:', { exact: false }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page
        .getByRole('button', { name: 'Book VALUE GUARD, 36 months/36,000 miles, $100.00 deductible' })
        .click();
      const bookForm = await fillCustomer(page);
      const zip = bookForm.getByLabel('ZIP code');
      const retail = bookForm.getByLabel('Retail price (dollars)');
      await zip.fill('641');
      // Below the dealer cost is refused with the reason, next to the price.
      await retail.fill('900');
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      await bookForm
        .getByText('The retail price may not be below the dealer cost of', { exact: false })
        .waitFor();
      expect(await retail.getAttribute('aria-invalid')).toBe('true');
      expect(await isFocused(retail)).toBe(true);
      // Then the ZIP code: its sentence next to it, and the price no longer marked.
      await retail.fill('1795');
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      await bookForm.getByText('A ZIP code is 5 digits, or ZIP+4 (12345-6789).').waitFor();
      expect(await zip.getAttribute('aria-invalid')).toBe('true');
      expect(await isFocused(zip)).toBe(true);
      expect(await retail.getAttribute('aria-invalid')).toBeNull();
      expect(await axeViolations(page)).toEqual([]);
      await zip.fill('64111');
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      const booked = page.getByRole('heading', { level: 2, name: /^Contract VSC-\d{4}-\d{6} is active$/ });
      await booked.waitFor();
      const contractNumber = (await booked.textContent())!.split(' ')[1]!;
      expect(await axeViolations(page)).toEqual([]);

      const formLink = page.getByRole('link', { name: 'Download the contract form (PDF)' });
      const form = await page.request.get((await formLink.getAttribute('href'))!);
      expect(form.status()).toBe(200);
      expect(form.headers()['content-type']).toBe('application/pdf');
      expect((await form.body()).subarray(0, 5).toString()).toBe('%PDF-');

      const card = page.getByRole('region', { name: `Contract ${contractNumber} is active` });
      await card.getByLabel('Reason for the void').fill('Customer chose another lender');
      await card.getByRole('button', { name: 'Void contract' }).click();
      await page.getByRole('heading', { level: 2, name: `Contract ${contractNumber} is void` }).waitFor();
      const row = contractRow(page, contractNumber);
      await row.getByRole('cell', { name: 'Void', exact: true }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('rates a GAP with the loan, books it with a lienholder, lists newest sale first and voids an earlier contract from the list', async () => {
    const page = await openPortal();
    try {
      // First a VSC for the customer, booked without the loan…
      let rateForm = await fillVehicle(page);
      await rateForm.getByRole('button', { name: 'Get rates' }).click();
      await page.getByRole('heading', { level: 2, name: /^48 offers/ }).waitFor();
      await page
        .getByRole('button', { name: 'Book VALUE GUARD, 48 months/48,000 miles, $100.00 deductible' })
        .click();
      let bookForm = await fillCustomer(page);
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      const vscHeading = page.getByRole('heading', {
        level: 2,
        name: /^Contract VSC-\d{4}-\d{6} is active$/,
      });
      await vscHeading.waitFor();
      const vscNumber = (await vscHeading.textContent())!.split(' ')[1]!;

      // …then GAP, rated from the loan: the offer for the loan's term appears.
      rateForm = await fillVehicle(page);
      const loan = rateForm.getByRole('group', { name: 'Loan (for GAP)' });
      await loan.getByLabel('Amount financed (dollars)').fill('28,500');
      await loan.getByLabel('Vehicle value, MSRP or retail book (dollars)').fill('32000');
      await loan.getByLabel('Loan term (months)').fill('60');
      await rateForm.getByRole('button', { name: 'Get rates' }).click();
      await page.getByRole('heading', { level: 2, name: /^49 offers/ }).waitFor();
      expect(await page.getByText('GAP is not offered:', { exact: false }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Book GAP, 60-month loan' }).click();
      bookForm = await fillCustomer(page);
      await bookForm.getByLabel('Customer email (optional)').fill('rosa@example.com');
      await bookForm.getByLabel('Customer phone (optional)').fill('816-555-0142');
      await bookForm.getByLabel('Lienholder', { exact: true }).fill('Heartland Credit Union');
      await bookForm.getByLabel('Retail price (dollars)').fill('695');
      expect(await axeViolations(page)).toEqual([]);
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      const gapHeading = page.getByRole('heading', {
        level: 2,
        name: /^Contract GAP-\d{4}-\d{6} is active$/,
      });
      await gapHeading.waitFor();
      const gapNumber = (await gapHeading.textContent())!.split(' ')[1]!;
      await page.getByText('financed by Heartland Credit Union', { exact: false }).waitFor();
      const formHref = await page
        .getByRole('link', { name: 'Download the contract form (PDF)' })
        .getAttribute('href');
      const gap = await (await page.request.get(formHref!.replace(/\/form$/, ''))).json();
      expect(gap).toMatchObject({
        product: 'gap',
        priceCents: 69_500,
        lienholder: { name: 'Heartland Credit Union' },
        holder: { email: 'rosa@example.com', phone: '816-555-0142' },
        amountFinancedCents: 2_850_000,
      });

      // The list, 20 contracts a page: today's sales first, each with its sale date, VIN and price.
      const gapRow = contractRow(page, gapNumber);
      await gapRow.getByRole('cell', { name: 'November 25, 2026' }).waitFor();
      const vinCell = gapRow.getByRole('cell', { name: VIN_2024 });
      // The last six characters shown; the whole VIN is the cell's text for a screen reader, and on hover.
      expect(await vinCell.locator('[aria-hidden="true"]').textContent()).toBe(`…${VIN_2024.slice(-6)}`);
      expect(await vinCell.locator('[title]').getAttribute('title')).toBe(VIN_2024);
      await gapRow.getByRole('cell', { name: '$695.00' }).waitFor();
      await gapRow.getByRole('cell', { name: 'Active', exact: true }).waitFor();
      const firstPage = await listedContracts(page);
      expect(firstPage).toHaveLength(20);
      const soldToday = firstPage.filter((c) => c.saleDate === 'November 25, 2026');
      expect(firstPage.slice(0, soldToday.length)).toEqual(soldToday);
      expect(soldToday.map((c) => c.number)).toEqual(expect.arrayContaining([gapNumber, vscNumber]));

      // "Show more" reads the rest; focus goes to the first contract it added, the button is gone.
      await page.getByRole('button', { name: 'Show more' }).click();
      // The button reads "Loading…" while the page is read, then goes (no more pages): wait for both.
      await page.getByRole('button', { name: /^(Show more|Loading…)$/ }).waitFor({ state: 'detached' });
      const listed = await listedContracts(page);
      // The earlier ones, these two, and any the journey before booked.
      expect(listed.length).toBeGreaterThanOrEqual(EARLIER_CONTRACTS + 2);
      expect(listed.slice(0, 20)).toEqual(firstPage);
      expect(await isFocused(page.getByRole('rowheader', { name: listed[20]!.number }))).toBe(true);
      // Within a sale day, newest booked first: the GAP booked last in this visit before the VSCs. The
      // numbers' sequence (their last six digits, VSC and GAP alike) runs in booking order.
      const bookedOrder = (contract: { number: string }) => Number(contract.number.slice(-6));
      const newestFirst = [...listed].sort(
        (a, b) => Date.parse(b.saleDate) - Date.parse(a.saleDate) || bookedOrder(b) - bookedOrder(a),
      );
      expect(listed).toEqual(newestFirst);
      expect(new Set(listed.map((c) => c.saleDate)).size).toBe(EARLIER_CONTRACTS + 1);
      expect(await axeViolations(page)).toEqual([]);

      // A contract sold before the void window: the server refuses, and says so beside that contract.
      const oldest = contractRow(page, listed.at(-1)!.number);
      await oldest.getByLabel('Reason for the void').fill('Deal unwound');
      await oldest.getByRole('button', { name: `Void contract ${listed.at(-1)!.number}` }).click();
      const refusal = oldest.getByRole('alert');
      await refusal
        .getByText('A dealer may void a contract within 30 days of the sale', { exact: false })
        .waitFor();
      expect(await isFocused(refusal)).toBe(true);
      await oldest.getByRole('cell', { name: 'Active', exact: true }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // A void needs its reason.
      const vscRow = contractRow(page, vscNumber);
      const reason = vscRow.getByLabel('Reason for the void');
      await vscRow.getByRole('button', { name: `Void contract ${vscNumber}` }).click();
      await vscRow.getByText('Write why the contract is voided.').waitFor();
      expect(await reason.getAttribute('aria-invalid')).toBe('true');
      expect(await isFocused(reason)).toBe(true);

      // The VSC booked earlier in this visit is voided from the list; the GAP card stays as it was.
      await reason.fill('Customer declined the service contract');
      await vscRow.getByRole('button', { name: `Void contract ${vscNumber}` }).click();
      await vscRow.getByRole('cell', { name: 'Void', exact: true }).waitFor();
      const done = vscRow.getByRole('status');
      await done.getByText('Voided').waitFor();
      expect(await isFocused(done)).toBe(true);
      await gapHeading.waitFor();
      await gapRow.getByRole('cell', { name: 'Active', exact: true }).waitFor();
      expect(await listedContracts(page)).toEqual(listed);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('lets the administrator issue a dealer API key, shown once', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test', {
      context: { bypassCSP: true },
    });
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dealers' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dealers' }).waitFor();
      const plaza = page.locator('.card', {
        has: page.getByRole('heading', { level: 2, name: 'Plaza Honda (D-1001, MO)' }),
      });
      await plaza.getByLabel('Label of a new key').fill('F&I menu');
      await plaza.getByRole('button', { name: 'Issue API key for Plaza Honda' }).click();
      await plaza.getByRole('status').getByText('cwk_', { exact: false }).waitFor();
      await plaza.getByRole('cell', { name: 'never' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
