// The versioned product catalog, the contract registry, dealer-file import runs and the shared
// attempt counters that throttle holder sign-in across all app processes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await sql`
    create trigger catalog_versions_append_only before update or delete on catalog_versions
    for each row execute function coverwise_reject_change()`.execute(db);

  await db.schema
    .createTable('contract_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('file_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'finished', 'failed')`))
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await sql`create sequence contract_number_seq`.execute(db);
  await db.schema
    .createTable('contracts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_number', 'text', (c) => c.notNull().unique())
    .addColumn('product', 'text', (c) => c.notNull().check(sql`product in ('vsc', 'gap')`))
    .addColumn('plan_code', 'text', (c) => c.notNull())
    .addColumn('catalog_version', 'integer', (c) => c.notNull().references('catalog_versions.version'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('active', 'cancelled', 'expired', 'void')`),
    )
    .addColumn('holder_first_name', 'text', (c) => c.notNull())
    .addColumn('holder_last_name', 'text', (c) => c.notNull())
    .addColumn('holder_last_name_key', 'text', (c) => c.notNull())
    .addColumn('holder_email', 'text')
    .addColumn('holder_phone', 'text')
    .addColumn('address_line1', 'text', (c) => c.notNull())
    .addColumn('address_city', 'text', (c) => c.notNull())
    .addColumn('address_state', 'text', (c) => c.notNull())
    .addColumn('address_zip', 'text', (c) => c.notNull())
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('vehicle_year', 'integer', (c) => c.notNull())
    .addColumn('vehicle_make', 'text', (c) => c.notNull())
    .addColumn('vehicle_model', 'text', (c) => c.notNull())
    .addColumn('odometer_at_sale', 'integer', (c) => c.notNull())
    .addColumn('purchase_date', 'date', (c) => c.notNull())
    .addColumn('purchase_state', 'text', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull())
    .addColumn('term_miles', 'integer')
    .addColumn('term_days', 'integer', (c) => c.notNull())
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .addColumn('expires_at_miles', 'integer')
    .addColumn('waiting_period_ends_on', 'date')
    .addColumn('waiting_period_ends_at_miles', 'integer')
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents >= 0`))
    .addColumn('deductible_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lienholder_name', 'text')
    .addColumn('selling_dealer_code', 'text')
    .addColumn('selling_dealer_name', 'text')
    .addColumn('amount_financed_cents', 'bigint')
    .addColumn('msrp_cents', 'bigint')
    .addColumn('has_claims', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('api', 'import', 'demo')`))
    .addColumn('import_id', 'uuid', (c) => c.references('contract_imports.id'))
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('contracts_vin_idx').on('contracts').column('vin').execute();
  await sql`create index contracts_last_name_key_idx on contracts (holder_last_name_key text_pattern_ops, id)`.execute(
    db,
  );

  await db.schema
    .createTable('rate_limits')
    .addColumn('bucket', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limits_window_idx')
    .on('rate_limits')
    .column('window_started_at')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}
