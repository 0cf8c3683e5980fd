import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffCatalogs, fieldWords } from './catalog-diff.js';
import { loadDefaultCatalog } from './default-catalog.js';

const DEFAULT_CATALOG = loadDefaultCatalog();

const clone = <T>(value: T): T => structuredClone(value);

describe('fieldWords', () => {
  it.each([
    ['dailyLimitCents', 'Daily limit'],
    ['ltvCapBasisPoints', 'LTV cap (basis points)'],
    ['freeLookDays', 'Free look days'],
    ['tripInterruption', 'Trip interruption'],
    ['vscRates', 'VSC rates'],
    ['stateRules', 'State rules'],
  ])('%s → %s', (key, words) => expect(fieldWords(key)).toBe(words));
});

describe('diffCatalogs', () => {
  it('finds nothing between a catalog and its copy', () => {
    expect(diffCatalogs(DEFAULT_CATALOG, clone(DEFAULT_CATALOG))).toEqual([]);
  });

  it('names a changed limit by plan and field, in cents', () => {
    const draft = clone(DEFAULT_CATALOG);
    const index = draft.plans.findIndex((p) => p.product === 'vsc' && p.benefits.rental);
    const plan = draft.plans[index]!;
    if (plan.product !== 'vsc' || !plan.benefits.rental) throw new Error('fixture');
    const before = plan.benefits.rental.dailyLimitCents;
    plan.benefits.rental.dailyLimitCents = before + 500;
    expect(diffCatalogs(DEFAULT_CATALOG, draft)).toEqual([
      {
        path: `/plans/${index}/benefits/rental/dailyLimitCents`,
        label: `Plans › ${plan.name} › Benefits › Rental › Daily limit`,
        kind: 'changed',
        current: before,
        draft: before + 500,
        cents: true,
      },
    ]);
  });

  const cases: [string, (draft: typeof DEFAULT_CATALOG) => void, { kind: string; label: RegExp }[]][] = [
    [
      'a state rule added',
      (d) =>
        d.stateRules.push({
          id: 'OH-free-look-30',
          state: 'OH',
          products: ['vsc'],
          sentence: 'In OH you may cancel within 30 days.',
          overrides: { cancellation: { freeLookDays: 30 } },
        }),
      [{ kind: 'added', label: /^State rules › OH-free-look-30$/ }],
    ],
    ['a state rule removed', (d) => d.stateRules.shift(), [{ kind: 'removed', label: /^State rules › / }]],
    ['plans reordered', (d) => d.plans.reverse(), []],
    [
      'a term option added (a list without codes is one value)',
      (d) => {
        const plan = d.plans.find((p) => p.product === 'vsc');
        if (plan?.product === 'vsc') plan.termOptions.push({ months: 99, miles: 99_000 });
      },
      [{ kind: 'changed', label: /› Term options$/ }],
    ],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    const draft = clone(DEFAULT_CATALOG);
    change(draft);
    const found = diffCatalogs(DEFAULT_CATALOG, draft);
    expect(found).toHaveLength(expected.length);
    found.forEach((row, i) => {
      expect(row.kind).toBe(expected[i]!.kind);
      expect(row.label).toMatch(expected[i]!.label);
    });
  });

  it('reports every changed cents field of any plan once (property)', () => {
    const vscIndexes = DEFAULT_CATALOG.plans.flatMap((p, i) => (p.product === 'vsc' ? [i] : []));
    fc.assert(
      fc.property(fc.constantFrom(...vscIndexes), fc.integer({ min: 1, max: 100_000 }), (index, delta) => {
        const draft = clone(DEFAULT_CATALOG);
        const plan = draft.plans[index]!;
        if (plan.product !== 'vsc') return;
        plan.transfer.feeCents += delta;
        const found = diffCatalogs(DEFAULT_CATALOG, draft);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ path: `/plans/${index}/transfer/feeCents`, cents: true });
        expect((found[0]!.draft as number) - (found[0]!.current as number)).toBe(delta);
      }),
    );
  });
});
