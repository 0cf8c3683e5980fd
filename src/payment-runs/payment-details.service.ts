// Where payments go: a repair facility's bank account and TIN, a contract holder's or lienholder's bank
// account (ACH instead of a check), and the 1099-NEC report of facilities paid at least the threshold in
// a year. Each change is audited in the transaction that makes it; account numbers leave only masked.
import type { Kysely } from 'kysely';
import { findContractById } from '../contracts/contract.repository.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { BankAccountType, Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { findRepairFacility } from '../repair-facilities/repair-facility.repository.js';
import { AppError } from '../shared/errors.js';
import { form1099NecCsv } from './form-1099-nec.js';
import {
  deletePayeeBankAccount,
  facilityPaymentsForYear,
  updateFacilityPaymentDetails,
  upsertPayeeBankAccount,
} from './payment-runs.repository.js';
import { checkRoutingNumber, maskAccountNumber } from './payment-runs.service.js';

export type PayeeKind = 'holder' | 'lienholder';

/** A facility's payment details as the API shows them: the method, the account and TIN masked. */
function facilityDetailsView(row: {
  id: string;
  bank_routing_number: string | null;
  bank_account_number: string | null;
  bank_account_type: BankAccountType | null;
  tin: string | null;
}) {
  return {
    facilityId: row.id,
    method: row.bank_routing_number ? ('ach' as const) : ('check' as const),
    bankAccount: row.bank_routing_number
      ? {
          routingNumber: row.bank_routing_number,
          accountNumberMasked: maskAccountNumber(row.bank_account_number)!,
          accountType: row.bank_account_type ?? 'checking',
        }
      : null,
    tinMasked: row.tin ? `•••••${row.tin.slice(-4)}` : null,
  };
}

export function createPaymentDetailsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  timeZone: string;
  form1099ThresholdCents: number;
}) {
  const { db, clock } = deps;

  async function facilityDetails(facilityId: string) {
    const row = await findRepairFacility(db, facilityId);
    if (!row) throw new AppError('not_found', 'No such repair facility.', { param: 'id' });
    return facilityDetailsView(row);
  }

  /** Sets a facility's bank account (null: paid by check) and TIN (dashes allowed; nine digits). */
  async function setFacilityDetails(
    facilityId: string,
    input: {
      bankAccount: { routingNumber: string; accountNumber: string; accountType: BankAccountType } | null;
      tin: string | null;
    },
    actor: Actor,
    requestId: string,
  ) {
    const { bankAccount } = input;
    if (bankAccount) checkRoutingNumber(bankAccount.routingNumber, 'bankAccount.routingNumber');
    const tin = input.tin === null ? null : input.tin.replaceAll('-', '');
    if (tin !== null && !/^\d{9}$/.test(tin))
      throw new AppError('invalid_tin', 'A TIN is nine digits.', { param: 'tin' });
    return transactional(db)(async (trx) => {
      const row = await updateFacilityPaymentDetails(trx, facilityId, { bank: bankAccount, tin });
      if (!row) throw new AppError('not_found', 'No such repair facility.', { param: 'id' });
      const view = facilityDetailsView(row);
      await recordAudit(trx, {
        actor,
        action: 'repair_facility.payment_details_set',
        entityType: 'repair_facility',
        entityId: row.id,
        data: { method: view.method, bankAccount: view.bankAccount, tinMasked: view.tinMasked },
        requestId,
      });
      return view;
    });
  }

  /** Gives a contract's holder or lienholder a bank account (replacing any earlier one). */
  async function setPayeeBankAccount(
    contractId: string,
    payeeKind: PayeeKind,
    input: {
      accountHolderName: string;
      routingNumber: string;
      accountNumber: string;
      accountType: BankAccountType;
    },
    actor: Actor,
    requestId: string,
  ) {
    checkRoutingNumber(input.routingNumber, 'routingNumber');
    return transactional(db)(async (trx) => {
      const contract = await findContractById(trx, contractId);
      if (!contract) throw new AppError('not_found', 'No such contract.', { param: 'id' });
      const row = await upsertPayeeBankAccount(trx, {
        contractId: contract.id,
        payeeKind,
        accountHolderName: input.accountHolderName,
        routingNumber: input.routingNumber,
        accountNumber: input.accountNumber,
        accountType: input.accountType,
        updatedBy: actor.label,
        updatedAt: clock.now(),
      });
      const bankAccount = {
        routingNumber: row.bank_routing_number,
        accountNumberMasked: maskAccountNumber(row.bank_account_number)!,
        accountType: row.bank_account_type,
      };
      await recordAudit(trx, {
        actor,
        action: 'contract.payee_bank_account_set',
        entityType: 'contract',
        entityId: contract.id,
        data: { payeeKind: row.payee_kind, bankAccount },
        requestId,
      });
      return {
        contractId: contract.id,
        payeeKind: row.payee_kind,
        accountHolderName: row.account_holder_name,
        bankAccount,
      };
    });
  }

  /** Removes the account: the payee is paid by check. */
  async function removePayeeBankAccount(
    contractId: string,
    payeeKind: PayeeKind,
    actor: Actor,
    requestId: string,
  ): Promise<void> {
    await transactional(db)(async (trx) => {
      await deletePayeeBankAccount(trx, contractId, payeeKind);
      await recordAudit(trx, {
        actor,
        action: 'contract.payee_bank_account_removed',
        entityType: 'contract',
        entityId: contractId,
        data: { payeeKind },
        requestId,
      });
    });
  }

  /** The 1099-NEC report of `year` as CSV; the export is audited (the file holds TINs in full). */
  async function form1099Nec(year: number, actor: Actor, requestId: string): Promise<string> {
    const rows = await facilityPaymentsForYear(db, {
      year,
      timeZone: deps.timeZone,
      thresholdCents: deps.form1099ThresholdCents,
    });
    await recordAudit(db, {
      actor,
      action: 'report.1099_nec_exported',
      entityType: 'report',
      entityId: `1099-nec-${year}`,
      data: { facilities: rows.length },
      requestId,
    });
    return form1099NecCsv(rows);
  }

  return { facilityDetails, setFacilityDetails, setPayeeBankAccount, removePayeeBankAccount, form1099Nec };
}

export type PaymentDetailsService = ReturnType<typeof createPaymentDetailsService>;
