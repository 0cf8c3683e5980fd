import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { FakeClock } from '../../src/platform/clock.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';
import { staffVscBody } from '../support/staff-contracts.js';

// A payment run in the built web app against the real server with demo data: the administrator loads the
// SDN list, previews a run (totals by payee type as a chart with its table), approves it and downloads the
// NACHA file; axe finds no violation on the page before and after approval. Then, after leaving the page,
// the list of runs (newest first, a page at a time) reopens the approved run with the keyboard and offers
// its files again.

// The server's clock stands still at 10:00 in New York on 2026-11-25 (its business time zone), so the
// refund's cancellation date is that day whatever the wall clock says (the session cookie's lifetime
// is relative, so the browser keeps it).
const clock = new FakeClock('2026-11-25T15:00:00Z');
const TODAY = '2026-11-25';

const SDN_CSV = '306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';

describe.skipIf(!chromiumAvailable())('payment runs (preview, approve, download NACHA)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    const admin = await staffClient(server, 'admin@coverwise.test');
    const facilities = (await admin({ url: '/api/v1/repair-facilities' })).json().data;
    await admin({
      method: 'PUT',
      url: `/api/v1/repair-facilities/${facilities[0].id}/payment-details`,
      payload: {
        bankAccount: { routingNumber: '011000015', accountNumber: '123456789012', accountType: 'checking' },
        tin: '123456789',
      },
    });
    // A cancellation refund owed to a holder (checks) beside whatever the demo data owes.
    const contract = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(withCheckDigit('1HGCM82603A009901')),
    });
    // The holder gave a bank account: the refund goes by ACH (PPD).
    await admin({
      method: 'PUT',
      url: `/api/v1/contracts/${contract.json().id}/payee-bank-accounts/holder`,
      payload: {
        accountHolderName: 'Rosa Delgado',
        routingNumber: '121000248',
        accountNumber: '00987654321',
        accountType: 'savings',
      },
    });
    await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contract.json().id}/cancellation`,
      payload: {
        cancelOn: TODAY,
        odometer: 11_000,
        reason: 'customer_request',
      },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  let approvedRun: { id: string; runNumber: number } | null = null;

  it('previews a run, approves it and downloads a NACHA file of 94-character records', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test', {
      context: { acceptDownloads: true },
    });
    try {
      await page.getByRole('link', { name: 'Payment runs' }).click();
      await page.waitForURL('**/admin/payment-runs');
      await page.getByLabel('SDN list (sdn.csv from the Treasury)').setInputFiles({
        name: 'sdn.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(SDN_CSV),
      });
      await page.getByRole('button', { name: 'Load the list' }).click();
      await expect.poll(() => page.getByText('Loaded 1 SDN entries.').count()).toBe(1);

      await page.getByRole('button', { name: 'Preview a payment run' }).click();
      await expect.poll(() => page.getByText(/Would pay \d+ by ACH/).count()).toBe(1);
      await expect.poll(() => page.locator('canvas').count()).toBe(1);
      expect(await page.getByRole('table', { name: 'Run totals by payee type' }).count()).toBe(1);
      expect(await page.getByText('Rosa Delgado').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Approve and pay' }).click();
      await expect.poll(() => page.getByText(/^Paid \d+ payments/).count()).toBe(1);
      approvedRun = {
        id: new URL(page.url()).searchParams.get('run')!,
        runNumber: Number(
          (await page.getByRole('heading', { level: 2, name: /^Payment run \d+/ }).textContent())!.match(
            /\d+/,
          )![0],
        ),
      };
      // The link is the file's address; the browser context (with the staff session) fetches it.
      const href = await page.getByRole('link', { name: 'Download NACHA file' }).getAttribute('href');
      const file = await page.context().request.get(href!);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-disposition']).toMatch(/attachment; filename="payment-run-\d+\.ach"/);
      const chunks = [await file.body()];
      const records = Buffer.concat(chunks).toString('ascii').slice(0, -1).split('\n');
      expect(records[0]!.startsWith('101 021000021')).toBe(true);
      expect(records.every((record) => record.length === 94)).toBe(true);
      expect(records.length % 10).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('lists the runs newest first, a page at a time, and reopens an approved run and its files with the keyboard', async () => {
    expect(approvedRun).not.toBeNull();
    // More runs than one page holds: drafts previewed (and discarded) after the approved one.
    const admin = await staffClient(server, 'admin@coverwise.test');
    const contract = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(withCheckDigit('1HGCM82603A009902')),
    });
    const refund = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${contract.json().id}/cancellation`,
      payload: { cancelOn: TODAY, odometer: 11_000, reason: 'customer_request' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    for (let i = 0; i < 21; i += 1) {
      const run = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
      expect(run.statusCode, run.body).toBe(201);
      await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/discard` });
    }
    const page = await openSignedIn(browser, server, 'admin@coverwise.test', {
      context: { acceptDownloads: true },
    });
    try {
      await page.getByRole('link', { name: 'Payment runs' }).click();
      await page.waitForURL('**/admin/payment-runs');
      const table = page.getByRole('table', { name: 'Payment runs, newest first' });
      await expect.poll(() => table.getByRole('row').count()).toBe(21);
      const numbers = await table.locator('tbody th').allTextContents();
      const runNumbers = numbers.map((text) => Number(text.match(/\d+/)![0]));
      expect(runNumbers).toEqual([...runNumbers].sort((a, b) => b - a));
      expect(runNumbers).not.toContain(approvedRun!.runNumber);
      expect(await axeViolations(page)).toEqual([]);

      // The next page: focus moves to its first run; the approved run is on it (older than the drafts).
      await page.getByRole('button', { name: 'Older runs' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(21);
      const firstOfNextPage = table.locator('tbody th a').nth(20);
      expect(await firstOfNextPage.textContent()).toBe(`Run ${runNumbers.at(-1)! - 1}`);
      await expect.poll(() => firstOfNextPage.evaluate((link) => link === document.activeElement)).toBe(true);
      const approvedLink = page.getByRole('link', { name: `Run ${approvedRun!.runNumber}`, exact: true });
      const row = table.getByRole('row').filter({ has: approvedLink });
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('Approved by admin@coverwise.test');
      const nacha = row.getByRole('link', { name: `NACHA file of run ${approvedRun!.runNumber}` });
      const file = await page.context().request.get((await nacha.getAttribute('href'))!);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-disposition']).toMatch(/attachment; filename="payment-run-\d+\.ach"/);
      expect(await axeViolations(page)).toEqual([]);

      // Opened with the keyboard: the run's heading takes focus; its files are offered again.
      await approvedLink.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/admin/payment-runs?run=${approvedRun!.id}`);
      const heading = page.getByRole('heading', {
        level: 2,
        name: new RegExp(`^Payment run ${approvedRun!.runNumber} \\(approved\\)`),
      });
      await expect.poll(() => heading.evaluate((h) => h === document.activeElement)).toBe(true);
      expect(await page.getByText(/^Paid \d+ payments/).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Download NACHA file' }).getAttribute('href')).toBe(
        await nacha.getAttribute('href'),
      );
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
