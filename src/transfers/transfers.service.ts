// Transferring a contract to a new owner after a private sale: the request (checked by
// transfer-rules.ts against the contract's catalog terms), the fee as a ledger receipt, and on
// completion the buyer becomes the holder — the buyer's last name, ZIP and VIN now sign in, the
// seller's no longer do, and the contract leaves the seller's open sessions at once. Maintenance
// records handed to the buyer are attached as documents.

import type { Kysely, Transaction } from 'kysely';
import { postTransferFee } from '../accounting/journal-postings.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { isRegionCode } from '../catalog/regions.js';
import { contractNumberOf, setContractHolder } from '../contracts/contract.repository.js';
import { holderMayTouch, loadContract, termsOf } from '../contracts/contract-access.js';
import { lastOdometerReadings } from '../contracts/contract-history.repository.js';
import { lastNameKey, normalizePostalCode } from '../contracts/contract-input.js';
import { readingBelowLast } from '../contracts/odometer-readings.js';
import { documentsOfOwner } from '../documents/document.repository.js';
import { type ReceivedFile, recordDocument } from '../documents/document-records.js';
import { explain } from '../explanations/explanations.js';
import { appendLedgerEntry } from '../ledger/ledger.repository.js';
import {
  forgetContractLanguage,
  rememberContractLanguage,
} from '../notifications/holder-language.repository.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type {
  ContractRow,
  Database,
  DocumentRow,
  TransferRow,
  TransferSaleType,
} from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { type CalendarDate, calendarDateInZone, daysBetween } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { HolderLanguage } from '../shared/language.js';
import type { Principal } from '../shared/principal.js';
import {
  completeTransferRow,
  findPendingTransfer,
  findTransfer,
  insertTransfer,
  listTransfersOfContract,
  rejectTransferRow,
  removeContractFromHolderSessions,
} from './transfer.repository.js';
import { decideTransfer } from './transfer-rules.js';

export interface TransferInput {
  ownershipTransferredOn: string;
  saleType: TransferSaleType;
  odometer: number;
  buyer: {
    firstName: string;
    lastName: string;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    address: { line1: string; city: string; state: string; zip: string };
  };
  /** The holder pages' language (docs/languages.md), remembered for the seller's later emails. */
  language?: HolderLanguage | undefined;
}

export const FEE_PAYMENT_METHODS = ['card', 'check', 'ach'] as const;
export type FeePaymentMethod = (typeof FEE_PAYMENT_METHODS)[number];
export const TRANSFER_DOCUMENT_TYPES = ['maintenance_record', 'transfer_form', 'odometer_statement'] as const;

export interface TransferDocumentView {
  id: string;
  type: string;
  status: string;
  contentType: string;
  sizeBytes: number;
  originalName: string | null;
  sha256: string;
  receivedAt: string;
}

function documentView(row: DocumentRow): TransferDocumentView {
  return {
    id: row.id,
    type: row.document_type,
    status: row.status,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    originalName: row.original_name,
    sha256: row.sha256,
    receivedAt: row.received_at.toISOString(),
  };
}

function transferView(row: TransferRow, contractNumber: string, documents: DocumentRow[]) {
  return {
    id: row.id,
    contractId: row.contract_id,
    contractNumber,
    status: row.status,
    ownershipTransferredOn: row.ownership_transferred_on,
    saleType: row.sale_type,
    odometer: row.odometer,
    feeCents: Number(row.fee_cents),
    buyer: {
      firstName: row.buyer_first_name,
      lastName: row.buyer_last_name,
      email: row.buyer_email,
      phone: row.buyer_phone,
      address: {
        line1: row.buyer_address_line1,
        city: row.buyer_address_city,
        state: row.buyer_address_state,
        zip: row.buyer_address_zip,
      },
    },
    feeLedgerEntryId: row.fee_ledger_entry_id,
    rejectionReason: row.rejection_reason,
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    rejectedAt: row.rejected_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    closedReason: row.closed_reason,
    documents: documents.map(documentView),
  };
}

export type TransferView = ReturnType<typeof transferView>;

/** A rejected or closed transfer takes no records: it will not pass the contract on. */
function refuseRecordsWhenEnded(transfer: TransferRow): void {
  if (transfer.status === 'rejected' || transfer.status === 'closed') {
    throw new AppError(
      'invalid_status_transition',
      `The transfer was ${transfer.status}; no records can be attached.`,
    );
  }
}

export function createTransfersService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  async function viewOf(executor: Kysely<Database>, row: TransferRow): Promise<TransferView> {
    const contractNumber = await contractNumberOf(executor, row.contract_id);
    const documents = await documentsOfOwner(
      executor,
      { ownerType: 'transfer', ownerId: row.id },
      { order: 'oldest_first', limit: 200 },
    );
    return transferView(row, contractNumber, documents);
  }

  /**
   * The transfer, if the principal may see it: staff always; a holder when the contract is theirs or
   * when their session asked for the transfer (so the seller can still follow it once it completed).
   */
  async function loadTransfer(
    executor: Kysely<Database>,
    principal: Principal,
    transferId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<TransferRow> {
    const row = await findTransfer(executor, transferId, options);
    const visible =
      row !== undefined &&
      (principal.kind === 'user' ||
        (principal.kind === 'holder' && holderMayTouch(principal, row.contract_id)) ||
        row.requested_by_session_id === principal.sessionId);
    if (!row || !visible) throw new AppError('not_found', 'No transfer with that id.');
    return row;
  }

  function checkBuyer(buyer: TransferInput['buyer']) {
    const state = buyer.address.state.trim().toUpperCase();
    if (!isRegionCode(state)) {
      throw new AppError(
        'invalid_state',
        `"${buyer.address.state}" is not a U.S. state or Canadian province code.`,
        {
          param: 'buyer.address.state',
        },
      );
    }
    const zip = normalizePostalCode(buyer.address.zip, state);
    if (!zip) {
      throw new AppError(
        'invalid_zip',
        'The buyer’s ZIP code is 5 digits, ZIP+4, or a Canadian postal code.',
        {
          param: 'buyer.address.zip',
        },
      );
    }
    if (!buyer.firstName.trim()) {
      throw new AppError('validation_failed', 'The buyer needs a first name.', { param: 'buyer.firstName' });
    }
    if (!lastNameKey(buyer.lastName)) {
      throw new AppError('validation_failed', 'The buyer needs a last name with letters in it.', {
        param: 'buyer.lastName',
      });
    }
    return { state, zip };
  }

  /** The buyer becomes the holder; the contract leaves every open holder session of the seller. */
  async function complete(
    trx: Transaction<Database>,
    transfer: TransferRow,
    contract: ContractRow,
    actor: Actor,
    requestId: string,
    feeLedgerEntryId: string | null,
  ): Promise<TransferRow> {
    const now = clock.now();
    const holderChanged = await setContractHolder(
      trx,
      contract,
      {
        holder_first_name: transfer.buyer_first_name,
        holder_last_name: transfer.buyer_last_name,
        holder_last_name_key: lastNameKey(transfer.buyer_last_name),
        holder_email: transfer.buyer_email,
        holder_phone: transfer.buyer_phone,
        address_line1: transfer.buyer_address_line1,
        address_city: transfer.buyer_address_city,
        address_state: transfer.buyer_address_state,
        address_zip: transfer.buyer_address_zip,
      },
      now,
    );
    if (!holderChanged) {
      throw new AppError('conflict', 'The contract changed while it was being transferred; try again.');
    }
    // The seller's language is not the buyer's: the buyer's emails are in English until they say.
    await forgetContractLanguage(trx, contract.id);
    const completed = await completeTransferRow(trx, transfer, { now, feeLedgerEntryId });
    if (!completed)
      throw new AppError('conflict', 'The transfer changed while it was being completed; try again.');
    // The seller's sessions keep their other contracts (a GAP addendum on the same VIN stays theirs).
    await removeContractFromHolderSessions(trx, contract.id);
    await recordAudit(trx, {
      actor,
      action: 'contract.transferred',
      entityType: 'contract',
      entityId: contract.id,
      data: {
        transferId: transfer.id,
        feeCents: Number(transfer.fee_cents),
        feeLedgerEntryId,
        previousHolder: {
          firstName: contract.holder_first_name,
          lastName: contract.holder_last_name,
          address: {
            line1: contract.address_line1,
            city: contract.address_city,
            state: contract.address_state,
            zip: contract.address_zip,
          },
        },
        newHolder: {
          firstName: transfer.buyer_first_name,
          lastName: transfer.buyer_last_name,
          address: {
            line1: transfer.buyer_address_line1,
            city: transfer.buyer_address_city,
            state: transfer.buyer_address_state,
            zip: transfer.buyer_address_zip,
          },
        },
      },
      requestId,
    });
    return completed;
  }

  async function request(
    trx: Transaction<Database>,
    contractId: string,
    input: TransferInput,
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<TransferView> {
    const contract = await loadContract(trx, principal, contractId, { forUpdate: true });
    const { terms } = await termsOf(catalog, contract, trx);
    const decision = decideTransfer(
      {
        status: contract.status,
        purchaseDate: contract.purchase_date,
        expiresOn: contract.expires_on,
        odometerAtSale: contract.odometer_at_sale,
        expiresAtMiles: contract.expires_at_miles,
      },
      terms.transfer,
      input,
      today(),
    );
    if (!decision.ok) {
      // The holder sentence comes from the explanations table, with the window the rule set; a GAP
      // addendum is told why it never transfers (docs/domain.md "GAP claims": GAP is not transferable).
      const detail =
        decision.code === 'not_transferable' && contract.product === 'gap'
          ? explain('gap_not_transferable')
          : explain(
              decision.code,
              decision.code === 'transfer_window_elapsed'
                ? {
                    windowDays: terms.transfer.windowDays,
                    daysSinceTransfer: daysBetween(input.ownershipTransferredOn, today()),
                  }
                : {},
            );
      throw new AppError(decision.code, detail, decision.param ? { param: decision.param } : {});
    }
    // The reading at the ownership change is not below one recorded on the contract by that day.
    const last = await lastOdometerReadings(trx, [contract.id], {
      timeZone: deps.timeZone,
      onOrBefore: input.ownershipTransferredOn,
    });
    const below = readingBelowLast(input.odometer, last.get(contract.id));
    if (below) throw new AppError(below.code, below.detail, { param: below.param });
    const buyer = checkBuyer(input.buyer);
    if (principal.kind === 'holder' && input.language)
      await rememberContractLanguage(trx, [contract.id], input.language, clock.now());
    const pending = await findPendingTransfer(trx, contract.id);
    if (pending) {
      throw new AppError('conflict', 'A transfer of this contract is already waiting for its fee.', {
        param: 'id',
      });
    }
    const inserted = await insertTransfer(trx, {
      contract_id: contract.id,
      status: 'pending_fee',
      ownership_transferred_on: input.ownershipTransferredOn,
      sale_type: input.saleType,
      odometer: input.odometer,
      fee_cents: decision.feeCents,
      seller: JSON.stringify({
        firstName: contract.holder_first_name,
        lastName: contract.holder_last_name,
        email: contract.holder_email,
        phone: contract.holder_phone,
        address: {
          line1: contract.address_line1,
          city: contract.address_city,
          state: contract.address_state,
          zip: contract.address_zip,
        },
      }),
      buyer_first_name: input.buyer.firstName.trim(),
      buyer_last_name: input.buyer.lastName.trim(),
      buyer_email: input.buyer.email?.trim() || null,
      buyer_phone: input.buyer.phone?.trim() || null,
      buyer_address_line1: input.buyer.address.line1.trim(),
      buyer_address_city: input.buyer.address.city.trim(),
      buyer_address_state: buyer.state,
      buyer_address_zip: buyer.zip,
      requested_by: actor.label,
      requested_by_session_id: principal.kind === 'holder' ? principal.sessionId : null,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.transfer_requested',
      entityType: 'contract',
      entityId: contract.id,
      data: {
        transferId: inserted.id,
        ownershipTransferredOn: input.ownershipTransferredOn,
        odometer: input.odometer,
        feeCents: decision.feeCents,
        feeRuleId: terms.ruleSources['transfer.feeCents'] ?? null,
        buyer: { firstName: inserted.buyer_first_name, lastName: inserted.buyer_last_name },
      },
      requestId,
    });
    // No fee to wait for (Massachusetts): the buyer becomes the holder at once.
    const row =
      decision.feeCents === 0 ? await complete(trx, inserted, contract, actor, requestId, null) : inserted;
    return viewOf(trx, row);
  }

  /** The transfer, locked, when it waits for its fee; else invalid_status_transition saying `refusal`. */
  async function transferAwaitingFee(
    trx: Transaction<Database>,
    transferId: string,
    principal: Principal,
    refusal: string,
  ) {
    const transfer = await loadTransfer(trx, principal, transferId, { forUpdate: true });
    if (transfer.status !== 'pending_fee')
      throw new AppError('invalid_status_transition', `The transfer is ${transfer.status}; ${refusal}.`);
    return transfer;
  }

  async function recordFeePayment(
    trx: Transaction<Database>,
    transferId: string,
    payment: { method: FeePaymentMethod; reference: string },
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<TransferView> {
    const transfer = await transferAwaitingFee(trx, transferId, principal, 'its fee cannot be recorded');
    const contract = await loadContract(trx, principal, transfer.contract_id, { forUpdate: true });
    if (contract.status !== 'active') {
      throw new AppError(
        'contract_not_active',
        `Contract ${contract.contract_number} is ${contract.status}.`,
      );
    }
    const entry = await appendLedgerEntry(trx, {
      contractId: contract.id,
      kind: 'transfer_fee',
      direction: 'receipt',
      amountCents: Number(transfer.fee_cents),
      payee: { kind: 'administrator', name: 'Coverwise administrator' },
      method: payment.method,
      reference: payment.reference.trim(),
      source: { type: 'transfer', id: transfer.id },
      memo: `Transfer fee for contract ${contract.contract_number}`,
      actor,
      requestId,
    });
    await postTransferFee(
      trx,
      { id: transfer.id, amountCents: entry.amountCents, contract },
      { effectiveOn: today(), actor, requestId },
    );
    await recordAudit(trx, {
      actor,
      action: 'contract.transfer_fee_received',
      entityType: 'contract',
      entityId: contract.id,
      data: {
        transferId: transfer.id,
        amountCents: entry.amountCents,
        method: payment.method,
        ledgerEntryId: entry.id,
      },
      requestId,
    });
    const completed = await complete(trx, transfer, contract, actor, requestId, entry.id);
    return viewOf(trx, completed);
  }

  async function reject(
    trx: Transaction<Database>,
    transferId: string,
    reason: string,
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<TransferView> {
    const transfer = await transferAwaitingFee(trx, transferId, principal, 'it cannot be rejected');
    const rejected = await rejectTransferRow(trx, transfer, { reason: reason.trim(), now: clock.now() });
    await recordAudit(trx, {
      actor,
      action: 'contract.transfer_rejected',
      entityType: 'contract',
      entityId: transfer.contract_id,
      reason: reason.trim(),
      data: { transferId: transfer.id },
      requestId,
    });
    return viewOf(trx, rejected);
  }

  async function get(transferId: string, principal: Principal): Promise<TransferView> {
    return viewOf(db, await loadTransfer(db, principal, transferId));
  }

  /** What a transfer of this contract would take: whether it may transfer, the fee and the window. */
  async function termsFor(contractId: string, principal: Principal) {
    const contract = await loadContract(db, principal, contractId);
    const { terms } = await termsOf(catalog, contract, db);
    return {
      allowed: terms.transfer.allowed,
      feeCents: terms.transfer.feeCents,
      windowDays: terms.transfer.windowDays,
      privateSaleOnly: terms.transfer.privateSaleOnly,
      feeRuleId: terms.ruleSources['transfer.feeCents'] ?? `plan:${contract.plan_code}`,
      notes: terms.notes.filter((note) => note.ruleId === terms.ruleSources['transfer.feeCents']),
    };
  }

  async function listForContract(contractId: string, principal: Principal) {
    await loadContract(db, principal, contractId);
    const rows = await listTransfersOfContract(db, contractId, 51);
    const data = await Promise.all(rows.slice(0, 50).map((row) => viewOf(db, row)));
    return { data, hasMore: rows.length > 50 };
  }

  /** Checked before an upload is read, so a refused request stores nothing. */
  async function assertMayAttach(transferId: string, principal: Principal): Promise<void> {
    const transfer = await loadTransfer(db, principal, transferId);
    refuseRecordsWhenEnded(transfer);
  }

  async function attachDocument(
    trx: Transaction<Database>,
    transferId: string,
    upload: ReceivedFile & { type: string },
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<TransferDocumentView> {
    const transfer = await loadTransfer(trx, principal, transferId, { forUpdate: true });
    refuseRecordsWhenEnded(transfer);
    const row = await recordDocument(trx, {
      contractId: transfer.contract_id,
      ownerType: 'transfer',
      ownerId: transfer.id,
      documentType: upload.type,
      status: 'received',
      upload,
      receivedAt: clock.now(),
      uploadedBy: actor.label,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.transfer_document_received',
      entityType: 'contract',
      entityId: transfer.contract_id,
      data: { transferId: transfer.id, documentId: row.id, type: upload.type, sha256: row.sha256 },
      requestId,
    });
    return documentView(row);
  }

  return {
    request: asUseCase(request),
    recordFeePayment: asUseCase(recordFeePayment),
    reject: asUseCase(reject),
    get,
    termsFor,
    listForContract,
    assertMayAttach,
    attachDocument: asUseCase(attachDocument),
  };
}

export type TransfersService = ReturnType<typeof createTransfersService>;
