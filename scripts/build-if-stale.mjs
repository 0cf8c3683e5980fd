#!/usr/bin/env node
// `npm start` builds only what is out of date: the server when anything under src/ (or the TypeScript
// settings or the installed packages) is newer than dist/src/main.js, the web app when anything
// under web/ is newer than dist/web/index.html. A second start with nothing changed builds nothing.
// Plain JavaScript so that it runs before anything is built.
//   node scripts/build-if-stale.mjs [server] [web]     (both when none is named)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time among `paths` (files, and folders walked; a folder's own time counts a deletion). */
function newest(paths) {
  let latest = 0;
  const visit = (entry) => {
    let stat;
    try {
      stat = fs.statSync(entry);
    } catch {
      return;
    }
    latest = Math.max(latest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  for (const entry of paths) visit(path.join(root, entry));
  return latest;
}

function builtAt(output) {
  try {
    return fs.statSync(path.join(root, output)).mtimeMs;
  } catch {
    return 0;
  }
}

const shared = ['package.json', 'package-lock.json', 'tsconfig.json'];
const targets = {
  server: {
    inputs: ['src', 'tsconfig.build.json', ...shared],
    output: 'dist/src/main.js',
    script: 'build:server',
  },
  web: { inputs: ['web', ...shared], output: 'dist/web/index.html', script: 'build:web' },
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(targets)) {
  const target = targets[name];
  if (!target) {
    console.error(`build-if-stale: unknown target "${name}" (server, web)`);
    process.exit(2);
  }
  const built = builtAt(target.output);
  if (built > 0 && newest(target.inputs) <= built) {
    console.log(`${name}: up to date (${target.output})`);
    continue;
  }
  console.log(`${name}: ${built === 0 ? 'not built yet' : 'sources changed'}; npm run ${target.script}`);
  const result = spawnSync('npm', ['run', target.script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
