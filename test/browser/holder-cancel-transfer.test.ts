import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS, type DemoHolder } from '../../src/demo/demo-contracts.js';
import { PDF } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openPage } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// A contract holder cancels with a live quote, and another transfers their contract to a buyer:
// the holder asks, attaches a maintenance record, an adjuster records the fee on the contract page,
// and the buyer then signs in with their own last name, ZIP code and the VIN.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
// Missouri, financed, bought 200 days ago: past the free look, refund paid to the lender.
const missouriHolder = DEMO_HOLDERS[0]!;
// Kansas, not financed, bought 90 days ago: the default $50 transfer fee.
const kansasHolder = DEMO_HOLDERS.find((holder) => holder.state === 'KS')!;

describe.skipIf(!chromiumAvailable())('holder cancellation and transfer', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    await mkdir(screenshotDirectory, { recursive: true });
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
    await page.waitForURL('**/my');
  }

  it('lets a holder see a live quote with its explanation and cancel', async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, missouriHolder);
      await page.getByRole('link', { name: 'Cancel my contract' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cancel my contract' }).waitFor();

      const confirm = page.getByRole('button', { name: 'Cancel my contract' });
      expect(await confirm.isDisabled()).toBe(true);
      // Dated today: no date to pick, and the way to an earlier date (with proof) is a call.
      await page.getByText('Cancellation date: today,', { exact: false }).waitFor();
      expect(await page.getByLabel('Cancellation date').count()).toBe(0);
      await page.getByText('call us at 1-800-555-0142 with proof of that date', { exact: false }).waitFor();
      await page.getByLabel('Odometer reading (miles)').fill('25000');
      await page.getByLabel('Why are you cancelling?').selectOption('customer_request');

      const quote = page.getByRole('region', { name: 'Your refund quote' });
      await quote.getByText('Refund share:', { exact: false }).first().waitFor();
      await quote.getByText('Administrative fee').waitFor();
      await quote.getByText('Heartland Credit Union, your lender', { exact: false }).waitFor();
      await quote.getByText('A cancellation request signed by the contract holder').waitFor();
      const refundText = await quote.locator('.refund-total strong').textContent();
      expect(refundText).toMatch(/^\$[\d,]+\.\d{2}$/);
      await page.screenshot({ path: `${screenshotDirectory}holder-cancel-quote.png`, fullPage: true });
      expect(await axeViolations(page)).toEqual([]);

      // Changing the reason changes the payee: after a payoff the holder is paid.
      await page.getByLabel('Why are you cancelling?').selectOption('payoff');
      await quote.getByText('The refund is paid to you', { exact: false }).waitFor();
      await quote.getByText('A letter from the lender confirming the loan was paid off').waitFor();

      await page.getByLabel('I understand that cancelling ends my coverage').check();
      await confirm.click();
      const done = page.getByRole('status').filter({ hasText: 'is cancelled' });
      await done.waitFor();
      expect(await done.textContent()).toContain(`A refund of ${refundText}`);

      await page.getByRole('link', { name: 'Back to my coverage' }).click();
      await page.waitForURL('**/my');
      await page.getByText('Not in force: cancelled').waitFor();
      expect(await page.getByRole('link', { name: 'Cancel my contract' }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it("puts a transfer's errors beside their fields, the page's checks and the API's refusals alike", async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    /** The field is marked invalid and described by this sentence. */
    const expectError = async (label: string, sentence: string) => {
      const field = page.getByLabel(label, { exact: true });
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
      const said = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
      expect(said).toContain(sentence);
    };
    const focused = (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((element) => element === document.activeElement);
    try {
      await signInAsHolder(page, kansasHolder);
      await page.getByRole('link', { name: 'Transfer my contract' }).click();
      await page.getByRole('heading', { level: 1, name: 'Transfer my contract' }).waitFor();

      // A blank first name, no odometer and a state in words: each beside its field, the first focused.
      await page.getByLabel('Last name').fill('Hopper');
      await page.getByLabel('Street address').fill('12 River Rd');
      await page.getByLabel('City').fill('Topeka');
      await page.getByLabel('State').fill('Kansas');
      await page.getByLabel("Buyer's ZIP code").fill('66603');
      await page.getByRole('button', { name: 'Request the transfer' }).click();
      await page.getByText('Check the 3 fields marked below.').waitFor();
      await expectError(
        'Odometer at the sale (miles)',
        'Enter the odometer reading at the sale, in whole miles.',
      );
      await expectError('First name', "Enter the buyer's first name.");
      await expectError('State', "Enter the buyer's state as two letters, such as FL.");
      expect(await page.getByLabel('Last name').getAttribute('aria-invalid')).toBeNull();
      expect(await focused('Odometer at the sale (miles)')).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      // The API refuses an odometer below the reading at the sale: said beside the odometer.
      await page.getByLabel('Odometer at the sale (miles)').fill('100');
      await page.getByLabel('First name').fill('Grace');
      await page.getByLabel('State').fill('KS');
      await page.getByRole('button', { name: 'Request the transfer' }).click();
      await page.getByText('Check the field marked below.').waitFor();
      await expectError(
        'Odometer at the sale (miles)',
        'The odometer reading is below the reading when the contract was sold.',
      );
      expect(await page.getByLabel('First name').getAttribute('aria-invalid')).toBeNull();
      expect(await focused('Odometer at the sale (miles)')).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('lets a holder transfer to a buyer who can then sign in, once staff record the fee', async () => {
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, kansasHolder);
      await page.getByRole('link', { name: 'Transfer my contract' }).click();
      await page.getByRole('heading', { level: 1, name: 'Transfer my contract' }).waitFor();
      await page.getByText('Transfer fee: $50.00', { exact: false }).waitFor();

      await page.getByLabel('How was it sold?').selectOption('private');
      await page.getByLabel('Odometer at the sale (miles)').fill('15000');
      await page.getByLabel('First name').fill('Grace');
      await page.getByLabel('Last name').fill('Hopper');
      await page.getByLabel('Street address').fill('12 River Rd');
      await page.getByLabel('City').fill('Topeka');
      await page.getByLabel('State').fill('KS');
      await page.getByLabel("Buyer's ZIP code").fill('66603');
      await page.getByRole('button', { name: 'Request the transfer' }).click();

      await page.getByText('Waiting for the $50.00 transfer fee', { exact: false }).waitFor();
      // The number to call comes from the settings (COVERWISE_SUPPORT_PHONE, default 1-800-555-0142).
      await page.getByText('Call us at 1-800-555-0142 to pay it', { exact: false }).waitFor();
      await page.getByLabel('Add a maintenance record').setInputFiles({
        name: 'service-history.pdf',
        mimeType: 'application/pdf',
        buffer: PDF,
      });
      await page.getByRole('button', { name: 'Upload record' }).click();
      await page.getByText('service-history.pdf was received.').waitFor();
      await page.getByRole('listitem').filter({ hasText: 'service-history.pdf' }).waitFor();
      await page.screenshot({ path: `${screenshotDirectory}holder-transfer-pending.png`, fullPage: true });
    } finally {
      await page.context().close();
    }

    // An adjuster records the fee on the staff contract page.
    const staff = await openPage(browser, server, '/staff/sign-in', { width: 1280, height: 900 });
    try {
      await staff.getByLabel('Email').fill('adjuster@coverwise.test');
      await staff.getByLabel('Password').fill('coverwise-demo');
      await staff.getByRole('button', { name: 'Sign in' }).click();
      await staff.waitForURL('**/staff');
      const contracts = await server.built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/holder-login',
        payload: { lastName: 'Hopper', zip: '66603', vin: kansasHolder.vin },
      });
      expect(contracts.statusCode).toBe(401);
      const id = await contractIdOf(kansasHolder);
      await staff.goto(`/staff/contracts/${id}`);
      // Staff see the same quote the holder would, with the rules behind it.
      const quote = staff.getByRole('region', { name: 'Cancellation quote' });
      await quote.getByLabel('Odometer').fill('15000');
      await quote.getByRole('button', { name: 'Get quote' }).click();
      await quote.getByText('Rules: plan:MAJOR_GUARD').waitFor();
      await quote.getByRole('button', { name: /^Cancel the contract for \$/ }).waitFor();
      const transfers = staff.getByRole('region', { name: 'Transfers' });
      await transfers.getByText('To Grace Hopper', { exact: false }).waitFor();
      await transfers.getByLabel('Payment reference').fill('CHK-2231');
      await transfers.getByRole('button', { name: 'Record $50.00 fee' }).click();
      await transfers.getByText('Completed: the contract now belongs to Grace Hopper.').waitFor();
      const ledger = staff.getByRole('region', { name: 'Payments ledger' });
      await ledger.getByRole('cell', { name: 'Transfer fee' }).waitFor();
      await staff.screenshot({ path: `${screenshotDirectory}staff-contract-money.png`, fullPage: true });
    } finally {
      await staff.context().close();
    }

    // The buyer's facts now sign in; the seller's no longer do.
    const buyer = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(buyer, { lastName: 'Hopper', zip: '66603', vin: kansasHolder.vin });
      await buyer.getByRole('heading', { name: kansasHolder.contractNumber }).waitFor();
    } finally {
      await buyer.context().close();
    }
    const seller = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/holder-login',
      payload: { lastName: kansasHolder.lastName, zip: kansasHolder.zip, vin: kansasHolder.vin },
    });
    expect(seller.statusCode).toBe(401);
  });

  it('tells a holder that a transfer waiting for its fee ended when the contract was cancelled', async () => {
    const nguyen = DEMO_HOLDERS.find((holder) => holder.contractNumber === 'DEMO-000003')!;
    const login = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/holder-login',
      payload: { lastName: nguyen.lastName, zip: nguyen.zip, vin: nguyen.vin },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    const id = await contractIdOf(nguyen);
    const contract = (await server.built.app.inject({ url: `/api/v1/contracts/${id}`, headers })).json();
    const odometer = contract.odometerAtSale + 1_500;
    const requested = await server.built.app.inject({
      method: 'POST',
      url: `/api/v1/contracts/${id}/transfers`,
      headers,
      payload: {
        ownershipTransferredOn: contract.coverage.asOf,
        saleType: 'private',
        odometer,
        buyer: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          address: { line1: '1 Loom St', city: 'Fresno', state: 'CA', zip: '93701' },
        },
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const cancelled = await server.built.app.inject({
      method: 'POST',
      url: `/api/v1/contracts/${id}/cancellation`,
      headers,
      payload: { odometer, reason: 'customer_request' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);

    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, nguyen);
      await page.goto(`/my/contracts/${id}/transfer`);
      await page
        .getByText(
          'This transfer ended: the contract was cancelled before the transfer fee was received, so it did not pass to Ada Lovelace. No transfer fee is due.',
        )
        .waitFor();
      expect(await page.getByText('Waiting for the', { exact: false }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Upload record' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('says why a GAP addendum is not transferable, on the coverage page and its transfer page', async () => {
    const schmidt = DEMO_HOLDERS.find((holder) => holder.contractNumber === 'DEMO-000005')!;
    const login = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/holder-login',
      payload: { lastName: schmidt.lastName, zip: schmidt.zip, vin: schmidt.vin },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    const contracts = await Promise.all(
      (login.json().contractIds as string[]).map(async (id) =>
        (await server.built.app.inject({ url: `/api/v1/contracts/${id}`, headers })).json(),
      ),
    );
    const gap = contracts.find((contract) => contract.product === 'gap');
    const words =
      "A GAP addendum cannot be transferred to a new owner: it covers the loan of the person who bought it, and a buyer's loan is their own.";
    const page = await openPage(browser, server, '/my/sign-in');
    try {
      await signInAsHolder(page, schmidt);
      await page.getByText(words, { exact: false }).waitFor();
      await page.goto(`/my/contracts/${gap.id}/transfer`);
      await page.getByRole('heading', { level: 1, name: 'Transfer my contract' }).waitFor();
      await page.getByText(words, { exact: false }).waitFor();
      expect(await page.getByText('This contract cannot be transferred', { exact: false }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('lets staff cancel as of an earlier day only with its evidence, asked for beside the field', async () => {
    const schmidt = DEMO_HOLDERS.find((holder) => holder.contractNumber === 'DEMO-000005')!;
    const id = await contractIdOf(schmidt);
    const staff = await openPage(browser, server, '/staff/sign-in', { width: 1280, height: 900 });
    try {
      await staff.getByLabel('Email').fill('adjuster@coverwise.test');
      await staff.getByLabel('Password').fill('coverwise-demo');
      await staff.getByRole('button', { name: 'Sign in' }).click();
      await staff.waitForURL('**/staff');
      await staff.goto(`/staff/contracts/${id}`);
      const quote = staff.getByRole('region', { name: 'Cancellation quote' });
      const today = await quote.getByLabel('Cancel on').inputValue();
      const earlier = new Date(Date.parse(`${today}T12:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
      await quote.getByLabel('Cancel on').fill(earlier);
      await quote.getByLabel('Odometer').fill('99000');
      await quote.getByRole('button', { name: 'Get quote' }).click();
      const cancel = quote.getByRole('button', { name: /^Cancel the contract for \$/ });
      await cancel.click();
      const evidence = quote.getByLabel('Evidence of the earlier date');
      await quote.getByText('Say what proves the contract ended on', { exact: false }).waitFor();
      expect(await evidence.getAttribute('aria-invalid')).toBe('true');
      expect(await evidence.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await axeViolations(staff)).toEqual([]);
      await evidence.fill(`Payoff letter dated ${earlier}`);
      await cancel.click();
      await staff.getByText('Not in force', { exact: false }).first().waitFor();
      const audit = await server.built.database.db
        .selectFrom('audit_events')
        .select('data')
        .where('entity_id', '=', id)
        .where('action', '=', 'contract.cancelled')
        .executeTakeFirstOrThrow();
      expect(audit.data).toMatchObject({
        cancelOn: earlier,
        backdated: true,
        evidence: `Payoff letter dated ${earlier}`,
      });
    } finally {
      await staff.context().close();
    }
  });

  async function contractIdOf(holder: DemoHolder): Promise<string> {
    const login = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@coverwise.test', password: 'coverwise-demo' },
    });
    const found = await server.built.app.inject({
      url: `/api/v1/contracts?contractNumber=${holder.contractNumber}`,
      headers: { authorization: `Bearer ${login.json().token}` },
    });
    return found.json().data[0].id;
  }
});
