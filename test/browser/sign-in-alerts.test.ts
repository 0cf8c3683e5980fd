import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo-seed.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// Someone guesses at the password of a dealer user and of a lender: each reads the alert on the page
// they land on after signing in (the dealer portal; the staff home), as staff read theirs. Both were
// left out: the alerts' endpoint refused their roles, and only the staff dashboard showed alerts.

const LENDER = 'loans@prairie.test';

describe.skipIf(!chromiumAvailable())('sign-in alerts for dealer users and lenders', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ demo: true, env: { COVERWISE_STAFF_ATTACK_ALERT_FAILURES: '3' } }),
      launchBrowser(),
    ]);
    const admin = await staffClient(server, 'admin@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: LENDER,
        password: DEMO_PASSWORD,
        role: 'lender',
        lienholderName: 'First Prairie Bank',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    // Four wrong passwords from an address that is not the browser's: past the threshold of three.
    for (const email of ['dealer@coverwise.test', LENDER])
      for (let i = 0; i < 4; i++) {
        const refused = await server.built.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: 'not the password' },
          remoteAddress: '203.0.113.66',
        });
        expect(refused.statusCode).toBe(401);
      }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each([
    ['a dealer user, on the dealer portal', 'dealer@coverwise.test', '/dealer'],
    ['a lender, on the staff home', LENDER, '/staff'],
  ])('tells %s', async (_who, email, landsOn) => {
    const page = await openSignedIn(browser, server, email, { landsOn });
    try {
      const alert = page.getByRole('alert').filter({
        has: page.getByRole('heading', { name: 'Someone is trying to sign in to your account' }),
      });
      await alert.waitFor();
      await alert
        .getByText('4 failed sign-ins to your account within 15 minutes', { exact: false })
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
