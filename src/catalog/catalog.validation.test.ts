import fc from 'fast-check';
import { Settings } from 'typebox/system';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from './catalog.validation.js';
import document from './default-catalog.json' with { type: 'json' };

type Container = Record<string, unknown> | unknown[];

/** A fresh, mutable copy of the default catalog as plain JSON. */
function freshDocument(): Record<string, unknown> {
  return structuredClone(document) as Record<string, unknown>;
}

/** The container and key a JSON pointer such as '/plans/0/code' ends in. */
function locate(root: unknown, pointer: string): { container: Container; key: string } {
  const segments = pointer.split('/').slice(1);
  const key = segments.pop();
  if (key === undefined) throw new Error('pointer to the root');
  const container = segments.reduce<unknown>(
    (node, segment) => (node as Record<string, unknown>)[segment],
    root,
  );
  return { container: container as Container, key };
}

type Edit = ['set', string, unknown] | ['delete', string] | ['push', string, unknown];

function edited(...edits: Edit[]): Record<string, unknown> {
  const doc = freshDocument();
  for (const [kind, pointer, value] of edits) {
    const { container, key } = locate(doc, pointer);
    const slot = container as Record<string, unknown>;
    if (kind === 'set') slot[key] = value;
    else if (kind === 'delete') delete slot[key];
    else (slot[key] as unknown[]).push(value);
  }
  return doc;
}

function errorsOf(doc: unknown): { path: string; message: string }[] {
  const result = validateCatalog(doc);
  return result.ok ? [] : result.errors;
}

const txRule = (document.stateRules as unknown[])[2] as Record<string, unknown>;

describe('validateCatalog', () => {
  it('accepts the default catalog and hands it back typed', () => {
    const result = validateCatalog(freshDocument());
    expect(result.ok).toBe(true);
  });

  it.each<[string, Edit[], string, RegExp]>([
    ['refuses a document that is not an object', [], '', /must be object/],
    ['refuses a missing name', [['delete', '/name']], '/name', /is required/],
    [
      'refuses an unknown property (a typo)',
      [['set', '/plans/0/cancellation/freeLookDay', 30]],
      '/plans/0/cancellation/freeLookDay',
      /not an allowed property/,
    ],
    ['refuses a catalog without plans', [['set', '/plans', []]], '/plans', /fewer than 1/],
    [
      'refuses negative money',
      [['set', '/plans/1/benefits/rental/dailyLimitCents', -1]],
      '/plans/1/benefits/rental/dailyLimitCents',
      />= 0/,
    ],
    [
      'refuses fractions of a cent',
      [['set', '/plans/0/transfer/feeCents', 49.5]],
      '/plans/0/transfer/feeCents',
      /integer/,
    ],
    [
      'refuses money over $10,000,000 (it reaches int4 columns of claims)',
      [['set', '/plans/4/gap/maxBenefitCents', 1_000_000_001]],
      '/plans/4/gap/maxBenefitCents',
      /<= 1000000000/,
    ],
    [
      'refuses a number of days that would carry a date past year 9999',
      [['set', '/plans/0/cancellation/freeLookDays', 9_000_000]],
      '/plans/0/cancellation/freeLookDays',
      /<= 1000000/,
    ],
    [
      'refuses a share above 100%',
      [['set', '/stateRules/1/overrides/cancellation/adminFeeMaxBasisPointsOfPrice', 10_001]],
      '/stateRules/1/overrides/cancellation/adminFeeMaxBasisPointsOfPrice',
      /<= 10000/,
    ],
    [
      'refuses a nullable cap of the wrong type',
      [['set', '/plans/0/claims/laborRateCapCents', 'none']],
      '/plans/0/claims/laborRateCapCents',
      /integer or null/,
    ],
    [
      'refuses a benefit that is neither an object nor null',
      [['set', '/plans/0/benefits/tripInterruption', false]],
      '/plans/0/benefits/tripInterruption',
      /object or null/,
    ],
    [
      'refuses an unknown product',
      [['set', '/plans/2/product', 'warranty']],
      '/plans/2/product',
      /one of: vsc, gap/,
    ],
    [
      'refuses an unknown cancellation method',
      [['set', '/plans/0/cancellation/method', 'short_rate']],
      '/plans/0/cancellation/method',
      /one of: pro_rata, rule_of_78s/,
    ],
    [
      'refuses an unknown roadside service',
      [['push', '/plans/0/benefits/roadside/services', 'teleport']],
      '/plans/0/benefits/roadside/services/5',
      /one of: tow/,
    ],
    [
      'refuses empty deductible options',
      [['set', '/plans/0/deductibleOptionsCents', []]],
      '/plans/0/deductibleOptionsCents',
      /fewer than 1/,
    ],
    [
      'refuses a plan code that is not UPPER_SNAKE',
      [['set', '/plans/0/code', 'basic-guard']],
      '/plans/0/code',
      /pattern/,
    ],
    [
      'refuses a duplicate plan code',
      [['set', '/plans/1/code', 'BASIC_GUARD']],
      '/plans/1/code',
      /duplicates plan 'BASIC_GUARD' of \/plans\/0/,
    ],
    [
      'refuses a duplicate component group',
      [['push', '/componentGroups', { code: 'engine', name: 'Motor', description: 'Again.' }]],
      '/componentGroups/18/code',
      /duplicates component group 'engine'/,
    ],
    [
      'refuses a duplicate document type',
      [['push', '/documentTypes', { code: 'police_report', name: 'Report', description: 'Again.' }]],
      '/documentTypes/9/code',
      /duplicates document type 'police_report'/,
    ],
    [
      'refuses a covered group the catalog does not define',
      [['push', '/plans/0/coveredComponentGroups', 'warp_drive']],
      '/plans/0/coveredComponentGroups/4',
      /unknown component group 'warp_drive'/,
    ],
    [
      'refuses an excluded group the catalog does not define',
      [['push', '/plans/2/excludedComponentGroups', 'rust']],
      '/plans/2/excludedComponentGroups/3',
      /unknown component group 'rust'/,
    ],
    [
      'refuses a stated-component plan that covers nothing',
      [['set', '/plans/3/coveredComponentGroups', []]],
      '/plans/3/coveredComponentGroups',
      /must list the component groups/,
    ],
    [
      'refuses exclusions on a stated-component plan',
      [['set', '/plans/0/excludedComponentGroups', ['maintenance']]],
      '/plans/0/excludedComponentGroups',
      /leave exclusions empty/,
    ],
    [
      'refuses covered groups on an exclusionary plan',
      [['set', '/plans/2/coveredComponentGroups', ['engine']]],
      '/plans/2/coveredComponentGroups',
      /leave covered groups empty/,
    ],
    [
      'refuses a disappearing deductible that is not an option',
      [['set', '/plans/0/disappearingDeductibleCents', 5_000]],
      '/plans/0/disappearingDeductibleCents',
      /one of the deductibleOptionsCents/,
    ],
    [
      'refuses a repeated term option',
      [['push', '/plans/0/termOptions', { months: 36, miles: 36_000 }]],
      '/plans/0/termOptions/4',
      /duplicates another term option/,
    ],
    [
      'refuses a required document type the catalog does not define',
      [['push', '/plans/4/requiredDocuments/theft', 'selfie']],
      '/plans/4/requiredDocuments/theft/8',
      /unknown document type 'selfie'/,
    ],
    [
      'refuses rule of 78s on a VSC form that does not allow it',
      [['set', '/plans/0/cancellation/method', 'rule_of_78s']],
      '/plans/0/cancellation/method',
      /not one of the plan's allowedCancellationMethods/,
    ],
    [
      'refuses a state rule imposing rule of 78s on a VSC form',
      [['set', '/stateRules/2/overrides/cancellation/method', 'rule_of_78s']],
      '/stateRules/2/overrides/cancellation/method',
      /plan 'BASIC_GUARD' does not allow rule_of_78s/,
    ],
    [
      'refuses an unknown state',
      [['set', '/stateRules/0/state', 'XX']],
      '/stateRules/0/state',
      /unknown U.S. state or Canadian province 'XX'/,
    ],
    ['refuses a lower-case state', [['set', '/stateRules/0/state', 'ks']], '/stateRules/0/state', /pattern/],
    [
      'refuses a duplicate state rule id',
      [['set', '/stateRules/1/id', 'KS-trip-interruption']],
      '/stateRules/1/id',
      /duplicates state rule id 'KS-trip-interruption'/,
    ],
    [
      'refuses a state rule naming an unknown plan',
      [['set', '/stateRules/0/planCodes', ['PLATINUM_GUARD']]],
      '/stateRules/0/planCodes/0',
      /unknown plan 'PLATINUM_GUARD'/,
    ],
    [
      'refuses a state rule naming a plan of another product',
      [['set', '/stateRules/0/planCodes', ['GAP']]],
      '/stateRules/0/planCodes/0',
      /is a gap plan but the rule applies to vsc/,
    ],
    [
      'refuses a benefit override on a GAP-only rule',
      [['set', '/stateRules/6/overrides/rentalAvailable', false]],
      '/stateRules/6/overrides/rentalAvailable',
      /VSC benefits/,
    ],
    [
      'refuses two rules of one scope setting the same field',
      [['push', '/stateRules', { ...txRule, id: 'TX-again' }]],
      '/stateRules/10/overrides/cancellation/freeLookDays',
      /rule 'TX-vsc-cancellation' already sets cancellation.freeLookDays/,
    ],
    [
      'refuses overlapping products setting the same field',
      [
        [
          'push',
          '/stateRules',
          {
            id: 'KS-both',
            state: 'KS',
            products: ['gap', 'vsc'],
            sentence: 'Both.',
            overrides: { tripInterruptionAvailable: true },
          },
        ],
      ],
      '/stateRules/10/overrides/tripInterruptionAvailable',
      /already sets benefits.tripInterruption/,
    ],
  ])('%s', (_behaviour, edits, path, message) => {
    const doc = edits.length === 0 ? 'not a catalog' : edited(...edits);
    const errors = errorsOf(doc);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('accepts a plan-specific rule beside a rule for every plan on the same field', () => {
    const specific = { ...txRule, id: 'TX-major', planCodes: ['MAJOR_GUARD'] };
    expect(errorsOf(edited(['push', '/stateRules', specific]))).toEqual([]);
  });

  it('accepts rule of 78s on the GAP form, which allows it', () => {
    expect(errorsOf(edited(['set', '/plans/4/cancellation/method', 'rule_of_78s']))).toEqual([]);
  });

  it('reports every mistake at once, in document order, without echoes from the other plan shape', () => {
    const errors = errorsOf(
      edited(
        ['set', '/plans/4/gap/ltvCapBasisPoints', 'x'],
        ['set', '/plans/1/benefits/rental/overnightQualifies', 'yes'],
        ['set', '/plans/0/code', 'VALUE_GUARD'],
        ['set', '/stateRules/0/state', 'ZZ'],
        ['push', '/plans/2/excludedComponentGroups', 'rust'],
        // Renaming BASIC_GUARD would also orphan its rates; the rating section has tests of its own.
        ['delete', '/rating'],
      ),
    );
    expect(errors).toEqual([
      { path: '/plans/1/benefits/rental/overnightQualifies', message: 'must be boolean' },
      { path: '/plans/1/code', message: "duplicates plan 'VALUE_GUARD' of /plans/0" },
      { path: '/plans/2/excludedComponentGroups/3', message: "unknown component group 'rust'" },
      { path: '/plans/4/gap/ltvCapBasisPoints', message: 'must be integer' },
      { path: '/stateRules/0/state', message: "unknown U.S. state or Canadian province 'ZZ'" },
    ]);
  });

  it('still checks the well-formed plans when one plan is malformed', () => {
    const errors = errorsOf(
      edited(['delete', '/plans/0/name'], ['push', '/plans/1/coveredComponentGroups', 'warp_drive']),
    );
    expect(errors).toEqual([
      { path: '/plans/0/name', message: 'is required' },
      { path: '/plans/1/coveredComponentGroups/9', message: "unknown component group 'warp_drive'" },
    ]);
  });

  it('stops listing at its bound, says so, and leaves the TypeBox error limit as it found it', () => {
    const before = Settings.Get().maxErrors;
    const rules = Array.from({ length: 1_500 }, () => ({
      id: 1,
      state: 1,
      products: 1,
      sentence: 1,
      overrides: 1,
    }));
    const errors = errorsOf(edited(['set', '/stateRules', rules]));
    expect(errors[0]).toEqual({ path: '', message: 'has more errors than are listed' });
    expect(errors.length).toBeLessThanOrEqual(1_001);
    expect(Settings.Get().maxErrors).toBe(before);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(validateCatalog(value).ok).toBe(false);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('reports a negative amount at exactly the place it was put', () => {
    const moneyPointers = [
      '/plans/0/transfer/feeCents',
      '/plans/0/cancellation/adminFeeCents',
      '/plans/0/benefits/roadside/perEventLimitCents',
      '/plans/1/benefits/rental/perVisitLimitCents',
      '/plans/2/benefits/tripInterruption/dailyLimitCents',
      '/plans/2/claims/inspectionThresholdCents',
      '/plans/4/gap/deductibleCoverMaxCents',
      '/stateRules/4/overrides/transfer/feeCents',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...moneyPointers), fc.integer({ max: -1 }), (pointer, cents) => {
        expect(errorsOf(edited(['set', pointer, cents]))).toEqual([
          { path: pointer, message: 'must be >= 0' },
        ]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
