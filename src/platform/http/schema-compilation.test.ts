// Every route's schemas compile: with eager compilation on, building the app compiles each validator and
// response serializer as its route is registered, so a schema that cannot compile fails here and not at
// a user's first request (in a running process they compile at first use).
import Fastify from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateOpenApiDocument } from '../../../test/support/openapi-document.js';
import { validatorCompiler } from '../validation.js';
import { compileSchemasEagerly } from './schema-compilation.js';
import { cachingSerializerFactory } from './serializer-cache.js';

beforeEach(() => compileSchemasEagerly(true));
afterEach(() => compileSchemasEagerly(false));

it('compiles the validators and serializers of every route of the app', async () => {
  await expect(generateOpenApiDocument()).resolves.toBeTruthy();
});

it('fails the build of an app whose schema cannot compile when eager; lazily the app builds', async () => {
  const build = async () => {
    const app = Fastify({
      schemaController: { compilersFactory: { buildSerializer: cachingSerializerFactory } },
    });
    app.setValidatorCompiler(validatorCompiler);
    app.post(
      '/broken',
      { schema: { body: { type: 'object', properties: { a: { $ref: '#/nowhere' } } } } },
      async () => 'ok',
    );
    await app.ready();
    return app;
  };
  await expect(build()).rejects.toThrow(/nowhere/);
  compileSchemasEagerly(false);
  const app = await build();
  await app.close();
});

it('fails the build of an app whose response schema cannot compile when eager', async () => {
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: cachingSerializerFactory } },
  });
  app.get(
    '/broken',
    { schema: { response: { 200: { type: 'object', properties: { a: { $ref: '#/nowhere' } } } } } },
    async () => ({ a: 1 }),
  );
  await expect(app.ready()).rejects.toThrow(/nowhere/);
});
