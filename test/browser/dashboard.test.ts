import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRentalClaim, insertRepairClaim } from '../../src/what-if/what-if.fixtures.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The staff dashboard in the built web app against the real server with demo data and a few claims:
// the charts draw (a canvas each) with their tables beside them, and a chart's CSV downloads.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('staff dashboard', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const { db } = server.built.database;
    const contracts = await db
      .selectFrom('contracts')
      .select('id')
      .where('status', '=', 'active')
      .where('plan_code', '=', 'VALUE_GUARD')
      .limit(2)
      .execute();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await insertRepairClaim(db, {
      contractId: contracts[0]!.id,
      submittedAt: yesterday,
      status: 'submitted',
    });
    await insertRentalClaim(db, {
      contractId: contracts[1]!.id,
      createdAt: yesterday,
      expenses: [{ date: yesterday.slice(0, 10), requestedCents: 4_500 }],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the adjuster every chart drawn with data, its table and a CSV download', async () => {
    const page = await openSignedIn(browser, server, 'adjuster@coverwise.test', {
      context: { acceptDownloads: true },
    });
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

      for (const title of [
        'Claims by status and age',
        'Paid claims and loss ratio by plan',
        'Portfolio by tier and state',
      ]) {
        const section = page.getByRole('region', { name: title, exact: true });
        await section.getByRole('img', { name: new RegExp(`^${title}: bar chart`) }).waitFor();
        // Chart.js has drawn into the canvas: it has a size and is not blank.
        const drawn = await section.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
          const context = canvas.getContext('2d');
          if (!context || canvas.width === 0 || canvas.height === 0) return false;
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          return pixels.some((value, index) => index % 4 === 3 && value > 0);
        });
        expect(drawn, title).toBe(true);
        const table = section.getByRole('table', { name: `${title} (table)` });
        expect(await table.locator('tbody tr').count(), title).toBeGreaterThan(0);
      }
      const claims = page.getByRole('region', { name: 'Claims by status and age', exact: true });
      // Claim kinds, statuses and plans in words, not codes.
      await claims.getByRole('cell', { name: 'Rental', exact: true }).waitFor();
      await claims.getByRole('cell', { name: 'Repair', exact: true }).first().waitFor();
      const plans = page.getByRole('region', { name: 'Paid claims and loss ratio by plan', exact: true });
      await plans.getByRole('cell', { name: 'Value Guard', exact: true }).waitFor();
      expect(await page.locator('main').textContent()).not.toMatch(/VALUE_GUARD|trip_interruption/);

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}staff-dashboard.png`, fullPage: true });

      const portfolio = page.getByRole('region', { name: 'Portfolio by tier and state', exact: true });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        portfolio.getByRole('link', { name: /as CSV$/ }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^portfolio_by_tier_state-\d{4}-\d{2}-\d{2}\.csv$/);
    } finally {
      await page.context().close();
    }
  });

  it('keeps the dashboard from repair facilities', async () => {
    const page = await openSignedIn(browser, server, 'shop@coverwise.test', {
      context: { acceptDownloads: true },
    });
    try {
      const navigation = page.getByRole('navigation', { name: 'Main' });
      expect(await navigation.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });
});
