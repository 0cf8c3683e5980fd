import { describe, expect, it } from 'vitest';
import { planIsEmpty, planSearch } from './search-query.js';

describe('planSearch: what a staff search query may mean', () => {
  it.each([
    ['CW-2026-000123', { number: 'CW-2026-000123', vinSuffix: null, phoneDigits: null, name: null }],
    ['rc-2026-000001', { number: 'RC-2026-000001', vinSuffix: null, phoneDigits: null, name: null }],
    ['1HGCM82633A004352', { number: '1HGCM82633A004352', vinSuffix: '1HGCM82633A004352', name: null }],
    ['004352', { number: '004352', vinSuffix: '004352', phoneDigits: null, name: null }],
    ['a004352', { vinSuffix: 'A004352' }],
    ['12345', { vinSuffix: null, phoneDigits: null }],
    ['(816) 555-0142', { number: null, vinSuffix: null, phoneDigits: '8165550142', name: null }],
    ['+1 816 555 0142', { phoneDigits: '8165550142' }],
    ['816.555.0142', { phoneDigits: '8165550142' }],
    ['555-0142', { phoneDigits: null }],
    [
      'Delgado',
      { number: null, vinSuffix: null, phoneDigits: null, name: { lastKey: 'delgado', firstPrefix: null } },
    ],
    ['Rosa Delgado', { name: { lastKey: 'delgado', firstPrefix: 'rosa' } }],
    ['Delgado, Rosa', { name: { lastKey: 'delgado', firstPrefix: 'rosa' } }],
    ['  rosa   núñez ', { name: { lastKey: 'nunez', firstPrefix: 'rosa' } }],
    ["O'Brien", { name: { lastKey: 'obrien', firstPrefix: null } }],
  ])('%s', (query, expected) => {
    expect(planSearch(query)).toMatchObject(expected);
  });

  it.each(['x', '??', '%%', '12', 'a_b'])('finds nothing to look for in %j', (query) => {
    expect(planIsEmpty(planSearch(query))).toBe(true);
  });
});
