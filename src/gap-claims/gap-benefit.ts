// GAP benefit on a total loss: adjusted payoff − ACV + the covered part of the primary deductible,
// floored at 0 and capped at the maximum benefit, with the balance above the LTV cap removed
// (docs/domain.md "GAP claims"; the cover, cap and maximum come from the catalog rule).

import { assertCents, formatUsd, prorateHalfUp } from '../shared/money.js';

export interface GapBenefitRule {
  /** The most of the primary insurer's deductible that GAP covers (default $1,000). */
  deductibleCoverMaxCents: number;
  /** Loan-to-value cap as a share of MSRP / retail book (150% = 15000). */
  ltvCapBasisPoints: number;
  /** The most GAP ever pays on one loss (default $50,000). */
  maxBenefitCents: number;
}

export interface GapBenefitInput {
  payoffCents: number;
  acvCents: number;
  primaryDeductibleCents: number;
  pastDueCents: number;
  lateFeesCents: number;
  addOnRefundsCents: number;
  interestAfterLossCents?: number;
  amountFinancedCents: number;
  msrpCents: number;
  rule: GapBenefitRule;
}

export interface CalculationLine {
  /** The line in English. */
  label: string;
  /**
   * What the line says as a stable code (GAP_LINE_CODES) with its numbers by name in `params`, for a
   * page to say it in its reader's language (docs/languages.md).
   */
  code: GapLineCode;
  params: Record<string, number>;
  /** Signed cents: deductions are negative; the lines add up to the result amount. */
  amountCents: number;
  ruleId?: string;
}

/** The codes of the calculation's lines, each with the names of the numbers it carries. */
export const GAP_LINE_CODES = {
  payoff: ['payoffCents'],
  past_due_removed: ['amountCents'],
  late_fees_removed: ['amountCents'],
  add_on_refunds_removed: ['amountCents'],
  interest_after_loss_removed: ['amountCents'],
  ltv_cap: ['amountFinancedCents', 'ltvCapBasisPoints', 'msrpCents', 'capCents'],
  acv: ['acvCents'],
  deductible: ['deductibleCoveredCents'],
  deductible_capped: ['deductibleCoveredCents', 'deductibleCoverMaxCents', 'primaryDeductibleCents'],
  no_benefit_due: [],
  max_benefit_cap: ['maxBenefitCents'],
} as const satisfies Record<string, readonly string[]>;

export type GapLineCode = keyof typeof GAP_LINE_CODES;

export interface GapBenefit {
  benefitCents: number;
  adjustedPayoffCents: number;
  ltvCapped: boolean;
  lines: CalculationLine[];
}

export function computeGapBenefit(input: GapBenefitInput): GapBenefit {
  assertInput(input);
  const { rule } = input;
  const interestAfterLossCents = input.interestAfterLossCents ?? 0;
  const lines: CalculationLine[] = [
    {
      label: 'Loan payoff on the date of loss',
      code: 'payoff',
      params: { payoffCents: input.payoffCents },
      amountCents: input.payoffCents,
    },
  ];
  const removals: [GapLineCode, string, number][] = [
    ['past_due_removed', 'Past-due payments removed', input.pastDueCents],
    ['late_fees_removed', 'Late fees removed', input.lateFeesCents],
    ['add_on_refunds_removed', 'Refunds of cancelled add-on products removed', input.addOnRefundsCents],
    ['interest_after_loss_removed', 'Interest after the date of loss removed', interestAfterLossCents],
  ];
  let adjustedPayoffCents = input.payoffCents;
  for (const [code, label, amountCents] of removals) {
    if (amountCents === 0) continue;
    adjustedPayoffCents -= amountCents;
    lines.push({ label, code, params: { amountCents }, amountCents: -amountCents });
  }

  // The loan is over the cap when amountFinanced > MSRP × bps / 10,000; compared and scaled on the
  // exact product so the cap is not rounded before it is used.
  const capNumerator = input.msrpCents * rule.ltvCapBasisPoints;
  const capDenominator = input.amountFinancedCents * 10_000;
  const ltvCapped =
    BigInt(input.amountFinancedCents) * 10_000n > BigInt(input.msrpCents) * BigInt(rule.ltvCapBasisPoints);
  if (ltvCapped) {
    const scaledCents = prorateHalfUp(adjustedPayoffCents, capNumerator, capDenominator);
    const capCents = prorateHalfUp(input.msrpCents, rule.ltvCapBasisPoints, 10_000);
    lines.push({
      label: `Balance above the loan-to-value limit removed: ${formatUsd(input.amountFinancedCents)} financed is more than ${formatBasisPoints(rule.ltvCapBasisPoints)} of the ${formatUsd(input.msrpCents)} vehicle value (${formatUsd(capCents)})`,
      code: 'ltv_cap',
      params: {
        amountFinancedCents: input.amountFinancedCents,
        ltvCapBasisPoints: rule.ltvCapBasisPoints,
        msrpCents: input.msrpCents,
        capCents,
      },
      amountCents: scaledCents - adjustedPayoffCents,
    });
    adjustedPayoffCents = scaledCents;
  }

  const deductibleCoveredCents = Math.min(input.primaryDeductibleCents, rule.deductibleCoverMaxCents);
  lines.push({
    label: 'Insurance settlement: actual cash value of the vehicle',
    code: 'acv',
    params: { acvCents: input.acvCents },
    amountCents: -input.acvCents,
  });
  if (deductibleCoveredCents > 0) {
    const capped = deductibleCoveredCents < input.primaryDeductibleCents;
    lines.push(
      capped
        ? {
            label: `Your insurance deductible, covered up to ${formatUsd(rule.deductibleCoverMaxCents)}`,
            code: 'deductible_capped',
            params: {
              deductibleCoveredCents,
              deductibleCoverMaxCents: rule.deductibleCoverMaxCents,
              primaryDeductibleCents: input.primaryDeductibleCents,
            },
            amountCents: deductibleCoveredCents,
          }
        : {
            label: 'Your insurance deductible',
            code: 'deductible',
            params: { deductibleCoveredCents },
            amountCents: deductibleCoveredCents,
          },
    );
  }

  const uncappedCents = adjustedPayoffCents - input.acvCents + deductibleCoveredCents;
  const benefitCents = Math.min(rule.maxBenefitCents, Math.max(0, uncappedCents));
  if (uncappedCents < 0) {
    lines.push({
      label: 'No GAP benefit is due: the insurance settlement covers the loan balance',
      code: 'no_benefit_due',
      params: {},
      amountCents: -uncappedCents,
    });
  } else if (uncappedCents > rule.maxBenefitCents) {
    lines.push({
      label: `Capped at the ${formatUsd(rule.maxBenefitCents)} maximum GAP benefit`,
      code: 'max_benefit_cap',
      params: { maxBenefitCents: rule.maxBenefitCents },
      amountCents: rule.maxBenefitCents - uncappedCents,
    });
  }

  return { benefitCents, adjustedPayoffCents, ltvCapped, lines };
}

function assertInput(input: GapBenefitInput): void {
  const amounts: [string, number][] = [
    ['payoffCents', input.payoffCents],
    ['acvCents', input.acvCents],
    ['primaryDeductibleCents', input.primaryDeductibleCents],
    ['pastDueCents', input.pastDueCents],
    ['lateFeesCents', input.lateFeesCents],
    ['addOnRefundsCents', input.addOnRefundsCents],
    ['interestAfterLossCents', input.interestAfterLossCents ?? 0],
    ['amountFinancedCents', input.amountFinancedCents],
    ['msrpCents', input.msrpCents],
    ['deductibleCoverMaxCents', input.rule.deductibleCoverMaxCents],
    ['maxBenefitCents', input.rule.maxBenefitCents],
  ];
  for (const [label, value] of amounts) {
    if (assertCents(value, label) < 0) throw new RangeError(`${label} must not be negative`);
  }
  if (input.amountFinancedCents === 0) throw new RangeError('amountFinancedCents must be above zero');
  if (!Number.isSafeInteger(input.rule.ltvCapBasisPoints) || input.rule.ltvCapBasisPoints < 0) {
    throw new RangeError('ltvCapBasisPoints must be a whole number ≥ 0');
  }
  // The exact cap product must stay a safe integer for the proration below.
  if (!Number.isSafeInteger(input.msrpCents * input.rule.ltvCapBasisPoints)) {
    throw new RangeError('msrpCents × ltvCapBasisPoints is out of range');
  }
  if (!Number.isSafeInteger(input.amountFinancedCents * 10_000)) {
    throw new RangeError('amountFinancedCents is out of range');
  }
}

/** Basis points as a percentage without trailing zeros ("150%", "125.5%"). */
function formatBasisPoints(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = basisPoints % 100;
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}
