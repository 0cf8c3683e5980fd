// Dealer statements and remittances (DOMAIN.md "Money of the administrator", API.md "Money"): a
// dealer's account for a period (opening balance, bookings, voids, chargebacks, remittances, closing
// balance, aging) as JSON, CSV and PDF; remittances recorded by admins (posted to the books: cash against
// the dealer receivable); a dealer's own remittance notice, pending until an admin matches it.
import type { Kysely, Transaction } from 'kysely';
import { postDealerRemittance } from '../accounting/journal-postings.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { loadPdfKit } from '../platform/pdf.js';
import { addDays, type CalendarDate, calendarDateInZone, isCalendarDate } from '../shared/calendar-date.js';
import { type CsvValue, csvLine } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import { formatUsd } from '../shared/money.js';
import { findDealerById } from './dealer.repository.js';
import { AGING_BUCKETS, type Aging, assembleStatement, type StatementTotals } from './dealer-statement.js';
import {
  findRemittanceForUpdate,
  insertRemittance,
  insertRemittanceEvent,
  listRemittanceRows,
  markRemittanceMatched,
  openItemsAsOf,
  openingBalanceCents,
  type RemittanceRow,
  type StatementLineRow,
  statementLines,
} from './dealer-statement.repository.js';

/** The most lines one statement shows (a period longer than this is asked for in parts). */
export const MAX_STATEMENT_LINES = 10_000;

export interface DealerStatementView {
  dealer: { id: string; code: string; name: string };
  from: CalendarDate;
  to: CalendarDate;
  openingBalanceCents: number;
  lines: (Omit<StatementLineRow, 'remittanceId'> & {
    remittanceId: string | null;
    runningBalanceCents: number;
  })[];
  totals: StatementTotals;
  closingBalanceCents: number;
  creditBalance: boolean;
  aging: Aging;
  pendingRemittances: RemittanceView[];
}

export interface RemittanceView {
  id: string;
  dealerId: string;
  amountCents: number;
  reference: string;
  receivedOn: CalendarDate;
  status: 'recorded' | 'pending' | 'matched';
  createdBy: string;
  createdAt: string;
  matchedBy: string | null;
  matchedAt: string | null;
}

function remittanceView(row: RemittanceRow): RemittanceView {
  return {
    id: row.id,
    dealerId: row.dealer_id,
    amountCents: Number(row.amount_cents),
    reference: row.reference,
    receivedOn: row.received_on,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    matchedBy: row.matched_by,
    matchedAt: row.matched_at ? row.matched_at.toISOString() : null,
  };
}

export interface RemittanceInput {
  amountCents: number;
  reference: string;
  receivedOn: CalendarDate;
}

/** The remittance as stored: its reference without the spaces around it (never blank: the schema). */
function trimmedRemittance(input: RemittanceInput): RemittanceInput {
  return { ...input, reference: input.reference.trim() };
}

/** The audit row of a remittance recorded by an admin or noticed by the dealer. */
function remittanceAudit(
  action: 'dealer.remittance_recorded' | 'dealer.remittance_noticed',
  dealerId: string,
  remittanceId: string,
  input: RemittanceInput,
  actor: Actor,
  requestId: string,
) {
  return {
    actor,
    action,
    entityType: 'dealer',
    entityId: dealerId,
    data: {
      remittanceId,
      amountCents: input.amountCents,
      reference: input.reference,
      receivedOn: input.receivedOn,
    },
    requestId,
  };
}

export function createDealerStatementsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  timeZone: string;
}) {
  const { db, clock } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  /** The period asked for: `from` defaults to the first of `to`'s month, `to` to today. */
  function periodOf(query: { from?: string | undefined; to?: string | undefined }) {
    for (const param of ['from', 'to'] as const) {
      const value = query[param];
      if (value !== undefined && !isCalendarDate(value))
        throw new AppError('invalid_date', `${param} must be a calendar date (YYYY-MM-DD).`, { param });
    }
    const to = query.to ?? today();
    const from = query.from ?? `${to.slice(0, 8)}01`;
    if (from > to) throw new AppError('validation_failed', 'from must not be after to.', { param: 'from' });
    return { from, to };
  }

  async function dealerOrNotFound(executor: Kysely<Database>, dealerId: string) {
    const dealer = await findDealerById(executor, dealerId);
    if (!dealer) throw new AppError('not_found', 'No dealer with that id.');
    return dealer;
  }

  async function statement(
    dealerId: string,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<DealerStatementView> {
    const { from, to } = periodOf(query);
    // One snapshot: the opening balance, the lines and the aging agree even while money moves.
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const dealer = await dealerOrNotFound(trx, dealerId);
        const [opening, lines, open, pending] = [
          await openingBalanceCents(trx, dealerId, from),
          await statementLines(trx, dealerId, from, to, MAX_STATEMENT_LINES + 1),
          await openItemsAsOf(trx, dealerId, to),
          await listRemittanceRows(trx, dealerId, { status: 'pending', limit: 100 }),
        ];
        if (lines.length > MAX_STATEMENT_LINES)
          throw new AppError(
            'validation_failed',
            `The period holds more than ${MAX_STATEMENT_LINES} lines; ask for a shorter period.`,
            { param: 'from' },
          );
        const built = assembleStatement({
          from,
          to,
          openingBalanceCents: opening,
          lines,
          ...open,
        });
        return {
          dealer: { id: dealer.id, code: dealer.code, name: dealer.name },
          ...built,
          pendingRemittances: pending.map(remittanceView),
        };
      });
  }

  /** An admin records money received from the dealer: it pays the account down and posts to the books. */
  async function recordRemittance(
    trx: Transaction<Database>,
    dealerId: string,
    input: RemittanceInput,
    actor: Actor,
    requestId: string,
  ): Promise<RemittanceView> {
    const dealer = await dealerOrNotFound(trx, dealerId);
    checkReceivedOn(input.receivedOn);
    const remittance = trimmedRemittance(input);
    const row = await insertRemittance(trx, {
      dealerId,
      ...remittance,
      status: 'recorded',
      createdBy: actor.label,
      requestId,
    });
    await applyRemittance(trx, row, dealer.code, actor, requestId);
    await recordAudit(
      trx,
      remittanceAudit('dealer.remittance_recorded', dealerId, row.id, remittance, actor, requestId),
    );
    return remittanceView(row);
  }

  /** A dealer tells the administrator it has sent money: nothing moves until an admin matches it. */
  async function noticeRemittance(
    trx: Transaction<Database>,
    dealerId: string,
    input: RemittanceInput,
    actor: Actor,
    requestId: string,
  ): Promise<RemittanceView> {
    await dealerOrNotFound(trx, dealerId);
    checkReceivedOn(input.receivedOn);
    const remittance = trimmedRemittance(input);
    const row = await insertRemittance(trx, {
      dealerId,
      ...remittance,
      status: 'pending',
      createdBy: actor.label,
      requestId,
    });
    await recordAudit(
      trx,
      remittanceAudit('dealer.remittance_noticed', dealerId, row.id, remittance, actor, requestId),
    );
    return remittanceView(row);
  }

  /** An admin matches a dealer's notice to money received: from then on it is a remittance. */
  async function matchRemittance(
    trx: Transaction<Database>,
    dealerId: string,
    remittanceId: string,
    actor: Actor,
    requestId: string,
  ): Promise<RemittanceView> {
    const dealer = await dealerOrNotFound(trx, dealerId);
    const row = await findRemittanceForUpdate(trx, dealerId, remittanceId);
    if (!row) throw new AppError('not_found', 'No remittance with that id for this dealer.');
    if (row.status !== 'pending')
      throw new AppError(
        'remittance_not_pending',
        `The remittance is ${row.status}; only a pending notice is matched.`,
      );
    const matched = await markRemittanceMatched(trx, row.id, actor.label, clock.now());
    if (!matched) throw new AppError('remittance_not_pending', 'The remittance is no longer pending.');
    await applyRemittance(trx, matched, dealer.code, actor, requestId);
    await recordAudit(trx, {
      actor,
      action: 'dealer.remittance_matched',
      entityType: 'dealer',
      entityId: dealerId,
      data: { remittanceId: row.id, amountCents: Number(row.amount_cents), reference: row.reference },
      requestId,
    });
    return remittanceView(matched);
  }

  async function applyRemittance(
    trx: Transaction<Database>,
    row: RemittanceRow,
    dealerCode: string,
    actor: Actor,
    requestId: string,
  ): Promise<void> {
    const amountCents = Number(row.amount_cents);
    await insertRemittanceEvent(trx, {
      dealerId: row.dealer_id,
      remittanceId: row.id,
      amountCents,
      occurredOn: row.received_on,
      requestId,
    });
    await postDealerRemittance(
      trx,
      { id: row.id, amountCents, reference: row.reference, dealerCode },
      { effectiveOn: row.received_on, actor, requestId },
    );
  }

  function checkReceivedOn(receivedOn: string): void {
    if (!isCalendarDate(receivedOn))
      throw new AppError('invalid_date', 'receivedOn must be a calendar date (YYYY-MM-DD).', {
        param: 'receivedOn',
      });
    // Money cannot have been received tomorrow (a day of slack for time zones).
    if (receivedOn > addDays(today(), 1))
      throw new AppError('validation_failed', 'receivedOn must not be in the future.', {
        param: 'receivedOn',
      });
  }

  async function remittances(dealerId: string, status: RemittanceView['status'] | undefined) {
    await dealerOrNotFound(db, dealerId);
    const rows = await listRemittanceRows(db, dealerId, { status, limit: 100 });
    return { data: rows.map(remittanceView), hasMore: false };
  }

  return {
    statement,
    recordRemittance: asUseCase(recordRemittance),
    noticeRemittance: asUseCase(noticeRemittance),
    matchRemittance: asUseCase(matchRemittance),
    remittances,
    periodOf,
  };
}

export type DealerStatementsService = ReturnType<typeof createDealerStatementsService>;

// ---------------------------------------------------------------------------------------------------
// CSV and PDF

const KIND_LABEL: Record<string, string> = {
  contract_booked: 'Contract booked',
  contract_voided: 'Contract voided',
  chargeback: 'Cancellation chargeback',
  remittance: 'Remittance',
};

/** The statement as CSV: a line per movement between the opening and closing balance rows, then the aging. */
export function statementCsv(view: DealerStatementView): string {
  const rows: CsvValue[][] = [
    ['date', 'kind', 'contract_number', 'reference', 'amount_cents', 'balance_cents'],
    [view.from, 'opening_balance', null, null, null, view.openingBalanceCents],
    ...view.lines.map((line) => [
      line.date,
      line.kind,
      line.contractNumber,
      line.reference,
      line.amountCents,
      line.runningBalanceCents,
    ]),
    [view.to, 'closing_balance', null, null, null, view.closingBalanceCents],
    ...AGING_BUCKETS.map((bucket) => [
      view.to,
      `aging_${bucket.key.replace(/Cents$/, '')}`,
      null,
      null,
      view.aging[bucket.key],
      null,
    ]),
  ];
  return rows.map(csvLine).join('');
}

function balanceWords(cents: number): string {
  return cents < 0 ? `${formatUsd(-cents)} credit` : formatUsd(cents);
}

/** A total that lowers the balance (voids, remittances), with its minus sign unless it is zero. */
export function deductionWords(cents: number): string {
  return cents === 0 ? formatUsd(0) : `−${formatUsd(cents)}`;
}

/** The statement a dealer is sent, as a PDF (pdfkit, as the contract forms are made). */
export async function renderStatementPdf(view: DealerStatementView): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 54,
      info: { Title: `Statement ${view.dealer.code} ${view.from} to ${view.to}`, Author: 'Coverwise' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc
      .font('Helvetica-Bold')
      .fontSize(16)
      .text(`Dealer statement — ${view.dealer.name} (${view.dealer.code})`);
    doc.font('Helvetica').fontSize(10).text(`Period ${view.from} to ${view.to}`);
    doc.moveDown(0.6);
    doc.text(`Opening balance: ${balanceWords(view.openingBalanceCents)}`);
    doc.text(`Bookings (dealer cost): ${formatUsd(view.totals.bookedCents)}`);
    doc.text(`Voids: ${deductionWords(view.totals.voidedCents)}`);
    doc.text(`Cancellation chargebacks: ${formatUsd(view.totals.chargebackCents)}`);
    doc.text(`Remittances: ${deductionWords(view.totals.remittedCents)}`);
    doc
      .font('Helvetica-Bold')
      .text(
        `Closing balance: ${balanceWords(view.closingBalanceCents)}${view.creditBalance ? ' (credit balance: paid more than owed)' : ''}`,
      );
    doc.moveDown(0.6);
    doc.font('Helvetica-Bold').fontSize(11).text('Aging');
    doc.font('Helvetica').fontSize(10);
    for (const bucket of AGING_BUCKETS) doc.text(`${bucket.label}: ${balanceWords(view.aging[bucket.key])}`);
    doc.moveDown(0.6);
    doc.font('Helvetica-Bold').fontSize(11).text('Movements');
    doc.font('Helvetica').fontSize(9);
    if (view.lines.length === 0) doc.text('No movements in the period.');
    for (const line of view.lines) {
      const what = line.contractNumber ?? line.reference ?? '';
      doc.text(
        `${line.date}   ${KIND_LABEL[line.kind] ?? line.kind}   ${what}   ${formatUsd(line.amountCents)}   balance ${balanceWords(line.runningBalanceCents)}`,
      );
    }
    if (view.pendingRemittances.length > 0) {
      doc.moveDown(0.6);
      doc.font('Helvetica-Bold').fontSize(11).text('Remittance notices not yet matched');
      doc.font('Helvetica').fontSize(9);
      for (const notice of view.pendingRemittances)
        doc.text(`${notice.receivedOn}   ${notice.reference}   ${formatUsd(notice.amountCents)}`);
    }
    doc.moveDown(1);
    doc
      .fontSize(8)
      .text(
        'A positive balance is owed by the dealer to the administrator; remit the dealer cost of each contract booked.',
      );
    doc.end();
  });
}
