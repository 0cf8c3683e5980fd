import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CancellationRule, Catalog, StateRule, VscPlan } from './catalog.schema.js';
import { validateCatalog } from './catalog.validation.js';
import { loadDefaultCatalog } from './default-catalog.js';
import {
  type EffectiveTerms,
  type GapTerms,
  isComponentGroupCovered,
  resolveTerms,
  type VscTerms,
} from './effective-terms.js';
import { CA_PROVINCES, US_STATES } from './regions.js';

const catalog = loadDefaultCatalog();

function vscTerms(planCode: string, state: string, from: Catalog = catalog): VscTerms {
  const terms = resolveTerms(from, planCode, state);
  if (terms?.product !== 'vsc') throw new Error(`expected VSC terms for ${planCode}`);
  return terms;
}

function gapTerms(state: string): GapTerms {
  const terms = resolveTerms(catalog, 'GAP', state);
  if (terms?.product !== 'gap') throw new Error('expected GAP terms');
  return terms;
}

/** Reads a dotted path such as 'cancellation.adminFeeCents' out of the terms. */
function field(terms: EffectiveTerms, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], terms);
}

/** The default catalog with extra state rules, checked so each test builds a catalog that could be stored. */
function withRules(...rules: StateRule[]): Catalog {
  const extended = { ...loadDefaultCatalog(), stateRules: rules };
  const result = validateCatalog(extended);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.catalog;
}

describe('resolveTerms', () => {
  it('answers null for a plan code the catalog does not hold', () => {
    expect(resolveTerms(catalog, 'PLATINUM_GUARD', 'TX')).toBeNull();
  });

  it('removes trip interruption from a contract bought in Kansas and tells the holder why', () => {
    const terms = vscTerms('MAJOR_GUARD', 'KS');
    expect(terms.benefits.tripInterruption).toBeNull();
    expect(terms.benefits.rental).not.toBeNull();
    expect(terms.notes).toEqual([
      {
        ruleId: 'KS-trip-interruption',
        sentence: 'Trip interruption is not part of contracts bought in Kansas.',
        params: { state: 'KS', tripInterruptionAvailable: 0 },
      },
    ]);
    expect(terms.ruleSources['benefits.tripInterruption']).toBe('KS-trip-interruption');
  });

  it('keeps trip interruption for a contract bought next door in Missouri', () => {
    const terms = vscTerms('MAJOR_GUARD', 'MO');
    expect(terms.benefits.tripInterruption).toEqual({
      dailyLimitCents: 10_000,
      maxDays: 3,
      minMilesFromHome: 100,
      reviewBusinessDays: 2,
    });
    expect(terms.notes).toEqual([]);
    expect(terms.ruleSources['benefits.tripInterruption']).toBe('plan:MAJOR_GUARD');
  });

  it('reads the state of purchase whatever its letter case', () => {
    expect(vscTerms('VALUE_GUARD', 'ks').benefits.tripInterruption).toBeNull();
  });

  it.each([
    ['VALUE_GUARD', 'CA', 'cancellation.adminFeeCents', 2_500, 'CA-vsc-cancellation'],
    ['VALUE_GUARD', 'CA', 'cancellation.adminFeeMaxBasisPointsOfPrice', 1_000, 'CA-vsc-cancellation'],
    ['VALUE_GUARD', 'CA', 'cancellation.freeLookDays', 60, 'plan:VALUE_GUARD'],
    ['MAJOR_GUARD', 'TX', 'cancellation.freeLookDays', 30, 'TX-vsc-cancellation'],
    ['MAJOR_GUARD', 'TX', 'cancellation.claimsDeducted', true, 'TX-vsc-cancellation'],
    ['MAJOR_GUARD', 'TX', 'cancellation.adminFeeCents', 5_000, 'TX-vsc-cancellation'],
    ['BASIC_GUARD', 'NV', 'cancellation.freeLookDays', 30, 'NV-vsc-cancellation'],
    ['BASIC_GUARD', 'NV', 'cancellation.adminFeeCents', 2_500, 'NV-vsc-cancellation'],
    ['BASIC_GUARD', 'NV', 'cancellation.claimsDeducted', false, 'NV-vsc-cancellation'],
    ['FEATURE_GUARD', 'FL', 'transfer.feeCents', 4_000, 'FL-vsc-transfer'],
    ['FEATURE_GUARD', 'MA', 'transfer.feeCents', 0, 'MA-vsc-transfer'],
    ['FEATURE_GUARD', 'OH', 'transfer.feeCents', 5_000, 'plan:FEATURE_GUARD'],
    ['BASIC_GUARD', 'KS', 'benefits.tripInterruption', null, 'KS-trip-interruption'],
    ['GAP', 'CA', 'cancellation.adminFeeCents', 0, 'CA-gap-cancellation'],
    ['GAP', 'SC', 'cancellation.adminFeeCents', 0, 'SC-gap-cancellation'],
    ['GAP', 'NJ', 'cancellation.adminFeeCents', 5_000, 'NJ-gap-cancellation'],
    ['GAP', 'AR', 'cancellation.adminFeeCents', 7_500, 'AR-gap-cancellation'],
    ['GAP', 'TX', 'cancellation.freeLookDays', 30, 'plan:GAP'],
    ['GAP', 'KS', 'cancellation.adminFeeCents', 5_000, 'plan:GAP'],
  ])('%s bought in %s has %s = %s, set by %s', (planCode, state, path, expected, source) => {
    const terms = resolveTerms(catalog, planCode, state);
    expect(terms).not.toBeNull();
    if (!terms) return;
    expect(field(terms, path)).toEqual(expected);
    expect(terms.ruleSources[path]).toBe(source);
  });

  it('keeps VSC state rules off the GAP addendum and GAP rules off the VSC', () => {
    expect(gapTerms('TX').notes).toEqual([]);
    expect(gapTerms('TX').cancellation.claimsDeducted).toBe(false);
    expect(vscTerms('MAJOR_GUARD', 'AR').cancellation.adminFeeCents).toBe(5_000);
  });

  it('lists the TX notes and every source of the TX cancellation terms', () => {
    const terms = vscTerms('MAJOR_GUARD', 'TX');
    expect(terms.cancellation).toEqual({
      freeLookDays: 30,
      method: 'pro_rata',
      adminFeeCents: 5_000,
      adminFeeMaxBasisPointsOfPrice: null,
      claimsDeducted: true,
    });
    expect(terms.notes.map((note) => note.ruleId)).toEqual(['TX-vsc-cancellation']);
    expect(terms.ruleSources).toEqual({
      'cancellation.freeLookDays': 'TX-vsc-cancellation',
      'cancellation.method': 'plan:MAJOR_GUARD',
      'cancellation.adminFeeCents': 'TX-vsc-cancellation',
      'cancellation.adminFeeMaxBasisPointsOfPrice': 'plan:MAJOR_GUARD',
      'cancellation.claimsDeducted': 'TX-vsc-cancellation',
      'transfer.allowed': 'plan:MAJOR_GUARD',
      'transfer.feeCents': 'plan:MAJOR_GUARD',
      'transfer.windowDays': 'plan:MAJOR_GUARD',
      'transfer.privateSaleOnly': 'plan:MAJOR_GUARD',
      'benefits.rental': 'plan:MAJOR_GUARD',
      'benefits.tripInterruption': 'plan:MAJOR_GUARD',
    });
  });

  it('has no rental on Basic Guard in any state', () => {
    for (const state of [...US_STATES, ...CA_PROVINCES]) {
      expect(vscTerms('BASIC_GUARD', state).benefits.rental).toBeNull();
    }
  });

  it('covers every catalog group but the exclusions under Major Guard', () => {
    const excluded = ['wear_items', 'maintenance', 'glass_body_trim'];
    const all = catalog.componentGroups.map((group) => group.code);
    expect(vscTerms('MAJOR_GUARD', 'OH').coveredComponentGroups).toEqual(
      all.filter((g) => !excluded.includes(g)),
    );
    expect(vscTerms('MAJOR_GUARD', 'OH').coveredComponentGroups).toEqual(
      expect.arrayContaining(['high_tech', 'safety', 'engine_cooling', 'infotainment', 'engine', 'brakes']),
    );
  });

  it('names every catalog group, covered or not', () => {
    const names = vscTerms('BASIC_GUARD', 'OH').componentGroupNames;
    expect(names.engine).toBe('Engine');
    expect(names.wear_items).toBe('Wear items');
    expect(Object.keys(names)).toHaveLength(catalog.componentGroups.length);
  });

  it('gives GAP terms its limits, the required documents and their names', () => {
    const terms = gapTerms('OH');
    expect(terms.gap.maxBenefitCents).toBe(5_000_000);
    expect(terms.requiredDocuments.theft_recovered).toContain('recovery_report');
    expect(terms.documentTypeNames.police_report).toBe('Police or theft report');
    expect(terms.transfer.allowed).toBe(false);
    expect(terms.ruleSources).not.toHaveProperty('benefits.rental');
  });

  it('does not let a caller change the catalog through the terms it was given', () => {
    const terms = vscTerms('VALUE_GUARD', 'TX');
    terms.cancellation.adminFeeCents = 1;
    terms.coveredComponentGroups.push('wear_items');
    terms.benefits.roadside.services.pop();
    expect(vscTerms('VALUE_GUARD', 'TX').cancellation.adminFeeCents).toBe(5_000);
    expect(vscTerms('VALUE_GUARD', 'TX').coveredComponentGroups).not.toContain('wear_items');
    expect(vscTerms('VALUE_GUARD', 'TX').benefits.roadside.services).toHaveLength(5);
  });
});

describe('resolveTerms with rules written for the occasion', () => {
  const general: StateRule = {
    id: 'WA-fee',
    state: 'WA',
    products: ['vsc'],
    sentence: 'In Washington, the cancellation fee is $30.',
    overrides: { cancellation: { adminFeeCents: 3_000 }, rentalAvailable: false },
  };
  const specific: StateRule = {
    id: 'WA-major-fee',
    state: 'WA',
    products: ['vsc'],
    planCodes: ['MAJOR_GUARD'],
    sentence: 'In Washington, Major Guard is cancelled free of charge.',
    overrides: { cancellation: { adminFeeCents: 0 } },
  };
  const notice: StateRule = {
    id: 'WA-notice',
    state: 'WA',
    products: ['vsc', 'gap'],
    sentence: 'Washington residents may contact the insurance commissioner.',
    overrides: {},
  };

  it('lets a rule naming the plan win over a rule for every plan, whatever their order', () => {
    for (const rules of [
      [specific, general],
      [general, specific],
    ]) {
      const terms = vscTerms('MAJOR_GUARD', 'WA', withRules(...rules));
      expect(terms.cancellation.adminFeeCents).toBe(0);
      expect(terms.ruleSources['cancellation.adminFeeCents']).toBe('WA-major-fee');
    }
  });

  it('applies the rule for every plan to the plans the specific rule does not name', () => {
    const terms = vscTerms('VALUE_GUARD', 'WA', withRules(general, specific));
    expect(terms.cancellation.adminFeeCents).toBe(3_000);
    expect(terms.notes.map((note) => note.ruleId)).toEqual(['WA-fee']);
  });

  it('removes rental where a rule says it is not available', () => {
    const terms = vscTerms('VALUE_GUARD', 'WA', withRules(general));
    expect(terms.benefits.rental).toBeNull();
    expect(terms.ruleSources['benefits.rental']).toBe('WA-fee');
  });

  it('keeps the note of a general rule only while it still decides something', () => {
    const onlyFee: StateRule = { ...general, overrides: { cancellation: { adminFeeCents: 3_000 } } };
    const terms = vscTerms('MAJOR_GUARD', 'WA', withRules(onlyFee, specific));
    expect(terms.notes.map((note) => note.ruleId)).toEqual(['WA-major-fee']);
  });

  it('shows a rule that changes nothing as a notice to VSC and GAP holders alike', () => {
    const from = withRules(notice);
    expect(vscTerms('BASIC_GUARD', 'WA', from).notes).toEqual([
      { ruleId: 'WA-notice', sentence: notice.sentence, params: { state: 'WA' } },
    ]);
    expect(resolveTerms(from, 'GAP', 'WA')?.notes).toEqual([
      { ruleId: 'WA-notice', sentence: notice.sentence, params: { state: 'WA' } },
    ]);
  });
});

describe('isComponentGroupCovered', () => {
  it.each([
    ['BASIC_GUARD', 'engine', { covered: true }],
    ['BASIC_GUARD', 'fuel_delivery', { covered: true }],
    ['BASIC_GUARD', 'brakes', { covered: false, reasonCode: 'component_not_covered' }],
    ['VALUE_GUARD', 'front_suspension', { covered: true }],
    ['VALUE_GUARD', 'high_tech', { covered: false, reasonCode: 'component_not_covered' }],
    ['MAJOR_GUARD', 'engine_cooling', { covered: true }],
    ['MAJOR_GUARD', 'wear_items', { covered: false, reasonCode: 'component_not_covered' }],
    ['MAJOR_GUARD', 'glass_body_trim', { covered: false, reasonCode: 'component_not_covered' }],
    ['FEATURE_GUARD', 'driver_assist', { covered: true }],
    ['FEATURE_GUARD', 'engine', { covered: false, reasonCode: 'component_not_covered' }],
    ['MAJOR_GUARD', 'flux_capacitor', { covered: false, reasonCode: 'unknown_component_group' }],
    ['MAJOR_GUARD', 'toString', { covered: false, reasonCode: 'unknown_component_group' }],
  ])('%s and a %s line → %j', (planCode, group, expected) => {
    expect(isComponentGroupCovered(vscTerms(planCode, 'OH'), group)).toEqual(expected);
  });
});

describe('resolveTerms properties', () => {
  const regions = [...US_STATES, ...CA_PROVINCES];
  const planCodes = catalog.plans.map((plan) => plan.code);

  it('takes each field from the plan or from a rule of the state of purchase, nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...planCodes), fc.constantFrom(...regions), (planCode, state) => {
        const terms = resolveTerms(catalog, planCode, state);
        expect(terms).not.toBeNull();
        if (!terms) return;
        const ruleIds = new Set(
          catalog.stateRules.filter((rule) => rule.state === state).map((rule) => rule.id),
        );
        for (const source of Object.values(terms.ruleSources)) {
          expect(source === `plan:${planCode}` || ruleIds.has(source)).toBe(true);
        }
        for (const note of terms.notes) expect(ruleIds.has(note.ruleId)).toBe(true);
        if (ruleIds.size === 0) {
          const plan = catalog.plans.find((candidate) => candidate.code === planCode);
          expect(terms.cancellation).toEqual(plan?.cancellation);
          expect(terms.transfer).toEqual(plan?.transfer);
          expect(terms.notes).toEqual([]);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  // Reference model: a field is the plan's unless a rule for every plan sets it, and a rule naming the
  // plan beats both; the catalog refuses two rules of one specificity for one field, so order is moot.
  const feeRule = fc.record({
    planSpecific: fc.boolean(),
    field: fc.constantFrom<keyof CancellationRule>('adminFeeCents', 'freeLookDays'),
    value: fc.integer({ min: 0, max: 100_000 }),
  });

  it('matches the reference model of rule precedence for generated state rules', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(feeRule, { selector: (r) => `${r.planSpecific}/${r.field}`, maxLength: 4 }),
        (rows) => {
          const rules: StateRule[] = rows.map((row, index) => ({
            id: `OR-${index}`,
            state: 'OR',
            products: ['vsc'],
            ...(row.planSpecific ? { planCodes: ['VALUE_GUARD'] } : {}),
            sentence: 'A rule written for the test.',
            overrides: { cancellation: { [row.field]: row.value } },
          }));
          const terms = vscTerms('VALUE_GUARD', 'OR', withRules(...rules));
          const plan = catalog.plans.find((p): p is VscPlan => p.code === 'VALUE_GUARD');
          for (const fieldName of ['adminFeeCents', 'freeLookDays'] as const) {
            const winner =
              rows.find((row) => row.planSpecific && row.field === fieldName) ??
              rows.find((row) => !row.planSpecific && row.field === fieldName);
            expect(terms.cancellation[fieldName]).toBe(winner ? winner.value : plan?.cancellation[fieldName]);
            expect(terms.ruleSources[`cancellation.${fieldName}`]).toBe(
              winner ? `OR-${rows.indexOf(winner)}` : 'plan:VALUE_GUARD',
            );
          }
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
