import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { addDays } from '../../src/shared/calendar-date.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { lenderVscBody } from '../support/lender-portfolio.js';
import { startTestServer } from '../support/server.js';
import { serverToday } from '../support/today.js';

// The books in the built web app against the real server with demo data: the trial balance balances,
// the dealer statements agree with the books, written against earned premium draws as a chart with its table, the month-end run answers, and the
// journal lists the demo portfolio's entry, filters by account, and links a lender-event batch's
// summary entry to its run's report.

describe.skipIf(!chromiumAvailable())('the books (journal and trial balance)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    // A payoff reported by the lender: its run posts one summary entry for its batch.
    const admin = await staffClient(server, 'admin@coverwise.test');
    const vin = withCheckDigit('1FTFW1E50NF930001');
    const today = serverToday();
    const contract = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: lenderVscBody(vin, { purchaseDate: addDays(today, -200) }),
    });
    expect(contract.statusCode, contract.body).toBe(201);
    const sent = await admin({
      method: 'POST',
      url: '/api/v1/lender-events',
      payload: { events: [{ vin, event: 'payoff', eventDate: addDays(today, -10), odometer: 34_000 }] },
    });
    expect(sent.statusCode, sent.body).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the administrator a balanced trial balance, the premium chart and the journal', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.getByRole('link', { name: 'Books' }).click();
      await page.waitForURL('**/admin/trial-balance');
      await expect.poll(() => page.getByText('Debits equal credits.').count()).toBe(1);
      // The demo's contracts have no dealer account: their premium is receivable off the statements.
      const receivable = page
        .getByRole('row')
        .filter({ hasText: 'Premium receivable (not on a dealer statement)' });
      expect(await receivable.textContent()).toMatch(/\$[\d,]+\.\d\d/);
      // The dealer statements tie to the books (chart and table), then the premium chart.
      await expect
        .poll(() => page.getByText(/every dealer's statement agrees with the books\./).count())
        .toBe(1);
      const plaza = page.getByRole('row').filter({ hasText: 'D-1001 Plaza Honda' });
      expect(await plaza.textContent()).toMatch(/Agrees$/);
      await expect.poll(() => page.locator('canvas').count()).toBe(2);
      await page.getByRole('button', { name: 'Earn premium' }).click();
      await expect.poll(() => page.getByText(/entries posted|nothing new to post/).count()).toBe(1);
      // A month before the one just earned is refused, and said as an error (an alert), not as news.
      const month = page.getByRole('region', { name: 'Month-end earning' }).getByLabel('Month');
      const [year, monthNumber] = (await month.inputValue()).split('-').map(Number);
      await month.fill(new Date(Date.UTC(year!, monthNumber! - 3, 1)).toISOString().slice(0, 7));
      await page.getByRole('button', { name: 'Earn premium' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /^Premium is already earned through \d{4}-\d{2}-\d{2}/ })
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'journal' }).first().click();
      await page.waitForURL('**/admin/journal');
      // Newest first: the month-end entries just posted, or the demo portfolio's.
      await expect
        .poll(() => page.getByText(/^(premium_earning|contracts_seeded)$/).count())
        .toBeGreaterThan(0);
      await page.getByLabel('Account').fill('1000');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL('**/admin/journal?account=1000');
      await expect.poll(() => page.getByText(/No entries match|1000 Cash/).count()).toBeGreaterThan(0);
      expect(await page.getByText(/^(premium_earning|contracts_seeded)$/).count()).toBe(0);

      // The lender-event run posted one summary entry for its batch: it links to the run's report.
      await page.getByLabel('Account').fill('');
      await page.getByLabel('Event', { exact: true }).fill('lender_event_batch');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL('**/admin/journal?eventType=lender_event_batch');
      const report = page.getByRole('link', { name: "the run's report, row by row (CSV)" }).first();
      await expect.poll(() => report.count()).toBe(1);
      const href = await report.getAttribute('href');
      expect(href).toMatch(/\/api\/v1\/lender-events\/runs\/[0-9a-f-]{36}\/report\.csv$/);
      const csv = await page.request.get(href!);
      expect(csv.status()).toBe(200);
      expect(await csv.text()).toMatch(/payoff/);
    } finally {
      await page.context().close();
    }
  });

  it('tells an adjuster the books are for administrators', async () => {
    const page = await openSignedIn(browser, server, 'adjuster@coverwise.test');
    try {
      await page.goto('/admin/journal');
      await expect.poll(() => page.getByText('The books are for administrators only.').count()).toBe(1);
    } finally {
      await page.context().close();
    }
  });
});
