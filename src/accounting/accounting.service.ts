// The administrator's books for staff: the month-end earning run (recurring job and admin call), the
// trial balance, the journal (pages and a CSV export for a general-ledger system) and written against
// earned premium by month. Postings themselves happen in each money event's service (journal-postings.ts).

import type { Kysely } from 'kysely';
import { listCatalogVersionNumbers } from '../catalog/catalog.repository.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import { allDealersBalances } from '../dealers/dealer-statement.repository.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, transactional } from '../platform/db/transaction.js';
import {
  addDays,
  addMonths,
  type CalendarDate,
  calendarDateInZone,
  compareDates,
} from '../shared/calendar-date.js';
import { csvLine } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import { reconcileDealerAccounts } from './dealer-reconciliation.js';
import {
  dealerAccountsByDealer,
  findJournalEntryNumber,
  type JournalFilter,
  listAccounts,
  listJournalEntries,
  premiumByMonth,
  trialBalance,
} from './journal.repository.js';
import {
  type EarningMethodRow,
  type EarningRunResult,
  earnedThrough,
  lockEarningRuns,
  postMonthlyEarning,
} from './premium-earning.repository.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The month before the one `day` falls in (YYYY-MM). */
export function previousMonth(day: CalendarDate): string {
  return addMonths(`${day.slice(0, 7)}-01`, -1).slice(0, 7);
}

export function createAccountingService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  /**
   * Each plan's earning method per catalog version: the plan's cancellation method, and where a state
   * rule changes the cancellation terms, the method resolved for that state.
   */
  async function earningMethods(executor: Kysely<Database>): Promise<EarningMethodRow[]> {
    const rows: EarningMethodRow[] = [];
    for (const version of await listCatalogVersionNumbers(executor)) {
      const { catalog: document } = await catalog.byVersion(version, executor);
      for (const plan of document.plans) {
        rows.push({
          catalogVersion: version,
          planCode: plan.code,
          state: null,
          method: plan.cancellation.method,
        });
        const states = new Set(
          document.stateRules
            .filter(
              (rule) => rule.products.includes(plan.product) && rule.overrides.cancellation !== undefined,
            )
            .map((rule) => rule.state),
        );
        for (const state of states) {
          const terms = resolveTerms(document, plan.code, state);
          if (terms)
            rows.push({
              catalogVersion: version,
              planCode: plan.code,
              state,
              method: terms.cancellation.method,
            });
        }
      }
    }
    return rows;
  }

  /** Earns the premium of `month` (YYYY-MM, default the month before today's); a month runs once. */
  async function earnMonth(
    trx: Kysely<Database>,
    input: { month?: string | undefined; actor: Actor; requestId?: string | null },
  ): Promise<EarningRunResult> {
    const month = input.month ?? previousMonth(today());
    if (!isMonth(month)) throw new AppError('invalid_date', 'month must be YYYY-MM.', { param: 'month' });
    if (compareDates(addMonths(`${month}-01`, 1), today()) > 0)
      throw new AppError(
        'invalid_date',
        `${month} has not ended yet: premium is earned once a month is over.`,
        {
          param: 'month',
        },
      );
    await lockEarningRuns(trx);
    // Each run earns everything up to its month's end, so a later month's run has earned this one too.
    // Running it now would post into a closed month: its entry (the difference from what later months
    // posted) would restate that month and leave the later ones' balances wrong.
    const through = await earnedThrough(trx);
    if (through !== null && compareDates(through, addDays(addMonths(`${month}-01`, 1), -1)) > 0)
      throw new AppError(
        'earning_month_closed',
        `Premium is already earned through ${through}, which includes ${month}; a change since is caught up by the next month's run.`,
        { param: 'month' },
      );
    const result = await postMonthlyEarning(trx, {
      month,
      methods: await earningMethods(trx),
      timeZone: deps.timeZone,
      actor: input.actor,
      requestId: input.requestId ?? null,
    });
    await recordAudit(trx, {
      actor: input.actor,
      action: 'accounting.premium_earned',
      entityType: 'accounting_month',
      entityId: month,
      data: { entriesPosted: result.entriesPosted, earnedCents: result.earnedCents },
      requestId: input.requestId ?? null,
    });
    return result;
  }

  /** earnMonth in a transaction of its own (the recurring job). */
  function runMonthEnd(input: { month?: string | undefined; actor: Actor; requestId?: string | null }) {
    return asUseCase(earnMonth)(transactional(db), input);
  }

  /** The dealer statements tied to the books as of a day (dealer-reconciliation.ts). */
  async function dealerReconciliation(asOf: CalendarDate) {
    const [statements, ledger] = await Promise.all([
      allDealersBalances(db, asOf),
      dealerAccountsByDealer(db, asOf),
    ]);
    return { asOf, ...reconcileDealerAccounts(statements, ledger) };
  }

  async function trialBalanceAsOf(asOf: CalendarDate) {
    const accounts = await trialBalance(db, asOf);
    const totalDebitCents = accounts.reduce((total, account) => total + account.debitCents, 0);
    const totalCreditCents = accounts.reduce((total, account) => total + account.creditCents, 0);
    return {
      asOf,
      accounts,
      totalDebitCents,
      totalCreditCents,
      balanced: totalDebitCents === totalCreditCents,
    };
  }

  async function journalPage(
    filter: JournalFilter,
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    let beforeNumber: number | undefined;
    if (page.startingAfter !== undefined) {
      beforeNumber = await findJournalEntryNumber(db, page.startingAfter);
      if (beforeNumber === undefined)
        throw new AppError('validation_failed', 'startingAfter names no journal entry.', {
          param: 'startingAfter',
        });
    }
    const rows = await listJournalEntries(db, filter, { limit: page.limit + 1, beforeNumber });
    return { data: rows.slice(0, page.limit).map(entryView), hasMore: rows.length > page.limit };
  }

  /** Every line of the entries matching `filter`, oldest first, read a page of entries at a time. */
  async function* journalCsv(filter: JournalFilter): AsyncGenerator<string> {
    yield `${CSV_COLUMNS.join(',')}\n`;
    let after: number | undefined;
    for (;;) {
      const rows = await listJournalEntries(db, filter, { limit: 500, beforeNumber: after, ascending: true });
      if (rows.length === 0) return;
      let chunk = '';
      for (const { entry, lines } of rows) {
        for (const line of lines) {
          chunk += csvLine([
            entry.entry_number,
            entry.id,
            entry.effective_on,
            entry.posted_at.toISOString(),
            entry.event_type,
            entry.event_id,
            entry.event_key,
            entry.memo,
            line.line_number,
            line.account_code,
            line.account_name,
            dollars(line.debit_cents),
            dollars(line.credit_cents),
            line.contract_id,
            line.plan_code,
            line.state,
            line.dealer_code,
          ]);
        }
      }
      yield chunk;
      after = rows[rows.length - 1]!.entry.entry_number;
    }
  }

  return {
    today,
    earnMonth: asUseCase(earnMonth),
    runMonthEnd,
    earningMethods: () => earningMethods(db),
    trialBalance: trialBalanceAsOf,
    dealerReconciliation,
    journalPage,
    journalCsv,
    accounts: () => listAccounts(db),
    premiumByMonth: (range: { from: CalendarDate; to: CalendarDate }) => premiumByMonth(db, range),
  };
}

export type AccountingService = ReturnType<typeof createAccountingService>;

const CSV_COLUMNS = [
  'entry_number',
  'entry_id',
  'effective_on',
  'posted_at',
  'event_type',
  'event_id',
  'event_key',
  'memo',
  'line_number',
  'account_code',
  'account_name',
  'debit',
  'credit',
  'contract_id',
  'plan_code',
  'state',
  'dealer_code',
];

/**
 * Cents as a decimal amount ("1234.50"), the form general-ledger imports take. A journal line's debit and
 * credit are never negative, so the text never starts with a sign a spreadsheet could take for a formula.
 */
function dollars(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function entryView({ entry, lines }: Awaited<ReturnType<typeof listJournalEntries>>[number]) {
  return {
    id: entry.id,
    entryNumber: entry.entry_number,
    effectiveOn: entry.effective_on,
    postedAt: entry.posted_at.toISOString(),
    eventType: entry.event_type,
    eventId: entry.event_id,
    eventKey: entry.event_key,
    contractId: entry.contract_id,
    reversesEntryId: entry.reverses_entry_id,
    memo: entry.memo,
    createdBy: entry.created_by,
    lines: lines.map((line) => ({
      lineNumber: line.line_number,
      accountCode: line.account_code,
      accountName: line.account_name,
      debitCents: line.debit_cents,
      creditCents: line.credit_cents,
      contractId: line.contract_id,
      planCode: line.plan_code,
      state: line.state,
      dealerCode: line.dealer_code,
    })),
  };
}

export type JournalEntryView = ReturnType<typeof entryView>;
