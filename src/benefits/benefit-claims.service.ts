// Benefit claims on a service contract: rental reimbursement for an authorized repair and trip
// interruption after a breakdown far from home (docs/domain.md "Benefits"). What qualifies and how much is
// payable comes from catalog/benefit-limits.ts with the limits of the contract's own catalog version and state.

import type { Kysely, Transaction } from 'kysely';
import { postClaimDenied, postClaimIncurred } from '../accounting/journal-postings.js';
import type { BusinessCalendar } from '../calendar/business-days.js';
import { createBusinessCalendar } from '../calendar/business-days.js';
import { computeRentalReimbursement, computeTripInterruption } from '../catalog/benefit-limits.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { isComponentGroupCovered, type VscTerms } from '../catalog/effective-terms.js';
import {
  holderMayTouch,
  inForceOn,
  loadContract,
  loadServiceContract,
} from '../contracts/contract-access.js';
import { recordDocument } from '../documents/document-records.js';
import { rememberContractLanguage } from '../notifications/holder-language.repository.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { BenefitClaimStatus, Database } from '../platform/db/schema.js';
import { asUseCase, transactional } from '../platform/db/transaction.js';
import type { StagedFile, StoredFile } from '../platform/storage/document-store.js';
import { findRepairClaimLines, lockRepairClaimOfContract } from '../repair-claims/repair-claim.repository.js';
import {
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { AppError, type ErrorCode } from '../shared/errors.js';
import type { HolderLanguage } from '../shared/language.js';
import { formatUsd } from '../shared/money.js';
import { actorOf, type Principal } from '../shared/principal.js';
import {
  type BenefitReceiptRow,
  benefitClaimsOfContract,
  findBenefitClaimContract,
  findRentalClaim,
  findRentalClaimForRepair,
  findTripClaimForBreakdown,
  findTripInterruptionClaim,
  insertRentalClaim,
  insertTripInterruptionClaim,
  lockBenefitClaim,
  receiptsOfBenefitClaims,
  recordBenefitDecision,
} from './benefit-claim.repository.js';
import {
  type BenefitClaimKind,
  type BenefitDecisionInput,
  decideBenefitClaim,
  receiptRefusal,
} from './benefit-decision.js';
import { benefitReviewDueOn } from './benefit-review-due.js';

export const MAX_EXPENSES = 31;

/** The benefit claim a receipt belongs to. */
export interface ReceiptOwner {
  ownerType: 'rental_claim' | 'trip_interruption_claim';
  claimId: string;
  contractId: string;
}

export interface RentalClaimBody {
  repairClaimId: string;
  expenses: { date: string; kind: 'rental' | 'public_transport'; amountCents: number }[];
  /** The holder pages' language (docs/languages.md), remembered for later emails about the contract. */
  language?: HolderLanguage | undefined;
}

export interface TripClaimBody {
  breakdownOn: string;
  milesFromHome: number;
  componentGroup?: string | undefined;
  keptOvernight?: boolean | undefined;
  expenses: {
    date: string;
    category: 'lodging' | 'meals';
    amountCents: number;
    alcoholCents?: number | undefined;
  }[];
  /** The holder pages' language (docs/languages.md), remembered for later emails about the contract. */
  language?: HolderLanguage | undefined;
}

/** The state rule that withdrew a benefit, when one did (the plan's own null has no sentence). */
function withdrawingRule(terms: VscTerms, field: 'benefits.rental' | 'benefits.tripInterruption') {
  const source = terms.ruleSources[field];
  return terms.notes.find((note) => note.ruleId === source);
}

/**
 * Each expense's date is a calendar date, neither after `today` (a receipt is for a day that has
 * happened) nor before the contract was bought (it covered nothing then).
 */
function checkDates(
  expenses: readonly { date: string }[],
  contract: { purchase_date: string },
  today: CalendarDate,
): void {
  expenses.forEach((expense, index) => {
    const param = `expenses[${index}].date`;
    if (!isCalendarDate(expense.date))
      throw new AppError('invalid_date', `${expense.date} is not a calendar date.`, { param });
    if (compareDates(expense.date, today) > 0)
      throw new AppError('invalid_date', `An expense cannot be dated after today (${expense.date}).`, {
        param,
      });
    if (compareDates(expense.date, contract.purchase_date) < 0)
      throw new AppError(
        'invalid_date',
        `An expense on ${expense.date} is before the contract was bought (${contract.purchase_date}).`,
        { param },
      );
  });
}

/**
 * Every expense of a rental or trip claim asks for something: a $0 line would file a claim (and its
 * review) for nothing to pay, so it is refused where it stands, as a rental's and a trip's alike.
 */
function checkAmounts(expenses: readonly { amountCents: number }[]): void {
  expenses.forEach((expense, index) => {
    if (expense.amountCents <= 0)
      throw new AppError(
        'invalid_amount',
        `Expense ${index + 1} asks for ${formatUsd(expense.amountCents)}: enter what its receipt says was paid, or leave the line out.`,
        { param: `expenses[${index}].amountCents` },
      );
  });
}

interface DecisionColumns {
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason_code: string | null;
  decision_reason: string | null;
}

/** Who decided the claim and when, and a denial's reason; null while it waits (and on claims paid before decisions). */
function decisionView(row: DecisionColumns) {
  if (row.decided_at === null) return null;
  return {
    decidedBy: row.decided_by ?? '',
    decidedAt: row.decided_at.toISOString(),
    reasonCode: row.decision_reason_code,
    reason: row.decision_reason,
  };
}

function receiptView(row: BenefitReceiptRow) {
  return {
    id: row.id,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    contentType: row.content_type,
    originalName: row.original_name,
    receivedAt: row.received_at.toISOString(),
  };
}

/** A claim as its reader may see it: a holder is told a decision was staff's, not which person's email. */
function forReader<T extends { decision: ReturnType<typeof decisionView> }>(
  view: T,
  principal: Principal,
): T {
  if (principal.kind !== 'holder' || view.decision === null) return view;
  return { ...view, decision: { ...view.decision, decidedBy: 'claims staff' } };
}

/** The columns a rental and a trip-interruption claim share. */
interface BenefitClaimRow extends DecisionColumns {
  id: string;
  contract_id: string;
  status: string;
  requested_cents: number;
  payable_cents: number;
  lines: unknown[];
  created_at: Date;
  review_due_on: string;
}

/** What the view of either kind of benefit claim says; rentalView and tripView add their own fields. */
function claimView(row: BenefitClaimRow, receipts: readonly BenefitReceiptRow[]) {
  return {
    id: row.id,
    contractId: row.contract_id,
    status: row.status,
    requestedCents: row.requested_cents,
    payableCents: row.payable_cents,
    lines: row.lines as Record<string, unknown>[],
    createdAt: row.created_at.toISOString(),
    reviewDueOn: row.review_due_on,
    decision: decisionView(row),
    receipts: receipts.map(receiptView),
  };
}

/** Receipts grouped by the claim they belong to. */
function byOwner(receipts: readonly BenefitReceiptRow[]): Map<string, BenefitReceiptRow[]> {
  const grouped = new Map<string, BenefitReceiptRow[]>();
  for (const receipt of receipts)
    grouped.set(receipt.owner_id, [...(grouped.get(receipt.owner_id) ?? []), receipt]);
  return grouped;
}

export function createBenefitClaimsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  /** The business time zone: the day a reimbursement owed is posted to the books. */
  timeZone?: string;
  /** The business calendar of review due dates (default: the time zone's, 17:00 cutoff). */
  calendar?: BusinessCalendar;
  /** The review SLA when the catalog's benefit rule names none (the document-review setting; default 2). */
  reviewBusinessDays?: number;
}) {
  const { db, clock, catalog } = deps;
  const calendar =
    deps.calendar ??
    createBusinessCalendar({ timeZone: deps.timeZone ?? 'America/New_York', cutoffMinutes: 17 * 60 });
  const settingReviewDays = deps.reviewBusinessDays ?? 2;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone ?? 'America/New_York');
  const postingContext = (principal: Principal, requestId: string) => ({
    effectiveOn: today(),
    actor: actorOf(principal),
    requestId,
  });

  function rentalView(
    row: BenefitClaimRow & { repair_claim_id: string },
    receipts: readonly BenefitReceiptRow[],
  ) {
    return { ...claimView(row, receipts), repairClaimId: row.repair_claim_id };
  }

  function tripView(
    row: BenefitClaimRow & { breakdown_on: string; miles_from_home: number; component_group: string | null },
    receipts: readonly BenefitReceiptRow[],
  ) {
    return {
      ...claimView(row, receipts),
      breakdownOn: row.breakdown_on,
      milesFromHome: row.miles_from_home,
      componentGroup: row.component_group,
    };
  }

  async function fileRental(
    trx: Transaction<Database>,
    contractId: string,
    body: RentalClaimBody,
    principal: Principal,
    requestId: string,
  ) {
    const { contract, terms } = await loadServiceContract(trx, catalog, principal, contractId, {
      gapRefusal: () =>
        new AppError(
          'rental_not_in_plan',
          'A GAP addendum has no rental benefit: a rental car during a covered repair comes with a vehicle service contract. GAP pays the rest of the loan after a total loss or theft.',
          { param: 'id' },
        ),
    });
    if (principal.kind === 'holder' && body.language)
      await rememberContractLanguage(trx, [contract.id], body.language, clock.now());
    checkDates(body.expenses, contract, today());
    checkAmounts(body.expenses);
    const repair = await lockRepairClaimOfContract(trx, body.repairClaimId, contract.id);
    if (!repair)
      throw new AppError('not_found', 'No repair claim with that id on this contract.', {
        param: 'repairClaimId',
      });
    const rule = terms.benefits.rental;
    const lines = await findRepairClaimLines(trx, repair.id);
    const approvedHundredths = lines.filter((l) => l.approved).reduce((t, l) => t + l.labor_hundredths, 0);
    const result = computeRentalReimbursement({
      available: rule !== null,
      repairAuthorized: repair.status === 'authorized' || repair.status === 'paid',
      laborHours: approvedHundredths / 100,
      keptOvernight: repair.kept_overnight,
      expenses: body.expenses,
      visitStartsOn: calendarDateInZone(repair.submitted_at, deps.timeZone ?? 'America/New_York'),
      rule: rule ?? {
        dailyLimitCents: 0,
        perVisitLimitCents: 0,
        minLaborHours: 0,
        overnightQualifies: false,
      },
    });
    if (!result.ok) {
      const details: Record<typeof result.code, { detail: string; param?: string }> = {
        rental_not_in_plan: {
          detail:
            withdrawingRule(terms, 'benefits.rental')?.sentence ??
            `Rental is not part of the ${terms.planName} plan.`,
        },
        repair_not_authorized: {
          detail: `Repair claim ${repair.claim_number} is not authorized; rental follows an authorized repair.`,
          param: 'repairClaimId',
        },
        rental_not_triggered: {
          detail: `The authorized repair needs fewer than ${rule?.minLaborHours} labor-guide hours and the vehicle was not kept overnight.`,
          param: 'repairClaimId',
        },
      };
      const { detail, param } = details[result.code];
      throw new AppError(result.code as ErrorCode, detail, param ? { param } : {});
    }
    const existing = await findRentalClaimForRepair(trx, repair.id);
    if (existing)
      throw new AppError(
        'benefit_claim_exists',
        'A rental claim was already filed for this repair visit: one claim covers a visit.',
        { param: 'repairClaimId' },
      );
    const filedAt = clock.now();
    const row = await insertRentalClaim(trx, {
      contract_id: contract.id,
      repair_claim_id: repair.id,
      status: 'submitted',
      requested_cents: body.expenses.reduce((t, e) => t + e.amountCents, 0),
      payable_cents: result.payableCents,
      lines: JSON.stringify(result.lines),
      created_by: actorOf(principal).label,
      created_at: filedAt,
      review_due_on: benefitReviewDueOn(calendar, filedAt, rule, settingReviewDays),
    });
    await postClaimIncurred(
      trx,
      {
        type: 'rental_claim',
        id: row.id,
        label: 'Rental reimbursement',
        amountCents: result.payableCents,
        contract,
      },
      postingContext(principal, requestId),
    );
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'rental_claim.filed',
      entityType: 'contract',
      entityId: contract.id,
      data: { rentalClaimId: row.id, repairClaimId: repair.id, payableCents: result.payableCents },
      requestId,
    });
    return rentalView(row, []);
  }

  async function fileTrip(
    trx: Transaction<Database>,
    contractId: string,
    body: TripClaimBody,
    principal: Principal,
    requestId: string,
  ) {
    // The contract's row is locked: two claims for one breakdown filed at once are filed one after the
    // other, and the second finds the first.
    const { contract, terms } = await loadServiceContract(trx, catalog, principal, contractId, {
      forUpdate: true,
      gapRefusal: () =>
        new AppError(
          'trip_interruption_not_available',
          'A GAP addendum has no trip-interruption benefit: meals and lodging after a breakdown away from home come with a vehicle service contract. GAP pays the rest of the loan after a total loss or theft.',
          { param: 'id' },
        ),
    });
    if (principal.kind === 'holder' && body.language)
      await rememberContractLanguage(trx, [contract.id], body.language, clock.now());
    if (!isCalendarDate(body.breakdownOn))
      throw new AppError('invalid_date', `${body.breakdownOn} is not a calendar date.`, {
        param: 'breakdownOn',
      });
    if (compareDates(body.breakdownOn, today()) > 0)
      throw new AppError('invalid_date', 'The breakdown date cannot be in the future.', {
        param: 'breakdownOn',
      });
    checkDates(body.expenses, contract, today());
    checkAmounts(body.expenses);
    body.expenses.forEach((expense, index) => {
      if ((expense.alcoholCents ?? 0) > expense.amountCents)
        throw new AppError(
          'invalid_amount',
          `The alcohol on a receipt (${formatUsd(expense.alcoholCents ?? 0)}) cannot be more than its total (${formatUsd(expense.amountCents)}).`,
          { param: `expenses[${index}].alcoholCents` },
        );
    });
    // One claim per breakdown: its limits (a day's, and the days from the breakdown) are per occurrence.
    if (await findTripClaimForBreakdown(trx, contract.id, body.breakdownOn))
      throw new AppError(
        'benefit_claim_exists',
        `A trip interruption claim was already filed for the breakdown on ${body.breakdownOn}: one claim covers a breakdown, with every expense of its days.`,
        { param: 'breakdownOn' },
      );
    if (!inForceOn(contract, body.breakdownOn))
      throw new AppError('contract_not_in_force', `The contract was not in force on ${body.breakdownOn}.`, {
        param: 'breakdownOn',
      });
    let componentCovered = true;
    if (body.componentGroup !== undefined) {
      const coverage = isComponentGroupCovered(terms, body.componentGroup);
      if (!coverage.covered && coverage.reasonCode === 'unknown_component_group')
        throw new AppError('unknown_component_group', `No component group "${body.componentGroup}".`, {
          param: 'componentGroup',
        });
      componentCovered = coverage.covered;
    }
    const rule = terms.benefits.tripInterruption;
    const withdrawn = withdrawingRule(terms, 'benefits.tripInterruption');
    const result = computeTripInterruption({
      available: rule !== null,
      ...(withdrawn ? { unavailableReason: withdrawn } : {}),
      breakdownOn: body.breakdownOn,
      milesFromHome: body.milesFromHome,
      // Lodging on a receipt means a night away; the form may also say so outright.
      keptOvernight: body.keptOvernight ?? body.expenses.some((e) => e.category === 'lodging'),
      componentCovered,
      expenses: body.expenses,
      rule: rule ?? { dailyLimitCents: 0, maxDays: 1, minMilesFromHome: 0 },
    });
    if (!result.ok) {
      const details: Record<typeof result.code, { detail: string; param?: string }> = {
        trip_interruption_not_available: {
          detail: result.reason?.sentence ?? `Trip interruption is not part of the ${terms.planName} plan.`,
        },
        too_close_to_home: {
          detail: `Trip interruption applies more than ${rule?.minMilesFromHome} miles from home.`,
          param: 'milesFromHome',
        },
        component_not_covered: {
          detail: `${terms.componentGroupNames[body.componentGroup ?? ''] ?? 'That component'} is not covered by the ${terms.planName} plan.`,
          param: 'componentGroup',
        },
        not_kept_overnight: {
          detail: 'Trip interruption applies when the vehicle is kept overnight.',
          param: 'keptOvernight',
        },
      };
      const { detail, param } = details[result.code];
      throw new AppError(result.code, detail, param ? { param } : {});
    }
    const filedAt = clock.now();
    const row = await insertTripInterruptionClaim(trx, {
      contract_id: contract.id,
      status: 'submitted',
      breakdown_on: body.breakdownOn,
      miles_from_home: body.milesFromHome,
      component_group: body.componentGroup ?? null,
      requested_cents: body.expenses.reduce((t, e) => t + e.amountCents, 0),
      payable_cents: result.payableCents,
      lines: JSON.stringify(result.lines),
      created_by: actorOf(principal).label,
      created_at: filedAt,
      review_due_on: benefitReviewDueOn(calendar, filedAt, rule, settingReviewDays),
    });
    await postClaimIncurred(
      trx,
      {
        type: 'trip_interruption_claim',
        id: row.id,
        label: 'Trip interruption reimbursement',
        amountCents: result.payableCents,
        contract,
      },
      postingContext(principal, requestId),
    );
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'trip_interruption_claim.filed',
      entityType: 'contract',
      entityId: contract.id,
      data: { tripInterruptionClaimId: row.id, payableCents: result.payableCents },
      requestId,
    });
    return tripView(row, []);
  }

  /** Everything claimed on a contract, for its holder's claims page and for staff. */
  async function overview(contractId: string, principal: Principal) {
    // A GAP addendum has no rental or trip benefit: nothing claimed of them (its GAP claims are listed
    // by the Claims Center), rather than a missing contract.
    const contract = await loadContract(db, principal, contractId);
    if (contract.product !== 'vsc') return { rentalClaims: [], tripInterruptionClaims: [] };
    const { rentals, trips } = await benefitClaimsOfContract(db, contract.id, 100);
    const [rentalReceipts, tripReceipts] = await Promise.all([
      receiptsOfBenefitClaims(
        db,
        'rental_claim',
        rentals.map((row) => row.id),
      ).then(byOwner),
      receiptsOfBenefitClaims(
        db,
        'trip_interruption_claim',
        trips.map((row) => row.id),
      ).then(byOwner),
    ]);
    return {
      rentalClaims: rentals.map((row) =>
        forReader(rentalView(row, rentalReceipts.get(row.id) ?? []), principal),
      ),
      tripInterruptionClaims: trips.map((row) =>
        forReader(tripView(row, tripReceipts.get(row.id) ?? []), principal),
      ),
    };
  }

  /**
   * One rental or trip-interruption claim (its detail page): staff any, a holder only their own
   * contract's (others read as missing, as every contract does).
   */
  async function rentalClaim(claimId: string, principal: Principal) {
    const row = await findRentalClaim(db, claimId);
    if (!row || !holderMayTouch(principal, row.contract_id))
      throw new AppError('not_found', 'No claim with that id.');
    await loadContract(db, principal, row.contract_id);
    return forReader(rentalView(row, await receiptsOfBenefitClaims(db, 'rental_claim', [row.id])), principal);
  }

  async function tripClaim(claimId: string, principal: Principal) {
    const row = await findTripInterruptionClaim(db, claimId);
    if (!row || !holderMayTouch(principal, row.contract_id))
      throw new AppError('not_found', 'No claim with that id.');
    await loadContract(db, principal, row.contract_id);
    return forReader(
      tripView(row, await receiptsOfBenefitClaims(db, 'trip_interruption_claim', [row.id])),
      principal,
    );
  }

  /**
   * The claim a receipt is for, checked before the file is read: it exists and the principal may see
   * it (a holder only their own contract's claims; others read as missing), and it still waits for a
   * decision (409 benefit_claim_decided otherwise, so a decided claim's upload is not even read).
   */
  async function receiptOwner(
    ownerType: 'rental_claim' | 'trip_interruption_claim',
    claimId: string,
    principal: Principal,
  ): Promise<ReceiptOwner> {
    const claim = await findBenefitClaimContract(db, ownerType, claimId);
    if (!claim || !holderMayTouch(principal, claim.contract_id))
      throw new AppError('not_found', 'No claim with that id.');
    refuseReceiptIfDecided(claim.status);
    return { ownerType, claimId: claim.id, contractId: claim.contract_id };
  }

  function refuseReceiptIfDecided(status: BenefitClaimStatus): void {
    const refusal = receiptRefusal(status);
    if (refusal) throw new AppError(refusal.code, refusal.detail);
  }

  /** A receipt for a rental or trip-interruption claim, received and staged: recorded, then stored. */
  async function attachReceipt(
    owner: ReceiptOwner,
    upload: { file: StagedFile; originalName: string | null },
    principal: Principal,
    requestId: string,
  ) {
    return transactional(db)(async (trx) => {
      // Checked again under the claim's lock: a decision made while the file was arriving wins, and a
      // decision waits for a receipt being recorded (decide locks the same row).
      const claim = await lockBenefitClaim(trx, owner.ownerType, owner.claimId);
      if (!claim) throw new AppError('not_found', 'No claim with that id.');
      refuseReceiptIfDecided(claim.status);
      const receipt = await recordReceipt(trx, owner, upload, principal, requestId);
      // The file gets its stored name only now, in the transaction that records its row.
      await upload.file.promote();
      return receipt;
    });
  }

  /** The documents row (and its audit) of a receipt already in the document store. */
  async function recordReceipt(
    trx: Transaction<Database>,
    owner: ReceiptOwner,
    upload: { file: StoredFile; originalName: string | null },
    principal: Principal,
    requestId: string,
  ) {
    const row = await recordDocument(trx, {
      contractId: owner.contractId,
      ownerType: owner.ownerType,
      ownerId: owner.claimId,
      documentType: 'receipt',
      status: 'received',
      upload,
      receivedAt: clock.now(),
      uploadedBy: actorOf(principal).label,
    });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'receipt.attached',
      entityType: owner.ownerType,
      entityId: owner.claimId,
      data: { documentId: row.id, sha256: row.sha256 },
      requestId,
    });
    return receiptView(row);
  }

  /**
   * A claim filed with its receipts (the multipart endpoints): all of it or nothing, in one
   * transaction, in which the receipts' files also get their stored names.
   */
  async function fileWithReceipts(
    trx: Transaction<Database>,
    kind: 'rental' | 'trip',
    contractId: string,
    body: RentalClaimBody & TripClaimBody,
    receipts: readonly { file: StagedFile; originalName: string | null }[],
    principal: Principal,
    requestId: string,
  ) {
    const claim =
      kind === 'rental'
        ? await fileRental(trx, contractId, body, principal, requestId)
        : await fileTrip(trx, contractId, body, principal, requestId);
    const owner = {
      ownerType: kind === 'rental' ? ('rental_claim' as const) : ('trip_interruption_claim' as const),
      claimId: claim.id,
      contractId: claim.contractId,
    };
    const recorded = [];
    for (const receipt of receipts)
      recorded.push(await recordReceipt(trx, owner, receipt, principal, requestId));
    for (const receipt of receipts) await receipt.file.promote();
    return { claim, receipts: recorded };
  }

  /**
   * Claims staff decide a rental or trip-interruption claim (benefit-decision.ts): approved, a payment
   * run pays it; denied, with its reason, what its filing put on the books comes back off. Audited.
   */
  async function decide(
    trx: Transaction<Database>,
    kind: BenefitClaimKind,
    claimId: string,
    input: BenefitDecisionInput,
    principal: Principal,
    requestId: string,
  ) {
    const claim = await lockBenefitClaim(trx, kind, claimId);
    if (!claim) throw new AppError('not_found', 'No claim with that id.');
    const receipts = await receiptsOfBenefitClaims(trx, kind, [claim.id]);
    const outcome = decideBenefitClaim({ kind, status: claim.status, receipts: receipts.length }, input);
    if (!outcome.ok)
      throw new AppError(outcome.code, outcome.detail, outcome.param ? { param: outcome.param } : {});
    const actor = actorOf(principal);
    await recordBenefitDecision(trx, kind, claim.id, {
      status: outcome.status,
      decidedBy: actor.label,
      decidedAt: clock.now(),
      reasonCode: outcome.reasonCode,
      reason: outcome.reason,
    });
    const { contract } = await loadServiceContract(trx, catalog, principal, claim.contract_id);
    if (outcome.status === 'denied')
      await postClaimDenied(
        trx,
        {
          type: kind,
          id: claim.id,
          label: kind === 'rental_claim' ? 'Rental reimbursement' : 'Trip interruption reimbursement',
          amountCents: claim.payable_cents,
          contract,
        },
        postingContext(principal, requestId),
      );
    await recordAudit(trx, {
      actor,
      action: `${kind}.${outcome.status}`,
      entityType: 'contract',
      entityId: contract.id,
      reason: outcome.reason,
      data: {
        [kind === 'rental_claim' ? 'rentalClaimId' : 'tripInterruptionClaimId']: claim.id,
        ...(outcome.status === 'denied'
          ? { deniedCents: claim.payable_cents }
          : { approvedCents: claim.payable_cents }),
        reasonCode: outcome.reasonCode,
      },
      requestId,
    });
    if (kind === 'rental_claim') {
      const row = await findRentalClaim(trx, claim.id);
      return rentalView(row!, receipts);
    }
    const row = await findTripInterruptionClaim(trx, claim.id);
    return tripView(row!, receipts);
  }

  return {
    decide: asUseCase(decide),
    fileRental: asUseCase(fileRental),
    fileTrip: asUseCase(fileTrip),
    fileWithReceipts: asUseCase(fileWithReceipts),
    overview,
    rentalClaim,
    tripClaim,
    receiptOwner,
    attachReceipt,
  };
}

export type BenefitClaimsService = ReturnType<typeof createBenefitClaimsService>;
