// Response serializers compiled once per process for each distinct schema, instead of once per app,
// from schemas whose nullable fields are written the way fast-json-stringify serializes directly.
//
// Fastify compiles a fast-json-stringify serializer for every response schema of every route when an
// app starts. Measured (CPU profile of three app starts on PostgreSQL, 2026-12-04): 5.1 s of 8.5 s of
// CPU went to fast-json-stringify compiling and validating the ~600 response schemas, about 1.7 s of
// each 2.6 s start. A production process builds its app once, so this changes nothing there; but
// every process that builds several apps (the test suite builds a few hundred, the bench several)
// paid it each time. A compiled serializer is a pure function of its schema, the shared schemas it
// may reference and the serializer options, so those three, as JSON, are the cache key: an app with
// different schemas gets its own serializer. Nothing another process needs is kept here.
//
// Nullable fields. The routes write a nullable field as TypeBox does, `anyOf: [S, {type: 'null'}]`
// (OpenAPI shows it so). fast-json-stringify serializes an `anyOf` by running an Ajv validation of each
// branch against the value until one matches, per value and per answer: for a nullable object (the
// coverage answer's benefits) that validates the whole object before writing it. A profile of the
// coverage lookup put ~40% of serialization there. The same field written `type: [T, 'null']` is
// serialized by a type test (`=== null`, `typeof`) and S's own serializer: the same JSON for every value
// S or null describes. So before compiling, each such union in a response schema (and in the shared
// schemas it references) is rewritten that way, on a copy: validation and the OpenAPI document keep
// the schemas as written. What the rewrite gives up is the serializer checking an answer against S's
// assertions (an enum, a format, a pattern) — the answer is the application's own data, which the
// serializer never checks elsewhere (a plain string field is written without its format checked either).
import { createHash } from 'node:crypto';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { schemasCompileEagerly } from './schema-compilation.js';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

const compiled = new Map<string, Serializer>();
const defaultFactory = SerializerSelector();

function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('base64url');
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords whose value is one schema, or an array of schemas. */
const SUBSCHEMA_KEYWORDS = [
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'prefixItems',
  'allOf',
  'anyOf',
  'oneOf',
];
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
/** Types fast-json-stringify serializes from `type: [T, 'null']` by a type test, then T's serializer. */
const DIRECT_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);
/** Keywords that make a schema more than "a value of one type" (they need a validator to serialize). */
const COMBINING_KEYWORDS = [
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
  'if',
  'then',
  'else',
  'not',
  'const',
  'nullable',
];
/** Keywords of a union besides `anyOf` that only annotate it, and so carry over to the rewritten field. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

const isNullSchema = (schema: unknown) =>
  isSchema(schema) &&
  schema.type === 'null' &&
  Object.keys(schema).every((key) => key === 'type' || ANNOTATIONS.has(key));

/**
 * `anyOf: [S, {type: 'null'}]` (either order, S one plain type) as `{...S, type: [S.type, 'null']}`,
 * with null added to S's enum if it has one (so that a validator of an enclosing union still accepts
 * null there); undefined for any other schema.
 */
function nullableRewrite(schema: Schema): Schema | undefined {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  if (!Object.keys(schema).every((key) => key === 'anyOf' || ANNOTATIONS.has(key))) return undefined;
  const nullIndex = branches.findIndex(isNullSchema);
  if (nullIndex < 0) return undefined;
  const other: unknown = branches[1 - nullIndex];
  if (!isSchema(other) || typeof other.type !== 'string' || !DIRECT_TYPES.has(other.type)) return undefined;
  if (COMBINING_KEYWORDS.some((key) => key in other)) return undefined;
  const { anyOf: _anyOf, ...annotations } = schema;
  const rewritten: Schema = { ...other, ...annotations, type: [other.type, 'null'] };
  if (Array.isArray(other.enum))
    rewritten.enum = other.enum.includes(null) ? other.enum : [...other.enum, null];
  return rewritten;
}

/**
 * A copy of a response schema with every nullable union of one plain type written as `type: [T, 'null']`
 * (see the top of this file); the schema given is not changed. Exported for its test.
 */
export function withDirectNullables<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item) => withDirectNullables(item)) as T;
  if (!isSchema(schema)) return schema;
  const source = nullableRewrite(schema) ?? schema;
  const copy: Schema = { ...source };
  for (const key of SUBSCHEMA_KEYWORDS) {
    if (key in copy) copy[key] = withDirectNullables(copy[key]);
  }
  for (const key of SCHEMA_MAP_KEYWORDS) {
    const map = copy[key];
    if (!isSchema(map)) continue;
    const mapped: Schema = {};
    for (const [name, value] of Object.entries(map)) mapped[name] = withDirectNullables(value);
    copy[key] = mapped;
  }
  return copy as T;
}

/** The shared schemas (by id), each with direct nullables. */
function withDirectNullablesEach(schemas: unknown): unknown {
  if (!isSchema(schemas)) return schemas;
  const copy: Schema = {};
  for (const [id, schema] of Object.entries(schemas)) copy[id] = withDirectNullables(schema);
  return copy;
}

/**
 * Fastify's default serializer factory over schemas with direct nullables, memoized per process by
 * (shared schemas, options, schema), each compiled at its first answer rather than when the app starts.
 *
 * Lazily: an app has a response schema for every status of every route (~600), and most of them answer
 * rarely or never in a given process (the problem documents of statuses a route seldom gives, the
 * admin's pages on a process that serves repair shops). Compiled at start they took ~1 s of CPU and left
 * their generated sources, compiled code and the garbage of compiling them in the heap of every process.
 * A serializer is a pure function of its schema, so compiling it at its first use gives the same JSON.
 */
export const cachingSerializerFactory: SerializerFactory = (externalSchemas, options) => {
  let context: string | undefined;
  let compile: ReturnType<SerializerFactory> | undefined;
  const serializerOf = (route: Parameters<ReturnType<SerializerFactory>>[0]): Serializer => {
    context ??= digest([externalSchemas ?? null, options ?? null]);
    const key = `${context}:${digest(route.schema ?? null)}`;
    let serializer = compiled.get(key);
    if (!serializer) {
      compile ??= defaultFactory(withDirectNullablesEach(externalSchemas), options);
      serializer = compile({ ...route, schema: withDirectNullables(route.schema) });
      compiled.set(key, serializer);
    }
    return serializer;
  };
  return (route) => {
    let serializer: Serializer | undefined = schemasCompileEagerly() ? serializerOf(route) : undefined;
    return ((data: unknown) => {
      serializer ??= serializerOf(route);
      return serializer(data);
    }) as Serializer;
  };
};
