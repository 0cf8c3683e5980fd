import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openPage } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { linkTokenIn, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// Holder accounts in the browser (issue 19): a holder signed in with last name + ZIP + VIN creates an
// account, opens the link emailed to them (read from a real SMTP server the test starts), is signed in
// and sees both contracts of their vehicle; later signs in by an emailed link; reads the emails in the
// notification centre; and "Forgot which contract?" mails the list. axe finds nothing on any page, at
// desk and phone widths.

const sofia = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const sofiaEmail = 'sofia.5@example.com';
const DESK = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!chromiumAvailable())('holder accounts', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let smtp: TestSmtpServer;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    [server, browser] = await Promise.all([
      startTestServer({ demo: true, startJobs: true, env: { SMTP_URL: smtp.url } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** axe at this width, and again at the other one. */
  async function expectAxeClean(page: Page) {
    const viewport = page.viewportSize()!;
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize(viewport.width === DESK.width ? PHONE : DESK);
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize(viewport);
  }

  const contractCard = (page: Page, contractNumber: string) =>
    page.getByRole('article').filter({ has: page.getByRole('heading', { name: contractNumber }) });

  it('creates an account, signs in by the emailed link and sees both contracts', async () => {
    const page = await openPage(browser, server, '/my/sign-in', PHONE);
    try {
      await page.getByLabel('Last name').fill(sofia.lastName);
      await page.getByLabel('ZIP code').fill(sofia.zip);
      await page.getByLabel('VIN').fill(sofia.vin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/my');
      await page.getByRole('heading', { level: 2, name: 'Create an account' }).waitFor();
      await expectAxeClean(page);

      // An address that is not one: the sentence is next to the field.
      await page.getByLabel('Email address').fill('sofia at example');
      await page.getByRole('button', { name: 'Send me the link' }).click();
      await page.getByText('Enter your email address, such as name@example.com.').waitFor();
      await expectAxeClean(page);

      await page.getByLabel('Email address').fill(sofiaEmail);
      await page.getByRole('button', { name: 'Send me the link' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `We sent a link to ${sofiaEmail}` })
        .waitFor();
      const verification = await smtp.waitForMail((mail) => mail.text.includes('Confirm your email'));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/my/sign-in');

      // The link, opened in the browser, verifies the email and signs in.
      await page.goto(`/my/account/verify#token=${linkTokenIn(verification)}`);
      await page.waitForURL('**/my');
      await page.getByRole('heading', { level: 2, name: 'My account' }).waitFor();
      await contractCard(page, sofia.contractNumber).waitFor();
      await contractCard(page, 'DEMO-000006').waitFor();
      expect(await page.getByRole('article').count()).toBe(2);
      await expectAxeClean(page);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/my/sign-in');

      // Later: sign in with a link sent to the email.
      await page.getByRole('link', { name: /Sign in with a link sent to your email/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in with your email' }).waitFor();
      await expectAxeClean(page);
      const before = smtp.received.length;
      await page.getByLabel('Email address').fill(sofiaEmail);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await page.getByRole('status').filter({ hasText: 'If that email address is on file' }).waitFor();
      await expectAxeClean(page);
      const signInMail = await smtp.waitForMail(
        (mail) => smtp.received.indexOf(mail) >= before && mail.text.includes('Your Coverwise sign-in link'),
      );
      const token = linkTokenIn(signInMail);
      await page.goto(`/my/account/sign-in#token=${token}`);
      await page.waitForURL('**/my');
      await contractCard(page, sofia.contractNumber).waitFor();
      await contractCard(page, 'DEMO-000006').waitFor();
      expect(await page.getByRole('article').count()).toBe(2);

      // The notification centre lists the emails, without their links.
      await page.getByRole('link', { name: 'Emails we sent you' }).click();
      await page.getByRole('heading', { level: 1, name: 'Emails we sent you' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Your Coverwise sign-in link' }).waitFor();
      await page
        .getByRole('heading', { level: 2, name: 'Confirm your email for your Coverwise account' })
        .waitFor();
      expect(await page.content()).not.toContain('cwl_');
      await expectAxeClean(page);

      // A used link says so, and offers a new one.
      await page.goto(`/my/account/sign-in#token=${token}`);
      await page
        .getByRole('alert')
        .filter({ hasText: 'This link has expired or was already used' })
        .waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('sends the list of contracts to a holder who forgot which contract, and answers the same for anyone', async () => {
    const page = await openPage(browser, server, '/my/sign-in', DESK);
    try {
      await page.getByRole('link', { name: /Forgot which contract/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Forgot which contract?' }).waitFor();
      await expectAxeClean(page);
      await page.getByLabel('Email address').fill('SOFIA.5@example.com');
      await page.getByRole('button', { name: 'Email me my contracts' }).click();
      const answer = page.getByRole('status').filter({ hasText: 'If that email address is on file' });
      await answer.waitFor();
      const knownText = await answer.textContent();
      await expectAxeClean(page);
      const mail = await smtp.waitForMail((m) => m.text.includes('Your Coverwise contracts'));
      expect(mail.to).toEqual([sofiaEmail]);
      expect(mail.text).toContain(`Contract ${sofia.contractNumber}`);
      expect(mail.text).toContain(`…${sofia.vin.slice(-6)}`);
      expect(mail.text).not.toContain(sofia.vin);

      // An unknown email: the same sentence on screen, and no email.
      await page.reload();
      await page.getByLabel('Email address').fill('stranger@example.com');
      await page.getByRole('button', { name: 'Email me my contracts' }).click();
      const unknownAnswer = page.getByRole('status').filter({ hasText: 'If that email address is on file' });
      await unknownAnswer.waitFor();
      expect(await unknownAnswer.textContent()).toBe(knownText);
      expect(smtp.received.some((m) => m.to.includes('stranger@example.com'))).toBe(false);
    } finally {
      await page.context().close();
    }
  });
});
