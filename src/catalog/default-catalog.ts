// The default catalog shipped with Coverwise (docs/domain.md's defaults as data, default-catalog.json),
// used to seed an empty database; a stored catalog version is what contracts are decided from.

import type { Catalog } from './catalog.schema.js';
import { validateCatalog } from './catalog.validation.js';
import document from './default-catalog.json' with { type: 'json' };

/** A fresh, validated copy of the checked-in default catalog; throws if the file was broken (a build error). */
export function loadDefaultCatalog(): Catalog {
  const result = validateCatalog(structuredClone(document));
  if (!result.ok) {
    const reasons = result.errors.map((error) => `${error.path || '/'} ${error.message}`).join('; ');
    throw new Error(`default-catalog.json is not a valid catalog: ${reasons}`);
  }
  return result.catalog;
}
