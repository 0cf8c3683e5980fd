// Writes README's settings table from src/config-settings.ts (between the settings markers).
//   npm run docs:settings            rewrite README.md
//   npm run docs:settings -- --check exit 1 when README.md is out of date
import fs from 'node:fs';
import { withSettingsTable } from '../src/config-settings.js';

const readme = fs.readFileSync('README.md', 'utf8');
const updated = withSettingsTable(readme);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md settings table is out of date: run npm run docs:settings');
    process.exit(1);
  }
  console.log('README.md settings table is up to date');
} else if (updated !== readme) {
  fs.writeFileSync('README.md', updated);
  console.log('README.md settings table written');
} else console.log('README.md settings table already up to date');
