// The catalog editor (issue 19): one shared draft of the next catalog version. Saving never refuses
// an unfinished draft — it answers the catalog validator's own messages, so the editor can show them
// beside the fields as they are typed — but publishing validates like any catalog version. A save
// names the revision it was based on; one based on an older copy is refused (409
// catalog_draft_changed), never silently lost over a colleague's edit. Publishing names the current
// version the administrator compared the draft with, so what is published is the diff they saw.
import type { Kysely, Transaction } from 'kysely';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, joining, transactional } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import type { CatalogService } from './catalog.service.js';
import { type CatalogError, validateCatalog } from './catalog.validation.js';
import { type CatalogChange, diffCatalogs } from './catalog-diff.js';
import {
  deleteCatalogDraft,
  findCatalogDraft,
  lockCatalogDraft,
  writeCatalogDraft,
} from './catalog-draft.repository.js';
import { draftShapeProblem } from './draft-shape.js';

export interface CatalogDraftView {
  baseVersion: number;
  currentVersion: number;
  revision: number;
  updatedBy: string;
  updatedAt: string;
  document: unknown;
  /** Every reason the draft could not be published yet (empty when it could). */
  errors: CatalogError[];
  /** What the draft changes against the current version. */
  changes: CatalogChange[];
}

export function createCatalogDraftService(deps: {
  db: Kysely<Database>;
  catalog: CatalogService;
  clock: Clock;
}) {
  const { db, catalog, clock } = deps;

  async function view(executor: Kysely<Database>): Promise<CatalogDraftView | null> {
    const draft = await findCatalogDraft(executor);
    if (!draft) return null;
    const current = await catalog.current(executor);
    const validation = validateCatalog(draft.document);
    return {
      baseVersion: draft.baseVersion,
      currentVersion: current.version,
      revision: draft.revision,
      updatedBy: draft.updatedBy,
      updatedAt: draft.updatedAt,
      document: draft.document,
      errors: validation.ok ? [] : validation.errors.slice(0, 500),
      changes: diffCatalogs(current.catalog, draft.document),
    };
  }

  async function get(): Promise<CatalogDraftView> {
    const draft = await view(db);
    if (!draft) {
      throw new AppError(
        'no_catalog_draft',
        'Nobody has started a catalog draft. Start one from the current version.',
      );
    }
    return draft;
  }

  /**
   * Saves the draft. `revision` is the revision the editor was showing (null for a new draft: it
   * starts from the current version, or from `document` when given).
   */
  async function save(
    input: { document?: unknown; revision: number | null },
    actor: Actor,
    requestId: string,
  ): Promise<CatalogDraftView> {
    return transactional(db)(async (trx) => {
      await lockCatalogDraft(trx);
      const existing = await findCatalogDraft(trx);
      const current = await catalog.current(trx);
      if ((existing?.revision ?? null) !== input.revision) {
        throw new AppError(
          'catalog_draft_changed',
          existing
            ? `${existing.updatedBy} saved the draft at ${existing.updatedAt} (revision ${existing.revision}). Reload it to see their change, then make yours again.`
            : 'The draft was discarded or published since you opened it. Start a new draft.',
          { param: 'revision' },
        );
      }
      const document = input.document ?? existing?.document ?? current.catalog;
      if (typeof document !== 'object' || document === null || Array.isArray(document)) {
        throw new AppError('validation_failed', 'The draft must be a catalog document (a JSON object).', {
          param: 'document',
        });
      }
      const misshapen = draftShapeProblem(document);
      if (misshapen)
        throw new AppError(
          'validation_failed',
          `The draft must keep the catalog's shape: ${misshapen} is not the list or object a catalog has there.`,
          { param: misshapen },
        );
      await writeCatalogDraft(trx, {
        baseVersion: existing?.baseVersion ?? current.version,
        document,
        revision: (existing?.revision ?? 0) + 1,
        updatedBy: actor.label,
        updatedAt: clock.now(),
      });
      if (!existing) {
        await recordAudit(trx, {
          actor,
          action: 'catalog.draft_started',
          entityType: 'catalog',
          entityId: String(current.version + 1),
          data: { baseVersion: current.version },
          requestId,
        });
      }
      return (await view(trx))!;
    });
  }

  async function discard(actor: Actor, reason: string | null, requestId: string): Promise<void> {
    await transactional(db)(async (trx) => {
      await lockCatalogDraft(trx);
      const existing = await findCatalogDraft(trx);
      if (!existing || !(await deleteCatalogDraft(trx))) {
        throw new AppError('no_catalog_draft', 'There is no catalog draft to discard.');
      }
      await recordAudit(trx, {
        actor,
        action: 'catalog.draft_discarded',
        entityType: 'catalog',
        entityId: String(existing.baseVersion + 1),
        reason,
        data: { revision: existing.revision },
        requestId,
      });
    });
  }

  /** Publishes the draft as the next version (in the caller's transaction: the idempotent POST's). */
  async function publish(
    trx: Transaction<Database>,
    input: { note: string; currentVersion: number; revision: number },
    actor: Actor,
    requestId: string,
  ): Promise<{ version: number; publishedAt: string }> {
    await lockCatalogDraft(trx);
    const existing = await findCatalogDraft(trx);
    if (!existing) throw new AppError('no_catalog_draft', 'There is no catalog draft to publish.');
    if (existing.revision !== input.revision) {
      throw new AppError(
        'catalog_draft_changed',
        `${existing.updatedBy} saved the draft at ${existing.updatedAt} since you reviewed it. Review the changes again before publishing.`,
        { param: 'revision' },
      );
    }
    const current = await catalog.current(trx);
    if (current.version !== input.currentVersion) {
      throw new AppError(
        'catalog_draft_outdated',
        `Version ${current.version} was published since you compared the draft with version ${input.currentVersion}. Review the changes against version ${current.version} before publishing.`,
        { param: 'currentVersion' },
      );
    }
    const published = await catalog.publish(joining(trx), existing.document, actor, input.note, requestId);
    await deleteCatalogDraft(trx);
    return { version: published.version, publishedAt: published.publishedAt };
  }

  return { get, save, discard, publish: asUseCase(publish) };
}

export type CatalogDraftService = ReturnType<typeof createCatalogDraftService>;
