// The dealer channel (issue 15): dealers and their API keys, dealer users, stored rates, booked and
// voided contracts with their dealer cost, the dealer-account events the dealer statement is built
// from, and e-signatures of contract forms.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dealers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Only the SHA-256 of a key is kept; `prefix` (its first characters) lets people tell keys apart.
  await db.schema
    .createTable('dealer_api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('dealer_id', 'uuid', (c) => c.notNull().references('dealers.id'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema
    .createIndex('dealer_api_keys_dealer_idx')
    .on('dealer_api_keys')
    .column('dealer_id')
    .execute();

  // People who sell for a dealer sign in like staff, with the role dealer_user and their dealer.
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'adjuster', 'reviewer', 'repair_facility', 'dealer_user'))`.execute(db);
  await sql`alter table users add column dealer_id uuid references dealers (id)`.execute(db);
  await sql`alter table users add constraint users_dealer_user_has_dealer
    check ((role = 'dealer_user') = (dealer_id is not null))`.execute(db);

  // A dealer API key acts in the audit trail as itself.
  await sql`alter table audit_events drop constraint audit_events_actor_kind_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_actor_kind_check
    check (actor_kind in ('user', 'holder', 'system', 'anonymous', 'dealer_key'))`.execute(db);

  // Every priced offer of a rate answer is a row: it books at most one contract before it expires.
  await db.schema
    .createTable('rates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('dealer_id', 'uuid', (c) => c.references('dealers.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('catalog_version', 'integer', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull().check(sql`product in ('vsc', 'gap')`))
    .addColumn('plan_code', 'text', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull())
    .addColumn('term_miles', 'integer')
    .addColumn('deductible_cents', 'bigint', (c) => c.notNull())
    .addColumn('dealer_cost_cents', 'bigint', (c) => c.notNull().check(sql`dealer_cost_cents >= 0`))
    .addColumn('max_retail_cents', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('vehicle', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('contract_id', 'uuid', (c) => c.unique())
    .execute();

  // No foreign key on contracts: the import writes them by COPY and migration 0012 took the per-row
  // reference triggers off that path; the dealer is checked by the code that sets it.
  await sql`alter table contracts
    add column dealer_id uuid,
    add column dealer_cost_cents bigint check (dealer_cost_cents >= 0),
    add column voided_at timestamptz,
    add column void_reason text`.execute(db);
  await sql`create index contracts_dealer_idx on contracts (dealer_id, created_at) where dealer_id is not null`.execute(
    db,
  );

  // What the dealer statement is built from (docs/domain.md "Money of the administrator"): append-only, a
  // positive amount is owed by the dealer to the administrator. One event of a kind per contract.
  await db.schema
    .createTable('dealer_account_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('dealer_id', 'uuid', (c) => c.notNull().references('dealers.id'))
    .addColumn('contract_id', 'uuid', (c) => c.references('contracts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('contract_booked', 'contract_voided')`))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('request_id', 'text')
    .addUniqueConstraint('dealer_account_events_once', ['contract_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('dealer_account_events_dealer_idx')
    .on('dealer_account_events')
    .columns(['dealer_id', 'occurred_on', 'id'])
    .execute();
  await sql`
    create trigger dealer_account_events_append_only before update or delete on dealer_account_events
    for each row execute function coverwise_reject_change()`.execute(db);

  await db.schema
    .createTable('contract_signatures')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('signer_kind', 'text', (c) => c.notNull().check(sql`signer_kind in ('holder', 'dealer')`))
    .addColumn('signer_name', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip_address', 'text', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contract_signatures_contract_idx')
    .on('contract_signatures')
    .column('contract_id')
    .execute();
  await sql`
    create trigger contract_signatures_append_only before update or delete on contract_signatures
    for each row execute function coverwise_reject_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The dealer-channel migration cannot be rolled back.');
}
