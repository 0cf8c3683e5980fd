// The web app stays light for holders on phones: the JavaScript a browser must load before the first
// page shows (the entry script and the modules it preloads) is at most 150 kB gzipped. Staff-only
// screens belong in chunks loaded on demand. `npm test` builds the web app before this test runs.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';

const WEB_DIR = path.resolve('dist/web');
const LIMIT_BYTES = 150 * 1000;

it('keeps the initial JavaScript of the holder pages within 150 kB gzipped', () => {
  const html = fs.readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const initial = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]!);
  expect(initial.length).toBeGreaterThan(0);
  const gzippedBytes = initial.reduce(
    (sum, href) => sum + gzipSync(fs.readFileSync(path.join(WEB_DIR, href.replace(/^\//, '')))).length,
    0,
  );
  console.log(
    `initial JavaScript: ${initial.length} file(s), ${(gzippedBytes / 1000).toFixed(1)} kB gzipped (limit 150 kB)`,
  );
  expect(gzippedBytes).toBeLessThanOrEqual(LIMIT_BYTES);
});
