// Repair claims: a shop submits an estimate for a VIN, each line is judged by the contract's catalog
// version, an adjuster authorizes (per line, after an inspection when the amount calls for one) or asks
// for more information, and paying the shop writes a ledger entry and closes the claim.

import type { Kysely, Transaction } from 'kysely';
import { postClaimIncurred, postClaimPaid } from '../accounting/journal-postings.js';
import { computeRentalReimbursement } from '../catalog/benefit-limits.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { VscTerms } from '../catalog/effective-terms.js';
import {
  findContractById,
  findContractsByVin,
  markContractHasClaims,
} from '../contracts/contract.repository.js';
import { coverageOn, holderMayTouch, vscTermsOf } from '../contracts/contract-access.js';
import { cancellationDateOf } from '../contracts/contract-history.repository.js';
import { validateVin } from '../contracts/vin.js';
import { appendLedgerEntry } from '../ledger/ledger.repository.js';
import { refuseWhileOfacHold } from '../ofac/ofac-holds.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ContractRow, Database, RepairClaimStatus } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import {
  findRepairFacility,
  type RepairFacilityRow,
} from '../repair-facilities/repair-facility.repository.js';
import { type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { actorOf, type Principal } from '../shared/principal.js';
import { emitEvent } from '../webhooks/webhook-events.js';
import { type ContractEnded, contractEndedForClaim } from './claim-in-force.js';
import {
  decideRepairClaimLine,
  findRepairClaim,
  findRepairClaimLines,
  insertRepairClaim,
  insertRepairClaimLines,
  listRepairClaims,
  lockRepairClaim,
  nextNumber,
  type RepairClaimLineRow,
  type RepairClaimRow,
  reassessRepairClaimLine,
  updateRepairClaim,
} from './repair-claim.repository.js';
import { assessEstimate, type LineReasonCode, settleAuthorization } from './repair-estimate.js';

/** Reasons an adjuster may give for denying a line (docs/domain.md "Repair claims" step 4). */
export const DENIAL_REASONS = [
  'component_not_covered',
  'pre_existing_condition',
  'maintenance_not_proven',
  'work_started_before_authorization',
  'waiting_period',
  'contract_not_in_force',
  'not_a_failure',
  // What the catalog's exclusions name: wear items, maintenance, glass/body/trim.
  'wear_item',
  'maintenance_item',
  'body_glass_trim',
  'other',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export const MAX_ESTIMATE_LINES = 50;

export interface EstimateLineBody {
  componentGroup: string;
  description: string;
  partsCents: number;
  laborHours: number;
  laborRateCents?: number | undefined;
}

export interface RepairClaimBody {
  vin: string;
  odometer: number;
  complaint: string;
  cause: string;
  correction: string;
  lines: EstimateLineBody[];
  facilityId?: string | undefined;
  keptOvernight?: boolean | undefined;
  workStartedAt?: string | undefined;
}

export interface AuthorizationBody {
  lines?:
    | {
        id: string;
        approved: boolean;
        reasonCode?: DenialReason | undefined;
        note?: string | undefined;
      }[]
    | undefined;
  requestInformation?: string | undefined;
}

export function createRepairClaimsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  const termsOf = (contract: ContractRow, executor: Kysely<Database> = db): Promise<VscTerms> =>
    vscTermsOf(catalog, contract, executor);

  /** The claim's date: the business day it was submitted on. */
  const claimDateOf = (claim: RepairClaimRow): CalendarDate =>
    calendarDateInZone(claim.submitted_at, deps.timeZone);

  /**
   * Why the contract did not cover the claim (cancelled as of a day on or before the claim's date, or
   * void: claim-in-force.ts), or null. Read for the view and again, under the claim's lock, before
   * anything is approved or paid.
   */
  async function contractEnded(
    executor: Kysely<Database>,
    claim: RepairClaimRow,
    contract: ContractRow,
  ): Promise<ContractEnded | null> {
    const cancelledOn =
      contract.status === 'cancelled' ? await cancellationDateOf(executor, contract.id) : null;
    return contractEndedForClaim(
      { contractNumber: contract.contract_number, status: contract.status, cancelledOn },
      claimDateOf(claim),
    );
  }

  /** Refuses approving or paying a claim its contract did not cover (409 contract_not_active). */
  async function assertContractCoveredClaim(
    executor: Kysely<Database>,
    claim: RepairClaimRow,
    contract: ContractRow,
  ): Promise<void> {
    const ended = await contractEnded(executor, claim, contract);
    if (ended) throw new AppError('contract_not_active', ended.detail);
  }

  function rentalEligible(terms: VscTerms, claim: RepairClaimRow, lines: RepairClaimLineRow[]): boolean {
    if (claim.status !== 'authorized' && claim.status !== 'paid') return false;
    const hundredths = lines.filter((l) => l.approved).reduce((t, l) => t + l.labor_hundredths, 0);
    const rule = terms.benefits.rental;
    return computeRentalReimbursement({
      available: rule !== null,
      repairAuthorized: true,
      laborHours: hundredths / 100,
      keptOvernight: claim.kept_overnight,
      expenses: [],
      rule: rule ?? {
        dailyLimitCents: 0,
        perVisitLimitCents: 0,
        minLaborHours: 0,
        overnightQualifies: false,
      },
    }).ok;
  }

  async function view(claim: RepairClaimRow, executor: Kysely<Database> = db) {
    const [lines, contract, facility] = await Promise.all([
      findRepairClaimLines(executor, claim.id),
      findContractById(executor, claim.contract_id),
      findRepairFacility(executor, claim.facility_id),
    ]);
    if (!contract || !facility) throw new Error(`repair claim ${claim.id} lost its contract or facility`);
    const terms = await termsOf(contract, executor);
    const ended = await contractEnded(executor, claim, contract);
    const decided = claim.decided_at !== null;
    return {
      id: claim.id,
      claimNumber: claim.claim_number,
      status: claim.status,
      contractId: claim.contract_id,
      contractNumber: contract.contract_number,
      planCode: contract.plan_code,
      planName: terms.planName,
      facility: { id: facility.id, name: facility.name, dealerCode: facility.dealer_code },
      vin: claim.vin,
      odometer: claim.odometer,
      complaint: claim.complaint,
      cause: claim.cause,
      correction: claim.correction,
      keptOvernight: claim.kept_overnight,
      workStartedAt: claim.work_started_at?.toISOString() ?? null,
      coverageReasonCode: claim.coverage_reason_code,
      contractEnded: ended,
      submittedAt: claim.submitted_at.toISOString(),
      inspection: {
        required: claim.inspection_required,
        inspectedAt: claim.inspected_at?.toISOString() ?? null,
        notes: claim.inspection_notes,
      },
      informationRequest: claim.information_request,
      contractDeductibleCents: contract.deductible_cents,
      lines: lines.map((line) => ({
        id: line.id,
        lineNumber: line.line_number,
        componentGroup: line.component_group,
        componentGroupName: terms.componentGroupNames[line.component_group] ?? line.component_group,
        description: line.description,
        partsCents: line.parts_cents,
        laborHours: line.labor_hundredths / 100,
        laborRateCents: line.labor_rate_cents,
        requestedCents: line.requested_cents,
        eligible: line.eligible,
        ...(line.reason_code ? { reasonCode: line.reason_code } : {}),
        allowedLaborRateCents: line.allowed_labor_rate_cents,
        eligibleCents: line.eligible_cents,
        decision:
          line.approved === null
            ? null
            : {
                approved: line.approved,
                reasonCode: line.decision_reason_code,
                note: line.decision_note,
                approvedCents: line.approved_cents ?? 0,
              },
      })),
      requestedCents: lines.reduce((t, l) => t + l.requested_cents, 0),
      eligibleCents: lines.reduce((t, l) => t + l.eligible_cents, 0),
      authorization: decided
        ? {
            authorizationNumber: claim.authorization_number,
            decidedAt: claim.decided_at?.toISOString() ?? null,
            decidedBy: claim.decided_by,
            authorizedCents: claim.authorized_cents ?? 0,
            deductibleCents: claim.deductible_cents ?? 0,
            deductibleWaived: claim.deductible_waived ?? false,
            payableToFacilityCents: claim.payable_cents ?? 0,
            holderOwesCents: lines.reduce((t, l) => t + l.requested_cents, 0) - (claim.payable_cents ?? 0),
            rentalEligible: rentalEligible(terms, claim, lines),
          }
        : null,
      paidAt: claim.paid_at?.toISOString() ?? null,
    };
  }

  /** The claim if the principal may see it; otherwise "not found", so ids of others' claims leak nothing. */
  async function visibleClaim(id: string, principal: Principal, executor: Kysely<Database> = db) {
    const claim = await findRepairClaim(executor, id);
    if (!claim || !canSee(claim, principal)) throw new AppError('not_found', 'No repair claim with that id.');
    return claim;
  }

  function canSee(claim: RepairClaimRow, principal: Principal): boolean {
    if (principal.kind === 'holder') return holderMayTouch(principal, claim.contract_id);
    if (principal.kind !== 'user') return false;
    if (principal.role === 'repair_facility') return principal.facilityId === claim.facility_id;
    return true;
  }

  async function facilityFor(
    executor: Kysely<Database>,
    principal: Principal,
    requested: string | undefined,
  ): Promise<RepairFacilityRow> {
    if (principal.kind === 'user' && principal.role === 'repair_facility') {
      if (!principal.facilityId)
        throw new AppError(
          'forbidden',
          'Your user is not linked to a repair facility; ask an administrator.',
        );
      if (requested && requested !== principal.facilityId)
        throw new AppError('forbidden', 'You can submit claims only for your own repair facility.', {
          param: 'facilityId',
        });
      const own = await findRepairFacility(executor, principal.facilityId);
      if (!own) throw new AppError('forbidden', 'Your repair facility no longer exists.');
      return own;
    }
    if (!requested)
      throw new AppError('validation_failed', 'Name the repair facility (facilityId) the claim is for.', {
        param: 'facilityId',
      });
    const facility = await findRepairFacility(executor, requested);
    if (!facility)
      throw new AppError('not_found', 'No repair facility with that id.', { param: 'facilityId' });
    return facility;
  }

  /** The VIN's service contract: the one in force at this odometer today, else the most recently sold. */
  async function contractForVin(executor: Kysely<Database>, vinInput: string, odometer: number) {
    const vin = validateVin(vinInput);
    if (!vin.ok) throw new AppError('invalid_vin', vin.detail, { param: 'vin' });
    const rows = (await findContractsByVin(executor, vin.vin)).filter((row) => row.product === 'vsc');
    if (rows.length === 0)
      throw new AppError('not_found', 'No service contract covers that VIN.', { param: 'vin' });
    const onDate = today();
    return rows.find((row) => coverageOn(row, { onDate, odometer }).inForce) ?? rows[0]!;
  }

  function laborHundredths(hours: number, index: number): number {
    const hundredths = Math.round(hours * 100);
    if (Math.abs(hours * 100 - hundredths) > 1e-6)
      throw new AppError('validation_failed', 'Labor hours take at most two decimals.', {
        param: `lines[${index}].laborHours`,
      });
    return hundredths;
  }

  async function submit(
    trx: Transaction<Database>,
    body: RepairClaimBody,
    principal: Principal,
    requestId: string,
  ) {
    const now = clock.now();
    const facility = await facilityFor(trx, principal, body.facilityId);
    const contract = await contractForVin(trx, body.vin, body.odometer);
    refuseBelowSale(body.odometer, contract);
    let workStartedAt: Date | null = null;
    if (body.workStartedAt !== undefined) {
      workStartedAt = new Date(body.workStartedAt);
      if (Number.isNaN(workStartedAt.getTime()) || workStartedAt > now)
        throw new AppError('validation_failed', 'workStartedAt must be an instant in the past.', {
          param: 'workStartedAt',
        });
    }
    const terms = await termsOf(contract, trx);
    const lines = body.lines.map((line, index) => {
      if (!Object.hasOwn(terms.componentGroupNames, line.componentGroup))
        throw new AppError(
          'unknown_component_group',
          `No component group "${line.componentGroup}" in the catalog.`,
          {
            param: `lines[${index}].componentGroup`,
          },
        );
      return {
        ...line,
        laborHundredths: laborHundredths(line.laborHours, index),
        laborRateCents: line.laborRateCents ?? facility.labor_rate_cents,
      };
    });
    const coverage = coverageOn(contract, { onDate: today(), odometer: body.odometer });
    // No authorization exists before the claim does, so work reported as started is started before it.
    const assessment = assessEstimate({
      terms,
      coverage,
      workStartedBeforeAuthorization: workStartedAt !== null,
      lines,
    });
    const sequence = await nextNumber(trx, 'repair_claim_number_seq');
    const claim = await insertRepairClaim(trx, {
      claim_number: `RC-${today().slice(0, 4)}-${String(sequence).padStart(6, '0')}`,
      contract_id: contract.id,
      facility_id: facility.id,
      status: 'submitted',
      vin: contract.vin,
      odometer: body.odometer,
      complaint: body.complaint,
      cause: body.cause,
      correction: body.correction,
      kept_overnight: body.keptOvernight ?? false,
      work_started_at: workStartedAt,
      coverage_reason_code: coverage.inForce ? null : coverage.reasonCode,
      inspection_required: assessment.inspectionRequired,
      submitted_by: principalLabel(principal),
      submitted_at: now,
    });
    await insertRepairClaimLines(
      trx,
      lines.map((line, index) => {
        const judged = assessment.lines[index]!;
        return {
          claim_id: claim.id,
          line_number: index + 1,
          component_group: line.componentGroup,
          description: line.description,
          parts_cents: line.partsCents,
          labor_hundredths: line.laborHundredths,
          labor_rate_cents: line.laborRateCents,
          requested_cents: judged.requestedCents,
          eligible: judged.eligible,
          reason_code: judged.reasonCode,
          allowed_labor_rate_cents: judged.allowedLaborRateCents,
          eligible_cents: judged.eligibleCents,
        };
      }),
    );
    // A claim ends the full-refund free look, whatever becomes of it.
    const flipped = await markContractHasClaims(trx, contract.id, now);
    const actor = actorOf(principal);
    await recordAudit(trx, {
      actor,
      action: 'repair_claim.submitted',
      entityType: 'repair_claim',
      entityId: claim.id,
      data: {
        claimNumber: claim.claim_number,
        contractId: contract.id,
        facilityId: facility.id,
        requestedCents: assessment.requestedCents,
        eligibleCents: assessment.eligibleCents,
        inspectionRequired: assessment.inspectionRequired,
        lines: assessment.lines.map((l) => ({ eligible: l.eligible, reasonCode: l.reasonCode })),
      },
      requestId,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.claim_filed',
      entityType: 'contract',
      entityId: contract.id,
      data: {
        repairClaimId: claim.id,
        claimNumber: claim.claim_number,
        hasClaimsSet: flipped,
      },
      requestId,
    });
    return view(claim, trx);
  }

  async function get(id: string, principal: Principal) {
    return view(await visibleClaim(id, principal));
  }

  async function list(
    principal: Principal,
    filter: { status?: RepairClaimStatus | undefined; contractId?: string | undefined },
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    const facilityId =
      principal.kind === 'user' && principal.role === 'repair_facility'
        ? (principal.facilityId ?? 'none')
        : undefined;
    if (facilityId === 'none') return { data: [], hasMore: false };
    const rows = await listRepairClaims(db, { ...filter, facilityId }, page);
    const data = await Promise.all(rows.slice(0, page.limit).map((row) => view(row)));
    return { data, hasMore: rows.length > page.limit };
  }

  async function lockedClaim(trx: Transaction<Database>, id: string) {
    const claim = await lockRepairClaim(trx, id);
    if (!claim) throw new AppError('not_found', 'No repair claim with that id.');
    return claim;
  }

  function requireStatus(claim: RepairClaimRow, allowed: RepairClaimStatus[], doing: string): void {
    if (!allowed.includes(claim.status))
      throw new AppError(
        'invalid_status_transition',
        `Claim ${claim.claim_number} is ${claim.status.replace('_', ' ')}; it cannot be ${doing}.`,
      );
  }

  async function authorize(
    trx: Transaction<Database>,
    id: string,
    body: AuthorizationBody,
    principal: Principal,
    requestId: string,
  ) {
    const now = clock.now();
    const claim = await lockedClaim(trx, id);
    const actor = actorOf(principal);
    if ((body.lines === undefined) === (body.requestInformation === undefined))
      throw new AppError(
        'validation_failed',
        'Send either per-line decisions (lines) or requestInformation.',
        {
          param: 'lines',
        },
      );
    if (body.requestInformation !== undefined) {
      requireStatus(claim, ['submitted'], 'sent back for information');
      await updateRepairClaim(trx, claim.id, {
        status: 'information_requested',
        information_request: body.requestInformation ?? null,
      });
      await recordAudit(trx, {
        actor,
        action: 'repair_claim.information_requested',
        entityType: 'repair_claim',
        entityId: claim.id,
        reason: body.requestInformation,
        requestId,
      });
      const updated = await view((await findRepairClaim(trx, claim.id))!, trx);
      return authorizationAnswer(updated);
    }

    requireStatus(claim, ['submitted'], 'authorized');
    const lines = await findRepairClaimLines(trx, claim.id);
    const decisions = body.lines ?? [];
    const byId = new Map(decisions.map((decision, index) => [decision.id, { decision, index }]));
    if (byId.size !== decisions.length)
      throw new AppError('validation_failed', 'Decide each line once.', { param: 'lines' });
    decisions.forEach((decision, index) => {
      if (!lines.some((line) => line.id === decision.id))
        throw new AppError('validation_failed', 'That line is not part of this claim.', {
          param: `lines[${index}].id`,
        });
    });
    if (lines.some((line) => !byId.has(line.id)))
      throw new AppError('validation_failed', 'Decide every line of the claim (approve or deny).', {
        param: 'lines',
      });
    for (const line of lines) {
      const { decision, index } = byId.get(line.id)!;
      if (decision.approved && !line.eligible) {
        const reason = line.reason_code as LineReasonCode | null;
        throw new AppError(
          reason === 'work_started_before_authorization'
            ? 'work_started_before_authorization'
            : 'line_not_eligible',
          `Line ${line.line_number} is not eligible (${reason ?? 'not covered'}) and cannot be approved.`,
          { param: `lines[${index}].approved` },
        );
      }
      if (!decision.approved && !decision.reasonCode)
        throw new AppError('validation_failed', 'Give a reason for each denied line.', {
          param: `lines[${index}].reasonCode`,
        });
      // "Denied: Other reason" tells the shop nothing: other needs the adjuster's own words.
      if (!decision.approved && decision.reasonCode === 'other' && !decision.note?.trim())
        throw new AppError(
          'validation_failed',
          `Say why line ${line.line_number} is denied: "other reason" needs a note the shop reads.`,
          { param: `lines[${index}].note` },
        );
    }
    const anyApproved = decisions.some((decision) => decision.approved);
    if (anyApproved && claim.inspection_required && claim.inspected_at === null)
      throw new AppError(
        'inspection_required',
        'The estimate is above the inspection threshold: record the inspection before approving lines.',
      );

    const contract = (await findContractById(trx, claim.contract_id))!;
    // Nothing is promised on a contract that did not cover the claim's date; denying stays open.
    if (anyApproved) await assertContractCoveredClaim(trx, claim, contract);
    const facility = (await findRepairFacility(trx, claim.facility_id))!;
    const terms = await termsOf(contract, trx);
    const settlement = settleAuthorization({
      lines: lines.map((line) => ({
        requestedCents: line.requested_cents,
        eligibleCents: line.eligible_cents,
        laborHundredths: line.labor_hundredths,
        approved: byId.get(line.id)!.decision.approved,
      })),
      deductible: {
        contractDeductibleCents: contract.deductible_cents,
        disappearingDeductibleCents: terms.disappearingDeductibleCents,
        deductiblePer: terms.deductiblePer,
        facilityDealerCode: facility.dealer_code,
        sellingDealerCode: contract.selling_dealer_code,
      },
    });
    for (const line of lines) {
      const { decision } = byId.get(line.id)!;
      await decideRepairClaimLine(trx, line.id, {
        approved: decision.approved,
        decision_reason_code: decision.approved ? null : (decision.reasonCode ?? null),
        decision_note: decision.approved ? null : decision.note?.trim() || null,
        approved_cents: decision.approved ? line.eligible_cents : 0,
      });
    }
    const authorizationNumber = anyApproved
      ? `A-${today().slice(0, 4)}-${String(await nextNumber(trx, 'authorization_number_seq')).padStart(6, '0')}`
      : null;
    await updateRepairClaim(trx, claim.id, {
      status: anyApproved ? 'authorized' : 'denied',
      authorization_number: authorizationNumber,
      decided_by: actor.label,
      decided_at: now,
      authorized_cents: settlement.authorizedCents,
      deductible_cents: settlement.deductibleCents,
      deductible_waived: settlement.deductibleWaived,
      payable_cents: settlement.payableToFacilityCents,
    });
    if (anyApproved)
      await postClaimIncurred(
        trx,
        {
          type: 'repair_claim',
          id: claim.id,
          label: `Repair authorization ${authorizationNumber}`,
          amountCents: settlement.payableToFacilityCents,
          contract,
        },
        { effectiveOn: today(), actor, requestId },
      );
    if (anyApproved)
      await emitEvent(trx, 'repair_claim.authorized', {
        repairClaimId: claim.id,
        authorizationNumber,
        authorizedCents: settlement.authorizedCents,
      });
    await recordAudit(trx, {
      actor,
      action: anyApproved ? 'repair_claim.authorized' : 'repair_claim.denied',
      entityType: 'repair_claim',
      entityId: claim.id,
      data: {
        authorizationNumber,
        authorizedCents: settlement.authorizedCents,
        deductibleCents: settlement.deductibleCents,
        deductibleWaived: settlement.deductibleWaived,
        payableToFacilityCents: settlement.payableToFacilityCents,
        lines: decisions.map((d) => ({
          id: d.id,
          approved: d.approved,
          reasonCode: d.reasonCode ?? null,
          note: d.note?.trim() || null,
        })),
      },
      requestId,
    });
    return authorizationAnswer(await view((await findRepairClaim(trx, claim.id))!, trx));
  }

  function authorizationAnswer(claim: Awaited<ReturnType<typeof view>>) {
    const a = claim.authorization;
    return {
      status: claim.status,
      authorizationNumber: a?.authorizationNumber ?? null,
      authorizedCents: a?.authorizedCents ?? 0,
      deductibleCents: a?.deductibleCents ?? 0,
      deductibleWaived: a?.deductibleWaived ?? false,
      payableToFacilityCents: a?.payableToFacilityCents ?? 0,
      holderOwesCents: a?.holderOwesCents ?? claim.requestedCents,
      rentalEligible: a?.rentalEligible ?? false,
      claim,
    };
  }

  async function recordInspection(
    trx: Transaction<Database>,
    id: string,
    body: { notes: string },
    principal: Principal,
    requestId: string,
  ) {
    const claim = await lockedClaim(trx, id);
    requireStatus(claim, ['submitted'], 'inspected');
    await updateRepairClaim(trx, claim.id, { inspected_at: clock.now(), inspection_notes: body.notes });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'repair_claim.inspected',
      entityType: 'repair_claim',
      entityId: claim.id,
      reason: body.notes,
      requestId,
    });
    return view((await findRepairClaim(trx, claim.id))!, trx);
  }

  /**
   * Staff correct the odometer reading a claim was submitted with (a shop's typo, read again from the
   * dashboard or a photo of it): the reading counts for every later record on the contract (a
   * cancellation or transfer may not go below it: contracts/odometer-readings.ts), so a wrong one must
   * be put right, never worked around. A claim still waiting for its decision is assessed again with the
   * corrected reading, as if the shop had sent it (coverage by miles, each line's eligibility); a
   * decided claim keeps its decision. Audited with both readings and the reason.
   */
  async function correctOdometer(
    trx: Transaction<Database>,
    id: string,
    body: { odometer: number; reason: string },
    principal: Principal,
    requestId: string,
  ) {
    const claim = await lockedClaim(trx, id);
    const reason = body.reason.trim();
    if (reason === '')
      throw new AppError(
        'validation_failed',
        'Say what shows the right reading (for example a photo of the dashboard).',
        {
          param: 'reason',
        },
      );
    if (body.odometer === claim.odometer)
      throw new AppError('validation_failed', `${body.odometer} is already the claim's reading.`, {
        param: 'odometer',
      });
    const contract = (await findContractById(trx, claim.contract_id))!;
    refuseBelowSale(body.odometer, contract);
    const undecided = claim.status === 'submitted' || claim.status === 'information_requested';
    const changes: { coverage_reason_code?: string | null; inspection_required?: boolean } = {};
    if (undecided) {
      const terms = await termsOf(contract, trx);
      const coverage = coverageOn(contract, { onDate: claimDateOf(claim), odometer: body.odometer });
      const stored = await findRepairClaimLines(trx, claim.id);
      const assessment = assessEstimate({
        terms,
        coverage,
        workStartedBeforeAuthorization: claim.work_started_at !== null,
        lines: stored.map((line) => ({
          componentGroup: line.component_group,
          partsCents: line.parts_cents,
          laborHundredths: line.labor_hundredths,
          laborRateCents: line.labor_rate_cents,
        })),
      });
      for (const [index, line] of stored.entries()) {
        const judged = assessment.lines[index]!;
        await reassessRepairClaimLine(trx, line.id, {
          eligible: judged.eligible,
          reason_code: judged.reasonCode,
          allowed_labor_rate_cents: judged.allowedLaborRateCents,
          eligible_cents: judged.eligibleCents,
        });
      }
      changes.coverage_reason_code = coverage.inForce ? null : coverage.reasonCode;
      changes.inspection_required = assessment.inspectionRequired;
    }
    await updateRepairClaim(trx, claim.id, { odometer: body.odometer, ...changes });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'repair_claim.odometer_corrected',
      entityType: 'repair_claim',
      entityId: claim.id,
      reason,
      data: {
        claimNumber: claim.claim_number,
        contractId: claim.contract_id,
        from: claim.odometer,
        to: body.odometer,
        reassessed: undecided,
      },
      requestId,
    });
    return view((await findRepairClaim(trx, claim.id))!, trx);
  }

  /** The shop answers an information request; the claim goes back to the adjuster queue. */
  async function respond(
    trx: Transaction<Database>,
    id: string,
    body: { message: string },
    principal: Principal,
    requestId: string,
  ) {
    await visibleClaim(id, principal, trx);
    const claim = await lockedClaim(trx, id);
    requireStatus(claim, ['information_requested'], 'answered');
    await updateRepairClaim(trx, claim.id, { status: 'submitted' });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'repair_claim.information_provided',
      entityType: 'repair_claim',
      entityId: claim.id,
      reason: body.message,
      requestId,
    });
    return view((await findRepairClaim(trx, claim.id))!, trx);
  }

  async function pay(
    trx: Transaction<Database>,
    id: string,
    body: { method: 'card' | 'check'; reference: string },
    principal: Principal,
    requestId: string,
  ) {
    const claim = await lockedClaim(trx, id);
    requireStatus(claim, ['authorized'], 'paid');
    await refuseWhileOfacHold(trx, 'repair_claim', claim.id);
    const contract = (await findContractById(trx, claim.contract_id))!;
    await assertContractCoveredClaim(trx, claim, contract);
    const facility = (await findRepairFacility(trx, claim.facility_id))!;
    const actor = actorOf(principal);
    const amountCents = claim.payable_cents ?? 0;
    // A zero payable (the deductible ate it all) closes the claim without a money movement.
    const entry =
      amountCents > 0
        ? await appendLedgerEntry(trx, {
            contractId: claim.contract_id,
            kind: 'repair_payment',
            direction: 'payout',
            amountCents,
            payee: { kind: 'repair_facility', name: facility.name },
            method: body.method,
            reference: body.reference,
            source: { type: 'repair_claim', id: claim.id },
            memo: `Authorization ${claim.authorization_number}`,
            actor,
            requestId,
          })
        : null;
    if (amountCents > 0)
      await postClaimPaid(
        trx,
        {
          type: 'repair_claim',
          id: claim.id,
          label: `Repair authorization ${claim.authorization_number}`,
          amountCents,
          contract,
        },
        { effectiveOn: today(), actor, requestId },
      );
    await updateRepairClaim(trx, claim.id, { status: 'paid', paid_at: clock.now() });
    await recordAudit(trx, {
      actor,
      action: 'repair_claim.paid',
      entityType: 'repair_claim',
      entityId: claim.id,
      data: { amountCents, method: body.method, reference: body.reference, ledgerEntryId: entry?.id ?? null },
      requestId,
    });
    return { claim: await view((await findRepairClaim(trx, claim.id))!, trx), ledgerEntry: entry };
  }

  return {
    submit: asUseCase(submit),
    get,
    list,
    authorize: asUseCase(authorize),
    recordInspection: asUseCase(recordInspection),
    respond: asUseCase(respond),
    correctOdometer: asUseCase(correctOdometer),
    pay: asUseCase(pay),
    view,
    termsOf,
    today,
  };
}

/** A reading below the one at sale is a typo or a rolled-back odometer: 422 odometer_below_sale. */
function refuseBelowSale(odometer: number, contract: ContractRow): void {
  if (odometer < contract.odometer_at_sale)
    throw new AppError(
      'odometer_below_sale',
      `The odometer (${odometer}) is below the reading when the contract was sold (${contract.odometer_at_sale}).`,
      { param: 'odometer' },
    );
}

function principalLabel(principal: Principal): string {
  return principal.kind === 'user' ? principal.email : 'contract holder';
}

export type RepairClaimsService = ReturnType<typeof createRepairClaimsService>;
export type RepairClaimView = Awaited<ReturnType<RepairClaimsService['view']>>;
