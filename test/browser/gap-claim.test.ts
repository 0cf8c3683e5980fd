import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { PDF } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openPage } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The GAP Claims Center journey: a holder starts a claim from the landing page with last name, ZIP
// and VIN, uploads a PDF and sees when its review is due; a reviewer finds it in the work queue and
// accepts it; the holder sees it accepted.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
// Wednesday 2026-11-25 at 10:00 in New York: Thursday is Thanksgiving, so the review is due Monday.
const clock = new FakeClock('2026-11-25T15:00:00Z');

describe.skipIf(!chromiumAvailable())('GAP claim', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    await mkdir(screenshotDirectory, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  function checklistRow(page: Page, documentName: string) {
    return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: documentName }) });
  }

  it('lets a holder start a claim and upload a PDF, and a reviewer accept it', async () => {
    const holder = await openPage(browser, server, '/');
    const reviewer = await openPage(browser, server, '/staff/sign-in', { width: 1280, height: 900 });
    try {
      await holder.getByRole('link', { name: 'GAP Claims Center: vehicle totaled or stolen?' }).click();
      await holder.getByRole('heading', { level: 1, name: 'GAP Claims Center' }).waitFor();
      await holder.getByLabel('Last name').fill(gapHolder.lastName);
      await holder.getByLabel('ZIP code').fill(gapHolder.zip);
      await holder.getByLabel('VIN').fill(gapHolder.vin);
      await holder.getByLabel('Date of loss').fill('2026-11-20');
      await holder.getByLabel('The vehicle was totaled').check();
      await holder.getByRole('button', { name: 'Start my claim' }).click();

      await holder.waitForURL(/\/gap-claims\/[0-9a-f-]{36}$/);
      await holder.getByRole('heading', { level: 1, name: /^GAP claim GAP-CL-2026-\d{6}$/ }).waitFor();
      await holder.getByText('Waiting for your documents').first().waitFor();
      expect(await checklistRow(holder, 'GAP addendum').getByRole('cell').first().textContent()).toBe(
        'Not received yet',
      );

      await holder.getByLabel('Document', { exact: true }).selectOption({ label: 'GAP addendum' });
      await holder
        .getByLabel('File')
        .setInputFiles({ name: 'addendum.pdf', mimeType: 'application/pdf', buffer: PDF });
      await holder.getByRole('button', { name: 'Upload' }).click();
      await holder
        .getByRole('status')
        .filter({ hasText: 'Received your GAP addendum. We will review it by November 30, 2026.' })
        .waitFor();
      await checklistRow(holder, 'GAP addendum')
        .getByText('Received; review due by November 30, 2026')
        .waitFor();
      await holder.getByText('GAP addendum received; review due by November 30, 2026').waitFor();
      await holder.screenshot({ path: `${screenshotDirectory}gap-claim-holder.png`, fullPage: true });

      await reviewer.getByLabel('Email').fill('reviewer@coverwise.test');
      await reviewer.getByLabel('Password').fill('coverwise-demo');
      await reviewer.getByRole('button', { name: 'Sign in' }).click();
      await reviewer.waitForURL('**/staff');
      await reviewer.getByRole('link', { name: 'Work queue' }).click();
      await reviewer.getByRole('heading', { level: 1, name: 'Work queue' }).waitFor();
      const item = reviewer.getByRole('row').filter({ hasText: 'GAP addendum for GAP claim' });
      await item.getByText('November 30, 2026').waitFor();
      await reviewer.screenshot({ path: `${screenshotDirectory}gap-claim-queue.png`, fullPage: true });
      await item.getByRole('link').click();
      await reviewer.getByRole('heading', { level: 1, name: 'Review: GAP addendum' }).waitFor();
      await reviewer.getByTitle('GAP addendum (PDF)').waitFor();
      await reviewer.getByLabel('Reason (the holder reads it)').fill('Signed and complete.');
      await reviewer.getByRole('button', { name: 'Accept' }).click();
      await reviewer.getByRole('status').filter({ hasText: 'Document accepted.' }).waitFor();
      await reviewer.screenshot({ path: `${screenshotDirectory}gap-claim-review.png`, fullPage: true });

      await holder.reload();
      await checklistRow(holder, 'GAP addendum').getByText('Accepted', { exact: true }).waitFor();
      await holder.getByText('GAP addendum accepted').waitFor();
    } finally {
      await holder.context().close();
      await reviewer.context().close();
    }
  });

  it('says so when a claim is started again with other details: the open claim, unchanged, in English and Spanish', async () => {
    // The holder's claim is open (started above, or here when this test runs alone).
    const opened = await fetch(`${server.baseUrl}/api/v1/gap-claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      }),
    });
    expect([200, 201]).toContain(opened.status);
    const open = (await opened.json()) as { id: string; claimNumber: string };

    const page = await openPage(browser, server, '/gap-claims');
    try {
      await page.getByRole('heading', { level: 1, name: 'GAP Claims Center' }).waitFor();
      await page.getByLabel('Last name').fill(gapHolder.lastName);
      await page.getByLabel('ZIP code').fill(gapHolder.zip);
      await page.getByLabel('VIN').fill(gapHolder.vin);
      await page.getByLabel('Date of loss').fill('2026-11-18');
      await page.getByLabel('The vehicle was stolen').check();
      await page.getByRole('button', { name: 'Start my claim' }).click();

      const notice = page.getByRole('alert').filter({ hasText: 'You already have an open GAP claim' });
      await notice.waitFor();
      expect(await notice.textContent()).toContain(
        `You already have an open GAP claim: ${open.claimNumber}.` +
          'That claim is for: Total loss on November 20, 2026. The details you entered are different, ' +
          'so we did not start a new claim, and we did not change the open one.',
      );
      await notice.getByText('call customer service at 1-800-555-0142 to correct it').waitFor();
      // Focus moves to what was said, and the page stays where it is (no new claim opened).
      expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
      expect(new URL(page.url()).pathname).toBe('/gap-claims');
      expect(await axeViolations(page)).toEqual([]);

      await page
        .getByRole('navigation', { name: 'Language' })
        .getByRole('button', { name: 'Español' })
        .click();
      const aviso = page.getByRole('alert').filter({ hasText: 'Ya tiene un reclamo GAP abierto' });
      await aviso.waitFor();
      expect(await aviso.textContent()).toContain(
        `Ya tiene un reclamo GAP abierto: ${open.claimNumber}.` +
          'Ese reclamo es por: Pérdida total el 20 de noviembre de 2026.',
      );
      expect(await axeViolations(page)).toEqual([]);
      await aviso.getByRole('link', { name: `Continuar el reclamo ${open.claimNumber}` }).click();
      await page.waitForURL(`**/gap-claims/${open.id}`);
      await page.getByRole('heading', { level: 1, name: `Reclamo GAP ${open.claimNumber}` }).waitFor();
    } finally {
      await page.context().close();
    }
  });
});
