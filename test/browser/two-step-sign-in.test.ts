import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpFor } from '../../src/auth/mfa.service.js';
import { FakeClock } from '../../src/platform/clock.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// Two-step sign-in through the built web app: turn it on from the staff home, see the recovery
// codes once, then sign in with the code the authenticator app would show at the server's (fake) time.

const user = { email: 'lead@coverwise.test', password: 'coverwise-demo' };

describe.skipIf(!chromiumAvailable())('two-step sign-in (web)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  const codeFor = (secret: string) =>
    totpFor(secret, 'Coverwise', 'x').generate({ timestamp: clock.now().getTime() });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('enrols from the staff home and then asks for the code at sign-in', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    try {
      await page.goto('/staff/sign-in');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/staff');
      await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();

      await page.getByLabel('Your password').fill(user.password);
      await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
      const key = page.locator('dd code').first();
      await key.waitFor();
      const secret = (await key.textContent())!.trim();
      expect(await page.getByRole('link', { name: 'Add to authenticator app' }).getAttribute('href')).toMatch(
        /^otpauth:\/\/totp\//,
      );
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel('Code from the app').fill(codeFor(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByText('They are shown only now.', { exact: false }).waitFor();
      expect(await page.locator('.recovery-codes li').count()).toBe(10);
      await page.getByText('10 recovery codes left.', { exact: false }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/staff/sign-in');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const codeField = page.getByLabel('Code from your authenticator app (or a recovery code)');
      await codeField.waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const right = codeFor(secret);
      await codeField.fill(`${right.slice(0, 5)}${(Number(right[5]) + 1) % 10}`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('alert').filter({ hasText: 'That code is not right' }).waitFor();

      clock.advance(30_000);
      await codeField.fill(codeFor(secret));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL('**/staff');
      await page.getByRole('heading', { level: 1, name: /^Welcome/ }).waitFor();
    } finally {
      await context.close();
    }
  });
});
