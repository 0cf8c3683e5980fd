import { afterEach, describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { stateRuleParams } from '../../src/catalog/state-rules.js';
import { speakLanguage } from '../../web/src/i18n.js';
import { readable, stateRuleText } from '../../web/src/server-text.js';

// The numbers in texts the server sends as a code and parameters are said by what their name says
// they are: money from cents, a share from basis points wherever the name says so, else a count.

describe('readable parameters', () => {
  afterEach(async () => {
    await speakLanguage('en');
  });

  it.each([
    ['a name ending in BasisPoints', 'ltvCapBasisPoints', 15_000, '150%'],
    ['a name with BasisPoints inside it', 'cancellationAdminFeeMaxBasisPointsOfPrice', 1_000, '10%'],
    ['a share with two decimals', 'shareBasisPoints', 4_250, '42.50%'],
    ['money', 'cancellationAdminFeeCents', 2_500, '$25.00'],
    ['a count', 'cancellationFreeLookDays', 1_000, '1,000'],
  ])('%s: %s %d reads %s', (_what, name, value, expected) => {
    expect(readable({ [name]: value })[name]).toBe(expected);
  });

  it("says California's fee cap as a share of the price on a Spanish page", async () => {
    const rule = loadDefaultCatalog().stateRules.find((candidate) => candidate.id === 'CA-vsc-cancellation');
    expect(rule).toBeDefined();
    await speakLanguage('es');
    const text = stateRuleText({
      ruleId: 'CA-vsc-cancellation',
      sentence: rule!.sentence,
      params: stateRuleParams(rule!),
    });
    expect(text).toContain('el 10% del precio');
    expect(text).not.toContain('1000');
    expect(text).not.toContain('1,000');
  });
});
