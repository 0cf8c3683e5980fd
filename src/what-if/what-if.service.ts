// The rule what-if as a use case: the draft is validated like a published catalog, compared with the
// current one (what-if.ts, pure), and only the plan-and-state pairs that differ are costed over the
// portfolio (what-if.repository.ts); sample vehicles are rated under both catalogs (rating-changes.ts,
// pure). Read-only: nothing is stored.
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/catalog.schema.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { validateCatalog } from '../catalog/catalog.validation.js';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { compareRating } from './rating-changes.js';
import {
  changedPairs,
  claimsLookbackStart,
  groupChangedTerms,
  noDifference,
  type WhatIfResult,
  whatIfResult,
} from './what-if.js';
import {
  countContractsOnChangedTerms,
  refundTotalsOnChangedTerms,
  rentalTotalsOnChangedTerms,
} from './what-if.repository.js';

/** The effect of `draft` replacing `current` for every contract, as of `today`. */
export async function runWhatIf(
  db: Kysely<Database>,
  input: { current: Catalog; draft: Catalog; today: CalendarDate },
): Promise<WhatIfResult> {
  const { today } = input;
  const pairs = changedPairs(input.current, input.draft);
  const changedTerms = groupChangedTerms(input.current, input.draft, pairs);
  const rating = compareRating(input.current, input.draft, today);
  if (pairs.length === 0) return noDifference(today, changedTerms, rating);
  const terms = await countContractsOnChangedTerms(db, pairs, today);
  const refunds = await refundTotalsOnChangedTerms(db, pairs, today);
  const rentals = await rentalTotalsOnChangedTerms(db, pairs, claimsLookbackStart(today));
  return whatIfResult(today, changedTerms, { terms, refunds, rentals }, rating);
}

/**
 * The what-if of a draft document against the current catalog version: 422 invalid_catalog with every
 * error when the draft would not publish.
 */
export async function whatIfOfDraft(
  deps: { db: Kysely<Database>; catalog: CatalogService; today: () => CalendarDate },
  document: unknown,
): Promise<WhatIfResult & { catalogVersion: number }> {
  const validation = validateCatalog(document);
  if (!validation.ok) {
    throw new AppError(
      'invalid_catalog',
      `The draft catalog is not valid: ${validation.errors.length} problem(s), the first at ${validation.errors[0]?.path || '/'}: ${validation.errors[0]?.message}`,
      { param: 'document', errors: validation.errors.slice(0, 200) },
    );
  }
  const current = await deps.catalog.current();
  const result = await runWhatIf(deps.db, {
    current: current.catalog,
    draft: validation.catalog,
    today: deps.today(),
  });
  return { catalogVersion: current.version, ...result };
}
