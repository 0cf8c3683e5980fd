// The nesting bound of JSON bodies, checked before parsing; property: it agrees with the depth of the
// parsed value for any JSON text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from './json-body.js';

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value as object).map(depthOf));
}

describe('jsonNestsDeeperThan', () => {
  it.each([
    { text: '1', limit: 0, deeper: false },
    { text: '[]', limit: 0, deeper: true },
    { text: '[[1]]', limit: 2, deeper: false },
    { text: '[[[1]]]', limit: 2, deeper: true },
    { text: '{"a":"[[[[[[[["}', limit: 1, deeper: false },
    { text: '{"a":"\\"[[["}', limit: 1, deeper: false },
    { text: '[{}, {}, {}, []]', limit: 2, deeper: false },
    { text: `${'['.repeat(8000)}1${']'.repeat(8000)}`, limit: 32, deeper: true },
  ])('$text within $limit: $deeper', ({ text, limit, deeper }) => {
    expect(jsonNestsDeeperThan(text, limit)).toBe(deeper);
  });

  it('agrees with the depth of the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        expect(jsonNestsDeeperThan(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { seed: 17 },
    );
  });
});
