// The last-name key holders sign in with: accents removed, case folded, letters only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastNameKey } from './contract-input.js';

/** The definition, without the ASCII shortcut. */
function foldedLetters(lastName: string): string {
  return lastName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

describe('lastNameKey', () => {
  it.each([
    { name: 'Rivera', key: 'rivera' },
    { name: 'RIVERA', key: 'rivera' },
    { name: "Núñez-O'Brien", key: 'nunezobrien' },
    { name: ' van der Berg ', key: 'vanderberg' },
    { name: 'Ødegård', key: 'ødegard' },
    { name: 'Holder42', key: 'holder' },
    { name: '—', key: '' },
  ])('$name → "$key"', ({ name, key }) => {
    expect(lastNameKey(name)).toBe(key);
  });

  it('is the folded letters of any name, plain ASCII or not', () => {
    const name = fc.oneof(
      fc.stringMatching(/^[A-Za-z]{1,12}$/),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    fc.assert(
      fc.property(name, (lastName) => {
        expect(lastNameKey(lastName)).toBe(foldedLetters(lastName));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
