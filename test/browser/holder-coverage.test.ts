import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { DEMO_HOLDERS, type DemoHolder } from '../../src/demo/demo-contracts.js';
import { chromiumAvailable, launchBrowser, openPage } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// A contract holder's journey through the built web app against the real server with demo data:
// sign in with last name, ZIP code and VIN, then read "My coverage".

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
const verificationFailedMessage =
  "We couldn't find a contract with those details. Check the last name, ZIP code and VIN.";

const missouriHolder = DEMO_HOLDERS[0]!;
const kansasHolder = DEMO_HOLDERS.find((holder) => holder.state === 'KS')!;
const expiredHolder = DEMO_HOLDERS.find((holder) => holder.lastName === 'Johnson')!;

/** The plan's name and its first covered component group's name, as the default catalog has them. */
function planFacts(planCode: string): { planName: string; firstGroupName: string } {
  const catalog = loadDefaultCatalog();
  const plan = catalog.plans.find((candidate) => candidate.code === planCode);
  if (plan?.product !== 'vsc') throw new Error(`Demo plan ${planCode} is not a VSC plan`);
  const firstGroupCode = plan.coveredComponentGroups[0];
  const group = catalog.componentGroups.find((candidate) => candidate.code === firstGroupCode);
  if (!group) throw new Error(`Plan ${planCode} lists no covered component group`);
  return { planName: plan.name, firstGroupName: group.name };
}

describe.skipIf(!chromiumAvailable())('holder coverage', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signInAsHolder(page: Page, facts: Pick<DemoHolder, 'lastName' | 'zip' | 'vin'>) {
    await page.getByLabel('Last name').fill(facts.lastName);
    await page.getByLabel('ZIP code').fill(facts.zip);
    await page.getByLabel('VIN').fill(facts.vin);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The card of one contract: an article named by its heading, which carries the contract number. */
  function contractCard(page: Page, contractNumber: string) {
    return page.getByRole('article').filter({ has: page.getByRole('heading', { name: contractNumber }) });
  }

  it('lets a holder sign in from the landing page and see what their contract covers', async () => {
    const { planName, firstGroupName } = planFacts(missouriHolder.planCode);
    const page = await openPage(browser, server, '/');
    try {
      await page.getByRole('link', { name: 'Contract holders: see your coverage' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in to see your coverage' }).waitFor();

      await signInAsHolder(page, missouriHolder);

      await page.waitForURL('**/my');
      await page.getByRole('heading', { level: 1, name: 'My coverage' }).waitFor();
      const card = contractCard(page, missouriHolder.contractNumber);
      await card.waitFor();
      expect(await card.getByRole('heading', { level: 2 }).textContent()).toContain(planName);
      await card.getByText('In force', { exact: true }).waitFor();
      // Only the last six characters of the VIN are shown.
      await card.getByText(`…${missouriHolder.vin.slice(-6)}`).waitFor();
      expect(await card.getByText(missouriHolder.vin).count()).toBe(0);
      await card.getByRole('heading', { name: "What's covered" }).waitFor();
      await card.getByText(firstGroupName, { exact: true }).waitFor();
      // The default catalog's rental benefit ($35 a day, $175 a visit) in words.
      await card.getByText('$35 a day up to $175 per repair visit', { exact: false }).waitFor();
      await card.getByText('$75 per event', { exact: false }).waitFor();
      // Its $100 deductible disappears at the dealer who sold it: the holder is told where.
      await card
        .getByText(/^\$100 per repair visit Waived when .+, the dealer who sold it, does the repair\.$/)
        .waitFor();

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}holder-coverage.png`, fullPage: true });

      // The session is the cookie: a reload keeps the holder signed in.
      await page.reload();
      await contractCard(page, missouriHolder.contractNumber).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/my/sign-in');
      await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
      await page.goto('/my');
      await page.waitForURL('**/my/sign-in');
    } finally {
      await page.context().close();
    }
  });

  it('refuses a wrong ZIP code with the same message whichever detail is wrong', async () => {
    const wrongZip = missouriHolder.zip === '10001' ? '10002' : '10001';
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, { ...missouriHolder, zip: wrongZip });

      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe(verificationFailedMessage);
      // Focus moves to the message so a screen-reader user hears why at once.
      expect(await alert.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(new URL(page.url()).pathname).toBe('/my/sign-in');
      expect(await page.getByLabel('Last name').inputValue()).toBe(missouriHolder.lastName);
      expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('tells a holder whose contract was bought in Kansas that trip interruption is not part of it', async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, kansasHolder);

      await page.waitForURL('**/my');
      const card = contractCard(page, kansasHolder.contractNumber);
      await card.waitFor();
      await card.getByRole('heading', { name: 'Notes' }).waitFor();
      await card
        .getByText('Trip interruption is not part of contracts bought in Kansas.', { exact: true })
        .waitFor();
      const tripInterruption = card
        .locator('dt', { hasText: 'Trip interruption' })
        .locator('xpath=following-sibling::dd');
      expect(await tripInterruption.textContent()).toBe('Not included in your plan');
    } finally {
      await page.context().close();
    }
  });

  it('tells the holder of an ended contract what it covered, not what it covers', async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, expiredHolder);

      await page.waitForURL('**/my');
      const card = contractCard(page, expiredHolder.contractNumber);
      await card.waitFor();
      await card.getByText(/^Not in force: expired on /).waitFor();
      await card.getByRole('heading', { name: 'What it covered' }).waitFor();
      await card.getByRole('heading', { name: 'Benefits it included' }).waitFor();
      await card.getByText('This contract has ended.', { exact: false }).waitFor();
      expect(await card.getByRole('heading', { name: "What's covered" }).count()).toBe(0);
      // A deductible waived at the selling dealer is a promise about future repairs: not said once ended.
      expect(await card.getByText('Waived when', { exact: false }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });
});
