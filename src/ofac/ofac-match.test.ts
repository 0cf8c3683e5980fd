// Name normalization and scoring for OFAC screening: one row = names → normalized form or score band.
import { describe, expect, it } from 'vitest';
import { bestMatch, nameScore, normalizeName } from './ofac-match.js';

describe('normalizeName', () => {
  it.each([
    ['Rosa Delgado', 'delgado rosa'],
    ['DELGADO, Rosa', 'delgado rosa'],
    ['  delgado   ROSA ', 'delgado rosa'],
    ['José Núñez', 'jose nunez'],
    ["O'Brien Motors, LLC", 'motors obrien'],
    ['Acme Auto L.L.C.', 'acme auto'],
    ['Acme Auto Inc.', 'acme auto'],
    ['THE ACME AUTO CORPORATION', 'acme auto'],
    ['Smith & Sons Co', 'smith sons'],
    ['BANCO NACIONAL DE CUBA', 'banco cuba de nacional'],
    ['LLC', ''],
    ['', ''],
  ])('%j → %j', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized);
  });
});

describe('nameScore', () => {
  it.each([
    ['identical after normalization', 'Rosa Delgado', 'DELGADO, Rosa', 1, 1],
    ['legal form and accents only', 'Aerocaribbean Airlines', 'AEROCARIBBEAN AIRLINES LLC', 1, 1],
    ['one letter off', 'Banco Nacional de Cuba', 'Banco Nacional de Kuba', 0.95, 0.999],
    ['diacritic variant', 'Hernández Pérez, Luis', 'Luis Hernandez Perez', 1, 1],
    ['unrelated names', 'Main Street Auto Repair', 'Banco Nacional de Cuba', 0, 0.7],
    ['unrelated people', 'Rosa Delgado', 'Kim Jong Un', 0, 0.7],
    ['nothing left to compare', 'LLC', 'Acme', 0, 0],
  ])('%s: %s vs %s in [%d, %d]', (_case, left, right, low, high) => {
    const score = nameScore(left, right);
    expect(score).toBeGreaterThanOrEqual(low);
    expect(score).toBeLessThanOrEqual(high);
  });

  it('is symmetric', () => {
    expect(nameScore('Acme Auto', 'Acme Autos')).toBeCloseTo(nameScore('Acme Autos', 'Acme Auto'), 10);
  });
});

describe('bestMatch', () => {
  const names = [
    { entNum: 306, name: 'BANCO NACIONAL DE CUBA', normalizedName: normalizeName('BANCO NACIONAL DE CUBA') },
    { entNum: 173, name: 'AEROCARIBBEAN AIRLINES', normalizedName: normalizeName('AEROCARIBBEAN AIRLINES') },
  ];
  it.each([
    ['Banco Nacional de Cuba S.A.', 0.9, 306],
    ['Aero Caribbean Airlines LLC', 0.9, 173],
    ['Main Street Auto Repair', 0.9, null],
    ['Banco Nacional de Kuba', 0.999, null],
  ])('%s at threshold %d → %s', (payee, threshold, entNum) => {
    expect(bestMatch(payee, names, threshold)?.entry.entNum ?? null).toBe(entNum);
  });
});
