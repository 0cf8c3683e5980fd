// The shape a catalog draft must keep while it is unfinished. A draft may have values missing or not
// yet valid (the validator lists them, and publishing refuses them), but where the catalog schema has a
// list the draft has a list, and where it has an object the draft has an object: the editor walks those
// containers, and a draft of another shape (saved through the API) could not be opened to be fixed.
import type { TSchema } from 'typebox';
import { CatalogSchema } from './catalog.schema.js';

type Walkable = TSchema & {
  type?: string;
  properties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
};

/** Whether an object value has every constant property of an object branch (e.g. product: 'vsc'). */
function namesBranch(branch: TSchema, value: unknown): boolean {
  const properties = Object.entries((branch as Walkable).properties ?? {}).filter(
    ([, property]) => 'const' in property,
  );
  if (properties.length === 0 || typeof value !== 'object' || value === null) return false;
  return properties.every(
    ([name, property]) => (value as Record<string, unknown>)[name] === (property as { const: unknown }).const,
  );
}

/** The first place (a JSON path) where `value` has another container shape than `schema`, or null. */
function misshapen(schema: TSchema, value: unknown, path: string): string | null {
  const s = schema as Walkable;
  if (value === undefined || value === null) return null;
  if (s.anyOf) {
    // A union of objects told apart by a constant (a plan's product): the branch the value names. A
    // value that names none (an unfinished plan) may take the shape of any branch.
    const named = s.anyOf.filter((branch) => namesBranch(branch, value));
    const candidates = (named.length > 0 ? named : s.anyOf).map((branch) => misshapen(branch, value, path));
    return candidates.includes(null) ? null : (candidates[0] ?? null);
  }
  if (s.type === 'array') {
    if (!Array.isArray(value)) return path;
    for (const [index, item] of value.entries()) {
      const found = s.items ? misshapen(s.items, item, `${path}[${index}]`) : null;
      if (found) return found;
    }
    return null;
  }
  if (s.type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return path;
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      const found = misshapen(
        property,
        (value as Record<string, unknown>)[name],
        path ? `${path}.${name}` : name,
      );
      if (found) return found;
    }
  }
  return null;
}

/** Where the draft document is not shaped like a catalog (a JSON path under `document`), or null. */
export function draftShapeProblem(document: object): string | null {
  const found = misshapen(CatalogSchema, document, '');
  return found === null ? null : found === '' ? 'document' : `document.${found}`;
}
