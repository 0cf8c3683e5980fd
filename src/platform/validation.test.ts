// Where a NUL character sits in a request value, as the JSON pointer the 400 names.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { nulCharacterPath } from './validation.js';

describe('nulCharacterPath', () => {
  it.each([
    { name: 'no NUL anywhere', value: { a: 'x', b: [1, 'y', { c: null }] }, path: null },
    { name: 'a top-level string', value: 'a\u0000b', path: '' },
    { name: 'a field', value: { lastName: 'Ri\u0000vera' }, path: '/lastName' },
    {
      name: 'a nested field',
      value: { holder: { address: { zip: '\u0000' } } },
      path: '/holder/address/zip',
    },
    { name: 'an array item', value: { lines: [{ note: 'ok' }, { note: 'x\u0000' }] }, path: '/lines/1/note' },
    { name: 'a key with / and ~ escaped', value: { 'a/b~c': ['\u0000'] }, path: '/a~1b~0c/0' },
    { name: 'a key holding the NUL', value: { ok: 'x', 'k\u0000': 1 }, path: '/k\u0000' },
    { name: 'the first of two', value: { a: { b: '\u0000' }, c: '\u0000' }, path: '/a/b' },
    { name: 'numbers, booleans and nulls', value: [0, true, null, undefined], path: null },
  ])('$name', ({ value, path }) => {
    expect(nulCharacterPath(value)).toBe(path);
  });
});

describe('deeply nested values', () => {
  it('finds a NUL character 100,000 levels down without overflowing the stack', () => {
    let value: unknown = 'x\u0000';
    for (let level = 0; level < 100_000; level++) value = level % 2 === 0 ? [value] : { k: value };
    const path = nulCharacterPath(value);
    expect(path?.length).toBe(100_000 * 2);
    expect(nulCharacterPath(JSON.parse(`${'['.repeat(50_000)}1${']'.repeat(50_000)}`))).toBeNull();
  });
});

describe('bodies that are not JSON', () => {
  it('does not walk into a stream (a text/csv body): its object graph is cyclic', () => {
    const stream = new PassThrough();
    const cyclic = Object.assign(new PassThrough(), { self: null as unknown, text: 'x\u0000' });
    cyclic.self = cyclic;
    expect(nulCharacterPath(stream)).toBeNull();
    expect(nulCharacterPath(cyclic)).toBeNull();
    expect(nulCharacterPath({ body: cyclic })).toBeNull();
    expect(nulCharacterPath(Object.assign(Object.create(null), { q: 'a\u0000' }))).toBe('/q');
  });

  it('walks into a query string as Fastify parses it (fast-querystring: a prototype whose prototype is null)', () => {
    const empty = Object.create(null) as object;
    const query = Object.assign(Object.create(empty), { returnTo: '/staff\u0000' });
    expect(nulCharacterPath(query)).toBe('/returnTo');
  });
});
