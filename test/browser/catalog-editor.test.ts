import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo-seed.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, DESK, launchBrowser, openSignedIn, PHONE } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The catalog editor in the built web app on the demo: an administrator raises a plan's rental limit
// in a form, is told beside the field when the amount cannot be read, sees the change in the diff and
// its effect in the what-if, and publishes it with a note — axe clean at desk and phone widths.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('catalog editor', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // A test that stopped halfway may have left its draft open: the next one starts from none.
  afterEach(async () => {
    const { app } = server.built;
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@coverwise.test', password: DEMO_PASSWORD },
    });
    const { token } = login.json<{ token: string }>();
    const discarded = await app.inject({
      method: 'DELETE',
      url: '/api/v1/catalog/draft',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(discarded.statusCode === 404 || discarded.statusCode < 300, discarded.body).toBe(true);
  });

  async function expectAxeClean(page: Page, where: string) {
    expect(await axeViolations(page), where).toEqual([]);
  }

  /** A page signed in as the admin, at `viewport`, on the staff home. */
  const signedInAdmin = (viewport: { width: number; height: number }) =>
    openSignedIn(browser, server, 'admin@coverwise.test', { context: { viewport } });

  const startDraft = (page: Page) => page.getByRole('button', { name: /^Start a draft from version \d+$/ });

  /** Discards the draft (accepting the confirmation) and waits for the editor to offer a new one. */
  async function discardDraft(page: Page) {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Discard the draft' }).click();
    await startDraft(page).waitFor();
  }

  it('edits a rental limit, shows the diff and the effect, and publishes with a note', async () => {
    const page = await signedInAdmin(DESK);
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
      await page.getByRole('heading', { level: 1, name: 'Catalog editor' }).waitFor();
      const start = startDraft(page);
      await start.waitFor();
      const version = Number((await start.textContent())?.match(/\d+$/)?.[0]);
      await expectAxeClean(page, 'no draft yet');
      await start.click();

      await page.getByLabel('Plan', { exact: true }).selectOption({ label: 'Value Guard (VSC)' });
      const daily = page.getByLabel('Rental daily limit');
      expect(await daily.inputValue()).toBe('35.00');
      // Empty is not zero: the box says what to type and the draft keeps its amount.
      await daily.fill('');
      await page.getByText('Enter an amount in dollars, e.g. 35.00.').waitFor();
      await daily.fill('40');
      await page.getByText(/^Draft of version \d+ · Saved /).waitFor();
      await expectAxeClean(page, 'plan form');

      await page.getByRole('tab', { name: /^Changes/ }).click();
      const row = page.getByRole('row').filter({ hasText: 'Value Guard › Benefits › Rental › Daily limit' });
      await row.waitFor();
      expect(await row.getByRole('cell').allTextContents()).toEqual(['$35.00', '$40.00']);
      expect(await page.getByRole('row').count()).toBe(2);
      await expectAxeClean(page, 'changes');

      await page.getByRole('tab', { name: 'Effect and publish' }).click();
      await page.getByRole('button', { name: 'See the effect' }).click();
      await page.getByRole('table', { name: 'Effect by area and plan' }).waitFor();
      await page.getByRole('button', { name: 'Publish…' }).click();
      await page.getByText('Say why the catalog changes: it is kept with the version.').waitFor();
      await page.getByLabel('Why the catalog changes').fill('Rental follows local prices');
      await page.getByRole('button', { name: 'Publish…' }).click();
      await page.getByText(`Publish 1 change as version ${version + 1}?`).waitFor();
      await expectAxeClean(page, 'confirmation');
      await page.getByRole('button', { name: `Publish version ${version + 1}` }).click();
      await page.getByText(`Published catalog version ${version + 1}.`).waitFor();
      await page.screenshot({ path: `${screenshotDirectory}admin-catalog.png`, fullPage: true });
    } finally {
      await page.context().close();
    }
    const published = await server.built.database.db
      .selectFrom('catalog_versions')
      .select(['version', 'note', 'document'])
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow();
    expect(published.note).toBe('Rental follows local prices');
    const plan = (
      published.document as { plans: { code: string; benefits?: { rental: { dailyLimitCents: number } } }[] }
    ).plans.find((p) => p.code === 'VALUE_GUARD');
    expect(plan?.benefits?.rental.dailyLimitCents).toBe(4_000);
  });

  // A selected tab's text turns white at once; a background fading in behind it would leave it
  // unreadable for the fade (axe caught it so, right after a click). Buttons still fade on hover.
  it('switches tabs at once where motion is allowed, while buttons keep their hover fade', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test', {
      context: { viewport: DESK, reducedMotion: 'no-preference' },
    });
    try {
      await page.goto('/admin/catalog');
      await startDraft(page).click();
      const fade = (name: RegExp) =>
        page.getByRole('tab', { name }).evaluate((tab) => getComputedStyle(tab).transitionDuration);
      expect([await fade(/^Plans/), await fade(/^Changes/)]).toEqual(['0s', '0s']);
      const discard = page.getByRole('button', { name: 'Discard the draft' });
      expect(await discard.evaluate((button) => getComputedStyle(button).transitionDuration)).toBe('0.12s');
    } finally {
      await page.context().close();
    }
  });

  it('shows the validator’s message beside a state rule field, on a phone, axe clean', async () => {
    const page = await signedInAdmin(PHONE);
    try {
      await page.goto('/admin/catalog');
      await startDraft(page).click();
      await page.getByRole('tab', { name: 'State rules' }).click();
      await page.getByRole('button', { name: 'Add a state rule' }).click();
      // A new rule with no state yet: the validator's reason appears beside the State box.
      const state = page.getByLabel('State', { exact: true }).last();
      await expect.poll(() => state.getAttribute('aria-invalid')).toBe('true');
      await page.getByRole('tab', { name: /^State rules \(\d+/ }).waitFor();
      await expectAxeClean(page, 'state rules with a problem');
      await state.fill('OH');
      await page
        .getByLabel('The rule in plain English, for the holder')
        .last()
        .fill('In Ohio you may cancel within 30 days.');
      await page.getByLabel('Free look (days)').last().fill('30');
      await expect.poll(() => state.getAttribute('aria-invalid')).toBeNull();
      await page.getByRole('tab', { name: /^Changes/ }).click();
      await page.getByRole('row').filter({ hasText: 'State rules › new-rule-' }).waitFor();
      await discardDraft(page);
    } finally {
      await page.context().close();
    }
  });

  it('sets how soon rental claims are reviewed: the validator’s range beside the field, the diff and the what-if', async () => {
    const page = await signedInAdmin(DESK);
    try {
      await page.goto('/admin/catalog');
      await startDraft(page).click();
      await page.getByLabel('Plan', { exact: true }).selectOption({ label: 'Value Guard (VSC)' });
      const rentalReview = page.getByLabel('Rental claims reviewed within (business days)');
      expect(await rentalReview.inputValue()).toBe('2');
      await page.getByLabel('Trip interruption claims reviewed within (business days)').waitFor();
      // Outside the catalog's range: the validator says so beside the box.
      await rentalReview.fill('61');
      await expect.poll(() => rentalReview.getAttribute('aria-invalid')).toBe('true');
      await expectAxeClean(page, 'review days out of range');
      await rentalReview.fill('3');
      await expect.poll(() => rentalReview.getAttribute('aria-invalid')).toBeNull();
      await page.getByText(/^Draft of version \d+ · Saved /).waitFor();

      await page.getByRole('tab', { name: /^Changes/ }).click();
      const row = page
        .getByRole('row')
        .filter({ hasText: 'Value Guard › Benefits › Rental › Review business days' });
      expect(await row.getByRole('cell').allTextContents()).toEqual(['2', '3']);

      await page.getByRole('tab', { name: 'Effect and publish' }).click();
      await page.getByRole('button', { name: 'See the effect' }).click();
      await page.getByRole('heading', { name: 'Terms that change' }).waitFor();
      await page
        .getByText('Value Guard: rental claims review time (business days) — in', { exact: false })
        .waitFor();
      await expectAxeClean(page, 'effect of the review days');
      await discardDraft(page);
    } finally {
      await page.context().close();
    }
  });
  it('shows a page that cannot be drawn as a notice inside the frame, not a blank app', async () => {
    // A draft saved before drafts had to keep the catalog's shape: its plans are not a list.
    await server.built.database.db
      .insertInto('catalog_drafts')
      .values({
        id: 1,
        base_version: 1,
        document: JSON.stringify({ name: 'Broken', plans: 'nope' }),
        revision: 1,
        updated_by: 'admin@coverwise.test',
        updated_at: new Date(),
      })
      .execute();
    const page = await signedInAdmin(DESK);
    try {
      await page.goto(`${server.baseUrl}/admin/catalog`);
      await page.getByText('This page could not be shown.', { exact: false }).waitFor();
      // The frame is still there: the menu leads on.
      const home = page.getByRole('navigation', { name: 'Main' }).getByRole('link').first();
      expect(await home.isVisible()).toBe(true);
      await expectAxeClean(page, 'a page that failed');
    } finally {
      await page.context().close();
    }
  });
});
