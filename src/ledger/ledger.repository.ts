// The payments ledger: every movement of money is an appended entry (a refund, a fee, a claim
// payment); a correction is a reversing entry that names the entry it reverses. Nothing is updated
// or deleted (the database refuses it), and totals are derived from the entries.
import type { Kysely } from 'kysely';
import type { Actor } from '../platform/audit/audit.repository.js';
import { insertJsonRows } from '../platform/db/json-rows.repository.js';
import type { Database, LedgerDirection, LedgerEntryRow, PayeeKind } from '../platform/db/schema.js';
import { assertCents } from '../shared/money.js';

export interface NewLedgerEntry {
  contractId: string;
  kind: string;
  direction: LedgerDirection;
  amountCents: number;
  payee: { kind: PayeeKind; name: string };
  method?: string | null;
  reference?: string | null;
  source: { type: string; id: string };
  memo?: string | null;
  actor: Actor;
  requestId?: string | null;
}

export interface LedgerEntry {
  id: string;
  occurredAt: string;
  contractId: string;
  kind: string;
  direction: LedgerDirection;
  amountCents: number;
  payee: { kind: PayeeKind; name: string };
  method: string | null;
  reference: string | null;
  source: { type: string; id: string };
  reversesEntryId: string | null;
  memo: string | null;
}

export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    contractId: row.contract_id,
    kind: row.kind,
    direction: row.direction,
    amountCents: row.amount_cents,
    payee: { kind: row.payee_kind, name: row.payee_name },
    method: row.method,
    reference: row.reference,
    source: { type: row.source_type, id: row.source_id },
    reversesEntryId: row.reverses_entry_id,
    memo: row.memo,
  };
}

/** The row of a new entry (amounts checked to be whole cents). */
function ledgerEntryRow(entry: NewLedgerEntry) {
  return {
    contract_id: entry.contractId,
    kind: entry.kind,
    direction: entry.direction,
    amount_cents: assertCents(entry.amountCents, 'ledger amount'),
    payee_kind: entry.payee.kind,
    payee_name: entry.payee.name,
    method: entry.method ?? null,
    reference: entry.reference ?? null,
    source_type: entry.source.type,
    source_id: entry.source.id,
    memo: entry.memo ?? null,
    created_by: entry.actor.label,
    request_id: entry.requestId ?? null,
  };
}

/** Appends one entry; pass the use case's transaction. A second original entry for the same source and kind is refused by a unique index. */
export async function appendLedgerEntry(db: Kysely<Database>, entry: NewLedgerEntry): Promise<LedgerEntry> {
  const row = await db
    .insertInto('ledger_entries')
    .values(ledgerEntryRow(entry))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLedgerEntry(row);
}

/**
 * Appends many entries with one insert (a batch of cancellations); answers each new entry's id by its
 * source id, in the caller's transaction.
 */
export async function appendLedgerEntries(
  db: Kysely<Database>,
  entries: readonly NewLedgerEntry[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (entries.length === 0) return ids;
  const rows = await insertJsonRows<{ id: string; source_id: string }>(
    db,
    'ledger_entries',
    entries.map(ledgerEntryRow),
    { returning: ['id', 'source_id'] },
  );
  for (const row of rows) ids.set(row.source_id, row.id);
  return ids;
}

/** The most entries listLedgerEntries answers for one contract. */
export const LEDGER_ENTRIES_LISTED = 1000;

export async function contractExists(db: Kysely<Database>, contractId: string): Promise<boolean> {
  const row = await db.selectFrom('contracts').select('id').where('id', '=', contractId).executeTakeFirst();
  return row !== undefined;
}

export async function listLedgerEntries(db: Kysely<Database>, contractId: string): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('occurred_at')
    .orderBy('id')
    .limit(LEDGER_ENTRIES_LISTED)
    .execute();
  return rows.map(toLedgerEntry);
}
