// A migrated PGlite data folder, made once per set of migrations and reused by every in-memory test
// database: starting PGlite from an image takes 0.3 s where initdb and the migrations take 1.5 s
// (measured 2026-12-04), and the suite opens a few hundred PGlite databases.
//
// The image is a file under node_modules/.cache/coverwise/, named after a digest of the PGlite
// version and every migration's source, so a changed or added migration makes a new image and a
// stale one is never used. Writers race harmlessly: each writes its own temporary file and renames
// it into place.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';

const MIGRATIONS_DIR = path.resolve('src/platform/db/migrations');
const CACHE_DIR = path.resolve('node_modules/.cache/coverwise');

/** A digest of every migration's name and source (also names the server's template database). */
export function migrationsKey(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(name);
    hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function imageKey(): string {
  const hash = createHash('sha256');
  const pgliteManifest = path.resolve('node_modules/@electric-sql/pglite/package.json');
  hash.update(JSON.parse(fs.readFileSync(pgliteManifest, 'utf8')).version as string);
  hash.update(migrationsKey());
  return hash.digest('hex').slice(0, 16);
}

async function makeImage(file: string): Promise<void> {
  const handle = await openDatabase({ databaseUrl: null, dataDir: 'memory://', poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
    const image = await handle.dumpImage!();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, Buffer.from(await image.arrayBuffer()));
    fs.renameSync(temporary, file);
  } finally {
    await handle.close();
  }
}

let image: Promise<Blob> | null = null;

/** The migrated image (made on first use in this checkout, read from the cache after). */
export function migratedPgliteImage(): Promise<Blob> {
  image ??= (async () => {
    const file = path.join(CACHE_DIR, `pglite-migrated-${imageKey()}.tar`);
    if (!fs.existsSync(file)) await makeImage(file);
    return new Blob([fs.readFileSync(file)]);
  })();
  return image;
}

/**
 * Makes `dataDir` an embedded database folder (as `COVERWISE_DATA_DIR` names it) migrated to latest,
 * from the image: what a server's first start on an empty folder leaves, without initdb and every
 * migration. The migrations a process runs on it at start find nothing to do.
 */
export async function seedMigratedPgliteFolder(dataDir: string): Promise<void> {
  const pglite = await PGlite.create(path.join(dataDir, 'pglite'), {
    loadDataDir: await migratedPgliteImage(),
  });
  await pglite.close();
}
