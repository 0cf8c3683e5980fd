import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// The month-end report in the built web app against the real server with demo data: the administrator
// opens it from the menu, picks the month of the newest journal entry, and sees premium by plan and
// state, earned against written by month and the receivables aging (charts with their tables) and the
// refunds; the CSV downloads; axe finds no violation. An adjuster is refused.

describe.skipIf(!chromiumAvailable())('the month-end report', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let month: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const admin = await staffClient(server, 'admin@coverwise.test');
    const newest = (await admin({ url: '/api/v1/accounting/journal-entries?limit=1' })).json().data[0];
    month = String(newest.effectiveOn).slice(0, 7);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the administrator the month with charts and tables, and the CSV', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.getByRole('link', { name: 'Month-end' }).click();
      await page.waitForURL('**/admin/month-end');
      await page.getByLabel('Month', { exact: true }).fill(month);
      await page.getByRole('button', { name: 'Show' }).click();
      await expect
        .poll(() => page.getByRole('table', { name: 'Premium and claims by plan and state' }).count())
        .toBe(1);
      await expect.poll(() => page.getByRole('cell', { name: month, exact: true }).count()).toBe(1);
      await expect.poll(() => page.locator('canvas').count()).toBe(2);
      expect(await page.getByRole('table', { name: 'Dealer receivables aging (table)' }).count()).toBe(1);
      expect(await page.getByRole('table', { name: 'Lender-event refunds by deadline' }).count()).toBe(1);
      const premiumRows = page
        .getByRole('table', { name: 'Premium and claims by plan and state' })
        .getByRole('row');
      expect(await premiumRows.count()).toBeGreaterThan(2);
      expect(await axeViolations(page)).toEqual([]);

      const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
      const file = await page.context().request.get(href!);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-disposition']).toBe(`attachment; filename="month-end-${month}.csv"`);
      const lines = (await file.text()).trim().split('\n');
      expect(lines[0]).toBe('month,section,plan_code,state,dealer_code,measure,value');
      expect(lines.some((line) => line.startsWith(`${month},premium_total,,,,written_cents,`))).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('tells an adjuster the report is for administrators', async () => {
    const page = await openSignedIn(browser, server, 'adjuster@coverwise.test');
    try {
      expect(await page.getByRole('link', { name: 'Month-end' }).count()).toBe(0);
      await page.goto('/admin/month-end');
      await expect
        .poll(() => page.getByText('The month-end report is for administrators only.').count())
        .toBe(1);
    } finally {
      await page.context().close();
    }
  });
});
