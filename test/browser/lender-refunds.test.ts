import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-seed.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { lenderVscBody } from '../support/lender-portfolio.js';
import { startTestServer } from '../support/server.js';

// The lender's compliance page in the built web app: a lender signs in, opens "Lender refunds", sees
// the counts as a chart and a table and its refunds with their deadlines, filters to the overdue ones,
// and axe finds no accessibility violations.

describe.skipIf(!chromiumAvailable())('lender-event refunds (compliance view)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const vin = withCheckDigit('1FTFW1E50NF990001');
  // Real dates (the browser's session cookie lives in real time): sold 200 days ago, repossessed 90
  // days ago, so the refund's 30-day deadline has passed.
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const admin = await staffClient(server, 'admin@coverwise.test');
    await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'loans@prairie.test',
        password: DEMO_PASSWORD,
        role: 'lender',
        lienholderName: 'First Prairie Bank',
      },
    });
    const contract = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: lenderVscBody(vin, { purchaseDate: daysAgo(200) }),
    });
    expect(contract.statusCode, contract.body).toBe(201);
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'repossession', eventDate: daysAgo(90) }] },
    });
    expect(sent.statusCode, sent.body).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a lender its refunds with deadlines, as a chart and tables, accessibly', async () => {
    const page = await openSignedIn(browser, server, 'loans@prairie.test');
    try {
      await page.getByRole('link', { name: 'Lender refunds' }).click();
      await page.waitForURL('**/lender/refunds');
      await expect.poll(() => page.getByRole('table', { name: 'Refunds by status' }).count()).toBe(1);
      await expect.poll(() => page.locator('canvas').count()).toBe(1);
      const overdueRow = page.getByRole('row').filter({ hasText: 'Overdue' }).first();
      expect(await overdueRow.textContent()).toMatch(/Overdue\s*1/);
      expect(await page.getByText(vin).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('combobox', { name: 'Status' }).selectOption('paid_on_time');
      await page.getByRole('button', { name: 'Show' }).click();
      await expect.poll(() => page.getByText('No refunds match.').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
