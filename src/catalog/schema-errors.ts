// Turns TypeBox validation errors into short messages with JSON-pointer paths that an administrator
// can act on. TypeBox reports every branch of a union (`anyOf`) that failed; here each union keeps
// only the branch the value was evidently meant for (a nullable object that is an object, the plan
// whose `product` matches), so a typo in a VSC plan is not also reported as "must be null" noise.

import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';

// TypeBox stops collecting after `maxErrors` (a process-wide setting, 8 by default) so that hostile
// input cannot make it buffer without end. A catalog must report all its mistakes at once, so the
// limit is raised for the duration of one synchronous check, still bounded, and then restored.
const MAX_RAW_ERRORS = 1_000;

export interface SchemaError {
  /** JSON pointer into the checked document ('' is the document itself). */
  path: string;
  message: string;
}

interface RawError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Every way `value` fails `schema`, one entry per offending place and reason. */
export function schemaErrors(schema: TSchema, value: unknown): SchemaError[] {
  const previousMaxErrors = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_RAW_ERRORS });
  let collected: ReturnType<typeof Value.Errors>;
  try {
    collected = Value.Errors(schema, value);
  } finally {
    Settings.Set({ maxErrors: previousMaxErrors });
  }
  const raw = collected.map(
    (error): RawError => ({
      keyword: error.keyword,
      schemaPath: error.schemaPath,
      instancePath: error.instancePath,
      params: (error.params ?? {}) as Record<string, unknown>,
      message: error.message,
    }),
  );
  const seen = new Set<string>();
  const result: SchemaError[] = [];
  for (const error of resolveUnions(raw).flatMap(toSchemaErrors)) {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(error);
  }
  if (collected.length >= MAX_RAW_ERRORS) {
    result.push({ path: '', message: 'has more errors than are listed' });
  }
  return result;
}

/** Appends one segment to a JSON pointer, escaping `~` and `/` as RFC 6901 asks. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function isDirectChild(path: string, parent: string): boolean {
  return path.startsWith(`${parent}/`) && !path.slice(parent.length + 1).includes('/');
}

/**
 * A branch is "rejected" when the value plainly is not of that branch's kind: the wrong JSON type
 * at the union's own place, or a wrong constant in a direct property (a discriminator like
 * `product`). Such a branch says nothing about what the author meant, so its errors are dropped.
 */
function isRejected(branchErrors: readonly RawError[], unionPath: string): boolean {
  return branchErrors.some(
    (e) =>
      (e.instancePath === unionPath &&
        (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum')) ||
      (e.keyword === 'const' && isDirectChild(e.instancePath, unionPath)),
  );
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** The union branch an error came from; array items share schema paths, so the value's place must match too. */
function branchIndexOf(error: RawError, union: RawError): number | null {
  const branchPrefix = `${union.schemaPath}/anyOf/`;
  const inBranch =
    error.schemaPath.startsWith(branchPrefix) && isAtOrBelow(error.instancePath, union.instancePath);
  if (!inBranch) return null;
  const index = Number.parseInt(error.schemaPath.slice(branchPrefix.length), 10);
  return Number.isInteger(index) ? index : null;
}

function describeRejection(branches: readonly RawError[][], union: RawError): RawError {
  const allowedValues = branches.flatMap((errors) =>
    errors
      .filter((e) => e.keyword === 'const')
      .map((e) => ({ path: e.instancePath, value: e.params.allowedValue })),
  );
  const constPaths = new Set(allowedValues.map((v) => v.path));
  if (allowedValues.length === branches.length && constPaths.size === 1) {
    const [path] = constPaths;
    return {
      ...union,
      keyword: 'union',
      instancePath: path ?? union.instancePath,
      message: `must be one of: ${allowedValues.map((v) => String(v.value)).join(', ')}`,
    };
  }
  const types = branches.flatMap((errors) =>
    errors
      .filter((e) => e.keyword === 'type' && e.instancePath === union.instancePath)
      .map((e) => e.params.type),
  );
  const message = types.length > 0 ? `must be ${types.join(' or ')}` : 'does not match any allowed shape';
  return { ...union, keyword: 'union', message };
}

function resolveUnions(errors: readonly RawError[]): RawError[] {
  // Innermost unions first, so an outer union sees its branches' errors already resolved.
  const unions = errors
    .filter((e) => e.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  let current = [...errors];
  for (const union of unions) {
    if (!current.includes(union)) continue;
    const branches = new Map<number, RawError[]>();
    for (const error of current) {
      const index = branchIndexOf(error, union);
      if (index === null) continue;
      branches.set(index, [...(branches.get(index) ?? []), error]);
    }
    const inBranch = new Set([...branches.values()].flat());
    const rest = current.filter((e) => e !== union && !inBranch.has(e));
    const candidates = [...branches.values()].filter((b) => !isRejected(b, union.instancePath));
    const best = candidates.sort((a, b) => a.length - b.length)[0];
    current = best ? [...rest, ...best] : [...rest, describeRejection([...branches.values()], union)];
  }
  return current;
}

function toSchemaErrors(error: RawError): SchemaError[] {
  const path = error.instancePath;
  switch (error.keyword) {
    case 'required': {
      const names = (error.params.requiredProperties as string[] | undefined) ?? [];
      return names.map((name) => ({ path: childPointer(path, name), message: 'is required' }));
    }
    case 'additionalProperties': {
      const names = (error.params.additionalProperties as string[] | undefined) ?? [];
      return names.map((name) => ({ path: childPointer(path, name), message: 'is not an allowed property' }));
    }
    case 'boolean':
      // TypeBox repeats each additional property as a "schema is false" error; the case above covers it.
      return error.schemaPath.endsWith('/additionalProperties') ? [] : [{ path, message: error.message }];
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[] | undefined) ?? [];
      return [{ path, message: `must be one of: ${allowed.map(String).join(', ')}` }];
    }
    case 'const':
      return [{ path, message: `must be ${String(error.params.allowedValue)}` }];
    default:
      return [{ path, message: error.message }];
  }
}
