// The catalog is versioned: publishing a change creates a new version, and each contract keeps the
// version it was sold under so every later decision uses the rules it was sold with. Versions are
// immutable, so a process may keep parsed versions in memory; which version is current is always
// read from the database (another process may have published a newer one).

import type { Kysely, Transaction } from 'kysely';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, transactional } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import {
  findCatalogVersion,
  findLatestCatalogVersionNumber,
  insertCatalogVersion,
} from './catalog.repository.js';
import type { Catalog } from './catalog.schema.js';
import { validateCatalog } from './catalog.validation.js';
import { loadDefaultCatalog } from './default-catalog.js';
import { type EffectiveTerms, resolveTerms } from './effective-terms.js';

export interface CatalogVersion {
  version: number;
  catalog: Catalog;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
}

const MAX_CACHED_VERSIONS = 50;

export function createCatalogService(deps: { db: Kysely<Database> }) {
  const { db } = deps;
  const parsed = new Map<number, CatalogVersion>();
  // Versions never change, so the terms resolved from one are kept too (bounded).
  const resolved = new Map<string, EffectiveTerms | null>();

  function remember(entry: CatalogVersion): CatalogVersion {
    if (parsed.size >= MAX_CACHED_VERSIONS) parsed.delete(parsed.keys().next().value as number);
    parsed.set(entry.version, entry);
    return entry;
  }

  function parse(row: {
    version: number;
    document: unknown;
    publishedAt: string;
    publishedBy: string;
    note: string | null;
  }) {
    const result = validateCatalog(row.document);
    if (!result.ok)
      throw new Error(`Stored catalog version ${row.version} is not valid: ${result.errors[0]?.message}`);
    return remember({ ...row, catalog: result.catalog });
  }

  /** Loads the checked-in default catalog as version 1 into a database that has none. */
  async function ensureDefault(): Promise<void> {
    await transactional(db)(async (trx) => {
      if ((await findLatestCatalogVersionNumber(trx)) !== undefined) return;
      await insertCatalogVersion(trx, {
        version: 1,
        document: loadDefaultCatalog(),
        publishedBy: SYSTEM_ACTOR.label,
        note: 'default catalog (src/catalog/default-catalog.json)',
      });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'catalog.published',
        entityType: 'catalog',
        entityId: '1',
        reason: 'default catalog loaded into an empty database',
      });
    });
  }

  /** What current() last answered in this process: a hint, never taken as current without a check. */
  let lastCurrent: CatalogVersion | null = null;

  async function current(executor: Kysely<Database> = db): Promise<CatalogVersion> {
    // The number alone is read on every call; the document (the whole catalog as JSON) only when this
    // process has not parsed that version yet.
    const version = await findLatestCatalogVersionNumber(executor);
    const row =
      version === undefined || parsed.has(version) ? undefined : await findCatalogVersion(executor, version);
    const entry = version === undefined ? undefined : (parsed.get(version) ?? (row && parse(row)));
    if (!entry) throw new AppError('service_unavailable', 'No catalog has been published yet.');
    lastCurrent = entry;
    return entry;
  }

  /**
   * The version current() last answered here, without reading the database (read once when there is
   * none). Another process may have published since: a caller must check, in the statement that
   * writes what it priced, that this is still the latest version, and call current() when it is not
   * (the rating does: src/rating/rate.repository.ts insertQuoteIfCurrent).
   */
  async function lastKnownCurrent(): Promise<CatalogVersion> {
    return lastCurrent ?? current();
  }

  async function byVersion(version: number, executor: Kysely<Database> = db): Promise<CatalogVersion> {
    const cached = parsed.get(version);
    if (cached) return cached;
    const row = await findCatalogVersion(executor, version);
    if (!row) throw new Error(`Catalog version ${version} does not exist`);
    return parse(row);
  }

  /** Validates and publishes a new version; a bad catalog is refused whole, with every reason. */
  async function publish(
    trx: Transaction<Database>,
    document: unknown,
    actor: Actor,
    note: string | null,
    requestId: string,
  ): Promise<CatalogVersion> {
    const result = validateCatalog(document);
    if (!result.ok) {
      throw new AppError(
        'invalid_catalog',
        `The catalog was refused: ${result.errors.length} problem(s), the first at ${result.errors[0]?.path || '/'}: ${result.errors[0]?.message}`,
        { errors: result.errors.slice(0, 200) },
      );
    }
    const version = ((await findLatestCatalogVersionNumber(trx)) ?? 0) + 1;
    await insertCatalogVersion(trx, { version, document: result.catalog, publishedBy: actor.label, note });
    await recordAudit(trx, {
      actor,
      action: 'catalog.published',
      entityType: 'catalog',
      entityId: String(version),
      reason: note,
      requestId,
    });
    const stored = await findCatalogVersion(trx, version);
    return remember({
      version,
      catalog: result.catalog,
      publishedAt: stored?.publishedAt ?? '',
      publishedBy: actor.label,
      note,
    });
  }

  /** The effective terms of a plan sold in a state under a catalog version (null: no such plan). */
  async function termsFor(
    version: number,
    planCode: string,
    purchaseState: string,
    executor: Kysely<Database> = db,
  ): Promise<{ terms: EffectiveTerms | null; catalog: Catalog }> {
    const entry = await byVersion(version, executor);
    const key = `${version}\n${planCode}\n${purchaseState}`;
    if (!resolved.has(key)) {
      if (resolved.size > 5_000) resolved.clear();
      resolved.set(key, resolveTerms(entry.catalog, planCode, purchaseState));
    }
    return { terms: resolved.get(key) ?? null, catalog: entry.catalog };
  }

  /** POST /catalog: publishes a new version; answers its number and when it was published. */
  async function publishVersion(
    trx: Transaction<Database>,
    document: unknown,
    actor: Actor,
    note: string | null,
    requestId: string,
  ): Promise<{ version: number; publishedAt: string }> {
    const published = await publish(trx, document, actor, note, requestId);
    return { version: published.version, publishedAt: published.publishedAt };
  }

  return {
    ensureDefault,
    current,
    lastKnownCurrent,
    byVersion,
    publish: asUseCase(publishVersion),
    termsFor,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
