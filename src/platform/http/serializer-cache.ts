// Response serializers compiled once per process for each distinct schema, instead of once per app.
//
// Fastify compiles a fast-json-stringify serializer for every response schema of every route when an
// app starts. Measured (CPU profile of three app starts on PostgreSQL, 2026-12-04): 5.1 s of 8.5 s of
// CPU went to fast-json-stringify compiling and validating the ~600 response schemas, about 1.7 s of
// each 2.6 s start. A production process builds its app once, so this changes nothing there; but
// every process that builds several apps (the test suite builds a few hundred, the bench several)
// paid it each time. A compiled serializer is a pure function of its schema, the shared schemas it
// may reference and the serializer options, so those three, as JSON, are the cache key: an app with
// different schemas gets its own serializer. Nothing another process needs is kept here.
import { createHash } from 'node:crypto';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

const compiled = new Map<string, Serializer>();
const defaultFactory = SerializerSelector();

function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('base64url');
}

/** Fastify's default serializer factory, memoized per process by (shared schemas, options, schema). */
export const cachingSerializerFactory: SerializerFactory = (externalSchemas, options) => {
  const compile = defaultFactory(externalSchemas, options);
  const context = digest([externalSchemas ?? null, options ?? null]);
  return (route) => {
    const key = `${context}:${digest(route.schema ?? null)}`;
    let serializer = compiled.get(key);
    if (!serializer) {
      serializer = compile(route);
      compiled.set(key, serializer);
    }
    return serializer;
  };
};
