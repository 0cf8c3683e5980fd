import { describe, expect, it } from 'vitest';
import type { StateRule } from '../../src/catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { stateRuleParams } from '../../src/catalog/state-rules.js';
import {
  type CalculationLine,
  computeGapBenefit,
  GAP_LINE_CODES,
  type GapBenefitInput,
  type GapLineCode,
} from '../../src/gap-claims/gap-benefit.js';
import { renderHelpCenter } from '../../src/help/help-center.js';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import es from '../../web/src/locales/es.json' with { type: 'json' };

// The texts the server sends as a code and parameters (docs/languages.md "Texts the server writes,
// translated by code"): every code it can send has a message in both languages, and each message uses
// only parameters the server sends with that code, the same ones in English and Spanish.

type Messages = { [key: string]: string | Messages };

function message(messages: Messages, key: string): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? ''))].sort();
}

/** Both languages say `key`, with the same placeholders, each one among `params`. */
function expectSaidInBoth(key: string, params: readonly string[]): void {
  const english = message(en as Messages, key);
  const spanish = message(es as Messages, key);
  expect(english, `en ${key}`).toBeTypeOf('string');
  expect(spanish, `es ${key}`).toBeTypeOf('string');
  expect(placeholders(spanish ?? ''), key).toEqual(placeholders(english ?? ''));
  for (const name of placeholders(english ?? '')) expect(params, `${key} uses {{${name}}}`).toContain(name);
}

const rule = { deductibleCoverMaxCents: 100_000, ltvCapBasisPoints: 15_000, maxBenefitCents: 5_000_000 };
const base: GapBenefitInput = {
  payoffCents: 2_000_000,
  acvCents: 1_500_000,
  primaryDeductibleCents: 50_000,
  pastDueCents: 0,
  lateFeesCents: 0,
  addOnRefundsCents: 0,
  amountFinancedCents: 2_500_000,
  msrpCents: 3_000_000,
  rule,
};

// Losses that between them write every kind of line.
const LOSSES: [string, GapBenefitInput][] = [
  ['a plain loss', base],
  [
    'removals from the payoff',
    {
      ...base,
      pastDueCents: 40_000,
      lateFeesCents: 5_000,
      addOnRefundsCents: 80_000,
      interestAfterLossCents: 9_000,
    },
  ],
  ['a loan over the loan-to-value cap', { ...base, amountFinancedCents: 5_000_000 }],
  ['a deductible above the cover', { ...base, primaryDeductibleCents: 250_000 }],
  ['no deductible', { ...base, primaryDeductibleCents: 0 }],
  ['a settlement above the payoff', { ...base, acvCents: 2_600_000 }],
  [
    'a benefit above the maximum',
    { ...base, payoffCents: 9_000_000, acvCents: 100_000, msrpCents: 9_000_000 },
  ],
];

describe('GAP benefit calculation lines', () => {
  const lines: [string, CalculationLine][] = LOSSES.flatMap(([name, input]) =>
    computeGapBenefit(input).lines.map((line): [string, CalculationLine] => [name, line]),
  );

  it('are written with every code, and each code carries exactly its parameters', () => {
    expect(new Set(lines.map(([, line]) => line.code))).toEqual(new Set(Object.keys(GAP_LINE_CODES)));
    for (const [name, line] of lines)
      expect(Object.keys(line.params).sort(), `${name}: ${line.code}`).toEqual(
        [...GAP_LINE_CODES[line.code]].sort(),
      );
  });

  it.each(Object.entries(GAP_LINE_CODES))('%s is said in English and Spanish', (code, params) => {
    expectSaidInBoth(`gapLine.${code as GapLineCode}`, params);
  });
});

describe('state rules', () => {
  const catalog = loadDefaultCatalog();

  it.each(catalog.stateRules.map((stateRule): [string, StateRule] => [stateRule.id, stateRule]))(
    '%s is said in English and Spanish from its parameters',
    (id, stateRule) => {
      expectSaidInBoth(`stateRule.${id}`, Object.keys(stateRuleParams(stateRule)));
    },
  );

  it("come with the help center's answers as notes, beside the same sentences", () => {
    const help = renderHelpCenter(catalog, 1, {
      supportPhone: '1-800-555-0142',
      supportHours: {
        timeZone: 'America/New_York',
        rules: [{ days: [{ first: 1, last: 5 }], times: [{ opensMinutes: 8 * 60, closesMinutes: 20 * 60 }] }],
      },
      roadsidePhone: '1-800-555-0199',
      documentReviewBusinessDays: 2,
    });
    const withRules = help.articles.filter((article) => article.stateRules.length > 0);
    expect(withRules.length).toBeGreaterThan(0);
    for (const article of help.articles) {
      expect(article.stateRuleNotes.map((note) => note.sentence)).toEqual(article.stateRules);
      for (const note of article.stateRuleNotes)
        expect(note.params).toEqual(
          stateRuleParams(catalog.stateRules.find((candidate) => candidate.id === note.ruleId)!),
        );
    }
  });
});
