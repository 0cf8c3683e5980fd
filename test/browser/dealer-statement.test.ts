import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { serverToday } from '../support/today.js';

// The admin's dealer statement in the built web app against the real server with demo data: from the
// dealers page to a dealer's statement, the receivables aging as a chart and a table, a remittance
// recorded above the balance shown as a credit balance, and no accessibility violations; a period of more
// movements than a statement lists (10,001 remittances in a day) summed by day, with its note.

describe.skipIf(!chromiumAvailable())('the dealer statement (admin)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a dealer statement with its aging chart and table, records a remittance and stays accessible', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dealers' }).click();
      await page.waitForURL('**/admin/dealers');
      await page.getByRole('link', { name: 'Statement of D-2002' }).click();
      await page.waitForURL('**/admin/dealers/*/statement');
      await page.getByRole('heading', { level: 1, name: 'Dealer statement' }).waitFor();
      await page.getByRole('heading', { name: /Sunflower Ford \(D-2002\)/ }).waitFor();
      await expect.poll(() => page.locator('canvas').count()).toBe(1);
      const aging = page.getByRole('table', { name: 'Receivables aging (table)' });
      expect(await aging.getByRole('row').count()).toBe(6);
      expect(await page.getByRole('link', { name: 'Download PDF statement' }).getAttribute('href')).toMatch(
        /\/api\/v1\/dealers\/[0-9a-f-]+\/statement\.pdf\?from=/,
      );
      expect(await axeViolations(page)).toEqual([]);
      // Nothing voided or remitted yet: $0.00, with no minus sign.
      const total = (term: string) => page.locator(`dl.facts dt:text-is("${term}") + dd`).textContent();
      expect(await total('Voids')).toBe('$0.00');
      expect(await total('Remittances')).toBe('$0.00');

      const form = page.getByRole('form', { name: 'Record a remittance' });
      // The server's today (business time zone): the browser's own date is tomorrow to the server between
      // midnight UTC and midnight in New York, and a remittance is not dated after today.
      await form.getByLabel('Received on').fill(serverToday());
      await form.getByLabel('Amount ($)').fill('999999.00');
      await form.getByLabel(/Reference/).fill('CHK 5150');
      await form.getByRole('button', { name: 'Record remittance' }).click();
      await expect
        .poll(() => page.getByText(/Remittance CHK 5150 of \$999,999\.00 recorded\./).count())
        .toBe(1);
      await expect.poll(() => page.getByText(/credit balance: more was remitted than owed/).count()).toBe(1);
      expect(await total('Remittances')).toBe('−$999,999.00');
      const movements = page.getByRole('table', { name: 'Movements of the period' });
      await expect.poll(() => movements.getByRole('row').filter({ hasText: 'CHK 5150' }).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      // A bad amount is named next to its field.
      await form.getByLabel('Amount ($)').fill('0');
      await form.getByLabel(/Reference/).fill('CHK 5151');
      await form.getByRole('button', { name: 'Record remittance' }).click();
      await expect
        .poll(() => page.getByText('Enter the amount received, in dollars (e.g. 1250.00).').count())
        .toBe(1);
    } finally {
      await page.context().close();
    }
  });

  it('sums a period of more than 10,000 movements by day, says so and stays accessible', async () => {
    const { db } = server.built.database;
    const plaza = await db
      .selectFrom('dealers')
      .select('id')
      .where('code', '=', 'D-1001')
      .executeTakeFirstOrThrow();
    // 10,001 remittances on one day of January 2020 (before the demo's history) and one the day after.
    await sql`
      with received as (
        insert into dealer_remittances (dealer_id, amount_cents, reference, received_on, status, created_by)
        select ${plaza.id}, 100, 'BULK ' || n, case when n <= 10001 then date '2020-01-15' else date '2020-01-16' end,
               'recorded', 'test'
          from generate_series(1, 10002) as n
        returning id, dealer_id, amount_cents, received_on)
      insert into dealer_account_events (dealer_id, contract_id, remittance_id, kind, amount_cents, occurred_on)
      select dealer_id, null, id, 'remittance', -amount_cents, received_on from received`.execute(db);

    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.goto(`${server.baseUrl}/admin/dealers/${plaza.id}/statement`);
      await page.getByRole('heading', { name: /Plaza Honda \(D-1001\)/ }).waitFor();
      const period = page.getByRole('form', { name: 'Statement period' });
      await period.getByLabel('From').fill('2020-01-01');
      await period.getByLabel('To').fill('2020-01-31');
      await period.getByRole('button', { name: 'Show statement' }).click();
      await page
        .getByText(
          'This period has more than 10,000 movements; they are summed by day here. The CSV has every line.',
        )
        .waitFor();
      const movements = page.getByRole('table', { name: 'Movements of the period, summed by day' });
      // A line per day: 10,001 remittances on the 15th, one on the 16th.
      expect(await movements.getByRole('row').count()).toBe(3);
      expect(await movements.getByRole('cell', { name: '10,001 remittances', exact: true }).count()).toBe(1);
      expect(await movements.getByRole('cell', { name: '1 remittance', exact: true }).count()).toBe(1);
      expect(await page.locator('dl.facts dt:text-is("Remittances") + dd').textContent()).toBe('−$10,002.00');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
