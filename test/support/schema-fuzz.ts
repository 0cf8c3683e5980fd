// A schema-driven fuzzer over the served OpenAPI document, in the manner of Schemathesis: for every
// operation it builds requests whose body, query and path parameters first fit the operation's schemas
// and are then mutated at one place (wrong types, bounds ± 1, huge and deeply nested values, dates at the
// edges of the calendar, unicode, unknown and missing fields). The generators know nothing of a route
// but its schema, and a pool of real ids and facts to put in the places that want them.
import fc from 'fast-check';

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  const?: unknown;
  format?: string;
  pattern?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  $ref?: string;
};

export interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, e.g. /api/v1/contracts/{id}. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, when the operation takes JSON. */
  body: Schema | null;
  /** The operation takes a body of another kind (multipart, CSV). */
  otherBody: boolean;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** Every operation of the document, with its parameters and JSON body schema. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = operation.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: content['application/json']?.schema ?? null,
        otherBody: Object.keys(content).some((type) => type !== 'application/json'),
      });
    }
  }
  return operations;
}

/** Known-good values the generators put where a field's name asks for them (ids, VINs, names). */
export interface Hints {
  /** Real ids of the database, for uuid fields and path parameters. */
  ids: readonly string[];
  /** Values by field name (e.g. vin, lastName, zip, componentGroup). */
  byName: Readonly<Record<string, readonly unknown[]>>;
}

// Values that sit at the edges of what a field can hold.
const DATE_EDGES = [
  '0000-01-01',
  '0001-01-01',
  '1899-12-31',
  '1900-01-01',
  '1969-12-31',
  '1970-01-01',
  '2024-02-29',
  '2023-02-29',
  '2026-02-30',
  '2026-13-01',
  '2038-01-19',
  '2199-12-31',
  '2200-01-01',
  '9999-12-31',
  '+275760-09-13',
  '2026-1-1',
  '2026-11-25T00:00:00Z',
];
const UNICODE = [
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  '\ud83d\ude97\ud83d\udca5',
  '\ud800',
  'e\u0301\u0301\u0301',
  '\u200b\ufeff',
  '𝕍𝕀ℕ𝟙𝟚𝟛',
  'Ωmega',
  'ǅ',
  '\r\n\t',
  "'; drop table contracts; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%2e%2e',
  '$' + '{jndi:ldap://x}',
];
const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, '', '1', 'true', [], {}, [1], { a: 1 }];
const NUMBER_EDGES = [
  -1,
  -0,
  0,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
];
const UUID_MUTANTS = [
  'abc',
  '1',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{6f1d4f33-2c1e-4a55-9a3e-3f5f0e1f2a3b}',
  '6F1D4F33-2C1E-4A55-9A3E-3F5F0E1F2A3B',
  '6f1d4f332c1e4a559a3e3f5f0e1f2a3b',
  `${'a'.repeat(101)}`,
];

/**
 * Stands for JSON nested 8,000 levels deep ("[" × 8000 …, 16 KB): the test's own JSON.stringify (and
 * fast-check's reporting) would overflow on such a value, so it is spliced in as text by toJsonText.
 */
export const DEEP_JSON = '\uf8ff<8000 nested arrays>';
const DEEP_JSON_TEXT = `${'['.repeat(8_000)}1${']'.repeat(8_000)}`;

/** The JSON text of a generated body, with DEEP_JSON spliced in as real nesting. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(DEEP_JSON), DEEP_JSON_TEXT);
}

function nested(value: unknown, levels: number, asObject: boolean): unknown {
  let result = value;
  for (let level = 0; level < levels; level++) result = asObject ? { a: result } : [result];
  return result;
}

export class SchemaFuzzer {
  constructor(
    private readonly components: Record<string, Schema>,
    private readonly hints: Hints,
  ) {}

  resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 10; hops++)
      current = this.components[current.$ref.split('/').pop()!] ?? {};
    if (current.allOf && current.allOf.length === 1) return this.resolve(current.allOf[0]!);
    return current;
  }

  private typeOf(schema: Schema): string | undefined {
    if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
    if (schema.type) return schema.type;
    if (schema.properties) return 'object';
    return undefined;
  }

  /** Values that fit the schema, with the field's name as a hint for known-good values. */
  valid(raw: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const fitting = this.fitting(schema, name, depth);
    return schema.nullable ? fc.oneof({ weight: 5, arbitrary: fitting }, fc.constant(null)) : fitting;
  }

  private fitting(schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
    const options = schema.anyOf ?? schema.oneOf;
    if (options && options.length > 0)
      return fc.oneof(...options.map((option) => this.valid(option, name, depth)));
    const hinted = this.hints.byName[name];
    const plain = this.plain(schema, name, depth);
    return hinted && hinted.length > 0
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: plain })
      : plain;
  }

  private plain(schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    switch (this.typeOf(schema)) {
      case 'object': {
        if (depth > 6) return fc.constant({});
        const required = new Set(schema.required ?? []);
        const entries = Object.entries(schema.properties ?? {});
        const model = Object.fromEntries(
          entries.map(([key, property]) => [key, this.valid(property, key, depth + 1)]),
        );
        return fc.record(model, {
          requiredKeys: entries.map(([key]) => key).filter((key) => required.has(key)),
        });
      }
      case 'array': {
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
        const item = depth > 6 ? fc.constant(null) : this.valid(schema.items ?? {}, name, depth + 1);
        return schema.uniqueItems
          ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
          : fc.array(item, { minLength, maxLength });
      }
      case 'integer': {
        const [min, max] = this.bounds(schema, -1_000_000, 1_000_000);
        return fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min, max }) },
          { weight: 1, arbitrary: fc.constantFrom(min, max) },
        );
      }
      case 'number': {
        const [min, max] = this.bounds(schema, -1_000_000, 1_000_000);
        return fc.oneof(
          fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
          fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
          fc.constantFrom(min, max),
        );
      }
      case 'boolean':
        return fc.boolean();
      case 'string':
        return this.validString(schema);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private bounds(schema: Schema, low: number, high: number): [number, number] {
    let min = schema.minimum ?? low;
    let max = schema.maximum ?? high;
    if (typeof schema.exclusiveMinimum === 'number') min = schema.exclusiveMinimum + 1;
    else if (schema.exclusiveMinimum === true) min += 1;
    if (typeof schema.exclusiveMaximum === 'number') max = schema.exclusiveMaximum - 1;
    else if (schema.exclusiveMaximum === true) max -= 1;
    return [min, Math.max(min, max)];
  }

  private validString(schema: Schema): fc.Arbitrary<unknown> {
    const minLength = schema.minLength ?? 0;
    const maxLength = schema.maxLength ?? 60;
    const fits = (value: string) => value.length >= minLength && value.length <= maxLength;
    switch (schema.format) {
      case 'uuid':
        return this.hints.ids.length > 0
          ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...this.hints.ids) }, fc.uuid())
          : fc.uuid();
      case 'date':
        if (!schema.pattern) return fc.integer({ min: 0, max: 109_572 }).map((days) => isoDay(days));
        break;
      case 'date-time':
        return fc
          .date({
            min: new Date('2000-01-01T00:00:00Z'),
            max: new Date('2100-01-01T00:00:00Z'),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString());
      case 'email':
        return fc.emailAddress().filter(fits);
      case 'uri':
        return fc.webUrl().filter(fits);
    }
    if (schema.pattern) {
      if (schema.pattern.startsWith('^(19|20|21)'))
        return fc.integer({ min: 0, max: 109_572 }).map((days) => isoDay(days));
      // Only the schema's own bounds: a pattern such as ^[0-9a-f]{64}$ fixes a length beyond the default
      // cap, and filtering by that cap would reject every value fast-check makes (a loop with no end).
      const maxDeclared = schema.maxLength ?? Number.POSITIVE_INFINITY;
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((value) => value.length >= minLength && value.length <= maxDeclared);
    }
    return fc.oneof(
      fc.string({ minLength, maxLength: Math.min(maxLength, 30) }),
      fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 30) }).filter(fits),
      fc.constantFrom(...UNICODE).filter(fits),
    );
  }

  /** Values of the schema's field that the schema (or the rules behind it) should refuse or judge. */
  mutants(raw: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const type = this.typeOf(schema);
    // Edges of the field's own kind first (bounds ± 1, calendar edges for dates, non-ids for ids).
    const specific: unknown[] = [];
    if (type === 'integer' || type === 'number') {
      specific.push(...NUMBER_EDGES);
      if (schema.minimum !== undefined)
        specific.push(schema.minimum, schema.minimum - 1, schema.minimum - 0.5);
      if (schema.maximum !== undefined)
        specific.push(schema.maximum, schema.maximum + 1, schema.maximum + 0.5);
    } else if (type === 'string') {
      const dateLike = schema.format === 'date' || /\\d\{4\}|\(19\|/.test(schema.pattern ?? '');
      if (dateLike) specific.push(...DATE_EDGES);
      else if (schema.format === 'uuid') specific.push(...UUID_MUTANTS);
      else {
        specific.push(...UNICODE, 'x'.repeat(100_000), 'Ω'.repeat(20_000));
        if (schema.maxLength !== undefined)
          specific.push(
            'x'.repeat(schema.maxLength),
            'x'.repeat(schema.maxLength + 1),
            'é'.repeat(schema.maxLength + 1),
          );
        if (schema.minLength !== undefined && schema.minLength > 0)
          specific.push('x'.repeat(schema.minLength - 1));
      }
    } else if (type === 'array') {
      specific.push([]);
      if (schema.maxItems !== undefined && schema.maxItems < 1000) {
        const [item] = fc.sample(this.valid(schema.items ?? {}), { numRuns: 1, seed: 1 });
        specific.push(Array(schema.maxItems + 1).fill(item));
      }
    } else if (type === 'object') {
      specific.push({ __proto__: { isAdmin: true } }, JSON.parse('{"__proto__":{"x":1}}'), {
        constructor: { prototype: {} },
      });
    }
    return fc.oneof(
      ...(specific.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...specific) }] : []),
      { weight: 2, arbitrary: fc.constantFrom(...WRONG_TYPES, ...UNICODE.slice(0, 4)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          nested('x', 40, true),
          nested(1, 33, false),
          nested({}, 31, false),
          DEEP_JSON,
        ),
      },
      {
        weight: 1,
        arbitrary: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer(), fc.double()),
      },
    );
  }

  /** A value of the schema that is valid, or valid but for one place (a field, an item, the whole). */
  validThenMutated(raw: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    return this.valid(schema).chain((value) => {
      const places = this.placesOf(value, schema, [], 0);
      return fc.oneof(
        { weight: 1, arbitrary: fc.constant(value) },
        {
          weight: 4,
          arbitrary: fc.constantFrom(...places).chain((place) =>
            fc.oneof(
              {
                weight: 6,
                arbitrary: this.mutants(place.schema).map((mutant) => replaceAt(value, place.path, mutant)),
              },
              { weight: 1, arbitrary: fc.constant(withUnknownField(value, place.path)) },
              { weight: 1, arbitrary: fc.constant(withoutField(value, place.path)) },
            ),
          ),
        },
      );
    });
  }

  private placesOf(
    value: unknown,
    raw: Schema,
    path: (string | number)[],
    depth: number,
  ): { path: (string | number)[]; schema: Schema }[] {
    const schema = this.resolve(raw);
    const places = [{ path, schema }];
    if (depth > 6 || value === null || typeof value !== 'object') return places;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        places.push(...this.placesOf(item, schema.items ?? {}, [...path, index], depth + 1));
      });
      return places;
    }
    const options = schema.anyOf ?? schema.oneOf;
    const objectSchema = options
      ? (options.map((o) => this.resolve(o)).find((o) => o.properties) ?? schema)
      : schema;
    for (const [key, item] of Object.entries(value)) {
      const property = objectSchema.properties?.[key] ?? {};
      places.push(...this.placesOf(item, property, [...path, key], depth + 1));
    }
    return places;
  }
}

function isoDay(daysAfter1900: number): string {
  return new Date(Date.UTC(1900, 0, 1 + daysAfter1900)).toISOString().slice(0, 10);
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : structuredClone(value);
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = clone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

function withUnknownField(value: unknown, path: (string | number)[]): unknown {
  const copy = clone(value);
  let node = copy as Record<string | number, unknown>;
  for (const key of path) node = node[key] as Record<string | number, unknown>;
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) node.isAdmin = true;
  else return replaceAt(value, path, { isAdmin: true });
  return copy;
}

function withoutField(value: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return undefined;
  const copy = clone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

/** A parameter's value as text on the wire (query strings and paths are text). */
export function asText(value: unknown): string {
  if (value === DEEP_JSON) return DEEP_JSON_TEXT;
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return typeof value === 'object' ? toJsonText(value) : String(value);
}

/** encodeURIComponent that cannot throw: a lone surrogate becomes U+FFFD, as a browser would send it. */
export function encodeText(value: string): string {
  return encodeURIComponent(
    value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}
