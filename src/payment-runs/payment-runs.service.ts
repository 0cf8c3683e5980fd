// Payment runs (DOMAIN.md "Paying out"; issue 16): an admin previews a run (the payables open now, each
// with its payee, method and amount, every payee screened against the OFAC SDN list), approves it, and
// downloads the NACHA ACH file for ACH payees and the positive-pay file for checks. Payables are shop
// authorizations, benefits (rental, trip, towing, approved GAP benefits) and cancellation refunds.
//
// Paid once: approval walks the run's ready items in one order (source type, source id), locks each
// payable's source row, checks it is still owed, and inserts its settlement row (primary key on the
// source). A second run approving the same payables at the same time waits on the first's locks, then
// finds them paid and skips them. Paying posts the journal entry (payable → cash) and the payments
// ledger entry in the same transaction; the run's approval is audited.
import type { Kysely } from 'kysely';
import { appendLedgerEntry } from '../ledger/ledger.repository.js';
import { ofacHoldsOfRun, releasedSources } from '../ofac/ofac.repository.js';
import type { OfacService } from '../ofac/ofac.service.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, PayableSourceType } from '../platform/db/schema.js';
import { asUseCase, type Tx } from '../platform/db/transaction.js';
import {
  addDays,
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { type AchOriginator, buildAchFile, isRoutingNumber } from './nacha.js';
import { postPayablePaid } from './payment-postings.js';
import {
  findContractForPosting,
  findRun,
  insertRun,
  insertRunItems,
  listRuns,
  lockPayableSource,
  lockRun,
  markRunApproved,
  markRunDiscarded,
  markSourcePaid,
  nextCheckNumber,
  openPayables,
  runItems,
  runTotals,
  settle,
  updateItem,
} from './payment-runs.repository.js';
import { buildPositivePayFile } from './positive-pay.js';

/** A run pays at most this many payables; the rest wait for the next run. */
export const MAX_RUN_ITEMS = 1000;
/** How far ahead a run may be dated. */
export const MAX_PAY_AHEAD_DAYS = 30;

export interface PaymentSettings {
  ach: AchOriginator;
  /** The disbursement account the checks are drawn on (the positive-pay file names it). */
  checkAccountNumber: string;
}

const LEDGER_KIND: Record<PayableSourceType, string> = {
  repair_claim: 'repair_payment',
  rental_claim: 'rental_reimbursement',
  trip_interruption_claim: 'trip_interruption_reimbursement',
  roadside_request: 'towing_reimbursement',
  cancellation: 'cancellation_refund',
  gap_claim: 'gap_benefit',
};

const LABEL: Record<PayableSourceType, string> = {
  repair_claim: 'Repair authorization',
  rental_claim: 'Rental reimbursement',
  trip_interruption_claim: 'Trip interruption reimbursement',
  roadside_request: 'Towing reimbursement',
  cancellation: 'Cancellation refund',
  gap_claim: 'GAP benefit',
};

/**
 * What paying an approved GAP benefit changes on its claim (the GAP claims service): the claim becomes
 * paid with its payments-ledger entry, audited and told to the holder, in the run's transaction.
 */
export interface GapBenefitPayments {
  benefitPaid(
    trx: Tx,
    claimId: string,
    payment: { ledgerEntryId: string; paidAt: Date; reference: string; actor: Actor; requestId: string },
  ): Promise<void>;
}

/** "••••6789": the last four digits of an account number, never more. */
export function maskAccountNumber(accountNumber: string | null): string | null {
  return accountNumber === null ? null : `••••${accountNumber.slice(-4)}`;
}

function timeInZone(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('hour')}:${part('minute')}`;
}

export function createPaymentRunsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  timeZone: string;
  ofac: OfacService;
  settings: PaymentSettings;
  gapBenefits: GapBenefitPayments;
}) {
  const { db, clock, ofac, settings } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  /** Creates a draft run of the payables open now, each payee screened; answers what it would pay. */
  async function preview(
    trx: Kysely<Database>,
    input: { payOn?: string | undefined },
    actor: Actor,
    requestId: string,
  ) {
    const payOn = input.payOn ?? today();
    if (!isCalendarDate(payOn))
      throw new AppError('invalid_date', 'payOn is not a date.', { param: 'payOn' });
    if (compareDates(payOn, today()) < 0 || compareDates(payOn, addDays(today(), MAX_PAY_AHEAD_DAYS)) > 0)
      throw new AppError('invalid_date', `payOn is between today and ${MAX_PAY_AHEAD_DAYS} days from now.`, {
        param: 'payOn',
      });
    const payables = await openPayables(trx, MAX_RUN_ITEMS);
    if (payables.length === 0) throw new AppError('nothing_to_pay', 'No payable is waiting to be paid.');
    const screening = await ofac.screen(
      trx,
      payables.map((payable) => payable.payeeName),
    );
    const released = await releasedSources(trx, payables);
    const run = await insertRun(trx, {
      payOn,
      createdBy: actor.label,
      ofacListId: screening?.listId ?? null,
    });
    const matchOf = (payable: (typeof payables)[number]) =>
      released.has(`${payable.sourceType}:${payable.sourceId}`)
        ? null
        : (screening?.matches.get(payable.payeeName) ?? null);
    const items = await insertRunItems(
      trx,
      run.id,
      payables.map((payable) => ({ ...payable, status: matchOf(payable) ? 'held' : 'ready' })),
    );
    for (const item of items) {
      const match = screening?.matches.get(item.payee_name);
      if (item.status !== 'held' || !match || !screening) continue;
      // One open hold per payable: one held in an earlier run keeps its hold, which now names this item.
      const status = await ofac.holdPayment(trx, {
        itemId: item.id,
        sourceType: item.source_type,
        sourceId: item.source_id,
        payeeName: item.payee_name,
        listId: screening.listId,
        entNum: match.entry.entNum,
        matchedName: match.entry.name,
        sdnType: match.entry.sdnType,
        program: match.entry.program,
        remarks: match.entry.remarks,
        score: match.score,
      });
      if (status !== 'held') {
        await updateItem(trx, item.id, { status });
        item.status = status;
      }
    }
    await recordAudit(trx, {
      actor,
      action: 'payment_run.previewed',
      entityType: 'payment_run',
      entityId: run.id,
      data: {
        payOn,
        items: items.length,
        held: items.filter((item) => item.status === 'held').length,
        ofacListId: screening?.listId ?? null,
      },
      requestId,
    });
    return view(trx, run.id);
  }

  /**
   * Pays the run's ready items (held ones wait for an admin's decision) and writes its files. Refused
   * when the run is not a draft, when no SDN list screened it, or when a newer list was loaded since.
   */
  async function approve(trx: Tx, id: string, actor: Actor, requestId: string) {
    const run = await lockRun(trx, id);
    if (!run) throw new AppError('not_found', 'No such payment run.', { param: 'id' });
    if (run.status !== 'draft')
      throw new AppError('payment_run_not_draft', `Payment run ${run.run_number} is ${run.status}.`);
    const current = await ofac.currentList(trx);
    if (!current || !run.ofac_list_id)
      throw new AppError(
        'ofac_list_missing',
        'Load the OFAC SDN list, then preview the run again: every payee is screened before a run is paid.',
      );
    if (current.id !== run.ofac_list_id)
      throw new AppError(
        'ofac_screening_outdated',
        'A newer SDN list was loaded after this run was screened; preview a new run.',
      );
    const now = clock.now();
    const items = (await runItems(trx, id)).filter((item) => item.status === 'ready');
    const paid: {
      item: (typeof items)[number];
      checkNumber: number | null;
      journalEntryId: string | null;
    }[] = [];
    for (const item of items) {
      const owed = await lockPayableSource(trx, item.source_type, item.source_id);
      if (owed === null || owed !== Number(item.amount_cents)) {
        await updateItem(trx, item.id, {
          status: 'skipped',
          skipReason: owed === null ? 'already_paid' : 'amount_changed',
        });
        continue;
      }
      if (
        !(await settle(trx, {
          sourceType: item.source_type,
          sourceId: item.source_id,
          runId: id,
          itemId: item.id,
        }))
      ) {
        await updateItem(trx, item.id, { status: 'skipped', skipReason: 'already_paid' });
        continue;
      }
      const checkNumber = item.method === 'check' ? await nextCheckNumber(trx) : null;
      const contract = await findContractForPosting(trx, item.contract_id);
      const label = `${LABEL[item.source_type]} (run ${run.run_number})`;
      const reference = checkNumber !== null ? `check ${checkNumber}` : `payment run ${run.run_number}`;
      await markSourcePaid(trx, item.source_type, item.source_id, { at: now, on: run.pay_on, reference });
      // The payable's own trail (and so its contract's) says it was paid, by which run and how. A GAP
      // benefit's payment is audited by its claim below (benefitPaid), in the words its holder reads.
      if (item.source_type !== 'gap_claim')
        await recordAudit(trx, {
          actor,
          action: `${item.source_type}.paid_by_run`,
          entityType: item.source_type,
          entityId: item.source_id,
          data: {
            runId: id,
            runNumber: run.run_number,
            amountCents: Number(item.amount_cents),
            method: item.method,
            reference,
          },
          requestId,
        });
      // A cancellation's refund is already on the payments ledger (recorded when it was cancelled).
      const ledgerEntry =
        item.source_type === 'cancellation'
          ? null
          : await appendLedgerEntry(trx, {
              contractId: item.contract_id,
              kind: LEDGER_KIND[item.source_type],
              direction: 'payout',
              amountCents: Number(item.amount_cents),
              payee: { kind: item.payee_type, name: item.payee_name },
              method: item.method,
              reference,
              source: { type: item.source_type, id: item.source_id },
              memo: label,
              actor,
              requestId,
            });
      if (item.source_type === 'gap_claim' && ledgerEntry)
        await deps.gapBenefits.benefitPaid(trx, item.source_id, {
          ledgerEntryId: ledgerEntry.id,
          paidAt: now,
          reference:
            checkNumber !== null
              ? `check ${checkNumber}, payment run ${run.run_number}`
              : `ACH, payment run ${run.run_number}`,
          actor,
          requestId,
        });
      const entry = await postPayablePaid(
        trx,
        {
          sourceType: item.source_type,
          sourceId: item.source_id,
          amountCents: Number(item.amount_cents),
          label,
        },
        contract,
        { effectiveOn: run.pay_on, actor, requestId },
      );
      paid.push({ item, checkNumber, journalEntryId: entry?.id ?? null });
    }
    const ach = paid.filter(({ item }) => item.method === 'ach');
    const nacha =
      ach.length > 0
        ? buildAchFile({
            originator: settings.ach,
            credits: ach.map(({ item }) => ({
              secCode: item.payee_type === 'holder' ? 'PPD' : 'CCD',
              accountType: item.bank_account_type ?? 'checking',
              routingNumber: item.bank_routing_number!,
              accountNumber: item.bank_account_number!,
              amountCents: Number(item.amount_cents),
              identification: `R${run.run_number}-${item.source_id.slice(0, 8)}`,
              receiverName: item.payee_name,
            })),
            createdOn: today(),
            createdTime: timeInZone(now, deps.timeZone),
            effectiveOn: run.pay_on,
            fileIdModifier: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Number(run.run_number) % 36]!,
            referenceCode: `RUN${run.run_number}`,
          })
        : null;
    const checks = paid.filter(({ item }) => item.method === 'check');
    const positivePay =
      checks.length > 0
        ? buildPositivePayFile(
            settings.checkAccountNumber,
            checks.map(({ item, checkNumber }) => ({
              checkNumber: checkNumber!,
              amountCents: Number(item.amount_cents),
              issuedOn: run.pay_on,
              payeeName: item.payee_name,
            })),
          )
        : null;
    for (const { item, checkNumber, journalEntryId } of paid) {
      const achIndex = ach.findIndex((entry) => entry.item.id === item.id);
      await updateItem(trx, item.id, {
        status: 'paid',
        paidAt: now,
        checkNumber,
        traceNumber: achIndex >= 0 ? nacha!.traceNumbers[achIndex]! : null,
        journalEntryId,
      });
    }
    await markRunApproved(trx, id, {
      approvedBy: actor.label,
      approvedAt: now,
      nachaFile: nacha?.text ?? null,
      positivePayFile: positivePay,
    });
    await recordAudit(trx, {
      actor,
      action: 'payment_run.approved',
      entityType: 'payment_run',
      entityId: id,
      data: {
        paid: paid.length,
        paidCents: paid.reduce((total, { item }) => total + Number(item.amount_cents), 0),
        achEntries: ach.length,
        achCreditCents: nacha?.totalCreditCents ?? 0,
        checks: checks.length,
        skipped: items.length - paid.length,
      },
      requestId,
    });
    return view(trx, id);
  }

  async function discard(trx: Kysely<Database>, id: string, actor: Actor, requestId: string) {
    const run = await lockRun(trx, id);
    if (!run) throw new AppError('not_found', 'No such payment run.', { param: 'id' });
    if (run.status !== 'draft')
      throw new AppError('payment_run_not_draft', `Payment run ${run.run_number} is ${run.status}.`);
    await markRunDiscarded(trx, id);
    await recordAudit(trx, {
      actor,
      action: 'payment_run.discarded',
      entityType: 'payment_run',
      entityId: id,
      requestId,
    });
    return view(trx, id);
  }

  async function view(executor: Kysely<Database>, id: string) {
    const run = await findRun(executor, id);
    if (!run) throw new AppError('not_found', 'No such payment run.', { param: 'id' });
    const items = await runItems(executor, id);
    const holds = new Map((await ofacHoldsOfRun(executor, id)).map((hold) => [hold.run_item_id, hold]));
    const sum = (list: typeof items) => list.reduce((total, item) => total + Number(item.amount_cents), 0);
    const live = items.filter((item) => item.status === 'ready' || item.status === 'paid');
    const byPayeeType = (['repair_facility', 'holder', 'lienholder'] as const).map((payeeType) => {
      const own = live.filter((item) => item.payee_type === payeeType);
      return { payeeType, count: own.length, amountCents: sum(own) };
    });
    const status = (wanted: string) => items.filter((item) => item.status === wanted);
    return {
      id: run.id,
      runNumber: Number(run.run_number),
      status: run.status,
      payOn: run.pay_on,
      createdBy: run.created_by,
      createdAt: run.created_at.toISOString(),
      approvedBy: run.approved_by,
      approvedAt: run.approved_at?.toISOString() ?? null,
      ofacListId: run.ofac_list_id,
      files: { nacha: run.nacha_file !== null, positivePay: run.positive_pay_file !== null },
      totals: {
        itemCount: items.length,
        payableCents: sum(live),
        achCount: live.filter((item) => item.method === 'ach').length,
        achCents: sum(live.filter((item) => item.method === 'ach')),
        checkCount: live.filter((item) => item.method === 'check').length,
        checkCents: sum(live.filter((item) => item.method === 'check')),
        heldCount: status('held').length,
        heldCents: sum(status('held')),
        paidCount: status('paid').length,
        paidCents: sum(status('paid')),
        skippedCount: status('skipped').length,
        blockedCount: status('blocked').length,
      },
      byPayeeType,
      items: items.map((item) => {
        const hold = holds.get(item.id);
        return {
          id: item.id,
          source: { type: item.source_type, id: item.source_id },
          contractId: item.contract_id,
          payee: { type: item.payee_type, name: item.payee_name, facilityId: item.facility_id },
          method: item.method,
          amountCents: Number(item.amount_cents),
          bankAccount:
            item.bank_routing_number === null
              ? null
              : {
                  routingNumber: item.bank_routing_number,
                  accountNumberMasked: maskAccountNumber(item.bank_account_number)!,
                  accountType: item.bank_account_type ?? 'checking',
                },
          status: item.status,
          skipReason: item.skip_reason,
          checkNumber: item.check_number === null ? null : Number(item.check_number),
          traceNumber: item.trace_number,
          journalEntryId: item.journal_entry_id,
          ofacHold: hold
            ? {
                id: hold.id,
                status: hold.status,
                matchedName: hold.matched_name,
                entNum: Number(hold.ent_num),
                program: hold.program,
                score: Number(hold.score),
              }
            : null,
        };
      }),
    };
  }

  async function list(page: { limit: number; startingAfter?: string | undefined }) {
    let beforeNumber: number | undefined;
    if (page.startingAfter !== undefined) {
      const after = await findRun(db, page.startingAfter);
      if (!after)
        throw new AppError('validation_failed', 'startingAfter names no payment run.', {
          param: 'startingAfter',
        });
      beforeNumber = Number(after.run_number);
    }
    const rows = await listRuns(db, { limit: page.limit + 1, beforeNumber });
    const shown = rows.slice(0, page.limit);
    const totals = await runTotals(
      db,
      shown.map((row) => row.id),
    );
    return {
      data: shown.map((row) => {
        const own = totals.filter((total) => total.run_id === row.id);
        const of = (status: string) => own.find((total) => total.status === status);
        return {
          id: row.id,
          runNumber: Number(row.run_number),
          status: row.status,
          payOn: row.pay_on,
          createdBy: row.created_by,
          createdAt: row.created_at.toISOString(),
          approvedBy: row.approved_by,
          approvedAt: row.approved_at?.toISOString() ?? null,
          itemCount: own.reduce((total, t) => total + Number(t.count), 0),
          // As the run's own view counts it: ready and paid items (what a draft would pay, what a run
          // paid). A held, blocked or skipped item is no payment of the run, whatever it was listed as.
          paymentCount: Number(of('ready')?.count ?? 0) + Number(of('paid')?.count ?? 0),
          payableCents: Number(of('ready')?.amount_cents ?? 0) + Number(of('paid')?.amount_cents ?? 0),
          paidCents: Number(of('paid')?.amount_cents ?? 0),
          heldCount: Number(of('held')?.count ?? 0),
          files: { nacha: row.has_nacha_file, positivePay: row.has_positive_pay_file },
        };
      }),
      hasMore: rows.length > page.limit,
    };
  }

  async function file(id: string, kind: 'nacha' | 'positive_pay') {
    const run = await findRun(db, id);
    if (!run) throw new AppError('not_found', 'No such payment run.', { param: 'id' });
    if (run.status !== 'approved')
      throw new AppError('payment_run_not_draft', 'The files exist once the run is approved.');
    const text = kind === 'nacha' ? run.nacha_file : run.positive_pay_file;
    if (text === null)
      throw new AppError(
        'not_found',
        kind === 'nacha' ? 'The run paid nobody by ACH.' : 'The run paid nobody by check.',
      );
    return { runNumber: Number(run.run_number), text };
  }

  return {
    preview: asUseCase(preview),
    approve: asUseCase(approve),
    discard: asUseCase(discard),
    view: (id: string) => view(db, id),
    list,
    file,
    today,
  };
}

export type PaymentRunsService = ReturnType<typeof createPaymentRunsService>;
export type PaymentRunView = Awaited<ReturnType<PaymentRunsService['view']>>;

export function checkRoutingNumber(value: string, param: string): void {
  if (!isRoutingNumber(value))
    throw new AppError('invalid_routing_number', 'The routing number fails its ABA check digit.', { param });
}
