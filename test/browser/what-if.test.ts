import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRentalClaim } from '../../src/what-if/what-if.fixtures.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The rule what-if in the built web app on the demo portfolio: an administrator applies the preset
// "rental $35/day → $40/day" and sees the contracts, the claims and the money it would change.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('rule what-if', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const { db } = server.built.database;
    const contract = await db
      .selectFrom('contracts')
      .select('id')
      .where('status', '=', 'active')
      .where('plan_code', '=', 'VALUE_GUARD')
      .executeTakeFirstOrThrow();
    // Two days at $50 a day: $35 a day pays $70, $40 a day pays $80.
    const lastMonth = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await insertRentalClaim(db, {
      contractId: contract.id,
      createdAt: lastMonth,
      expenses: [
        { date: lastMonth.slice(0, 10), requestedCents: 5_000 },
        { date: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10), requestedCents: 5_000 },
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the admin what a $40 daily rental limit would change before publishing it', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What-if' }).click();
      await page.getByRole('heading', { level: 1, name: 'Rule what-if' }).waitFor();
      // The editor holds the current catalog once it has loaded.
      await expect.poll(() => page.getByLabel('Draft catalog (JSON)').inputValue()).toContain('"plans"');

      await page.getByRole('button', { name: 'Rental $35/day → $40/day' }).click();
      expect(await page.getByLabel('Draft catalog (JSON)').inputValue()).toContain('"dailyLimitCents": 4000');
      await page.getByRole('button', { name: 'See the effect' }).click();

      const effect = page.getByRole('region', { name: 'Effect of the draft' });
      await effect.waitFor();
      expect(await effect.getByTestId('money-difference').textContent()).toBe('+$10.00');
      const rentalRow = effect
        .getByRole('row')
        .filter({ hasText: 'Rental claims' })
        .filter({ hasText: 'Value Guard' });
      expect(await rentalRow.getByRole('cell').nth(4).textContent()).toBe('1');
      const contractsAffected = await effect
        .getByRole('term')
        .filter({ hasText: 'Contracts affected' })
        .locator('xpath=following-sibling::dd')
        .textContent();
      expect(Number(contractsAffected?.replace(/,/g, ''))).toBeGreaterThan(0);
      // Names, not codes: plans by name, catalog fields in words, states and provinces counted apart.
      await page
        .getByText(/^Value Guard: rental daily limit — in \d+ states( and \d+ provinces and territories)? \(/)
        .first()
        .waitFor();
      const words = (await effect.textContent()) ?? '';
      expect(words).not.toContain('benefits.rental.dailyLimitCents');
      expect(words).not.toMatch(/\bVALUE_GUARD\b|\b64 states\b/);

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}admin-what-if.png`, fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('lists every reason an invalid draft is refused', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.goto('/admin/what-if');
      await expect.poll(() => page.getByLabel('Draft catalog (JSON)').inputValue()).toContain('"plans"');
      await page.getByLabel('Draft catalog (JSON)').fill('{"name": "broken"}');
      await page.getByRole('button', { name: 'See the effect' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText(/^The draft catalog is not valid/).waitFor();
      expect(await alert.getByRole('listitem').count()).toBeGreaterThan(0);
    } finally {
      await page.context().close();
    }
  });
});
