import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { VIN_2024 } from '../support/dealer-channel.js';
import { startTestServer } from '../support/server.js';

// The dealer portal journey through the built web app against the real server with demo data: the
// demo dealer user rates a vehicle, books an offer, downloads the contract form and voids the deal;
// axe finds no accessibility violations on the way (the context bypasses CSP only to inject axe).

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

describe.skipIf(!chromiumAvailable())('dealer portal', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('rates a vehicle, books an offer, downloads the form and voids the contract', async () => {
    const page = await openSignedIn(browser, server, 'dealer@coverwise.test', {
      landsOn: '/dealer',
      context: { bypassCSP: true },
    });
    try {
      await page.getByRole('heading', { level: 1, name: 'Dealer portal' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Your contracts' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const rateForm = page.getByRole('form', { name: 'Rate a vehicle' });
      await rateForm.getByLabel('VIN').fill(VIN_2024);
      await rateForm.getByLabel('Model year').fill('2024');
      await rateForm.getByLabel('Make').fill('Honda');
      await rateForm.getByLabel('Model', { exact: true }).fill('Accord');
      await rateForm.getByLabel('Odometer (miles)').fill('12000');
      await rateForm.getByLabel('State of sale').fill('MO');
      await rateForm.getByLabel('Turbo or supercharged').check();
      await rateForm.getByRole('button', { name: 'Get rates' }).click();
      await page.getByRole('heading', { level: 2, name: /^48 offers \(vehicle class A\)$/ }).waitFor();
      // Each offer shows why it costs what it costs.
      await page.getByText('Turbo or supercharged surcharge: $100.00').first().waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page
        .getByRole('button', { name: 'Book VALUE GUARD, 36 months/36,000 miles, $100.00 deductible' })
        .click();
      const bookForm = page.getByRole('form', { name: 'Book the offer' });
      await bookForm.getByLabel('Customer first name').fill('Rosa');
      await bookForm.getByLabel('Customer last name').fill('Delgado');
      await bookForm.getByLabel('Street address').fill('4 Oak St');
      await bookForm.getByLabel('City').fill('Kansas City');
      await bookForm.getByLabel('State', { exact: true }).fill('MO');
      await bookForm.getByLabel('ZIP code').fill('64111');
      // Below the dealer cost is refused with the reason.
      await bookForm.getByLabel('Retail price (dollars)').fill('900');
      await bookForm.getByRole('button', { name: 'Book contract' }).click();
      await bookForm.getByRole('alert').getByText('retail_price_below_cost', { exact: false }).waitFor();
      await bookForm.getByLabel('Retail price (dollars)').fill('1795');
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

      await page.getByLabel('Reason for the void').fill('Customer chose another lender');
      await page.getByRole('button', { name: 'Void contract' }).click();
      await page.getByRole('heading', { level: 2, name: `Contract ${contractNumber} is void` }).waitFor();
      const row = page.getByRole('row').filter({ hasText: contractNumber });
      await row.getByRole('cell', { name: 'Void', exact: true }).waitFor();
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
