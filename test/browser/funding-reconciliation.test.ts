import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { FakeClock } from '../../src/platform/clock.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { lenderVscBody } from '../support/lender-portfolio.js';
import { startTestServer } from '../support/server.js';

// The admin's funding reconciliation in the built web app against the real server with demo data: from
// the admin navigation, a missing lender named next to its field, a small funded-deals file uploaded
// (with one bad row reported by its line), then each kind of exception — financed but not registered,
// registered but not remitted, price mismatch — counted per dealer as a chart and a table and listed
// with the masked VIN and contract number, a CSV download link, and no accessibility violations.

const clock = new FakeClock('2026-11-25T15:00:00Z');
const [registered, unremitted, unregistered] = [
  '1FTFW1E50NF990001',
  '1FTFW1E50NF990002',
  '1FTFW1E50NF990003',
].map(withCheckDigit) as [string, string, string];

/** Signed in as the admin, the funding reconciliation page opened from the main navigation. */
async function openFunding(browser: Browser, server: { baseUrl: string }): Promise<Page> {
  const page = await openSignedIn(browser, server, 'admin@coverwise.test');
  try {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Funding reconciliation' })
      .click();
    return page;
  } catch (error) {
    await page.context().close();
    throw error;
  }
}

describe.skipIf(!chromiumAvailable())('funding reconciliation (admin)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const contractNumbers = new Map<string, string>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    const admin = await staffClient(server, 'admin@coverwise.test');
    for (const [vin, purchaseDate] of [
      [registered, '2026-11-10'],
      [unremitted, '2026-06-01'],
    ] as const) {
      const response = await admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: lenderVscBody(vin, { purchaseDate, sellingDealer: { code: 'D1', name: 'Prairie Motors' } }),
      });
      expect(response.statusCode, response.body).toBe(201);
      contractNumbers.set(vin, response.json().contractNumber);
    }
    // The second was booked through the dealer channel: its dealer cost is owed and nothing was remitted.
    await server.built.database.db
      .updateTable('contracts')
      .set({ dealer_cost_cents: 80_000 })
      .where('vin', '=', unremitted)
      .execute();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uploads funded deals and shows each kind of exception per dealer as a chart and a table, accessibly', async () => {
    const page = await openFunding(browser, server);
    try {
      await page.waitForURL('**/admin/funding');
      await page.getByRole('heading', { level: 1, name: 'Funding reconciliation' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const form = page.getByRole('form', { name: 'Upload funded deals' });
      const csv = [
        'vin,product,amount_financed_cents,funded_on,dealer_code',
        `${registered},vsc,130000,2026-11-12,D1`,
        `${unremitted},vsc,120000,2026-06-03,D1`,
        `${unregistered},gap,70000,2026-11-01,D-2002`,
        `${unregistered},vsc,12.50,2026-11-01,D-2002`,
      ].join('\n');
      await form.getByLabel('Funded deals (CSV)').setInputFiles({
        name: 'funded-deals.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });

      // The lender is asked for next to its field, and nothing is sent without it.
      await form.getByRole('button', { name: 'Upload and reconcile' }).click();
      await page.getByText('Enter the lender whose funded deals these are.').waitFor();
      expect(await form.getByLabel('Lender (lienholder name)').getAttribute('aria-describedby')).toMatch(
        /-lienholder-error$/,
      );
      expect(await axeViolations(page)).toEqual([]);

      await form.getByLabel('Lender (lienholder name)').fill('First Prairie Bank');
      await form.getByRole('button', { name: 'Upload and reconcile' }).click();
      await page.getByRole('heading', { name: 'Upload report for funded-deals.csv' }).waitFor();
      await page.getByText('4 rows read (the header line not counted)').waitFor();
      await page.getByText('3 accepted').waitFor();
      const rejected = page.getByRole('table', { name: /^Rejected rows/ });
      const badRow = rejected.getByRole('row').filter({ hasText: 'invalid_amount' });
      expect((await badRow.getByRole('cell').allTextContents()).map((text) => text.trim())).toEqual([
        '5',
        'invalid_amount',
        // The column as the file's header names it.
        'amount_financed_cents',
        '"12.50" is not a whole number of cents.',
      ]);
      await page.waitForURL(/\/admin\/funding\?upload=[0-9a-f-]{36}$/);

      // Per dealer: the chart and the same numbers as a table.
      await page.getByRole('heading', { name: /^Reconciliation with First Prairie Bank as of / }).waitFor();
      await expect.poll(() => page.locator('canvas').count()).toBe(1);
      const perDealer = page.getByRole('table', { name: 'Exceptions per dealer (table)' });
      const cells = async (dealer: string) =>
        (
          await perDealer
            .getByRole('row')
            .filter({ hasText: dealer })
            .first()
            .getByRole('cell')
            .allTextContents()
        ).map((text) => text.trim());
      // Deals, matched, financed not registered, registered not remitted, price mismatches.
      expect(await cells('D1')).toEqual(['2', '2', '0', '1', '1']);
      expect(await cells('D-2002')).toEqual(['1', '0', '1', '0', '0']);

      // Each exception with its masked VIN, contract number and amounts.
      const d1 = page.getByRole('table', { name: /^Exceptions of dealer D1/ });
      const mismatch = d1.getByRole('row').filter({ hasText: 'Price mismatch' });
      expect(await mismatch.textContent()).toContain(`…${registered.slice(-6)}`);
      expect(await mismatch.textContent()).toContain('$1,300.00');
      expect(await mismatch.textContent()).toContain('$1,200.00');
      expect(await mismatch.textContent()).toContain('$100.00');
      expect(await mismatch.textContent()).toContain(contractNumbers.get(registered));
      const notRemitted = d1.getByRole('row').filter({ hasText: 'Registered, not remitted' });
      expect(await notRemitted.textContent()).toContain(`…${unremitted.slice(-6)}`);
      expect(await notRemitted.textContent()).toContain(contractNumbers.get(unremitted));
      const d2 = page.getByRole('table', { name: /^Exceptions of dealer D-2002/ });
      const notRegistered = d2.getByRole('row').filter({ hasText: 'Financed, not registered' });
      expect(await notRegistered.textContent()).toContain('Not registered');
      expect(await notRegistered.textContent()).toContain(`…${unregistered.slice(-6)}`);
      // No whole VIN is on the page.
      expect(await page.getByText(unregistered).count()).toBe(0);
      expect(await page.getByText(registered).count()).toBe(0);

      expect(
        await page.getByRole('link', { name: 'Download the exceptions (CSV)' }).getAttribute('href'),
      ).toMatch(/^\/api\/v1\/funding-uploads\/[0-9a-f-]{36}\/reconciliation\.csv$/);
      expect(await axeViolations(page)).toEqual([]);

      // A reload shows the reconciliation of the upload in the address again.
      await page.reload();
      await page.getByRole('table', { name: 'Exceptions per dealer (table)' }).waitFor();
    } finally {
      await page.context().close();
    }
  });
});

// A fresh `npm start`: the demo history uploaded a lender's funded deals through the funding service,
// so the page opens on the newest upload's reconciliation, with every kind of finding, before anyone
// uploads anything.
describe.skipIf(!chromiumAvailable())('funding reconciliation on the living demo', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ demo: true, demoHistory: true }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on the demo lender’s upload with every kind of finding, accessibly', async () => {
    const page = await openFunding(browser, server);
    try {
      await page
        .getByRole('heading', { name: /^Reconciliation with Heartland Credit Union as of / })
        .waitFor();
      const d1001 = page.getByRole('table', { name: /^Exceptions of dealer D-1001/ });
      for (const kind of ['Financed, not registered', 'Registered, not remitted', 'Price mismatch'])
        await d1001.getByRole('row').filter({ hasText: kind }).first().waitFor();
      const recent = page.getByRole('region', { name: 'Recent uploads' });
      expect(
        await recent.getByRole('link', { name: 'heartland-funded-deals.csv' }).getAttribute('aria-current'),
      ).toBe('page');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
