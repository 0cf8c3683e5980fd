// README's settings table cannot drift: it is the rendering of SETTINGS, and SETTINGS names exactly
// the variables src/config.ts reads.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS, withSettingsTable } from './config-settings.js';

/** The environment variables config.ts reads: `env.NAME` and the names passed to its readers. */
function variablesReadByConfig(): Set<string> {
  const source = fs.readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
  const names = new Set<string>();
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/read[A-Za-z]+\(\s*env,\s*'([A-Z][A-Z0-9_]+)'/g)) names.add(match[1]!);
  return names;
}

describe('the settings table', () => {
  it('is what npm run docs:settings writes into README.md (run it after changing src/config-settings.ts)', () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withSettingsTable(readme));
  });

  it('documents every variable src/config.ts reads, and no other', () => {
    const documented = new Set(SETTINGS.flatMap((setting) => setting.names));
    const read = variablesReadByConfig();
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !documented.has(name)).sort(), 'read but not documented').toEqual([]);
    expect([...documented].filter((name) => !read.has(name)).sort(), 'documented but not read').toEqual([]);
  });
});
