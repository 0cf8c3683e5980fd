// Cancellations (one per contract, with the refund quote it was executed on) and transfers to a new
// owner (pending the fee, then completed or rejected). Money for both lives in the payments ledger.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cancellations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('cancel_on', 'date', (c) => c.notNull())
    .addColumn('odometer', 'integer', (c) => c.notNull().check(sql`odometer >= 0`))
    .addColumn('reason', 'text', (c) =>
      c
        .notNull()
        .check(sql`reason in ('customer_request', 'payoff', 'total_loss', 'repossession', 'trade_in')`),
    )
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('gross_refund_cents', 'bigint', (c) => c.notNull().check(sql`gross_refund_cents >= 0`))
    .addColumn('fee_cents', 'bigint', (c) => c.notNull().check(sql`fee_cents >= 0`))
    .addColumn('claims_deducted_cents', 'bigint', (c) => c.notNull().check(sql`claims_deducted_cents >= 0`))
    .addColumn('refund_cents', 'bigint', (c) => c.notNull().check(sql`refund_cents >= 0`))
    .addColumn('payee_kind', 'text', (c) => c.notNull().check(sql`payee_kind in ('holder', 'lienholder')`))
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('quote', 'jsonb', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'uuid', (c) => c.references('ledger_entries.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A contract is cancelled once: a second cancellation is refused by the database even if two
  // requests race past the service's status check.
  await db.schema
    .createIndex('cancellations_one_per_contract')
    .on('cancellations')
    .column('contract_id')
    .unique()
    .execute();

  await db.schema
    .createTable('transfers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending_fee', 'completed', 'rejected')`),
    )
    .addColumn('ownership_transferred_on', 'date', (c) => c.notNull())
    .addColumn('sale_type', 'text', (c) =>
      c.notNull().check(sql`sale_type in ('private', 'dealer', 'trade_in')`),
    )
    .addColumn('odometer', 'integer', (c) => c.notNull().check(sql`odometer >= 0`))
    .addColumn('fee_cents', 'bigint', (c) => c.notNull().check(sql`fee_cents >= 0`))
    .addColumn('seller', 'jsonb', (c) => c.notNull())
    .addColumn('buyer_first_name', 'text', (c) => c.notNull())
    .addColumn('buyer_last_name', 'text', (c) => c.notNull())
    .addColumn('buyer_email', 'text')
    .addColumn('buyer_phone', 'text')
    .addColumn('buyer_address_line1', 'text', (c) => c.notNull())
    .addColumn('buyer_address_city', 'text', (c) => c.notNull())
    .addColumn('buyer_address_state', 'text', (c) => c.notNull())
    .addColumn('buyer_address_zip', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_session_id', 'uuid')
    .addColumn('fee_ledger_entry_id', 'uuid', (c) => c.references('ledger_entries.id'))
    .addColumn('rejection_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('transfers_contract_idx')
    .on('transfers')
    .columns(['contract_id', 'created_at'])
    .execute();
  // One transfer at a time may wait for its fee: two requests for the same contract cannot both pend.
  await sql`create unique index transfers_one_pending on transfers (contract_id)
    where status = 'pending_fee'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}
