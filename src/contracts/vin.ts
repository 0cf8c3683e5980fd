// Vehicle Identification Number rules per ISO 3779 and the North-American check digit of
// 49 CFR 565.15: 17 characters, never I, O or Q, and a 9th character computed from the other 16.

/** Why a VIN was refused; `detail` is written for the person who typed it. */
export type VinResult = { ok: true; vin: string } | { ok: false; code: 'invalid_vin'; detail: string };

const VIN_LENGTH = 17;
const CHECK_DIGIT_INDEX = 8;

// 49 CFR 565.15 Table I: letters are transliterated to the digit of their position in a
// three-row layout (A–I, J–R, S–Z) with I, O and Q left out because they look like 1 and 0.
const TRANSLITERATION: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
  0: 0,
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
};

// 49 CFR 565.15 Table II: the 9th position weighs 0 so the check digit does not check itself.
const WEIGHTS: readonly number[] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

const FORBIDDEN_LETTERS = new Set(['I', 'O', 'Q']);

function ordinal(position: number): string {
  const lastTwo = position % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${position}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][position % 10] ?? 'th';
  return `${position}${suffix}`;
}

// The check digit itself is ignored (weight 0), so any placeholder may stand at position 9.
function checkDigitOf(vin17: string): string {
  let sum = 0;
  for (let index = 0; index < VIN_LENGTH; index += 1) {
    if (index === CHECK_DIGIT_INDEX) continue;
    const value = TRANSLITERATION[vin17.charAt(index)];
    if (value === undefined) {
      throw new RangeError(
        `not a VIN character at position ${index + 1}: ${JSON.stringify(vin17.charAt(index))}`,
      );
    }
    sum += value * (WEIGHTS[index] ?? 0);
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * The check digit (9th character) the other 16 characters call for: '0'–'9' or 'X'.
 * Expects 17 upper-case VIN characters (the 9th may be any placeholder); throws otherwise, since
 * callers pass VINs that `validateVin` has already normalised.
 */
export function computeVinCheckDigit(vin17: string): string {
  if (vin17.length !== VIN_LENGTH) throw new RangeError(`a VIN has ${VIN_LENGTH} characters: ${vin17}`);
  return checkDigitOf(vin17);
}

/** The same VIN with its 9th character replaced by the right check digit (for test and demo data). */
export function withCheckDigit(vin17: string): string {
  const checkDigit = computeVinCheckDigit(vin17);
  return `${vin17.slice(0, CHECK_DIGIT_INDEX)}${checkDigit}${vin17.slice(CHECK_DIGIT_INDEX + 1)}`;
}

/** The last six characters (the serial number), enough to recognise a vehicle in logs and screens. */
export function vinLast6(vin: string): string {
  return vin.trim().toUpperCase().slice(-6);
}

/**
 * Normalises (trims, upper-cases) and checks a VIN. Refusals are results, not exceptions, because a
 * mistyped VIN is an everyday event; the detail names the first rule that failed.
 */
export function validateVin(input: string): VinResult {
  const vin = input.trim().toUpperCase();
  if (vin.length !== VIN_LENGTH) {
    return refuse(`A VIN has ${VIN_LENGTH} characters; this one has ${vin.length}.`);
  }
  for (let index = 0; index < VIN_LENGTH; index += 1) {
    const character = vin.charAt(index);
    if (FORBIDDEN_LETTERS.has(character)) {
      const lookalike = character === 'I' ? '1' : '0';
      return refuse(
        `VINs never use the letters I, O or Q, but the ${ordinal(index + 1)} character is ${character}; ` +
          `it is probably the digit ${lookalike}.`,
      );
    }
    if (TRANSLITERATION[character] === undefined) {
      return refuse(
        `A VIN has only letters and digits, but the ${ordinal(index + 1)} character is ${JSON.stringify(character)}.`,
      );
    }
  }
  const expected = checkDigitOf(vin);
  const actual = vin.charAt(CHECK_DIGIT_INDEX);
  if (actual !== expected) {
    return refuse(
      `The check digit (9th character) should be ${expected}, not ${actual}; ` +
        'one of the characters was probably mistyped.',
    );
  }
  return { ok: true, vin };
}

function refuse(detail: string): VinResult {
  return { ok: false, code: 'invalid_vin', detail };
}

// 49 CFR 565.15(b)(10): the 10th character codes the model year in a 30-year cycle
// (A = 1980 or 2010, …, Y = 2000 or 2030, 1 = 2001 or 2031, …, 9 = 2009 or 2039); I, O, Q, U, Z and 0
// are never used there.
const MODEL_YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

/**
 * The model years the VIN's 10th character can stand for, oldest first (one per 30-year cycle from
 * 1980 up to `latestYear`), or [] when the character is not a model-year code.
 */
export function vinModelYears(vin: string, latestYear: number): number[] {
  const index = MODEL_YEAR_CODES.indexOf(vin.charAt(9).toUpperCase());
  if (index < 0) return [];
  const years: number[] = [];
  for (let year = 1980 + index; year <= latestYear; year += 30) years.push(year);
  return years;
}

/** The model-year code (10th character) of a year from 1980 on. */
export function modelYearCode(year: number): string {
  return MODEL_YEAR_CODES.charAt((((year - 1980) % 30) + 30) % 30);
}
