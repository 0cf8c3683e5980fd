import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeVinCheckDigit, validateVin, vinLast6, withCheckDigit } from './vin.js';

// Every VIN here was checked by computing its check digit, not copied on trust.
const REAL_VALID_VINS = [
  ['1HGCM82633A004352', '3'], // Honda Accord, the usual textbook example
  ['1M8GDM9AXKP042788', 'X'], // Motor Coach Industries bus (Wikipedia's example); remainder 10 → X
  ['JN1DA31D63T505967', '6'], // Nissan
  ['1HGBH41JXMN109186', 'X'], // Honda
  ['5YJ3E1EA7HF000337', '7'], // Tesla Model 3
  ['JHMCM56557C404453', '5'], // Honda Accord
  ['11111111111111111', '1'], // all ones happens to be self-consistent
] as const;

const VIN_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'.split('');
const vinBody = fc
  .array(fc.constantFrom(...VIN_ALPHABET), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join(''));

describe('validateVin', () => {
  it.each(REAL_VALID_VINS)('accepts the real VIN %s (check digit %s)', (vin, checkDigit) => {
    expect(computeVinCheckDigit(vin)).toBe(checkDigit);
    expect(validateVin(vin)).toEqual({ ok: true, vin });
  });

  it.each([
    ['lower case', '1hgcm82633a004352', '1HGCM82633A004352'],
    ['surrounding spaces', '  1HGCM82633A004352\n', '1HGCM82633A004352'],
    ['mixed case and a tab', '\t1m8gdm9axkp042788 ', '1M8GDM9AXKP042788'],
  ])('accepts a VIN with %s after normalising it', (_case, input, normalised) => {
    expect(validateVin(input)).toEqual({ ok: true, vin: normalised });
  });

  it.each([
    ['a wrong check digit', '1HGCM82643A004352', /check digit \(9th character\) should be 3, not 4/],
    ['a VIN from the wild whose check digit does not add up', '5YJ3E1EA7KF317000', /should be 2, not 7/],
    ['another wrong check digit', '1XPTD40X0JD456115', /should be 6, not 0/],
    ['a letter other than X as check digit', '1HGCM826A3A004352', /should be 3, not A/],
    ['the letter O', '1HGCM82633AO04352', /never use the letters I, O or Q.*12th character is O.*digit 0/],
    ['the letter I', 'IHGCM82633A004352', /1st character is I.*digit 1/],
    ['the letter Q', '1HGCM82633A00435Q', /17th character is Q/],
    ['a lower-case o, caught after upper-casing', '1hgcm82633ao04352', /12th character is O/],
    ['16 characters', '1HGCM82633A00435', /17 characters; this one has 16/],
    ['18 characters', '1HGCM82633A0043521', /17 characters; this one has 18/],
    ['nothing at all', '   ', /this one has 0/],
    ['a dash', '1HGCM-2633A004352', /only letters and digits, but the 6th character is "-"/],
    ['an inner space', '1HGCM 2633A004352', /6th character is " "/],
  ])('refuses a VIN with %s', (_case, input, detail) => {
    const result = validateVin(input);
    expect(result).toMatchObject({ ok: false, code: 'invalid_vin' });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.detail).toMatch(detail);
  });

  it('accepts any VIN whose check digit was filled in, and refuses every other digit there', () => {
    fc.assert(
      fc.property(vinBody, (body) => {
        const vin = withCheckDigit(body);
        expect(validateVin(vin)).toEqual({ ok: true, vin });
        for (const other of '0123456789X') {
          if (other === vin.charAt(8)) continue;
          const wrong = `${vin.slice(0, 8)}${other}${vin.slice(9)}`;
          expect(validateVin(wrong).ok).toBe(false);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('catches any single mistyped character outside position 9 unless both characters weigh the same', () => {
    // Reference model: every weight is between 2 and 10, so it is prime to 11 and any change of a
    // character's transliterated value changes the sum mod 11. Only look-alike values (A and J are
    // both 1) slip through, which is how the check digit is designed.
    const transliterated = (character: string) =>
      /\d/.test(character)
        ? Number(character)
        : 'ABCDEFGH'.indexOf(character) + 1 ||
          'JKLMN.P.R'.indexOf(character) + 1 ||
          'STUVWXYZ'.indexOf(character) + 2;
    fc.assert(
      fc.property(
        vinBody,
        fc.integer({ min: 0, max: 16 }),
        fc.constantFrom(...VIN_ALPHABET),
        (body, index, replacement) => {
          fc.pre(index !== 8);
          const vin = withCheckDigit(body);
          const typo = `${vin.slice(0, index)}${replacement}${vin.slice(index + 1)}`;
          const sameValue = transliterated(replacement) === transliterated(vin.charAt(index));
          expect(validateVin(typo).ok).toBe(sameValue);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it.each([
    ['A', 'J'],
    ['B', 'K'],
    ['S', 'B'],
    ['Z', 'R'],
    ['P', '7'],
  ])('lets %s stand for %s because both transliterate to the same value', (original, lookalike) => {
    const vin = withCheckDigit(`${original}HGCM826_3A004352`);
    expect(validateVin(`${lookalike}${vin.slice(1)}`).ok).toBe(true);
  });
});

describe('computeVinCheckDigit and withCheckDigit', () => {
  it.each([
    ['1HGCM826_3A004352', '1HGCM82633A004352'],
    ['1M8GDM9A0KP042788', '1M8GDM9AXKP042788'],
    ['5YJ3E1EA?KF317000', '5YJ3E1EA2KF317000'],
  ])(
    'fills the check digit of %s → %s whatever placeholder stands at position 9',
    (placeholder, expected) => {
      expect(withCheckDigit(placeholder)).toBe(expected);
    },
  );

  it.each([
    ['too short', '1HGCM8263A00435'],
    ['a forbidden letter', '1HGCM82O33A004352'],
    ['lower case (callers normalise first)', '1hgcm82633a004352'],
  ])('throws for a programmer passing %s', (_case, input) => {
    expect(() => computeVinCheckDigit(input)).toThrow(RangeError);
  });
});

describe('vinLast6', () => {
  it.each([
    ['1HGCM82633A004352', '004352'],
    [' 1m8gdm9axkp042788 ', '042788'],
    ['ABC', 'ABC'],
  ])('shows %s as %s', (vin, last6) => {
    expect(vinLast6(vin)).toBe(last6);
  });
});
