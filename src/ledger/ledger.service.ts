// Reading a contract's payments ledger: its entries, oldest first, and what they add up to.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../shared/errors.js';
import {
  contractExists,
  LEDGER_ENTRIES_LISTED,
  type LedgerEntry,
  listLedgerEntries,
} from './ledger.repository.js';
import { ledgerTotals } from './ledger-totals.js';

export interface ContractLedger {
  data: LedgerEntry[];
  hasMore: boolean;
  paidOutCents: number;
  receivedCents: number;
}

export function createLedgerService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  async function contractLedger(contractId: string): Promise<ContractLedger> {
    if (!(await contractExists(db, contractId))) throw new AppError('not_found', 'No contract with that id.');
    const entries = await listLedgerEntries(db, contractId);
    // listLedgerEntries is bounded at LEDGER_ENTRIES_LISTED entries, far more than any one contract has.
    return { data: entries, hasMore: entries.length >= LEDGER_ENTRIES_LISTED, ...ledgerTotals(entries) };
  }

  return { contractLedger };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
