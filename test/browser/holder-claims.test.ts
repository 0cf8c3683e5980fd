import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS, type DemoHolder } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { claimReference } from '../../src/shared/claim-reference.js';
import { PDF } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// A holder's claims page as it was walked in a browser: only the benefits the contract includes are
// offered; a form's errors all show at once beside their fields, the first one focused; a claim whose
// receipt is refused is not filed at all, and the retry files it once, with its reference and status.

const clock = new FakeClock('2026-11-25T15:00:00Z');
const missouriHolder = DEMO_HOLDERS[0]!;
const kansasHolder = DEMO_HOLDERS.find((holder) => holder.state === 'KS')!;
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
// An MP4 header: a video, whatever its name says.
const VIDEO = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(256)]);

describe.skipIf(!chromiumAvailable())('holder claims', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(holder: Pick<DemoHolder, 'lastName' | 'zip' | 'vin'>): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await page.goto('/my/sign-in');
    await page.getByLabel('Last name').fill(holder.lastName);
    await page.getByLabel('ZIP code').fill(holder.zip);
    await page.getByLabel('VIN').fill(holder.vin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/my');
    return page;
  }

  async function expectAxeClean(page: Page) {
    expect(await axeViolations(page)).toEqual([]);
  }

  it('offers a Kansas holder no trip-interruption form, since the contract does not include it', async () => {
    const page = await signedIn(kansasHolder);
    try {
      await page.goto('/my/claims');
      await page.getByRole('heading', { level: 2, name: new RegExp(kansasHolder.contractNumber) }).waitFor();
      await page.getByText('Not included in your plan: trip interruption.').waitFor();
      expect(await page.getByRole('form', { name: 'Claim trip interruption' }).count()).toBe(0);
      await page.getByRole('form', { name: 'Ask for roadside help' }).waitFor();
      // Roadside at hand: the number from the settings, one tap to call, and the form one link away.
      const roadside = page.getByRole('complementary', { name: 'Roadside help' });
      const call = roadside.getByRole('link', { name: 'call 1-800-555-0199 (24 hours a day)' });
      expect(await call.getAttribute('href')).toBe('tel:18005550199');
      await roadside.getByRole('link', { name: 'ask for help online' }).click();
      expect(
        await page.evaluate(() => document.querySelector(':target')?.getAttribute('aria-labelledby')),
      ).toBeTruthy();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('shows every error of the trip form at once, focuses the first, and files nothing when a receipt is refused', async () => {
    const page = await signedIn(missouriHolder);
    try {
      await page.goto('/my/claims');
      const form = page.getByRole('form', { name: 'Claim trip interruption' });
      await form.waitFor();
      await form.getByRole('button', { name: 'Claim trip interruption' }).click();
      await form.getByText('Enter the day the vehicle broke down.').waitFor();
      await form.getByText('Enter how many miles from home the breakdown was, in whole miles.').waitFor();
      await form.getByText('Enter what you paid for lodging or meals.').waitFor();
      await form.getByText('Enter the day of this expense: the breakdown day or a day after it.').waitFor();
      expect(await form.getByLabel('Breakdown date').evaluate((el) => el === document.activeElement)).toBe(
        true,
      );
      await expectAxeClean(page);

      await form.getByLabel('Breakdown date').fill('2026-11-23');
      await form.getByLabel('Miles from home').fill('240');
      await form.getByRole('group', { name: 'Day 1' }).getByLabel('Date').fill('2026-11-23');
      await form.getByLabel('Lodging that night ($)').fill('120');
      // A video named like a PDF passes the browser's check; the server refuses it by its content.
      await form.getByLabel('Receipts').setInputFiles([
        { name: 'hotel.pdf', mimeType: 'application/pdf', buffer: PDF },
        { name: 'dinner.pdf', mimeType: 'application/pdf', buffer: VIDEO },
      ]);
      await form.getByRole('button', { name: 'Claim trip interruption' }).click();
      await form
        .getByText(
          'That file is not a PDF, JPEG, PNG or HEIC picture. Choose a file in one of those formats.',
        )
        .waitFor();
      expect(await form.getByLabel('Receipts').evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await page.getByRole('heading', { name: 'Trip interruption claims' }).count()).toBe(0);

      // A file the browser itself knows is a video is refused before anything is sent.
      await form
        .getByLabel('Receipts')
        .setInputFiles({ name: 'clip.mp4', mimeType: 'video/mp4', buffer: VIDEO });
      await form.getByRole('button', { name: 'Claim trip interruption' }).click();
      await form.getByText(/“clip\.mp4” is not a PDF, JPEG, PNG or HEIC file/).waitFor();

      await form
        .getByLabel('Receipts')
        .setInputFiles({ name: 'hotel.pdf', mimeType: 'application/pdf', buffer: PDF });
      await form.getByRole('button', { name: 'Claim trip interruption' }).click();
      await page.getByRole('heading', { name: 'Trip interruption claims' }).waitFor();
      // Filed: said and focused where the form was, and the form starts afresh.
      const notice = page.getByRole('status').filter({ hasText: /^Claim TI-[0-9A-F]{8} is filed: \$\d/ });
      await notice.waitFor();
      expect(await notice.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await form.getByLabel('Breakdown date').inputValue()).toBe('');
      expect(await form.getByLabel('Miles from home').inputValue()).toBe('');
      expect(await form.getByLabel('Lodging that night ($)').inputValue()).toBe('');
      const claims = page
        .getByRole('listitem')
        .filter({ hasText: /^TI-[0-9A-F]{8} · Received: waiting for review/ });
      await claims.first().waitFor();
      expect(await claims.count()).toBe(1);
      const stored = await server.built.database.db
        .selectFrom('trip_interruption_claims')
        .innerJoin('contracts', 'contracts.id', 'trip_interruption_claims.contract_id')
        .select(['trip_interruption_claims.id'])
        .where('contracts.contract_number', '=', missouriHolder.contractNumber)
        .execute();
      expect(stored).toHaveLength(1);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('opens every contract on the vehicle from the GAP Claims Center, and finds the GAP claim under My claims', async () => {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    try {
      await page.goto('/gap-claims');
      await page.getByRole('button', { name: 'Start my claim' }).click();
      await page.getByText('Enter the last name on your contract.').waitFor();
      await page.getByText('Enter the 17-character VIN from your contract or insurance card.').waitFor();
      await page.getByText(/Enter the day the vehicle was totaled or stolen/).waitFor();
      expect(await page.getByLabel('Last name').evaluate((el) => el === document.activeElement)).toBe(true);
      await expectAxeClean(page);

      await page.getByLabel('Last name').fill(gapHolder.lastName);
      await page.getByLabel('ZIP code').fill(gapHolder.zip);
      await page.getByLabel('VIN').fill(gapHolder.vin);
      await page.getByLabel('Date of loss').fill('2026-11-20');
      await page.getByRole('button', { name: 'Start my claim' }).click();
      await page.waitForURL(/\/gap-claims\/[0-9a-f-]{36}$/);
      const claimNumber = (
        await page
          .getByText(/GAP-CL-\d{4}-\d{6}/)
          .first()
          .textContent()
      )?.match(/GAP-CL-\d{4}-\d{6}/)?.[0];
      expect(claimNumber).toBeDefined();

      await page.goto('/my');
      await page.getByRole('heading', { level: 2, name: /DEMO-000005/ }).waitFor();
      await page.getByRole('heading', { level: 2, name: /DEMO-000006/ }).waitFor();
      await page.getByRole('link', { name: 'My GAP claims' }).click();
      await page.waitForURL('**/my/claims');
      await page.getByRole('link', { name: claimNumber! }).waitFor();
      await expectAxeClean(page);
    } finally {
      await context.close();
    }
  });

  it('asks for the receipts a trip claim waits for, and says why a claim was denied', async () => {
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const contract = await server.built.database.db
      .selectFrom('contracts')
      .select('id')
      .where('contract_number', '=', missouriHolder.contractNumber)
      .executeTakeFirstOrThrow();
    const filed = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
      payload: {
        breakdownOn: '2026-11-15',
        milesFromHome: 320,
        componentGroup: 'engine',
        expenses: [{ date: '2026-11-15', category: 'lodging', amountCents: 8_000 }],
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const page = await signedIn(missouriHolder);
    try {
      await page.goto('/my/claims');
      const claim = page
        .getByRole('listitem')
        .filter({ hasText: /^TI-[0-9A-F]{8} · Received: waiting for review/ });
      await claim
        .filter({ hasText: 'Trip interruption is paid against receipts: send your hotel and meal receipts' })
        .waitFor();
      // The holder can send them from here: the claim then waits for staff with its receipt.
      const reference = claimReference('trip_interruption_claim', filed.json().id);
      const send = page.getByRole('form', { name: `Send the receipts for claim ${reference}` });
      // The receipts join the claim already filed; the form says so, not that a claim is filed with them.
      await send
        .getByText('They are added to this claim, which is already filed.', { exact: false })
        .waitFor();
      expect(await send.getByText('Your claim is filed together with them').count()).toBe(0);
      await send.getByRole('button', { name: 'Send receipts' }).click();
      await send
        .getByText('Attach at least one receipt: trip interruption is paid against receipts.')
        .waitFor();
      await expectAxeClean(page);
      await send
        .getByLabel('Receipts')
        .setInputFiles({ name: 'motel.pdf', mimeType: 'application/pdf', buffer: PDF });
      await send.getByRole('button', { name: 'Send receipts' }).click();
      await page
        .getByRole('form', { name: `Send the receipts for claim ${reference}` })
        .waitFor({ state: 'detached' });
      const added = page
        .getByRole('status')
        .filter({ hasText: `Your receipts were added to claim ${reference}` });
      await added.waitFor();
      expect(await added.evaluate((element) => element === document.activeElement)).toBe(true);
      const stored = await server.built.database.db
        .selectFrom('documents')
        .select('original_name')
        .where('owner_id', '=', filed.json().id)
        .execute();
      expect(stored.map((row) => row.original_name)).toEqual(['motel.pdf']);

      const denied = await adjuster({
        method: 'POST',
        url: `/api/v1/trip-interruption-claims/${filed.json().id}/decision`,
        payload: {
          decision: 'deny',
          reasonCode: 'receipts_do_not_match',
          reason: 'We asked twice by email.',
        },
      });
      expect(denied.statusCode, denied.body).toBe(200);
      await page.reload();
      await page
        .getByRole('listitem')
        .filter({ hasText: /^TI-[0-9A-F]{8} · Denied/ })
        .getByText('Denied: the receipts do not match the expenses. We asked twice by email.')
        .waitFor();
      // A denied claim is not paid, and says so instead of an amount payable.
      await page
        .getByRole('listitem')
        .filter({ hasText: /^TI-[0-9A-F]{8} · Denied/ })
        .getByText(/\$80\.00 asked, not paid/)
        .waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('says why receipts were not sent to a claim decided while the page was open, in English and Spanish', async () => {
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const contract = await server.built.database.db
      .selectFrom('contracts')
      .select('id')
      .where('contract_number', '=', missouriHolder.contractNumber)
      .executeTakeFirstOrThrow();
    /** A trip claim filed by staff without a receipt: the holder's page asks for its receipts. */
    const waitingTrip = async (breakdownOn: string) => {
      const filed = await adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/trip-interruption-claims`,
        payload: {
          breakdownOn,
          milesFromHome: 320,
          componentGroup: 'engine',
          expenses: [{ date: breakdownOn, category: 'lodging', amountCents: 8_000 }],
        },
      });
      expect(filed.statusCode, filed.body).toBe(201);
      return filed.json().id as string;
    };
    const deny = async (id: string) => {
      const denied = await adjuster({
        method: 'POST',
        url: `/api/v1/trip-interruption-claims/${id}/decision`,
        payload: { decision: 'deny', reasonCode: 'receipts_missing' },
      });
      expect(denied.statusCode, denied.body).toBe(200);
    };
    const english = await waitingTrip('2026-11-10');
    const spanish = await waitingTrip('2026-11-05');
    const page = await signedIn(missouriHolder);
    try {
      await page.goto('/my/claims');
      const lineOf = (id: string) =>
        page.getByRole('listitem').filter({ hasText: claimReference('trip_interruption_claim', id) });
      // Each waiting claim has its own form, named by its claim: no two landmarks are named alike.
      await lineOf(spanish).getByRole('form').waitFor();
      await expectAxeClean(page);
      /** Sends a receipt from the claim's own form, after staff decided the claim. */
      const sendAfterDecision = async (id: string, form: string, button: string, label: string) => {
        const send = lineOf(id).getByRole('form', {
          name: `${form} ${claimReference('trip_interruption_claim', id)}`,
        });
        await send.waitFor();
        await deny(id);
        await send
          .getByLabel(label)
          .setInputFiles({ name: 'motel.pdf', mimeType: 'application/pdf', buffer: PDF });
        await send.getByRole('button', { name: button }).click();
      };

      await sendAfterDecision(english, 'Send the receipts for claim', 'Send receipts', 'Receipts');
      const refusal = lineOf(english).getByRole('alert');
      await refusal
        .getByText('The claim is already denied: receipts are taken only while a claim waits for a decision.')
        .waitFor();
      // The line reads again and shows the decision; no form is offered for a decided claim.
      await lineOf(english)
        .filter({ hasText: /TI-[0-9A-F]{8} · Denied/ })
        .waitFor();
      expect(await lineOf(english).getByRole('form').count()).toBe(0);
      expect(await refusal.evaluate((element) => element === document.activeElement)).toBe(true);
      await expectAxeClean(page);

      await page
        .getByRole('navigation', { name: 'Language' })
        .getByRole('button', { name: 'Español' })
        .click();
      const spanishWords =
        'Esta solicitud ya se decidió, así que los recibos no se enviaron: una solicitud solo recibe recibos mientras espera una decisión.';
      // The refusal on the screen follows the switch of language.
      await lineOf(english).getByRole('alert').getByText(spanishWords).waitFor();
      await sendAfterDecision(spanish, 'Envíe los recibos del reclamo', 'Enviar recibos', 'Recibos');
      await lineOf(spanish).getByRole('alert').getByText(spanishWords).waitFor();
      await lineOf(spanish)
        .filter({ hasText: /TI-[0-9A-F]{8} · Denegado/ })
        .waitFor();
      expect(await lineOf(spanish).getByRole('form').count()).toBe(0);
      await expectAxeClean(page);
      const stored = await server.built.database.db
        .selectFrom('documents')
        .select('id')
        .where('owner_id', 'in', [english, spanish])
        .execute();
      expect(stored).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('offers roadside help only on a contract in force, and says a denied repair is denied without an amount', async () => {
    const expired = DEMO_HOLDERS.find((holder) => holder.situation.includes('expired'))!;
    const page = await signedIn(expired);
    try {
      // The expired contract's page is read, and no banner offers help it does not give.
      await page.getByRole('heading', { level: 2, name: new RegExp(expired.contractNumber) }).waitFor();
      await page.getByText('Not in force', { exact: false }).first().waitFor();
      expect(await page.getByRole('complementary', { name: 'Roadside help' }).count()).toBe(0);
      await page.goto('/my/claims');
      await page.getByText('This contract is not in force, so no new claims can be made on it.').waitFor();
      expect(await page.getByRole('complementary', { name: 'Roadside help' }).count()).toBe(0);
      expect(await page.getByText('Need help now?').count()).toBe(0);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }

    // A repair the adjuster denied on the Kansas holder's contract.
    const shop = await staffClient(server, 'shop@coverwise.test');
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin: kansasHolder.vin,
        odometer: 20_000,
        complaint: 'Squeal from the front wheels',
        cause: 'Brake pads worn to the indicator',
        correction: 'Replace front brake pads',
        lines: [{ componentGroup: 'brakes', description: 'Front pads', partsCents: 9_000, laborHours: 1 }],
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const repair = submitted.json();
    const denied = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${repair.id}/authorization`,
      payload: {
        lines: repair.lines.map((line: { id: string }) => ({
          id: line.id,
          approved: false,
          reasonCode: 'wear_item',
        })),
      },
    });
    expect(denied.statusCode, denied.body).toBe(200);
    const kansas = await signedIn(kansasHolder);
    try {
      await kansas.goto('/my/claims');
      const line = kansas.getByRole('listitem').filter({ hasText: repair.claimNumber });
      await line.getByText(/: Denied$/).waitFor();
      expect(await line.textContent()).not.toMatch(/authorized|\$0\.00/);
      // Its contract is in force: the banner is there, and its link finds the roadside form.
      await kansas.getByRole('complementary', { name: 'Roadside help' }).waitFor();
      await kansas
        .getByRole('navigation', { name: 'Language' })
        .getByRole('button', { name: 'Español' })
        .click();
      await line.getByText(/: Denegado$/).waitFor();
      expect(await line.textContent()).not.toMatch(/autorizado|\$0\.00/);
      await expectAxeClean(kansas);
    } finally {
      await kansas.context().close();
    }
  });

  it('files one rental claim for several days of a repair visit, each day with its date and amount, and pays each', async () => {
    // A repair submitted and authorized five days ago, with the vehicle kept overnight.
    clock.set('2026-11-20T15:00:00Z');
    const shop = await staffClient(server, 'shop@coverwise.test');
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin: missouriHolder.vin,
        odometer: 25_000,
        complaint: 'Grinding noise when braking',
        cause: 'Front calipers seized',
        correction: 'Replace front calipers',
        keptOvernight: true,
        lines: [
          { componentGroup: 'brakes', description: 'Front calipers', partsCents: 40_000, laborHours: 2.5 },
        ],
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const repair = submitted.json();
    const authorized = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${repair.id}/authorization`,
      payload: { lines: repair.lines.map((line: { id: string }) => ({ id: line.id, approved: true })) },
    });
    expect(authorized.statusCode, authorized.body).toBe(200);
    clock.set('2026-11-25T15:00:00Z');

    const page = await signedIn(missouriHolder);
    try {
      await page.goto('/my/claims');
      const form = page.getByRole('form', { name: 'Claim rental reimbursement' });
      // The limits are the contract's own, shown before the holder writes anything.
      await form.getByText('What is paid: $35 a day up to $175 per repair visit', { exact: false }).waitFor();
      const day = (n: number) => form.getByRole('group', { name: `Day ${n}` });
      await day(1).getByLabel('Date').fill('2026-11-21');
      await day(1).getByLabel('Amount ($)').fill('40');
      await form.getByRole('button', { name: 'Add a day' }).click();
      // The new day's date takes focus.
      expect(
        await day(2)
          .getByLabel('Date')
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
      await day(2).getByLabel('Date').fill('2026-11-22');
      await form.getByRole('button', { name: 'Add a day' }).click();
      await day(3).getByLabel('Date').fill('2026-11-23');
      await day(3).getByLabel('Kind').selectOption({ label: 'Public transport' });
      await day(3).getByLabel('Amount ($)').fill('40');
      await form.getByRole('button', { name: 'Claim rental' }).click();
      // The day without an amount is the one marked, and focused.
      const missing = day(2).getByLabel('Amount ($)');
      await day(2).getByText('Enter the amount you paid, in dollars, such as 35.00.').waitFor();
      expect(await missing.getAttribute('aria-invalid')).toBe('true');
      expect(await day(1).getByLabel('Amount ($)').getAttribute('aria-invalid')).toBeNull();
      expect(await missing.evaluate((el) => el === document.activeElement)).toBe(true);
      await expectAxeClean(page);

      await missing.fill('40');
      await form.getByRole('button', { name: 'Claim rental' }).click();
      // One claim for the visit pays each of its three days up to the daily limit: $105, not $35.
      const claim = page
        .getByRole('listitem')
        .filter({ hasText: /^RR-[0-9A-F]{8} · Received: waiting for review/ });
      await claim.getByText(/\$105\.00 payable of \$120\.00 asked/).waitFor();
      const filedNotice = page
        .getByRole('status')
        .filter({ hasText: /^Claim RR-[0-9A-F]{8} is filed: \$105\.00 payable of \$120\.00 asked\./ });
      await filedNotice.waitFor();
      expect(await filedNotice.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await claim.getByRole('listitem').count()).toBe(3);
      const stored = await server.built.database.db
        .selectFrom('rental_claims')
        .select(['payable_cents', 'requested_cents'])
        .where('repair_claim_id', '=', repair.id)
        .execute();
      expect(stored.map((row) => [Number(row.payable_cents), Number(row.requested_cents)])).toEqual([
        [10_500, 12_000],
      ]);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });
});
