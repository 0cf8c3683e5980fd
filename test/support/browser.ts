import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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

export function launchBrowser(): Promise<Browser> {
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
