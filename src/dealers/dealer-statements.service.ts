// Dealer statements and remittances (DOMAIN.md "Money of the administrator", API.md "Money"): a
// dealer's account for a period (opening balance, bookings, voids, chargebacks, remittances, closing
// balance, aging) as JSON, CSV and PDF; remittances recorded by admins (posted to the books: cash against
// the dealer receivable); a dealer's own remittance notice, pending until an admin matches it.
import { PassThrough, type Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import { postDealerRemittance } from '../accounting/journal-postings.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { loadPdfKit } from '../platform/pdf.js';
import {
  addDays,
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { type CsvValue, csvLine } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import { formatUsd } from '../shared/money.js';
import { findDealerById } from './dealer.repository.js';
import {
  AGING_BUCKETS,
  type Aging,
  ageItems,
  assembleStatement,
  type StatementLineKind,
  type StatementTotals,
} from './dealer-statement.js';
import {
  countStatementEvents,
  findRemittanceForUpdate,
  firstAccountEventOn,
  insertRemittance,
  insertRemittanceEvent,
  listRemittanceRows,
  markRemittanceMatched,
  openItemsAsOf,
  openingBalanceCents,
  type RemittanceRow,
  type StatementLineCursor,
  type StatementLineRow,
  statementDays,
  statementLines,
} from './dealer-statement.repository.js';

/**
 * The most lines a JSON or PDF statement lists: a period with more movements shows them summed by day
 * and kind, and a period with more than this even by day is asked for in parts. The CSV has no limit.
 */
export const MAX_STATEMENT_LINES = 10_000;

/** Movements a CSV statement reads per page: memory holds one page, whatever the period holds. */
export const CSV_PAGE_LINES = 2_000;

/**
 * What a CSV download buffers before its reading waits for the client (backpressure) on PostgreSQL,
 * where the download's transaction holds one connection of the pool.
 */
const CSV_BUFFER_BYTES = 1024 * 1024;

/**
 * On the embedded database the download's transaction holds its ONE connection, so waiting for a slow
 * client would hold up every other request: there the whole file is buffered and the transaction ends
 * as fast as the pages are read (a 30,000-line day is 1.7 MB; its reading took 1.3–5 s on a busy
 * 2-core machine). The embedded engine is for one machine's volumes; PostgreSQL streams with a bound.
 */
export const EMBEDDED_CSV_BUFFER_BYTES = Number.MAX_SAFE_INTEGER;

export interface DealerStatementView {
  dealer: { id: string; code: string; name: string };
  from: CalendarDate;
  to: CalendarDate;
  /** `lines`: a line per movement; `days`: the period had too many, so they are summed by day and kind. */
  detail: 'lines' | 'days';
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
  /** MAX_STATEMENT_LINES unless a test asks for a smaller limit. */
  maxStatementLines?: number;
  /** CSV_PAGE_LINES unless a test asks for smaller pages. */
  csvPageLines?: number;
  /** CSV_BUFFER_BYTES unless a test asks for a smaller buffer (a client that reads slowly). */
  csvBufferBytes?: number;
}) {
  const { db, clock } = deps;
  const maxLines = deps.maxStatementLines ?? MAX_STATEMENT_LINES;
  const csvPageLines = deps.csvPageLines ?? CSV_PAGE_LINES;
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
        const movements = await countStatementEvents(trx, dealerId, from, to, maxLines + 1);
        const detail = movements > maxLines ? 'days' : 'lines';
        const [opening, lines, open, pending] = [
          await openingBalanceCents(trx, dealerId, from),
          detail === 'lines'
            ? (await statementLines(trx, dealerId, from, to, { limit: maxLines })).lines
            : await statementDays(trx, dealerId, from, to, maxLines + 1),
          await openItemsAsOf(trx, dealerId, to),
          await listRemittanceRows(trx, dealerId, { status: 'pending', limit: 100 }),
        ];
        if (lines.length > maxLines)
          throw new AppError(
            'statement_period_too_long',
            `The period holds more than ${maxLines} lines even summed by day; ask for a shorter period (the CSV has every line of any period).`,
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
          detail,
          ...built,
          pendingRemittances: pending.map(remittanceView),
        };
      });
  }

  /**
   * The statement as CSV, every line of any period: the period and the dealer are checked first (a bad
   * one is refused before the answer starts); then `body` is written from one repeatable-read snapshot,
   * a page of lines at a time with the running balance, waiting for the client when it reads slowly. An
   * error on the way destroys `body` (the client gets a cut answer; the HTTP server logs the error), and
   * a client that goes away (`body` destroyed) stops the reading at the next page.
   */
  async function statementCsv(
    dealerId: string,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<{
    dealer: { id: string; code: string; name: string };
    from: CalendarDate;
    to: CalendarDate;
    body: Readable;
    /** Settles once the reading has stopped and its transaction has ended, whichever way. */
    done: Promise<void>;
  }> {
    const { from, to } = periodOf(query);
    const dealer = await dealerOrNotFound(db, dealerId);
    const body = new PassThrough({ highWaterMark: deps.csvBufferBytes ?? CSV_BUFFER_BYTES });
    // The HTTP server watches `body` and answers or logs its error; this listener only keeps an error
    // that comes before it does from being an unhandled 'error' event (a crash).
    body.on('error', () => {});
    const done = writeStatementCsv(dealerId, from, to, body).then(
      () => {
        if (!body.destroyed) body.end();
      },
      (error: unknown) => {
        body.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return { dealer: { id: dealer.id, code: dealer.code, name: dealer.name }, from, to, body, done };
  }

  async function writeStatementCsv(
    dealerId: string,
    from: CalendarDate,
    to: CalendarDate,
    out: PassThrough,
  ): Promise<void> {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const opening = await openingBalanceCents(trx, dealerId, from);
        if (!(await written(out, csvLine(CSV_COLUMNS) + csvLine(openingRow(from, opening))))) return;
        let running = opening;
        let after: StatementLineCursor | null = null;
        for (;;) {
          const page = await statementLines(trx, dealerId, from, to, { limit: csvPageLines, after });
          let chunk = '';
          for (const line of page.lines) {
            running += line.amountCents;
            chunk += csvLine(movementRow(line, running));
          }
          if (!(await written(out, chunk))) return;
          if (page.lines.length < csvPageLines || page.last === null) break;
          after = page.last;
        }
        const open = await openItemsAsOf(trx, dealerId, to);
        await written(out, closingRows(to, running, ageItems(open.items, open.unappliedCreditsCents, to)));
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
    await checkReceivedOn(trx, dealer, input.receivedOn);
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
    const dealer = await dealerOrNotFound(trx, dealerId);
    await checkReceivedOn(trx, dealer, input.receivedOn);
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

  /**
   * The day a remittance was received is a calendar day of the dealer's account: not after today in the
   * business time zone (money is not received in the future), and not before the account existed — the
   * earlier of the day the dealer was added and its first account event (an imported contract's booking
   * may be older than the dealer's record). Either refusal is 422 invalid_date on receivedOn.
   */
  async function checkReceivedOn(
    trx: Kysely<Database>,
    dealer: { id: string; created_at: Date },
    receivedOn: string,
  ): Promise<void> {
    if (!isCalendarDate(receivedOn))
      throw new AppError('invalid_date', 'receivedOn must be a calendar date (YYYY-MM-DD).', {
        param: 'receivedOn',
      });
    // Money cannot have been received in the future; a day of slack because the form defaults to the
    // browser's own date, which is tomorrow to the business time zone for someone east of it (the web
    // app does not know the business time zone).
    const now = today();
    if (compareDates(receivedOn, addDays(now, 1)) > 0)
      throw new AppError('invalid_date', `receivedOn (${receivedOn}) is after today (${now}).`, {
        param: 'receivedOn',
      });
    const addedOn = calendarDateInZone(dealer.created_at, deps.timeZone);
    const firstEventOn = await firstAccountEventOn(trx, dealer.id);
    const openedOn =
      firstEventOn !== null && compareDates(firstEventOn, addedOn) < 0 ? firstEventOn : addedOn;
    if (compareDates(receivedOn, openedOn) < 0)
      throw new AppError(
        'invalid_date',
        `receivedOn (${receivedOn}) is before the dealer's account existed (its first day: ${openedOn}).`,
        { param: 'receivedOn' },
      );
  }

  async function remittances(dealerId: string, status: RemittanceView['status'] | undefined) {
    await dealerOrNotFound(db, dealerId);
    const rows = await listRemittanceRows(db, dealerId, { status, limit: 100 });
    return { data: rows.map(remittanceView), hasMore: false };
  }

  return {
    statement,
    statementCsv,
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

/** Writes `text` to `out`, waiting while the client has not read what came before; false once it has gone. */
async function written(out: PassThrough, text: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (text !== '' && !out.write(text))
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  return !out.destroyed;
}

const KIND_LABEL: Record<StatementLineKind, string> = {
  contract_booked: 'Contract booked',
  contract_voided: 'Contract voided',
  chargeback: 'Cancellation chargeback',
  remittance: 'Remittance',
};

/** A line summed by day, in words: "12 contracts booked", "1 remittance". */
const KIND_COUNT_WORDS: Record<StatementLineKind, [one: string, other: string]> = {
  contract_booked: ['contract booked', 'contracts booked'],
  contract_voided: ['contract voided', 'contracts voided'],
  chargeback: ['cancellation chargeback', 'cancellation chargebacks'],
  remittance: ['remittance', 'remittances'],
};

export function countWords(kind: StatementLineKind, count: number): string {
  const [one, other] = KIND_COUNT_WORDS[kind];
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : other}`;
}

// The CSV statement: the opening balance row, a row per movement with the balance after it, the
// closing balance row and the aging buckets.
const CSV_COLUMNS = ['date', 'kind', 'contract_number', 'reference', 'amount_cents', 'balance_cents'];

function openingRow(from: CalendarDate, openingCents: number): CsvValue[] {
  return [from, 'opening_balance', null, null, null, openingCents];
}

function movementRow(line: StatementLineRow, runningCents: number): CsvValue[] {
  return [line.date, line.kind, line.contractNumber, line.reference, line.amountCents, runningCents];
}

function closingRows(to: CalendarDate, closingCents: number, aging: Aging): string {
  return [
    [to, 'closing_balance', null, null, null, closingCents],
    ...AGING_BUCKETS.map((bucket) => [
      to,
      `aging_${bucket.key.replace(/Cents$/, '')}`,
      null,
      null,
      aging[bucket.key],
      null,
    ]),
  ]
    .map(csvLine)
    .join('');
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
    if (view.detail === 'days')
      doc.text(
        `This period has more than ${MAX_STATEMENT_LINES.toLocaleString('en-US')} movements; they are summed by day here. The CSV has every line.`,
      );
    for (const line of view.lines) {
      const what =
        view.detail === 'days'
          ? countWords(line.kind, line.count)
          : `${KIND_LABEL[line.kind]}   ${line.contractNumber ?? line.reference ?? ''}`;
      doc.text(
        `${line.date}   ${what}   ${formatUsd(line.amountCents)}   balance ${balanceWords(line.runningBalanceCents)}`,
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
