// GAP claims (docs/domain.md "GAP claims"): a holder starts one with last name + ZIP + VIN, uploads the
// documents the catalog requires for the loss type, staff review each within the business-day SLA,
// an adjuster computes the benefit with the contract's catalog version and approves it (owed to the
// lienholder; the next payment run pays it) or denies it. Every change is audited and emailed to the
// holder in the transaction that makes it.

import type { Kysely, Transaction } from 'kysely';
import { postClaimIncurred } from '../accounting/journal-postings.js';
import type { BusinessCalendar } from '../calendar/business-days.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import {
  claimGapAddendum,
  findGapContractsForUpdate,
  markContractHasClaims,
} from '../contracts/contract.repository.js';
import { contractOfRecord, holderMayTouch, gapTermsOf as termsOfGap } from '../contracts/contract-access.js';
import {
  documentsOfOwner,
  findCurrentDocumentOfType,
  markDocumentSuperseded,
} from '../documents/document.repository.js';
import { type DocumentView, documentView } from '../documents/document.view.js';
import { type ReceivedFile, recordDocument } from '../documents/document-records.js';
import type { DocumentOwner } from '../documents/documents.service.js';
import { documentName } from '../notifications/email-i18n.js';
import { contractLanguage, rememberContractLanguage } from '../notifications/holder-language.repository.js';
import type { Outbox } from '../notifications/outbox.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type {
  ContractRow,
  Database,
  DocumentRow,
  GapClaimRow,
  GapClaimStatus,
  GapLossTypeValue,
} from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import {
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { HolderLanguage } from '../shared/language.js';
import { formatUsd } from '../shared/money.js';
import type { Principal } from '../shared/principal.js';
import { emitEvent } from '../webhooks/webhook-events.js';
import { computeGapBenefit } from './gap-benefit.js';
import {
  findGapClaim,
  findLedgerEntry,
  findOpenGapClaim,
  findPaidGapClaim,
  gapClaimTimeline,
  insertGapClaim,
  listGapClaims,
  nextGapClaimNumber,
  updateGapClaim,
  userApprovalLimit,
} from './gap-claim.repository.js';
import { type GapClaimView, gapClaimView, gapLineView, type TimelineEvent } from './gap-claim.view.js';
import {
  type ClaimMessage,
  claimOpenedMessage,
  documentReceivedMessage,
  documentReviewedMessage,
  statusChangedMessage,
} from './gap-claim-messages.js';
import {
  acceptsDocuments,
  checklistOf,
  checkTransition,
  STATUS_WORDS,
  SYSTEM_REASONS,
  whyNoBenefitCalculation,
} from './gap-claim-status.js';
import { approvalStep } from './payment-approval.js';

export interface StartClaimInput {
  dateOfLoss: string;
  lossType: 'total_loss' | 'theft';
  /** Theft only: the vehicle was found again (the recovery report is then required too). */
  vehicleRecovered?: boolean | undefined;
  /** The holder pages' language: remembered for the contract, and this claim's emails are in it. */
  language?: HolderLanguage | undefined;
}

/** A detail of a start request that an open claim answered for it may hold otherwise. */
export type StartDetail = 'dateOfLoss' | 'lossType';

export interface BenefitInput {
  payoffCents: number;
  acvCents: number;
  primaryDeductibleCents: number;
  pastDueCents?: number | undefined;
  lateFeesCents?: number | undefined;
  addOnRefundsCents?: number | undefined;
  interestAfterLossCents?: number | undefined;
}

const NOT_FOUND = 'No GAP claim with that id.';

/** A GAP addendum pays one benefit, for the one total loss that ends the loan: once paid it is spent. */
function benefitAlreadyPaid(claimNumber: string): AppError {
  return new AppError(
    'gap_benefit_already_paid',
    `This GAP addendum already paid its benefit on claim ${claimNumber}. A GAP addendum pays once, for the loss that ends the loan, so it cannot take a new claim.`,
  );
}
const OWNER_TYPE = 'gap_claim';
const MAX_TIMELINE_EVENTS = 500;
const MAX_DOCUMENTS = 500;

export function createGapClaimsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  calendar: BusinessCalendar;
  timeZone: string;
  reviewBusinessDays: number;
  outbox: Outbox;
  /** The largest benefit an adjuster pays alone when their user has no limit of its own. */
  approvalLimitCents: number;
  /** The web app's address (COVERWISE_PUBLIC_URL): the emails link to its GAP Claims Center. */
  publicUrl: string;
}) {
  const { db, clock, catalog, calendar, outbox } = deps;
  const centerUrl = `${deps.publicUrl.replace(/\/+$/, '')}/gap-claims`;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  const gapTermsOf = (contract: ContractRow, executor: Kysely<Database> = db) =>
    termsOfGap(catalog, contract, executor);

  /** The user's own approval limit, or the setting's when the user has none. */
  async function approvalLimitOf(executor: Kysely<Database>, userId: string | null): Promise<number> {
    if (!userId) return 0;
    return (await userApprovalLimit(executor, userId)) ?? deps.approvalLimitCents;
  }

  const contractOf = contractOfRecord;

  async function lockClaim(trx: Transaction<Database>, id: string): Promise<GapClaimRow> {
    const row = await findGapClaim(trx, id, { forUpdate: true });
    if (!row) throw new AppError('not_found', NOT_FOUND);
    return row;
  }

  /** The email in the contract holder's language (the one their requests last sent; else English). */
  async function email(
    trx: Kysely<Database>,
    contract: ContractRow,
    claim: GapClaimRow,
    write: (language: HolderLanguage) => ClaimMessage,
  ): Promise<void> {
    // A contract without an email address has no one to write to; the claim page still shows it all.
    if (!contract.holder_email) return;
    const message = write((await contractLanguage(trx, contract.id)) ?? 'en');
    await outbox.queue(trx, {
      to: contract.holder_email,
      ...message,
      reference: `gap_claim:${claim.id}`,
      contractId: contract.id,
    });
  }

  /** Moves the claim along the status machine, audited with its reason and emailed to the holder. */
  async function transition(
    trx: Transaction<Database>,
    claim: GapClaimRow,
    to: GapClaimStatus,
    context: { actor: Actor; requestId: string; reason: string | null; contract: ContractRow },
    extra: Partial<
      Pick<GapClaimRow, 'decided_at' | 'decided_by' | 'decision_reason' | 'paid_at' | 'payment_entry_id'>
    > = {},
  ): Promise<GapClaimRow> {
    const outcome = checkTransition(claim.status, to);
    if (!outcome.ok) {
      throw new AppError(
        outcome.code,
        `A claim that is ${claim.status.replaceAll('_', ' ')} cannot become ${to.replaceAll('_', ' ')}.`,
      );
    }
    const updated = await updateGapClaim(trx, claim.id, { ...extra, status: to });
    await emitEvent(trx, 'gap_claim.status_changed', { gapClaimId: claim.id, from: claim.status, to });
    await recordAudit(trx, {
      actor: context.actor,
      action: 'gap_claim.status_changed',
      entityType: OWNER_TYPE,
      entityId: claim.id,
      reason: context.reason,
      data: { from: claim.status, to },
      requestId: context.requestId,
    });
    // Its benefit paid, the addendum is spent: it ends `claimed` (not cancelled: nothing is refunded).
    if (to === 'paid') await claimAddendum(trx, updated, context);
    await email(trx, context.contract, updated, (language) =>
      statusChangedMessage({
        claimNumber: claim.claim_number,
        status: to,
        reason: context.reason,
        amountCents: to === 'paid' ? updated.benefit_cents : null,
        payeeName: context.contract.lienholder_name,
        language,
        centerUrl,
      }),
    );
    return updated;
  }

  /** The paid claim's addendum becomes `claimed`, audited, in the transaction that paid the claim. */
  async function claimAddendum(
    trx: Transaction<Database>,
    claim: GapClaimRow,
    context: { actor: Actor; requestId: string },
  ): Promise<void> {
    const claimed = await claimGapAddendum(trx, claim.contract_id, clock.now());
    // Only an active addendum ends here (one paid before migration 0047 was claimed by its backfill).
    if (!claimed) return;
    await recordAudit(trx, {
      actor: context.actor,
      action: 'contract.claimed',
      entityType: 'contract',
      entityId: claim.contract_id,
      reason: `GAP benefit paid on claim ${claim.claim_number}`,
      data: { from: 'active', to: 'claimed', gapClaimId: claim.id, claimNumber: claim.claim_number },
      requestId: context.requestId,
    });
  }

  /**
   * Starts a claim on the GAP contract among `contractIds` (already verified by last name + ZIP + VIN),
   * or answers the contract's open claim (one open claim per contract). The request is judged first
   * either way (a date of loss ahead of today is refused, not answered with the open claim), and an
   * open claim answered for a request with another date or kind of loss says which of them differ:
   * nothing of the open claim changes, and the holder is told so instead of reading it as theirs.
   */
  async function start(
    trx: Transaction<Database>,
    contractIds: string[],
    input: StartClaimInput,
    actor: Actor,
    requestId: string,
  ): Promise<{ created: boolean; claim: GapClaimRow; detailsDiffer: StartDetail[] }> {
    // Locking the contract rows serialises two starts for the same contract.
    const contracts = await findGapContractsForUpdate(trx, contractIds);
    if (contracts.length === 0) {
      throw new AppError(
        'verification_failed',
        'We could not find a contract with that last name, ZIP code and VIN.',
      );
    }
    const contract = contracts.find((row) => row.status === 'active');
    if (!contract) {
      // A claimed addendum (its benefit paid) says why it takes no claim, not just that it has ended.
      const claimed = contracts.find((row) => row.status === 'claimed');
      const paid = claimed ? await findPaidGapClaim(trx, claimed.id) : undefined;
      if (paid) throw benefitAlreadyPaid(paid.claim_number);
      throw new AppError('contract_not_active', 'The GAP addendum on this vehicle is no longer active.');
    }
    if (!isCalendarDate(input.dateOfLoss)) {
      throw new AppError('invalid_date', 'The date of loss is not a calendar date (YYYY-MM-DD).', {
        param: 'dateOfLoss',
      });
    }
    if (compareDates(input.dateOfLoss, today()) > 0) {
      throw new AppError('invalid_date', 'The date of loss cannot be in the future.', {
        param: 'dateOfLoss',
      });
    }
    if (compareDates(input.dateOfLoss, contract.purchase_date) < 0) {
      throw new AppError('invalid_date', 'The date of loss is before the GAP addendum was bought.', {
        param: 'dateOfLoss',
      });
    }
    const lossType: GapLossTypeValue =
      input.lossType === 'theft' && input.vehicleRecovered ? 'theft_recovered' : input.lossType;
    if (input.language) await rememberContractLanguage(trx, [contract.id], input.language, clock.now());
    const open = await findOpenGapClaim(trx, contract.id);
    if (open) {
      const detailsDiffer: StartDetail[] = [];
      if (open.date_of_loss !== input.dateOfLoss) detailsDiffer.push('dateOfLoss');
      if (open.loss_type !== lossType) detailsDiffer.push('lossType');
      return { created: false, claim: open, detailsDiffer };
    }
    // An active addendum with a paid claim is spent all the same.
    const paid = await findPaidGapClaim(trx, contract.id);
    if (paid) throw benefitAlreadyPaid(paid.claim_number);
    const terms = await gapTermsOf(contract, trx);
    const required = terms.requiredDocuments[lossType];
    const claimNumber = await nextGapClaimNumber(trx, today().slice(0, 4));
    const claim = await insertGapClaim(trx, {
      claim_number: claimNumber,
      contract_id: contract.id,
      status: 'awaiting_documents',
      loss_type: lossType,
      date_of_loss: input.dateOfLoss,
      required_documents: JSON.stringify(required),
      opened_at: clock.now(),
      opened_by: actor.label,
    });
    // A claim ends the full-refund free look, whatever becomes of it (as a repair claim does).
    const flipped = await markContractHasClaims(trx, contract.id, clock.now());
    await recordAudit(trx, {
      actor,
      action: 'contract.claim_filed',
      entityType: 'contract',
      entityId: contract.id,
      data: { gapClaimId: claim.id, claimNumber, hasClaimsSet: flipped },
      requestId,
    });
    await recordAudit(trx, {
      actor,
      action: 'gap_claim.opened',
      entityType: OWNER_TYPE,
      entityId: claim.id,
      reason: `${lossType.replace('_', ' ')} on ${input.dateOfLoss}`,
      data: { claimNumber, contractId: contract.id, lossType, requiredDocuments: required },
      requestId,
    });
    await email(trx, contract, claim, (language) =>
      claimOpenedMessage({
        claimNumber,
        requiredNames: required.map((type) =>
          documentName(type, terms.documentTypeNames[type] ?? type, language),
        ),
        language,
        centerUrl,
      }),
    );
    return { created: true, claim, detailsDiffer: [] };
  }

  async function findFor(id: string, principal: Principal, executor: Kysely<Database> = db) {
    const claim = await findGapClaim(executor, id);
    if (!claim) throw new AppError('not_found', NOT_FOUND);
    if (!holderMayTouch(principal, claim.contract_id)) throw new AppError('not_found', NOT_FOUND);
    return claim;
  }

  async function documentsOf(executor: Kysely<Database>, claimId: string): Promise<DocumentRow[]> {
    return documentsOfOwner(
      executor,
      { ownerType: OWNER_TYPE, ownerId: claimId },
      { order: 'newest_first', limit: MAX_DOCUMENTS },
    );
  }

  /** The claim with its checklist, documents and timeline, as staff or its holder sees it. */
  async function view(
    claim: GapClaimRow,
    forStaff: boolean,
    executor: Kysely<Database> = db,
  ): Promise<GapClaimView> {
    const contract = await contractOf(executor, claim.contract_id);
    const terms = await gapTermsOf(contract, executor);
    const rows = await documentsOf(executor, claim.id);
    const onDate = today();
    const documents: DocumentView[] = rows.map((row) => documentView(row, onDate, terms.documentTypeNames));
    const events = await gapClaimTimeline(executor, claim.id, MAX_TIMELINE_EVENTS);
    const payment = claim.payment_entry_id
      ? await findLedgerEntry(executor, claim.payment_entry_id)
      : undefined;
    return gapClaimView({
      claim,
      contract,
      documents,
      typeNames: terms.documentTypeNames,
      checklist: checklistOf(
        claim.required_documents,
        documents.map((document) => ({ documentType: document.type, status: document.status })),
      ),
      events,
      payment: payment ?? null,
      forStaff,
    });
  }

  async function get(id: string, principal: Principal): Promise<GapClaimView> {
    return view(await findFor(id, principal), principal.kind === 'user');
  }

  async function list(
    principal: Principal,
    filter: { status?: GapClaimStatus | 'open' | undefined },
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    if (principal.kind === 'holder' && principal.contractIds.length === 0)
      return { data: [], hasMore: false };
    const rows = await listGapClaims(
      db,
      { contractIds: principal.kind === 'holder' ? principal.contractIds : undefined, status: filter.status },
      page,
    );
    if (!rows)
      throw new AppError('validation_failed', 'startingAfter names no claim.', { param: 'startingAfter' });
    return {
      data: rows.slice(0, page.limit).map((row) => ({
        id: row.id,
        claimNumber: row.claim_number,
        status: row.status,
        statusWords: STATUS_WORDS[row.status],
        lossType: row.loss_type,
        dateOfLoss: row.date_of_loss,
        openedAt: row.opened_at.toISOString(),
        benefitCents: row.benefit_cents,
        contractNumber: row.contract_number,
        holderName: `${row.holder_first_name} ${row.holder_last_name}`,
      })),
      hasMore: rows.length > page.limit,
    };
  }

  /** Checks before the file is read: the claim exists, the caller may see it, and it takes documents. */
  async function checkUploadAllowed(id: string, principal: Principal): Promise<void> {
    const claim = await findFor(id, principal);
    if (!acceptsDocuments(claim.status)) {
      throw new AppError(
        'invalid_status_transition',
        `This claim is ${claim.status.replaceAll('_', ' ')}; it takes no more documents.`,
      );
    }
  }

  async function addDocument(
    trx: Transaction<Database>,
    id: string,
    principal: Principal,
    upload: ReceivedFile & { type: string; language?: HolderLanguage | undefined },
    actor: Actor,
    requestId: string,
  ): Promise<DocumentView> {
    await findFor(id, principal, trx);
    const claim = await lockClaim(trx, id);
    if (!acceptsDocuments(claim.status)) {
      throw new AppError(
        'invalid_status_transition',
        `This claim is ${claim.status.replaceAll('_', ' ')}; it takes no more documents.`,
      );
    }
    if (!claim.required_documents.includes(upload.type)) {
      throw new AppError(
        'validation_failed',
        `This claim needs these document types: ${claim.required_documents.join(', ')}.`,
        { param: 'type' },
      );
    }
    const contract = await contractOf(trx, claim.contract_id);
    // Only the holder's own upload says their language (staff may take papers in for them).
    if (principal.kind === 'holder' && upload.language)
      await rememberContractLanguage(trx, [contract.id], upload.language, clock.now());
    const terms = await gapTermsOf(contract, trx);
    const typeName = terms.documentTypeNames[upload.type] ?? upload.type;
    const current = await findCurrentDocumentOfType(trx, { ownerType: OWNER_TYPE, ownerId: id }, upload.type);
    if (current && current.status !== 'rejected') {
      throw new AppError(
        'conflict',
        `The ${typeName} is already ${current.status === 'accepted' ? 'accepted' : 'waiting for review'}; only a rejected document can be replaced.`,
        { param: 'type' },
      );
    }
    const receivedAt = clock.now();
    const reviewDueOn = calendar.reviewDueOn(receivedAt, deps.reviewBusinessDays);
    if (current) {
      // Nothing is deleted: the rejected document stays on file, marked as replaced.
      await markDocumentSuperseded(trx, current.id);
    }
    const document = await recordDocument(trx, {
      contractId: claim.contract_id,
      ownerType: OWNER_TYPE,
      ownerId: id,
      documentType: upload.type,
      status: 'pending_review',
      upload,
      receivedAt,
      reviewDueOn,
      supersedesId: current?.id ?? null,
      uploadedBy: actor.label,
    });
    await recordAudit(trx, {
      actor,
      action: 'document.received',
      entityType: 'document',
      entityId: document.id,
      reason: current ? 'replaces a rejected document' : null,
      data: {
        ownerType: OWNER_TYPE,
        ownerId: id,
        documentType: upload.type,
        sha256: upload.file.sha256,
        reviewDueOn,
        supersedesId: current?.id ?? null,
      },
      requestId,
    });
    await email(trx, contract, claim, (language) =>
      documentReceivedMessage({
        claimNumber: claim.claim_number,
        typeName: documentName(upload.type, typeName, language),
        reviewDueOn,
        language,
        centerUrl,
      }),
    );
    if (claim.status === 'awaiting_documents') {
      await transition(trx, claim, 'under_review', {
        actor,
        requestId,
        reason: SYSTEM_REASONS.first_document_received,
        contract,
      });
    }
    return documentView(document, today(), terms.documentTypeNames);
  }

  /** The document owner hook: tells the holder about a review and moves the claim when all are accepted. */
  const documentOwner: DocumentOwner = {
    async typeNames(executor, document) {
      const contract = await contractOf(executor, document.contract_id);
      return (await gapTermsOf(contract, executor)).documentTypeNames;
    },
    async afterReview(trx, document, context) {
      const claim = await lockClaim(trx, document.owner_id);
      const contract = await contractOf(trx, claim.contract_id);
      const terms = await gapTermsOf(contract, trx);
      await email(trx, contract, claim, (language) =>
        documentReviewedMessage({
          claimNumber: claim.claim_number,
          typeName: documentName(
            document.document_type,
            terms.documentTypeNames[document.document_type] ?? document.document_type,
            language,
          ),
          accepted: document.status === 'accepted',
          reason: document.review_reason,
          language,
          centerUrl,
        }),
      );
      if (claim.status !== 'under_review' || document.status !== 'accepted') return;
      const documents = await documentsOf(trx, claim.id);
      const checklist = checklistOf(
        claim.required_documents,
        documents.map((row) => ({ documentType: row.document_type, status: row.status })),
      );
      if (checklist.every((item) => item.status === 'accepted')) {
        await transition(trx, claim, 'ready_for_calculation', {
          ...context,
          reason: SYSTEM_REASONS.all_documents_accepted,
          contract,
        });
      }
    },
  };

  async function calculateBenefit(
    trx: Transaction<Database>,
    id: string,
    input: BenefitInput,
    actor: Actor,
    requestId: string,
  ) {
    const claim = await lockClaim(trx, id);
    const refusal = whyNoBenefitCalculation(claim.status);
    if (refusal) throw new AppError('invalid_status_transition', refusal);
    const contract = await contractOf(trx, claim.contract_id);
    const terms = await gapTermsOf(contract, trx);
    if (!contract.amount_financed_cents || contract.msrp_cents === null) {
      throw new Error(`GAP contract ${contract.id} has no amount financed or MSRP`);
    }
    const benefitInput = {
      payoffCents: input.payoffCents,
      acvCents: input.acvCents,
      primaryDeductibleCents: input.primaryDeductibleCents,
      pastDueCents: input.pastDueCents ?? 0,
      lateFeesCents: input.lateFeesCents ?? 0,
      addOnRefundsCents: input.addOnRefundsCents ?? 0,
      interestAfterLossCents: input.interestAfterLossCents ?? 0,
      amountFinancedCents: contract.amount_financed_cents,
      msrpCents: contract.msrp_cents,
      rule: {
        deductibleCoverMaxCents: terms.gap.deductibleCoverMaxCents,
        ltvCapBasisPoints: terms.gap.ltvCapBasisPoints,
        maxBenefitCents: terms.gap.maxBenefitCents,
      },
    };
    const result = computeGapBenefit(benefitInput);
    const calculation = {
      input: benefitInput,
      catalogVersion: contract.catalog_version,
      benefitCents: result.benefitCents,
      adjustedPayoffCents: result.adjustedPayoffCents,
      ltvCapped: result.ltvCapped,
      lines: result.lines,
    };
    await updateGapClaim(trx, id, {
      calculation: JSON.stringify(calculation),
      benefit_cents: result.benefitCents,
      calculated_at: clock.now(),
      calculated_by: actor.label,
      // A new amount withdraws any proposal to pay the old one.
      payment_proposed_by_user_id: null,
      payment_proposed_by: null,
      payment_proposed_at: null,
      payment_proposed_cents: null,
    });
    await recordAudit(trx, {
      actor,
      action: 'gap_claim.benefit_calculated',
      entityType: OWNER_TYPE,
      entityId: id,
      data: { benefitCents: result.benefitCents, catalogVersion: contract.catalog_version },
      requestId,
    });
    return {
      benefitCents: result.benefitCents,
      adjustedPayoffCents: result.adjustedPayoffCents,
      ltvCapped: result.ltvCapped,
      lines: result.lines.map(gapLineView),
    };
  }

  /**
   * Approves the calculated benefit: the claim is approved and the benefit is owed to the lienholder
   * (claims expense against claims payable); the next payment run pays it (benefitPaid).
   */
  async function approve(
    trx: Transaction<Database>,
    id: string,
    input: { reason?: string | undefined },
    actor: Actor,
    requestId: string,
  ): Promise<GapClaimView> {
    const claim = await lockClaim(trx, id);
    const contract = await contractOf(trx, claim.contract_id);
    const outcome = checkTransition(claim.status, 'approved');
    if (!outcome.ok) {
      throw new AppError(
        outcome.code,
        `A claim that is ${claim.status.replaceAll('_', ' ')} cannot be approved.`,
      );
    }
    if (claim.benefit_cents === null) {
      throw new AppError('invalid_status_transition', 'Calculate the benefit before approving the claim.');
    }
    if (claim.benefit_cents === 0) {
      throw new AppError(
        'invalid_status_transition',
        'The benefit is $0.00: there is nothing to pay; deny the claim instead.',
      );
    }
    if (!contract.lienholder_name) {
      throw new AppError(
        'lienholder_missing',
        'The contract names no lienholder; GAP benefits are paid to the lender.',
      );
    }
    const reason = input.reason?.trim() || 'The benefit was calculated and approved.';
    const now = clock.now();
    const step = approvalStep({
      amountCents: claim.benefit_cents,
      approverUserId: actor.id ?? '',
      approverLimitCents: await approvalLimitOf(trx, actor.id),
      proposal:
        claim.payment_proposed_by_user_id && claim.payment_proposed_cents !== null
          ? { userId: claim.payment_proposed_by_user_id, amountCents: claim.payment_proposed_cents }
          : null,
    });
    if (step.action === 'refuse') {
      const amount = formatUsd(claim.benefit_cents);
      const sentences = {
        second_approver_required: `You proposed paying ${amount}; a second adjuster must approve it.`,
        approval_limit_exceeded: `${amount} is above your approval limit; an adjuster whose limit covers it must approve it.`,
        proposal_outdated:
          'The benefit was recalculated after the payment was proposed; propose the new amount again.',
      } as const;
      throw new AppError(step.code, sentences[step.code]);
    }
    if (step.action === 'propose') {
      const proposed = await updateGapClaim(trx, id, {
        payment_proposed_by_user_id: actor.id,
        payment_proposed_by: actor.label,
        payment_proposed_at: now,
        payment_proposed_cents: claim.benefit_cents,
      });
      await recordAudit(trx, {
        actor,
        action: 'gap_claim.payment_proposed',
        entityType: OWNER_TYPE,
        entityId: id,
        reason,
        data: { amountCents: claim.benefit_cents, proposedBy: actor.label, payee: contract.lienholder_name },
        requestId,
      });
      return view(proposed, true, trx);
    }
    const approved = await transition(
      trx,
      claim,
      'approved',
      {
        actor,
        requestId,
        reason: step.checkedBy
          ? `${reason} Proposed by ${claim.payment_proposed_by}, approved by ${actor.label}.`
          : reason,
        contract,
      },
      {
        decided_at: now,
        decided_by: actor.label,
        decision_reason: reason,
      },
    );
    await postClaimIncurred(
      trx,
      {
        type: 'gap_claim',
        id,
        label: `GAP benefit, claim ${claim.claim_number}`,
        amountCents: claim.benefit_cents,
        contract,
      },
      { effectiveOn: today(), actor, requestId },
    );
    return view(approved, true, trx);
  }

  /**
   * A payment run paid the approved benefit to the lienholder (its payments-ledger entry is
   * `ledgerEntryId`): the claim becomes paid, audited and told to the holder, in the run's transaction.
   */
  async function benefitPaid(
    trx: Transaction<Database>,
    id: string,
    payment: { ledgerEntryId: string; paidAt: Date; reference: string; actor: Actor; requestId: string },
  ): Promise<void> {
    const claim = await lockClaim(trx, id);
    const contract = await contractOf(trx, claim.contract_id);
    await transition(
      trx,
      claim,
      'paid',
      {
        actor: payment.actor,
        requestId: payment.requestId,
        reason: `Paid to ${contract.lienholder_name ?? 'the lienholder'} (${payment.reference}).`,
        contract,
      },
      { paid_at: payment.paidAt, payment_entry_id: payment.ledgerEntryId },
    );
  }

  async function deny(
    trx: Transaction<Database>,
    id: string,
    input: { reason: string },
    actor: Actor,
    requestId: string,
  ): Promise<GapClaimView> {
    const reason = input.reason.trim();
    if (!reason) throw new AppError('validation_failed', 'Say why the claim is denied.', { param: 'reason' });
    const claim = await lockClaim(trx, id);
    const contract = await contractOf(trx, claim.contract_id);
    const denied = await transition(
      trx,
      claim,
      'denied',
      { actor, requestId, reason, contract },
      {
        decided_at: clock.now(),
        decided_by: actor.label,
        decision_reason: reason,
      },
    );
    return view(denied, true, trx);
  }

  /** POST /gap-claims: starts a claim (or finds the open one, `created` false) and sums it up. */
  async function startClaim(
    trx: Transaction<Database>,
    contractIds: string[],
    input: StartClaimInput,
    actor: Actor,
    requestId: string,
  ) {
    const { created, claim, detailsDiffer } = await start(trx, contractIds, input, actor, requestId);
    const summary = await view(claim, false, trx);
    return {
      created,
      detailsDiffer,
      id: summary.id,
      claimNumber: summary.claimNumber,
      contractId: summary.contractId,
      status: summary.status,
      lossType: summary.lossType,
      dateOfLoss: summary.dateOfLoss,
      requiredDocuments: summary.requiredDocuments,
    };
  }

  return {
    start: asUseCase(startClaim),
    get,
    list,
    view,
    checkUploadAllowed,
    addDocument: asUseCase(addDocument),
    calculateBenefit: asUseCase(calculateBenefit),
    approve: asUseCase(approve),
    benefitPaid,
    deny: asUseCase(deny),
    documentOwner,
    today,
  };
}

export type GapClaimsService = ReturnType<typeof createGapClaimsService>;
export type { TimelineEvent };
