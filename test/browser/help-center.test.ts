import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { chromiumAvailable, launchBrowser, openPage } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The help center: a holder follows the footer link from their coverage page, reads answers whose
// figures come from the catalog and settings, and narrows them with the search box.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
const holder = DEMO_HOLDERS[0]!;

describe.skipIf(!chromiumAvailable())('help center', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ demo: true, env: { COVERWISE_SUPPORT_PHONE: '1-888-555-0123' } }),
      launchBrowser(),
    ]);
    await mkdir(screenshotDirectory, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is linked from a holder page and answers with figures from the catalog and settings', async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await page.getByLabel('Last name').fill(holder.lastName);
      await page.getByLabel('ZIP code').fill(holder.zip);
      await page.getByLabel('VIN').fill(holder.vin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/my');
      await page.getByRole('contentinfo').getByRole('link', { name: 'Help center' }).click();
      await page.getByRole('heading', { level: 1, name: 'Help center' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'How do I start a GAP claim?' }).waitFor();
      await page.getByText('within 2 business days of the business day we receive it').waitFor();
      await page.getByText('report the sale within 30 days').waitFor();
      await page.getByRole('link', { name: '1-888-555-0123' }).waitFor();
      expect(await page.getByRole('status').textContent()).toBe('7 answers');
    } finally {
      await page.context().close();
    }
  });

  it('narrows the answers to those matching every word of the search', async () => {
    const page = await openPage(browser, server, '/help');
    try {
      await page.getByRole('heading', { level: 2, name: 'What is covered?' }).waitFor();
      await page.getByLabel('Search the help center').fill('rental');
      await page.getByRole('status').filter({ hasText: '1 answer matches “rental”' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'What is covered?' }).waitFor();
      expect(await page.getByRole('heading', { level: 2, name: 'How do I start a GAP claim?' }).count()).toBe(
        0,
      );

      // Word forms find each other: "cancellation" finds the answers about how to cancel.
      await page.getByLabel('Search the help center').fill('cancellation');
      await page
        .getByRole('heading', { level: 2, name: /cancel/i })
        .first()
        .waitFor();

      await page.getByLabel('Search the help center').fill('deductible');
      // Word forms count too ("deductibles", "deduct"), so the deductible answers and any that deduct.
      await page
        .getByRole('status')
        .filter({ hasText: /^\d+ answers match “deductible”$/ })
        .waitFor();
      const found = await page
        .getByRole('status')
        .filter({ hasText: /answers match/ })
        .textContent();
      expect(Number(found?.split(' ')[0])).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: `${screenshotDirectory}help-center-search.png`, fullPage: true });

      await page.getByLabel('Search the help center').fill('helicopter');
      await page
        .getByRole('status')
        .filter({ hasText: 'No answers match “helicopter”. Call us at 1-888-555-0123.' })
        .waitFor();
    } finally {
      await page.context().close();
    }
  });
});
