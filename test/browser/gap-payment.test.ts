import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { pdfUpload } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openPage, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// Money never moves on one click: the benefit calculator refuses empty figures (empty is not zero),
// approving the payment asks for a confirmation that repeats payee and amount, a benefit above the
// adjuster's approval limit is only proposed until a second adjuster approves it, and an approved
// benefit is said to be paid in the next payment run (the run pays it). Once paid, the addendum has ended:
// the staff contract page and the holder's coverage say "Claimed: GAP benefit paid".

const clock = new FakeClock('2026-11-25T15:00:00Z');
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

describe.skipIf(!chromiumAvailable())('GAP payment', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let claimId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    // A claim with every document accepted, ready for the benefit.
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    const claim = started.json();
    claimId = claim.id;
    for (const item of claim.requiredDocuments) {
      const body = pdfUpload(item.type);
      const uploaded = await server.built.app.inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${claimId}/documents`,
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${claim.token}` },
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
    }
    const reviewer = await staffClient(server, 'reviewer@coverwise.test');
    const documents = (await reviewer({ url: `/api/v1/gap-claims/${claimId}` })).json().documents;
    for (const document of documents)
      await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${document.id}/review`,
        payload: { decision: 'accept' },
      });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Signed in from a deep link to `path`, which sends to the sign-in page and back. */
  function staffPage(email: string, path: string): Promise<Page> {
    return openSignedIn(browser, server, email, {
      from: path,
      context: { viewport: { width: 1280, height: 900 } },
    });
  }

  it('refuses empty figures, confirms payee and amount, and needs a second adjuster above the limit', async () => {
    const path = `/staff/gap-claims/${claimId}`;
    // A deep link: after signing in, the adjuster lands on the claim asked for.
    const maker = await staffPage('adjuster@coverwise.test', path);
    try {
      await maker.waitForURL(`**${path}`);
      const calculate = maker.getByRole('button', { name: 'Calculate the benefit' });
      await calculate.click();
      await maker
        .getByText('Enter the loan payoff on the date of loss, in dollars (0 when there is none).')
        .waitFor();
      await maker.getByText('Enter the late fees, in dollars (0 when there is none).').waitFor();
      expect(
        await maker
          .getByLabel('Loan payoff on the date of loss ($)')
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
      expect(await maker.getByText('Benefit calculated.').count()).toBe(0);
      expect(await axeViolations(maker)).toEqual([]);

      const figures: [string, string][] = [
        ['Loan payoff on the date of loss ($)', '28000'],
        ['Actual cash value (insurer) ($)', '22000'],
        ['Primary insurance deductible ($)', '500'],
        ['Past-due payments ($)', '0'],
        ['Late fees ($)', '0'],
        ['Refunds of cancelled add-ons ($)', '0'],
      ];
      for (const [label, value] of figures) await maker.getByLabel(label).fill(value);
      await calculate.click();
      await maker.getByText('Benefit calculated.').waitFor();

      await maker.getByRole('button', { name: /^Approve paying \$6,500\.00 to / }).click();
      const confirm = maker.getByRole('button', { name: /^Yes, approve paying \$6,500\.00 to / });
      await confirm.waitFor();
      expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await axeViolations(maker)).toEqual([]);
      await confirm.click();
      await maker.getByText(/the payment is proposed and waits for a second adjuster/).waitFor();
      await maker.getByText(/A second adjuster must approve it\./).waitFor();
      expect(await maker.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    } finally {
      await maker.context().close();
    }

    const checker = await staffPage('lead@coverwise.test', path);
    try {
      await checker.waitForURL(`**${path}`);
      await checker.getByText(/It needs your approval as the second adjuster\./).waitFor();
      await checker.getByRole('button', { name: /^Approve the proposed payment \$6,500\.00 to / }).click();
      await checker.getByRole('button', { name: /^Yes, approve paying \$6,500\.00 to / }).click();
      await checker.getByText('Approved, to be paid in the next payment run.').waitFor();
      await checker
        .getByText(/^Approved: \$6,500\.00 to .+, to be paid in the next payment run\.$/)
        .waitFor();
      expect(await axeViolations(checker)).toEqual([]);
    } finally {
      await checker.context().close();
    }
  });

  it('says the addendum is claimed once the payment run pays its benefit, to staff and to the holder', async () => {
    const admin = await staffClient(server, 'admin@coverwise.test');
    const sdn = await admin({
      method: 'POST',
      url: '/api/v1/ofac/sdn-lists',
      headers: { 'content-type': 'text/csv' },
      payload: `306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'."\r\n`,
    });
    expect(sdn.statusCode, sdn.body).toBe(201);
    const run = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    expect(run.statusCode, run.body).toBe(201);
    const paid = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/approval` });
    expect(paid.statusCode, paid.body).toBe(200);
    const { contractId } = (await admin({ url: `/api/v1/gap-claims/${claimId}` })).json();
    const { contractNumber } = (await admin({ url: `/api/v1/contracts/${contractId}` })).json();

    const staff = await staffPage('admin@coverwise.test', `/staff/contracts/${contractId}`);
    try {
      await staff.getByText(/· status Claimed: GAP benefit paid$/).waitFor();
      // The coverage badge says the same: not in force, because the benefit was paid.
      await staff.locator('.coverage-status--not').getByText('Claimed: GAP benefit paid').waitFor();
      expect(await axeViolations(staff)).toEqual([]);
    } finally {
      await staff.context().close();
    }

    const holder = await openPage(browser, server, '/my/sign-in');
    try {
      await holder.getByLabel('Last name').fill(gapHolder.lastName);
      await holder.getByLabel('ZIP code').fill(gapHolder.zip);
      await holder.getByLabel('VIN').fill(gapHolder.vin);
      await holder.getByRole('button', { name: 'Sign in' }).click();
      await holder.waitForURL('**/my');
      const card = holder
        .getByRole('article')
        .filter({ has: holder.getByRole('heading', { name: contractNumber }) });
      await card.getByText('Claimed: GAP benefit paid', { exact: true }).waitFor();
      // Spent, it takes no new claim and is not cancelled for a refund: neither link is offered.
      expect(await card.getByRole('link', { name: /Start a GAP claim/ }).count()).toBe(0);
      expect(await card.getByRole('link', { name: /Cancel/ }).count()).toBe(0);
      expect(await axeViolations(holder)).toEqual([]);
    } finally {
      await holder.context().close();
    }
  });
});
