import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/clock.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// Staff dead ends, walked in a browser: each role's menu lists only pages it can open, a deep link
// returns to the page asked for after signing in, and the staff GAP list opens on the open claims.

const clock = new FakeClock('2026-11-25T15:00:00Z');

describe.skipIf(!chromiumAvailable())('staff menus and deep links', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Signed in from `path`, which sends to the sign-in page and back. */
  function signIn(email: string, path: string): Promise<Page> {
    return openSignedIn(browser, server, email, {
      from: path,
      context: { viewport: { width: 1280, height: 900 } },
    });
  }

  async function menu(page: Page): Promise<string[]> {
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Staff home' }).waitFor();
    return navigation.getByRole('link').allTextContents();
  }

  it('shows each role only the pages it can open', async () => {
    const expected: Record<string, string[]> = {
      'shop@coverwise.test': ['Staff home', 'Repair claims'],
      'reviewer@coverwise.test': ['Staff home', 'Work queue', 'GAP claims', 'Contracts', 'Dashboard'],
      'adjuster@coverwise.test': [
        'Staff home',
        'Claim queue',
        'Work queue',
        'GAP claims',
        'Contracts',
        'Dashboard',
      ],
    };
    for (const [email, pages] of Object.entries(expected)) {
      const page = await signIn(email, '/staff');
      try {
        await page.waitForURL('**/staff');
        expect((await menu(page)).filter((label) => label !== 'API docs')).toEqual(pages);
      } finally {
        await page.context().close();
      }
    }
  });

  it('returns to the dashboard after signing in from a deep link to it', async () => {
    const page = await signIn('reviewer@coverwise.test', '/staff/dashboard');
    try {
      await page.waitForURL('**/staff/dashboard');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('opens the staff GAP list on the open claims, and keeps the choice in the address', async () => {
    await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: 'Schmidt',
        zip: '78701',
        vin: '5NP1UAKX94A554938',
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    const page = await signIn('reviewer@coverwise.test', '/staff/gap-claims');
    try {
      await page.waitForURL('**/staff/gap-claims');
      expect(await page.getByLabel('Show').inputValue()).toBe('open');
      await page
        .getByRole('link', { name: /^GAP-CL-2026-\d{6}$/ })
        .first()
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Show').selectOption('paid');
      await page.getByText('No GAP claims with this status.', { exact: false }).waitFor();
      await page.reload();
      expect(await page.getByLabel('Show').inputValue()).toBe('paid');
    } finally {
      await page.context().close();
    }
  });
});
