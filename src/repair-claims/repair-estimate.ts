// Repair-claim eligibility and authorization totals per docs/domain.md "Repair claims (authorization)":
// each estimate line is judged against the contract's catalog terms (covered component group, contract
// in force, waiting period, labor-rate cap, work started before authorization), and an authorization
// pays the approved lines less the per-visit deductible, which is waived at the selling dealer when the
// contract carries the plan's disappearing deductible. Every limit comes from the catalog.
import type { VscTerms } from '../catalog/effective-terms.js';
import { isComponentGroupCovered } from '../catalog/effective-terms.js';
import type { CoverageStatus } from '../contracts/contract-term.js';
import { prorateHalfUp, sumCents } from '../shared/money.js';

export interface EstimateLine {
  componentGroup: string;
  partsCents: number;
  /** Labor-guide hours in hundredths (2.5 h = 250), so sums and comparisons stay exact. */
  laborHundredths: number;
  laborRateCents: number;
}

/** Why a line is not payable as asked; `labor_rate_above_cap` marks a line that stays eligible at the capped rate. */
export type LineReasonCode =
  | 'contract_not_in_force'
  | 'waiting_period'
  | 'work_started_before_authorization'
  | 'component_not_covered'
  | 'labor_rate_above_cap';

export interface LineAssessment {
  eligible: boolean;
  reasonCode: LineReasonCode | null;
  /** What the shop asked for: parts + hours × its rate. */
  requestedCents: number;
  /** The hourly rate paid: the shop's rate, or the catalog cap when the shop's is higher. */
  allowedLaborRateCents: number;
  /** The most this line can be authorized for (0 when not eligible). */
  eligibleCents: number;
}

export interface EstimateAssessment {
  lines: LineAssessment[];
  requestedCents: number;
  eligibleCents: number;
  /** True when the eligible total is above the catalog's inspection threshold. */
  inspectionRequired: boolean;
}

/** Parts plus labor-guide hours × hourly rate, the labor rounded half-up to the cent. */
export function lineCostCents(partsCents: number, laborHundredths: number, laborRateCents: number): number {
  return sumCents([partsCents, prorateHalfUp(laborRateCents, laborHundredths, 100)]);
}

/**
 * Judges each estimate line. Contract-wide reasons come first (not in force, waiting period, work
 * already started), then the line's own component group; a covered line whose shop rate is above the
 * cap stays eligible with its labor paid at the cap. Unknown component groups are bad input and must
 * be refused by the caller before this is asked.
 */
export function assessEstimate(input: {
  terms: VscTerms;
  coverage: CoverageStatus;
  workStartedBeforeAuthorization: boolean;
  lines: readonly EstimateLine[];
}): EstimateAssessment {
  const { terms, coverage } = input;
  const cap = terms.claims.laborRateCapCents;
  const contractReason: LineReasonCode | null = !coverage.inForce
    ? coverage.reasonCode === 'waiting_period'
      ? 'waiting_period'
      : 'contract_not_in_force'
    : input.workStartedBeforeAuthorization
      ? 'work_started_before_authorization'
      : null;
  const lines = input.lines.map((line): LineAssessment => {
    const requestedCents = lineCostCents(line.partsCents, line.laborHundredths, line.laborRateCents);
    const capped = cap !== null && line.laborRateCents > cap;
    const allowedLaborRateCents = capped ? cap : line.laborRateCents;
    const coverageOfGroup = isComponentGroupCovered(terms, line.componentGroup);
    if (!coverageOfGroup.covered && coverageOfGroup.reasonCode === 'unknown_component_group')
      throw new RangeError(`unknown component group: ${line.componentGroup}`);
    const reasonCode = contractReason ?? (coverageOfGroup.covered ? null : 'component_not_covered');
    if (reasonCode)
      return { eligible: false, reasonCode, requestedCents, allowedLaborRateCents, eligibleCents: 0 };
    return {
      eligible: true,
      reasonCode: capped ? 'labor_rate_above_cap' : null,
      requestedCents,
      allowedLaborRateCents,
      eligibleCents: lineCostCents(line.partsCents, line.laborHundredths, allowedLaborRateCents),
    };
  });
  const eligibleCents = sumCents(lines.map((line) => line.eligibleCents));
  return {
    lines,
    requestedCents: sumCents(lines.map((line) => line.requestedCents)),
    eligibleCents,
    inspectionRequired: eligibleCents > terms.claims.inspectionThresholdCents,
  };
}

export interface DeductibleInput {
  contractDeductibleCents: number;
  /** The plan's disappearing deductible (null when the plan has none). */
  disappearingDeductibleCents: number | null;
  deductiblePer: 'repair_visit' | 'repair_line';
  facilityDealerCode: string | null;
  sellingDealerCode: string | null;
}

export interface Settlement {
  authorizedCents: number;
  /** The deductible taken from this visit (never more than the authorized total). */
  deductibleCents: number;
  deductibleWaived: boolean;
  payableToFacilityCents: number;
  /** What the holder pays the shop: the deductible, denied lines and any labor above the cap. */
  holderOwesCents: number;
  approvedLaborHundredths: number;
}

function sameDealer(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toUpperCase() === b.trim().toUpperCase();
}

/** The disappearing deductible is waived when the repair is done at the selling dealer. */
export function deductibleWaived(input: DeductibleInput): boolean {
  return (
    input.disappearingDeductibleCents !== null &&
    input.contractDeductibleCents === input.disappearingDeductibleCents &&
    sameDealer(input.facilityDealerCode, input.sellingDealerCode)
  );
}

/**
 * The authorization's money: approved lines at their eligible amount, less the deductible (per visit,
 * or per approved line when the plan says so), floored at zero. Nothing approved → nothing payable and
 * no deductible.
 */
export function settleAuthorization(input: {
  lines: readonly {
    requestedCents: number;
    eligibleCents: number;
    laborHundredths: number;
    approved: boolean;
  }[];
  deductible: DeductibleInput;
}): Settlement {
  const approved = input.lines.filter((line) => line.approved);
  const authorizedCents = sumCents(approved.map((line) => line.eligibleCents));
  const requestedCents = sumCents(input.lines.map((line) => line.requestedCents));
  const waived = approved.length > 0 && deductibleWaived(input.deductible);
  const perUnit = input.deductible.contractDeductibleCents;
  const units =
    approved.length === 0 ? 0 : input.deductible.deductiblePer === 'repair_line' ? approved.length : 1;
  const fullDeductibleCents = waived ? 0 : perUnit * units;
  const deductibleCents = Math.min(fullDeductibleCents, authorizedCents);
  const payableToFacilityCents = authorizedCents - deductibleCents;
  return {
    authorizedCents,
    deductibleCents,
    deductibleWaived: waived,
    payableToFacilityCents,
    holderOwesCents: requestedCents - payableToFacilityCents,
    approvedLaborHundredths: approved.reduce((total, line) => total + line.laborHundredths, 0),
  };
}
