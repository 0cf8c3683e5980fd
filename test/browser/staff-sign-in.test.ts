import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// The staff sign-in journey through the built web app against the real server with demo data.

const demoAdmin = { email: 'admin@coverwise.test', password: 'coverwise-demo', displayName: 'Avery Admin' };
const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('staff sign-in', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // A fresh context per test: its own cookies, so one journey's session never leaks into another.
  async function openPage(path: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto(path);
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('lets the demo admin sign in from the landing page, see who they are, and sign out', async () => {
    const page = await openPage('/');
    try {
      await page.getByRole('link', { name: 'Staff and repair facility sign-in' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/staff/sign-in');

      await signIn(page, demoAdmin.email, demoAdmin.password);

      await page.waitForURL('**/staff');
      const heading = page.getByRole('heading', { level: 1 });
      await heading.waitFor();
      expect(await heading.textContent()).toBe(`Welcome, ${demoAdmin.displayName}`);
      await page.getByText('Administrator', { exact: true }).waitFor();
      await page.getByText(demoAdmin.email, { exact: true }).waitFor();

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}staff-home.png`, fullPage: true });

      // The session is the cookie, so a reload keeps the user signed in.
      await page.reload();
      await page.getByRole('heading', { name: `Welcome, ${demoAdmin.displayName}` }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();

      await page.waitForURL('**/staff/sign-in');
      await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Staff sign-in' }).waitFor();

      // Signed out means signed out: the staff home now sends the user back to sign in.
      await page.goto('/staff');
      await page.waitForURL('**/staff/sign-in');
    } finally {
      await page.context().close();
    }
  });

  it('refuses a wrong password, keeps the email and stays on the sign-in page', async () => {
    const page = await openPage('/staff/sign-in');
    try {
      // Hold the request at the network layer so the in-flight state can be checked without racing.
      let releaseLogin: () => void = () => {};
      const loginHeld = new Promise<void>((resolve) => {
        releaseLogin = resolve;
      });
      await page.route('**/api/v1/auth/login', async (route) => {
        await loginHeld;
        await route.continue();
      });

      await signIn(page, demoAdmin.email, 'not-the-password');
      // While the request is out, the button cannot send it a second time.
      await page.getByRole('button', { name: 'Signing in…' }).waitFor();
      expect(await page.getByRole('button', { name: 'Signing in…' }).isDisabled()).toBe(true);
      releaseLogin();

      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('The email or password is not right. Check both and try again.');
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
      expect(await page.getByLabel('Email').inputValue()).toBe(demoAdmin.email);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      // Focus moves to the message so a screen-reader user hears why, at once.
      expect(await alert.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});
