import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { Nullable, StringEnum } from './schemas.js';
import { cachingSerializerFactory, withDirectNullables } from './serializer-cache.js';

const Item = Type.Object({ code: Type.String(), cents: Type.Integer() });
const Answer = Type.Object({
  text: Nullable(Type.String()),
  described: Nullable(Type.String(), { description: 'a described field' }),
  nullFirst: Type.Union([Type.Null(), Type.Integer()]),
  count: Nullable(Type.Integer()),
  ratio: Nullable(Type.Number()),
  flag: Nullable(Type.Boolean()),
  status: Nullable(StringEnum(['open', 'closed'] as const)),
  at: Nullable(Type.String({ format: 'date-time' })),
  day: Nullable(Type.String({ format: 'date' })),
  id: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
  item: Nullable(Item),
  items: Nullable(Type.Array(Item)),
  // A union of objects stays a union (validated per branch); a nullable field inside a branch must
  // still validate as null there.
  payee: Type.Union([
    Type.Object({ kind: Type.Literal('dealer'), state: Nullable(StringEnum(['CA', 'TX'] as const)) }),
    Type.Object({ kind: Type.Literal('holder'), name: Type.String() }),
  ]),
});

/** One serializer as Fastify builds it by default, and one from the caching, rewriting factory. */
function serializers(schema: object, external: Record<string, unknown> = {}) {
  const route = { method: 'GET', url: '/x', httpStatus: '200', schema };
  return {
    viaUnion: SerializerSelector()(external, {})(route),
    viaTypes: cachingSerializerFactory(external, {})(route),
  };
}

const base = {
  text: 'a "quoted" text',
  described: 'x',
  nullFirst: 3,
  count: 7,
  ratio: 1.5,
  flag: false,
  status: 'open',
  at: '2026-12-04T10:00:00.000Z',
  day: '2026-12-04',
  id: '8e1d6f0e-5a7b-4c1e-9f0a-1b2c3d4e5f60',
  item: { code: 'A', cents: 100 },
  items: [
    { code: 'A', cents: 1 },
    { code: 'B', cents: 2 },
  ],
  payee: { kind: 'dealer', state: 'CA' },
};
const allNull = {
  text: null,
  described: null,
  nullFirst: null,
  count: null,
  ratio: null,
  flag: null,
  status: null,
  at: null,
  day: null,
  id: null,
  item: null,
  items: null,
  payee: { kind: 'dealer', state: null },
};

describe('response serializers with direct nullables', () => {
  it('rewrites a nullable union of one plain type as type [T, null], keeping its keywords and annotations', () => {
    const rewritten = withDirectNullables(JSON.parse(JSON.stringify(Answer)));
    expect(rewritten.properties.text).toEqual({ type: ['string', 'null'] });
    expect(rewritten.properties.described).toEqual({
      type: ['string', 'null'],
      description: 'a described field',
    });
    expect(rewritten.properties.nullFirst).toEqual({ type: ['integer', 'null'] });
    expect(rewritten.properties.status).toEqual({ type: ['string', 'null'], enum: ['open', 'closed', null] });
    expect(rewritten.properties.at).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(rewritten.properties.item.type).toEqual(['object', 'null']);
    expect(rewritten.properties.items.type).toEqual(['array', 'null']);
    // The union of two objects stays; the nullable field in its branch is rewritten.
    expect(rewritten.properties.payee.anyOf).toHaveLength(2);
    expect(rewritten.properties.payee.anyOf[0].properties.state).toEqual({
      type: ['string', 'null'],
      enum: ['CA', 'TX', null],
    });
  });

  it('leaves the schema it is given unchanged (validation and OpenAPI use it as written)', () => {
    const schema = JSON.parse(JSON.stringify(Answer));
    const copy = JSON.parse(JSON.stringify(schema));
    withDirectNullables(schema);
    expect(schema).toEqual(copy);
  });

  it('leaves other unions alone: several types, a $ref, a const', () => {
    const schema = {
      type: 'object',
      properties: {
        several: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
        ref: { anyOf: [{ $ref: 'Problem' }, { type: 'null' }] },
        literal: { anyOf: [{ type: 'string', const: 'x' }, { type: 'null' }] },
        constrained: { anyOf: [{ type: 'string' }, { type: 'null' }], minLength: 1 },
      },
    };
    expect(withDirectNullables(schema)).toEqual(schema);
  });

  it.each([
    ['values', base],
    ['nulls', allNull],
    ['the other branch of a union of objects', { ...base, payee: { kind: 'holder', name: 'Ann' } }],
    ['a Date for a date-time', { ...base, at: new Date('2026-12-04T10:00:00Z') }],
    ['an empty array', { ...base, items: [] }],
  ])('serializes %s exactly as the union did', (_label, value) => {
    const { viaUnion, viaTypes } = serializers(Answer);
    expect(viaTypes(value)).toBe(viaUnion(value));
    expect(JSON.parse(viaTypes(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('rewrites the shared schemas a response references too', () => {
    const Shared = Type.Object(
      { note: Nullable(Type.String()), due: Nullable(Type.String()) },
      { $id: 'Shared' },
    );
    const schema = Type.Object({ shared: Type.Ref('Shared'), list: Type.Array(Type.Ref('Shared')) });
    const external = { Shared: JSON.parse(JSON.stringify(Shared)) };
    const { viaUnion, viaTypes } = serializers(schema, external);
    for (const value of [
      { shared: { note: null, due: '2026-01-01' }, list: [{ note: 'n', due: null }] },
      { shared: { note: 'x', due: null }, list: [] },
    ]) {
      expect(viaTypes(value)).toBe(viaUnion(value));
    }
  });

  it('refuses a value of the wrong type as the union did', () => {
    const { viaUnion, viaTypes } = serializers(Answer);
    const wrong = { ...base, item: 'not an object' };
    expect(() => viaUnion(wrong)).toThrow();
    expect(() => viaTypes(wrong)).toThrow();
  });
});
