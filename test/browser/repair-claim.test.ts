import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The pre-authorization journey through the built web app with demo data: the demo shop (Sam's Auto
// Repair) looks up the featured Value Guard contract, submits a two-line estimate; the demo adjuster
// approves the brakes and denies the steering line; the shop then sees the authorization number and
// the amount payable ($700 brakes − $100 deductible = $600).

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
const featured = DEMO_HOLDERS[0]!;

describe.skipIf(!chromiumAvailable())('repair claim pre-authorization', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function failOnAlert(page: Page, expected: ReturnType<Page['getByRole']>): Promise<void> {
    const alert = page.getByRole('alert');
    await expected.or(alert).first().waitFor();
    if (await alert.isVisible()) expect.fail(`The page reported: ${await alert.textContent()}`);
  }

  it('lets a shop submit an estimate, an adjuster authorize part of it, and the shop see the number and payable', async () => {
    const shop = await openSignedIn(browser, server, 'shop@coverwise.test');
    const adjuster = await openSignedIn(browser, server, 'adjuster@coverwise.test');
    try {
      // The shop looks up coverage and writes the estimate.
      await shop
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Repair claims' })
        .click();
      await shop.getByRole('heading', { level: 1, name: 'Repair claims' }).waitFor();
      await shop.getByLabel('VIN').fill(featured.vin);
      await shop.getByLabel('Odometer (miles)').fill('25000');
      await shop.getByRole('button', { name: 'Look up coverage' }).click();
      await failOnAlert(shop, shop.getByRole('heading', { level: 2, name: 'Covered: Value Guard' }));

      await shop.getByLabel('Complaint').fill('Grinding noise when braking, steering pulls left');
      await shop.getByLabel('Cause').fill('Front calipers seized; worn tie rod end');
      await shop.getByLabel('Correction').fill('Replace front calipers and tie rod end');
      const first = shop.getByRole('group', { name: 'Line 1' });
      await first.getByLabel('Component group').selectOption({ label: 'Brakes' });
      await first.getByLabel('Description').fill('Front brake calipers');
      await first.getByLabel('Parts ($)').fill('400');
      await first.getByLabel('Labor-guide hours').fill('2.5');
      await first.getByLabel(/Hourly rate/).fill('120');
      await shop.getByRole('button', { name: 'Add a line' }).click();
      const second = shop.getByRole('group', { name: 'Line 2' });
      await second.getByLabel('Component group').selectOption({ label: 'Steering' });
      await second.getByLabel('Description').fill('Outer tie rod end');
      await second.getByLabel('Parts ($)').fill('90');
      await second.getByLabel('Labor-guide hours').fill('1');
      await second.getByLabel(/Hourly rate/).fill('120');
      await mkdir(screenshotDirectory, { recursive: true });
      await shop.screenshot({ path: `${screenshotDirectory}shop-estimate.png`, fullPage: true });
      await shop.getByRole('button', { name: 'Submit estimate' }).click();

      await shop.waitForURL(/\/shop\/claims\/[^/]+$/);
      const heading = shop.getByRole('heading', { level: 1, name: /^Claim RC-/ });
      await failOnAlert(shop, heading);
      const claimNumber = (await heading.textContent())!.replace('Claim ', '');
      const lines = shop.getByRole('region', { name: 'Lines' });
      await lines.getByRole('cell', { name: 'Eligible up to $700.00' }).waitFor();
      await lines.getByRole('cell', { name: 'Eligible up to $210.00' }).waitFor();
      await shop.getByText('Waiting for a decision').waitFor();

      // The adjuster finds it in the queue and authorizes the brakes only.
      await adjuster
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Claim queue' })
        .click();
      await adjuster.getByRole('link', { name: claimNumber }).click();
      await adjuster.getByRole('heading', { level: 1, name: `Claim ${claimNumber}` }).waitFor();
      // The shop's reading was a digit off: the adjuster puts it right, saying what shows it, before deciding.
      await adjuster.getByText('Correct the odometer reading (25,000 miles)').click();
      await adjuster.getByRole('button', { name: 'Correct the reading' }).click();
      await adjuster.getByText('Enter the right reading in whole miles, e.g. 31000.').waitFor();
      await adjuster
        .getByText('Say what shows the right reading (a photo of the dashboard, the invoice).')
        .waitFor();
      expect(await axeViolations(adjuster)).toEqual([]);
      await adjuster.getByLabel('Right reading (miles)').fill('25100');
      await adjuster.getByLabel('What shows it').fill('Photo of the dashboard sent by the shop: 25,100');
      await adjuster.getByRole('button', { name: 'Correct the reading' }).click();
      await adjuster
        .getByRole('status')
        .filter({ hasText: 'The reading is now 25,100 miles (was 25,000).' })
        .waitFor();
      await adjuster.getByText('Correct the odometer reading (25,100 miles)').waitFor();
      // Nothing is decided until the adjuster decides it: both lines are refused as undecided.
      expect(await adjuster.getByLabel('Approve line 1').isChecked()).toBe(false);
      await adjuster.getByRole('button', { name: 'Record decision' }).click();
      await adjuster.getByText('Approve or deny line 1.').waitFor();
      await adjuster.getByText('Approve or deny line 2.').waitFor();
      expect(
        await adjuster.getByLabel('Approve line 1').evaluate((el) => el === document.activeElement),
      ).toBe(true);
      await adjuster.getByLabel('Approve line 1').check();
      await adjuster.getByLabel('Deny line 2').check();
      // "Other reason" needs the adjuster's words for the shop.
      await adjuster.getByLabel('Reason for denying line 2').selectOption({ label: 'Other reason' });
      await adjuster.getByRole('button', { name: 'Record decision' }).click();
      await adjuster.getByText('Write the reason for line 2: the shop reads it.').waitFor();
      expect(await axeViolations(adjuster)).toEqual([]);
      await adjuster
        .getByLabel('Reason for denying line 2')
        .selectOption({ label: 'Wear item (not covered)' });
      await adjuster.screenshot({ path: `${screenshotDirectory}adjuster-decision.png`, fullPage: true });
      await adjuster.getByRole('button', { name: 'Record decision' }).click();
      await failOnAlert(adjuster, adjuster.getByRole('heading', { level: 2, name: 'Authorization' }));
      const authorizationNumber = (
        await adjuster
          .getByRole('region', { name: 'Authorization' })
          .getByRole('definition')
          .first()
          .textContent()
      )?.trim();
      expect(authorizationNumber).toMatch(/^A-\d{4}-\d{6}$/);

      // The shop sees the authorization number and the amount payable.
      await shop.reload();
      await shop
        .getByRole('status')
        .filter({ hasText: `Authorized: number ${authorizationNumber}, payable to you $600.00.` })
        .waitFor();
      const summary = shop.getByRole('region', { name: 'Authorization' });
      await summary.getByText('$700.00', { exact: true }).waitFor();
      await summary.getByText('$100.00', { exact: true }).waitFor();
      await lines.getByRole('cell', { name: 'Denied: Wear item (not covered)' }).waitFor();

      await shop.screenshot({ path: `${screenshotDirectory}shop-claim-authorized.png`, fullPage: true });
      await adjuster.screenshot({ path: `${screenshotDirectory}adjuster-claim-decided.png`, fullPage: true });
    } finally {
      await shop.context().close();
      await adjuster.context().close();
    }
  });

  it('shows the holder the authorized repair and lets them ask for roadside help and follow its status', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    try {
      await page.goto('/my/sign-in');
      await page.getByLabel('Last name').fill(featured.lastName);
      await page.getByLabel('ZIP code').fill(featured.zip);
      await page.getByLabel('VIN').fill(featured.vin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/my');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My claims' }).click();
      await page.getByRole('heading', { level: 1, name: 'My claims' }).waitFor();
      const card = page.getByRole('region', { name: new RegExp(featured.contractNumber) });
      // The previous journey authorized a repair on this contract.
      await card.getByText(/RC-\d{4}-\d{6} at Sam's Auto Repair: Authorized/).waitFor();

      const roadside = card.getByRole('form', { name: 'Ask for roadside help' });
      await roadside.getByLabel('Service').selectOption({ label: 'Jump start' });
      await roadside.getByLabel('Where is the vehicle?').fill('Union Station parking, level 2');
      await roadside.getByLabel('Phone number to reach you').fill('555-0101');
      await roadside.getByRole('button', { name: 'Request help' }).click();
      await failOnAlert(page, card.getByText('Requested: we are finding help'));

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}holder-claims.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('does not ask a shop for an estimate on a contract that has ended, but lets it ask for a written decision', async () => {
    const expired = DEMO_HOLDERS.find((holder) => holder.lastName === 'Johnson')!;
    const shop = await openSignedIn(browser, server, 'shop@coverwise.test');
    try {
      await shop.goto('/shop');
      await shop.getByRole('heading', { level: 1, name: 'Repair claims' }).waitFor();
      await shop.getByLabel('VIN').fill(expired.vin);
      await shop.getByLabel('Odometer (miles)').fill('40000');
      await shop.getByRole('button', { name: 'Look up coverage' }).click();
      await failOnAlert(shop, shop.getByRole('heading', { level: 2, name: 'Not covered today' }));
      await shop.getByText('The contract has expired.').waitFor();
      const anyway = shop.getByText('Submit an estimate anyway, for a written decision');
      await anyway.waitFor();
      expect(await shop.getByRole('button', { name: 'Submit estimate' }).isVisible()).toBe(false);
      expect(await axeViolations(shop)).toEqual([]);

      await anyway.click();
      await shop.getByRole('button', { name: 'Submit estimate' }).waitFor();
      expect(await axeViolations(shop)).toEqual([]);
    } finally {
      await shop.context().close();
    }
  });
  it("puts an estimate's errors beside their fields, the shop's checks and the API's alike, and focuses the first", async () => {
    const shop = await openSignedIn(browser, server, 'shop@coverwise.test');
    /** The field's error sentence (what aria-describedby points at) when the field is marked invalid. */
    const errorOf = async (field: ReturnType<Page['getByLabel']>) => {
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const describedBy = await field.getAttribute('aria-describedby');
      return (await shop.locator(`[id="${describedBy}"]`).textContent())?.trim();
    };
    const focused = (field: ReturnType<Page['getByLabel']>) =>
      field.evaluate((element) => element === document.activeElement);
    try {
      await shop.goto('/shop');
      await shop.getByRole('heading', { level: 1, name: 'Repair claims' }).waitFor();
      // The lookup too: nothing given, each field says what it wants; an unknown VIN is said beside it.
      await shop.getByRole('button', { name: 'Look up coverage' }).click();
      await shop.getByText('Check the 2 fields marked below.').waitFor();
      expect(await errorOf(shop.getByLabel('VIN'))).toBe(
        'Enter the VIN (17 characters, on the dashboard or the door jamb).',
      );
      expect(await errorOf(shop.getByLabel('Odometer (miles)'))).toBe(
        'Enter the odometer reading in whole miles, e.g. 25000.',
      );
      expect(await focused(shop.getByLabel('VIN'))).toBe(true);
      expect(await axeViolations(shop)).toEqual([]);
      await shop.getByLabel('VIN').fill('1HGCM82633A00435X');
      await shop.getByLabel('Odometer (miles)').fill('25000');
      await shop.getByRole('button', { name: 'Look up coverage' }).click();
      await shop.getByText(/The check digit \(9th character\) should be/).waitFor();
      expect(await errorOf(shop.getByLabel('VIN'))).toMatch(/^The check digit \(9th character\) should be/);
      expect(await shop.getByLabel('Odometer (miles)').getAttribute('aria-invalid')).toBeNull();
      await shop.getByLabel('VIN').fill(featured.vin);
      await shop.getByRole('button', { name: 'Look up coverage' }).click();
      await failOnAlert(shop, shop.getByRole('heading', { level: 2, name: 'Covered: Value Guard' }));

      // A complaint of spaces, negative parts and hours that are no number: each said beside its field.
      const complaint = shop.getByLabel('Complaint');
      await complaint.fill('   ');
      await shop.getByLabel('Cause').fill('Front calipers seized');
      await shop.getByLabel('Correction').fill('Replace front calipers');
      const line = shop.getByRole('group', { name: 'Line 1' });
      await line.getByLabel('Description').fill('Front brake calipers');
      await line.getByLabel('Parts ($)').fill('-40');
      await line.getByLabel('Labor-guide hours').fill('abc');
      await shop.getByRole('button', { name: 'Submit estimate' }).click();
      await shop.getByText('Check the 3 fields marked below.').waitFor();
      expect(await errorOf(complaint)).toBe('Write what the customer reports.');
      expect(await errorOf(line.getByLabel('Parts ($)'))).toBe(
        'Line 1: give the parts in dollars, such as 400 or 89.95 (blank or 0 for none).',
      );
      expect(await errorOf(line.getByLabel('Labor-guide hours'))).toBe(
        'Line 1: give the labor-guide hours as a number, such as 2.5 (at most two decimals; blank or 0 for none).',
      );
      expect(await line.getByLabel('Description').getAttribute('aria-invalid')).toBeNull();
      expect(await focused(complaint)).toBe(true);
      expect(await shop.getByText('must not be blank').count()).toBe(0);
      expect(await axeViolations(shop)).toEqual([]);

      // The API refuses hours above its limit: its param puts the sentence beside the hours.
      await complaint.fill('Grinding noise when braking');
      await line.getByLabel('Parts ($)').fill('400');
      await line.getByLabel('Labor-guide hours').fill('150');
      await shop.getByRole('button', { name: 'Submit estimate' }).click();
      await shop.getByText('Check the field marked below.').waitFor();
      const hours = line.getByLabel('Labor-guide hours');
      expect(await errorOf(hours)).toBe(
        'Line 1: give the labor-guide hours as a number, such as 2.5 (at most two decimals; blank or 0 for none).',
      );
      expect(await complaint.getAttribute('aria-invalid')).toBeNull();
      expect(await focused(hours)).toBe(true);
      expect(shop.url()).toMatch(/\/shop$/);
      expect(await axeViolations(shop)).toEqual([]);
    } finally {
      await shop.context().close();
    }
  });
});
