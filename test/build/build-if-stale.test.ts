// `npm start` builds only what is out of date (scripts/build-if-stale.mjs), here on a miniature
// project whose "build" scripts count their runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

it('builds when dist is missing or older than the sources, and not otherwise', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-stale-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.resolve('scripts/build-if-stale.mjs'), path.join(dir, 'scripts/build-if-stale.mjs'));
  const build = (output: string, log: string) =>
    `node -e "const fs=require('fs');fs.mkdirSync(require('path').dirname('${output}'),{recursive:true});fs.writeFileSync('${output}','x');fs.appendFileSync('${log}','built\\n')"`;
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'stale',
      private: true,
      scripts: {
        'build:server': build('dist/src/main.js', 'server.log'),
        'build:web': build('dist/web/index.html', 'web.log'),
      },
    }),
  );
  for (const file of ['src/main.ts', 'web/index.html', 'tsconfig.json', 'tsconfig.build.json']) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
  }
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of [
    'src',
    'src/main.ts',
    'web',
    'web/index.html',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ])
    fs.utimesSync(path.join(dir, entry), past, past);
  const runs = (target: string) =>
    fs.existsSync(path.join(dir, `${target}.log`))
      ? fs.readFileSync(path.join(dir, `${target}.log`), 'utf8').split('\n').length - 1
      : 0;
  const start = () => {
    const result = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  };

  expect(start()).toContain('server: not built yet');
  expect([runs('server'), runs('web')]).toEqual([1, 1]);
  expect(start()).toContain('server: up to date');
  expect([runs('server'), runs('web')]).toEqual([1, 1]);
  // A source edited after the build: only its side is built again.
  const future = new Date(Date.now() + 3_600_000);
  fs.utimesSync(path.join(dir, 'src/main.ts'), future, future);
  expect(start()).toContain('server: sources changed');
  expect([runs('server'), runs('web')]).toEqual([2, 1]);
  fs.rmSync(dir, { recursive: true, force: true });
});
