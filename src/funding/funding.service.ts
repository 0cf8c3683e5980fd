// Funding reconciliation (issue 16): a lender uploads its funded deals (CSV, streamed into the
// database a batch at a time); the report matches them, a page of deals at a time, against the
// registered contracts on their VINs (reconcileFunding, a pure function) and lists per dealer what is
// financed but not registered, registered but not remitted past N days, and priced differently. The
// recurring job emails each dealer its exceptions and the lender the whole report (notifications outbox).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CsvFileRefusedError, readCsvBatches } from '../lender-events/csv-batches.js';
import type { Outbox } from '../notifications/outbox.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { calendarDateInZone } from '../shared/calendar-date.js';
import { csvLine } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import * as repo from './funding.repository.js';
import {
  checkFundedDeal,
  type DealerReconciliation,
  FUNDED_DEAL_COLUMNS,
  type FundedDeal,
  reconcileFunding,
} from './funding-reconciliation.js';

// Header names match loosely (case, `_`, `-` and spaces ignored: `amountFinancedCents` is
// `amount_financed_cents`), with a few other names lenders use.
const SPEC = {
  columns: FUNDED_DEAL_COLUMNS,
  required: FUNDED_DEAL_COLUMNS,
  aliases: {
    amountfinanced: 'amount_financed_cents',
    fundingdate: 'funded_on',
    fundeddate: 'funded_on',
    dealer: 'dealer_code',
  } as const,
};
const BATCH = 500;
const MAX_REJECTED_REPORTED = 1000;

export function createFundingService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  timeZone: string;
  remittanceDays: number;
  outbox: Outbox;
}) {
  const { db, clock } = deps;
  const today = () => calendarDateInZone(clock.now(), deps.timeZone);

  function lienholderFor(principal: Principal, asked: string | undefined): string {
    if (principal.kind === 'user' && principal.role === 'lender') return principal.lienholderName ?? '';
    if (!asked)
      throw new AppError('validation_failed', 'Name the lienholder whose deals these are.', {
        param: 'lienholder',
      });
    return asked;
  }

  async function upload(
    source: AsyncIterable<Buffer | string>,
    options: {
      principal: Principal;
      actor: Actor;
      lienholder?: string;
      fileName: string | null;
      requestId: string;
      maxBytes: number;
    },
  ) {
    const lienholderName = lienholderFor(options.principal, options.lienholder);
    const id = randomUUID();
    const onDate = today();
    let rowsRead = 0;
    let rejectedCount = 0;
    const rejected: { line: number; code: string; detail: string; param: string | null }[] = [];
    // A rejected row names its column as the file's header writes it.
    let written: ReadonlyMap<string, string> = new Map();
    const reject = (line: number, code: string, detail: string, param: string | null) => {
      rejectedCount += 1;
      if (rejected.length < MAX_REJECTED_REPORTED)
        rejected.push({
          line,
          code,
          detail,
          param: param === null ? null : (written.get(param) ?? param),
        });
    };
    // Whether a dealer code is known, remembered for the file: a file names few dealers in many rows.
    const dealerKnown = new Map<string, boolean>();
    try {
      // One transaction: the upload is whole or absent (a file that stops being CSV leaves nothing).
      await transactional(db)(async (trx) => {
        await repo.insertUpload(trx, {
          id,
          lienholderName,
          fileName: options.fileName,
          startedBy: options.actor.label,
        });
        for await (const batch of readCsvBatches(source, SPEC, {
          batchSize: BATCH,
          maxBytes: options.maxBytes,
          onHeader: (names) => {
            written = names;
          },
        })) {
          const checked = batch.map((item) => ({
            line: item.line,
            result: item.rejection
              ? { ok: false as const, ...item.rejection }
              : checkFundedDeal(item.line, item.values, onDate),
          }));
          const unseen = new Set<string>();
          for (const { result } of checked)
            if (result.ok && !dealerKnown.has(result.deal.dealerCode)) unseen.add(result.deal.dealerCode);
          const known = await repo.knownDealerCodes(trx, [...unseen]);
          for (const code of unseen) dealerKnown.set(code, known.has(code));
          const deals: FundedDeal[] = [];
          for (const { line, result } of checked) {
            rowsRead += 1;
            if (!result.ok) reject(line, result.code, result.detail, result.param);
            else if (!dealerKnown.get(result.deal.dealerCode))
              reject(
                line,
                'unknown_dealer',
                `No dealer "${result.deal.dealerCode}" is on file, and no registered contract names it as its selling dealer.`,
                'dealer_code',
              );
            else deals.push(result.deal);
          }
          await repo.insertDeals(trx, id, lienholderName, deals);
        }
        await repo.finishUpload(trx, id, rowsRead, rejected);
        await recordAudit(trx, {
          actor: options.actor,
          action: 'funding.uploaded',
          entityType: 'funding_upload',
          entityId: id,
          data: { lienholderName, rowsRead, rejected: rejectedCount },
          requestId: options.requestId,
        });
      });
    } catch (error) {
      if (error instanceof CsvFileRefusedError) {
        throw new AppError(
          error.detail.startsWith('The file is larger') ? 'payload_too_large' : 'validation_failed',
          error.detail,
          {
            ...(error.param ? { param: error.param } : {}),
          },
        );
      }
      throw error;
    }
    return {
      uploadId: id,
      lienholderName,
      rowsRead,
      accepted: rowsRead - rejectedCount,
      rejected,
      rejectedCount,
    };
  }

  async function visibleUpload(principal: Principal, id: string) {
    const found = await repo.findUpload(db, id);
    const own = principal.kind === 'user' && principal.role === 'lender' ? principal.lienholderName : null;
    if (!found || (own !== null && own !== undefined && found.lienholder_name !== own)) {
      throw new AppError('not_found', 'No funding upload with that id.');
    }
    return found;
  }

  /**
   * The report: deals a page at a time, matched against the contracts on their VINs that name the
   * upload's lienholder (another lender's loan on the same VIN is none of this lender's business, and a
   * deal whose contract names no lienholder or another is not registered as this lender's); merged per
   * dealer.
   */
  async function reconcileUpload(upload: {
    id: string;
    lienholder_name: string;
  }): Promise<DealerReconciliation[]> {
    const uploadId = upload.id;
    const dealers = new Map<string, DealerReconciliation>();
    const onDate = today();
    let after = 0;
    for (;;) {
      const deals = await repo.dealsPage(db, uploadId, after, BATCH);
      if (deals.length === 0) break;
      const contracts = await repo.contractsOnVins(
        db,
        deals.map((d) => d.vin),
        upload.lienholder_name,
      );
      for (const part of reconcileFunding(deals, contracts, {
        today: onDate,
        remittanceDays: deps.remittanceDays,
      })) {
        const into = dealers.get(part.dealerCode);
        if (!into) dealers.set(part.dealerCode, part);
        else {
          into.deals += part.deals;
          into.matched += part.matched;
          into.exceptions.push(...part.exceptions);
        }
      }
      after = deals[deals.length - 1]!.line;
    }
    return [...dealers.values()].sort((a, b) => (a.dealerCode < b.dealerCode ? -1 : 1));
  }

  function view(dealers: DealerReconciliation[]) {
    return dealers.map((dealer) => ({
      dealerCode: dealer.dealerCode,
      deals: dealer.deals,
      matched: dealer.matched,
      financedNotRegistered: dealer.exceptions.filter((e) => e.kind === 'financed_not_registered').length,
      registeredNotRemitted: dealer.exceptions.filter((e) => e.kind === 'registered_not_remitted').length,
      priceMismatches: dealer.exceptions.filter((e) => e.kind === 'price_mismatch').length,
      exceptions: dealer.exceptions.map(exceptionView),
    }));
  }

  function exceptionView(e: DealerReconciliation['exceptions'][number]) {
    return {
      kind: e.kind,
      line: e.deal.line,
      vin: e.deal.vin,
      product: e.deal.product,
      amountFinancedCents: e.deal.amountFinancedCents,
      fundedOn: e.deal.fundedOn,
      contractId: e.kind === 'financed_not_registered' ? null : e.contract.id,
      contractNumber: e.kind === 'financed_not_registered' ? null : e.contract.contractNumber,
      priceCents: e.kind === 'financed_not_registered' ? null : e.contract.priceCents,
      differenceCents: e.kind === 'price_mismatch' ? e.differenceCents : null,
      daysSinceSale: e.kind === 'registered_not_remitted' ? e.daysSinceSale : null,
    };
  }

  function csvOf(dealers: DealerReconciliation[]): string {
    let text =
      'dealer_code,kind,line,vin,product,amount_financed_cents,funded_on,contract_number,price_cents,difference_cents,days_since_sale\n';
    for (const dealer of view(dealers)) {
      for (const e of dealer.exceptions) {
        text += csvLine([
          dealer.dealerCode,
          e.kind,
          e.line,
          e.vin,
          e.product,
          e.amountFinancedCents,
          e.fundedOn,
          e.contractNumber,
          e.priceCents,
          e.differenceCents,
          e.daysSinceSale,
        ]);
      }
    }
    return text;
  }

  /** The recurring job: each lienholder's newest upload reconciled; each dealer emailed its exceptions, the lender all. */
  async function emailReports(): Promise<{ uploads: number; emails: number }> {
    let emails = 0;
    const uploads = await repo.latestUploads(db);
    for (const upload of uploads) {
      const dealers = (await reconcileUpload(upload)).filter((d) => d.exceptions.length > 0);
      if (dealers.length === 0) continue;
      const dealerAddresses = await repo.dealerEmails(
        db,
        dealers.map((d) => d.dealerCode),
      );
      const lenders = await repo.lenderEmails(db, upload.lienholder_name);
      await transactional(db)(async (trx) => {
        for (const dealer of view(dealers)) {
          const to = dealerAddresses.get(dealer.dealerCode);
          if (!to) continue;
          await deps.outbox.queue(trx, {
            to,
            subject: `Funding reconciliation with ${upload.lienholder_name}: ${dealer.exceptions.length} item(s) to resolve`,
            text: summaryText(upload.lienholder_name, [dealer]),
            reference: `funding_upload:${upload.id}:${dealer.dealerCode}`,
          });
          emails += 1;
        }
        for (const to of lenders) {
          await deps.outbox.queue(trx, {
            to,
            subject: `Funding reconciliation: ${dealers.length} dealer(s) with exceptions`,
            text: summaryText(upload.lienholder_name, view(dealers)),
            reference: `funding_upload:${upload.id}`,
          });
          emails += 1;
        }
      });
    }
    return { uploads: uploads.length, emails };
  }

  function summaryText(lienholder: string, dealers: ReturnType<typeof view>): string {
    const lines = [`Funded deals of ${lienholder} matched against registered contracts:`, ''];
    for (const d of dealers) {
      lines.push(
        `Dealer ${d.dealerCode}: ${d.deals} deals, ${d.financedNotRegistered} financed but not registered, ` +
          `${d.registeredNotRemitted} registered but not remitted after ${deps.remittanceDays} days, ${d.priceMismatches} price mismatches.`,
      );
      for (const e of d.exceptions.slice(0, 50))
        lines.push(`  - line ${e.line}, VIN ${e.vin} (${e.product}): ${e.kind}`);
    }
    return lines.join('\n');
  }

  /** The newest uploads the caller may read (a lender only its own), newest first. */
  async function recent(principal: Principal, limit: number) {
    const own =
      principal.kind === 'user' && principal.role === 'lender' ? (principal.lienholderName ?? '') : null;
    const rows = await repo.recentUploads(db, own, limit);
    return rows.map((row) => ({
      uploadId: row.id,
      lienholderName: row.lienholder_name,
      fileName: row.file_name,
      rowsRead: row.rows_read,
      uploadedBy: row.started_by,
      uploadedAt: new Date(row.created_at).toISOString(),
    }));
  }

  return {
    upload,
    recent,
    emailReports,
    async report(principal: Principal, uploadId: string) {
      const found = await visibleUpload(principal, uploadId);
      return {
        uploadId,
        lienholderName: found.lienholder_name,
        asOf: today(),
        remittanceDays: deps.remittanceDays,
        dealers: view(await reconcileUpload(found)),
      };
    },
    async reportCsv(principal: Principal, uploadId: string) {
      return csvOf(await reconcileUpload(await visibleUpload(principal, uploadId)));
    },
  };
}

export type FundingService = ReturnType<typeof createFundingService>;
