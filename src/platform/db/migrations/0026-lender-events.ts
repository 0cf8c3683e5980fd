// Lender events, the lender's compliance view and funding reconciliation (issue 16, "Lender events",
// "Funding reconciliation"):
//   - users.lienholder_name + role `lender`: a lender's staff sign in and see only the loans (contracts)
//     that name their lienholder.
//   - lender_event_runs: one upload (JSON or CSV); its rows are staged in lender_event_rows first
//     (streamed in batches, never held whole in memory), then applied batch by batch, inline for a small
//     file or by the pg-boss job `apply-lender-events` for a large one; rows_done/rows_total is progress.
//   - lender_events: one row per applied event, unique on its natural key (VIN, event, event date), so
//     sending the same event again changes nothing.
//   - lender_event_refunds: every refund a lender event caused, with its deadline and when it was paid
//     (the compliance view: paid on time, paid late, due, overdue).
//   - funding_uploads / funded_deals: a lender's funded deals, matched against registered contracts.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('lienholder_name', 'text').execute();
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'adjuster', 'reviewer', 'repair_facility', 'dealer_user', 'lender'))`.execute(
    db,
  );
  await sql`alter table users add constraint users_lender_lienholder_check
    check ((role = 'lender') = (lienholder_name is not null))`.execute(db);

  await db.schema
    .createTable('lender_event_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('receiving', 'queued', 'running', 'finished', 'failed')`),
    )
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('json', 'csv')`))
    .addColumn('file_name', 'text')
    .addColumn('content_sha256', 'text')
    .addColumn('idempotency_principal', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('lienholder_name', 'text')
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure', 'text')
    .addColumn('started_by', 'jsonb', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create unique index lender_event_runs_idempotency_idx on lender_event_runs
    (idempotency_principal, idempotency_key) where idempotency_key is not null`.execute(db);

  await db.schema
    .createTable('lender_event_rows')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('lender_event_runs.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('event_date', 'text', (c) => c.notNull())
    .addColumn('odometer', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'cancelled', 'skipped', 'rejected')`),
    )
    .addColumn('code', 'text')
    .addColumn('detail', 'text')
    .addColumn('param', 'text')
    .addColumn('cancellations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('lender_event_rows_pk', ['run_id', 'line'])
    .execute();
  await sql`create index lender_event_rows_pending_idx on lender_event_rows (run_id, line)
    where status = 'pending'`.execute(db);

  await db.schema
    .createTable('lender_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) =>
      c.notNull().check(sql`event in ('payoff', 'repossession', 'total_loss')`),
    )
    .addColumn('event_date', 'date', (c) => c.notNull())
    .addColumn('odometer', 'integer')
    .addColumn('reference', 'text')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('lender_event_runs.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('cancelled', 'skipped')`))
    .addColumn('code', 'text')
    .addColumn('cancellations', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('lender_events_natural_key', ['vin', 'event', 'event_date'])
    .execute();

  await db.schema
    .createTable('lender_event_refunds')
    .addColumn('cancellation_id', 'uuid', (c) => c.primaryKey().references('cancellations.id'))
    .addColumn('lender_event_id', 'uuid', (c) => c.notNull().references('lender_events.id'))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('event_date', 'date', (c) => c.notNull())
    .addColumn('lienholder_name', 'text')
    .addColumn('refund_cents', 'bigint', (c) => c.notNull().check(sql`refund_cents >= 0`))
    .addColumn('payee_kind', 'text', (c) => c.notNull())
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('refund_due_on', 'date', (c) => c.notNull())
    .addColumn('paid_on', 'date')
    .addColumn('payment_reference', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('lender_event_refunds_due_idx')
    .on('lender_event_refunds')
    .columns(['lienholder_name', 'refund_due_on'])
    .execute();

  await db.schema
    .createTable('funding_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('lienholder_name', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('funded_deals')
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('funding_uploads.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('lienholder_name', 'text', (c) => c.notNull())
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull().check(sql`product in ('vsc', 'gap')`))
    .addColumn('amount_financed_cents', 'bigint', (c) => c.notNull())
    .addColumn('funded_on', 'date', (c) => c.notNull())
    .addColumn('dealer_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('funded_deals_pk', ['upload_id', 'line'])
    .execute();
  await db.schema.createIndex('funded_deals_vin_idx').on('funded_deals').column('vin').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('funded_deals').execute();
  await db.schema.dropTable('funding_uploads').execute();
  await db.schema.dropTable('lender_event_refunds').execute();
  await db.schema.dropTable('lender_events').execute();
  await db.schema.dropTable('lender_event_rows').execute();
  await db.schema.dropTable('lender_event_runs').execute();
  await sql`alter table users drop constraint users_lender_lienholder_check`.execute(db);
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'adjuster', 'reviewer', 'repair_facility', 'dealer_user'))`.execute(db);
  await db.schema.alterTable('users').dropColumn('lienholder_name').execute();
}
