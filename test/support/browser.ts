import { existsSync } from 'node:fs';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-seed.js';

// Browser journeys drive the system Chromium (Debian's `chromium` package) through playwright-core,
// so no browser is downloaded at install time. Override the binary with CHROMIUM_PATH.

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run here. On a developer machine without Chromium they are skipped;
 * in CI (CI set) a missing Chromium is an error, so the journeys can never pass by not running.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) {
    throw new Error(
      `Chromium is required in CI but was not found at ${chromiumPath}. ` +
        'Install it (apt-get install -y chromium) or set CHROMIUM_PATH.',
    );
  }
  return false;
}

/**
 * Chromium for the journeys. Every context it opens prefers reduced motion unless its options say
 * otherwise: no page is checked (axe's colour contrast, a screenshot) halfway through a CSS transition,
 * whose state depends on how busy the machine is (the catalog editor's tabs failed axe once so, in CI on
 * 2026-12-06).
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await launch();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options?: BrowserContextOptions) =>
    newContext({ reducedMotion: 'reduce', ...options });
  return browser;
}

function launch(): Promise<Browser> {
  // Playwright gives every launch its own temporary user-data dir, so runs never share a profile.
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface SignInOptions {
  /** The user's password: the demo users' by default. */
  password?: string;
  /**
   * The page opened first: the staff sign-in page by default, or a deep link, which sends to the sign-in
   * page and back to itself once signed in.
   */
  from?: string;
  /** Where signing in lands: `from` when given, else the staff home (a dealer user lands on /dealer). */
  landsOn?: string;
  /** The new browser context's options beside its base URL (viewport, acceptDownloads, bypassCSP…). */
  context?: BrowserContextOptions;
}

/**
 * A page in a browser context of its own, signed in through the staff sign-in page as `email` and
 * arrived where signing in lands. Close it with `page.context().close()`; should signing in fail, the
 * context is closed here.
 */
export async function openSignedIn(
  browser: Browser,
  server: { baseUrl: string },
  email: string,
  options: SignInOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ ...options.context, baseURL: server.baseUrl });
  try {
    const page = await context.newPage();
    await page.goto(options.from ?? '/staff/sign-in');
    if (options.from) await page.waitForURL('**/staff/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(options.password ?? DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${options.landsOn ?? options.from ?? '/staff'}`);
    return page;
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** A phone's viewport, the size most holders use. */
export const PHONE = { width: 390, height: 844 };

/** A desk's viewport, the size staff work at. */
export const DESK = { width: 1280, height: 900 };

/** A page in a browser context of its own (its own cookies), opened at `path`: a phone's by default. */
export async function openPage(
  browser: Browser,
  server: { baseUrl: string },
  path: string,
  viewport: { width: number; height: number } = PHONE,
): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport });
  const page = await context.newPage();
  await page.goto(path);
  return page;
}
