// Paying out (DOMAIN.md "Money of the administrator", "Paying out"; issue 16): payables are paid in
// payment runs (ACH as a NACHA file, checks with a positive-pay file), every payee is screened against the
// OFAC SDN list first, and repair facilities carry the TIN their 1099-NEC is filed under.
//
// A payable is paid once, even when two runs race: payment_settlements has one row per paid source
// (primary key on the source), inserted in the approving run's transaction. A second run's insert waits
// for the first to commit, then finds the key taken and leaves that payable alone.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where a repair facility is paid by ACH, and the TIN its 1099-NEC names (nine digits, EIN or SSN).
  await sql`
    alter table repair_facilities
      add column bank_routing_number text check (bank_routing_number ~ '^[0-9]{9}$'),
      add column bank_account_number text check (bank_account_number ~ '^[0-9]{4,17}$'),
      add column bank_account_type text check (bank_account_type in ('checking', 'savings')),
      add column tin text check (tin ~ '^[0-9]{9}$'),
      add constraint repair_facilities_bank_whole check (
        (bank_routing_number is null) = (bank_account_number is null)
        and (bank_account_number is null) = (bank_account_type is null))
  `.execute(db);

  // A holder's or lienholder's bank account for a contract's payments; without one they get a check.
  await sql`
    create table payee_bank_accounts (
      contract_id uuid not null references contracts (id),
      payee_kind text not null check (payee_kind in ('holder', 'lienholder')),
      account_holder_name text not null,
      bank_routing_number text not null check (bank_routing_number ~ '^[0-9]{9}$'),
      bank_account_number text not null check (bank_account_number ~ '^[0-9]{4,17}$'),
      bank_account_type text not null check (bank_account_type in ('checking', 'savings')),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (contract_id, payee_kind)
    )`.execute(db);

  // The SDN list as loaded (each load is a new list; screening uses the newest), one row per name: the
  // primary name (alt_num null) and each alternate name from alt.csv.
  await sql`
    create table ofac_lists (
      id uuid primary key default gen_random_uuid(),
      loaded_at timestamptz not null default now(),
      loaded_by text not null,
      entry_count integer not null,
      alternate_count integer not null default 0
    )`.execute(db);
  await sql`
    create table ofac_names (
      id bigint generated always as identity primary key,
      list_id uuid not null references ofac_lists (id),
      ent_num bigint not null,
      alt_num bigint,
      name text not null,
      normalized_name text not null,
      sdn_type text,
      program text,
      remarks text
    )`.execute(db);
  await sql`create index ofac_names_list_idx on ofac_names (list_id, ent_num)`.execute(db);

  await sql`create sequence payment_run_number_seq`.execute(db);
  await sql`create sequence payment_check_number_seq start with 100001`.execute(db);
  await sql`
    create table payment_runs (
      id uuid primary key default gen_random_uuid(),
      run_number bigint not null unique default nextval('payment_run_number_seq'),
      status text not null check (status in ('draft', 'approved', 'discarded')),
      pay_on date not null,
      ofac_list_id uuid references ofac_lists (id),
      created_by text not null,
      created_at timestamptz not null default now(),
      approved_by text,
      approved_at timestamptz,
      nacha_file text,
      positive_pay_file text,
      row_version integer not null default 1
    )`.execute(db);
  await sql`
    create table payment_run_items (
      id uuid primary key default gen_random_uuid(),
      run_id uuid not null references payment_runs (id),
      source_type text not null check (source_type in
        ('repair_claim', 'rental_claim', 'trip_interruption_claim', 'roadside_request', 'cancellation')),
      source_id uuid not null,
      contract_id uuid not null references contracts (id),
      payee_type text not null check (payee_type in ('repair_facility', 'holder', 'lienholder')),
      payee_name text not null,
      facility_id uuid references repair_facilities (id),
      method text not null check (method in ('ach', 'check')),
      amount_cents bigint not null check (amount_cents > 0),
      bank_routing_number text,
      bank_account_number text,
      bank_account_type text,
      status text not null check (status in ('ready', 'held', 'blocked', 'paid', 'skipped')),
      skip_reason text,
      check_number bigint,
      trace_number text,
      journal_entry_id uuid references journal_entries (id),
      paid_at timestamptz,
      unique (run_id, source_type, source_id),
      check ((method = 'ach') = (bank_routing_number is not null))
    )`.execute(db);
  await sql`create index payment_run_items_source_idx on payment_run_items (source_type, source_id)`.execute(
    db,
  );
  await sql`create index payment_run_items_facility_paid_idx on payment_run_items (facility_id, paid_at)
    where status = 'paid'`.execute(db);
  await sql`
    create table payment_settlements (
      source_type text not null,
      source_id uuid not null,
      run_id uuid not null references payment_runs (id),
      item_id uuid not null references payment_run_items (id),
      settled_at timestamptz not null default now(),
      primary key (source_type, source_id)
    )`.execute(db);
  await sql`
    create trigger payment_settlements_append_only before update or delete on payment_settlements
    for each row execute function coverwise_reject_change()`.execute(db);

  // A possible SDN match of a run item's payee: the payment waits until an admin releases or blocks it.
  await sql`
    create table ofac_holds (
      id uuid primary key default gen_random_uuid(),
      item_id uuid not null references payment_run_items (id),
      source_type text not null,
      source_id uuid not null,
      payee_name text not null,
      list_id uuid not null references ofac_lists (id),
      ent_num bigint not null,
      matched_name text not null,
      sdn_type text,
      program text,
      remarks text,
      score numeric(5, 4) not null,
      status text not null check (status in ('held', 'released', 'blocked')),
      decided_by text,
      decided_at timestamptz,
      decision_reason text,
      created_at timestamptz not null default now(),
      unique (item_id)
    )`.execute(db);
  await sql`create index ofac_holds_source_idx on ofac_holds (source_type, source_id, status)`.execute(db);
  await sql`create index ofac_holds_status_idx on ofac_holds (status, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ofac_holds',
    'payment_settlements',
    'payment_run_items',
    'payment_runs',
    'ofac_names',
    'ofac_lists',
    'payee_bank_accounts',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`drop sequence payment_check_number_seq`.execute(db);
  await sql`drop sequence payment_run_number_seq`.execute(db);
  await sql`
    alter table repair_facilities
      drop constraint repair_facilities_bank_whole,
      drop column tin, drop column bank_account_type, drop column bank_account_number,
      drop column bank_routing_number`.execute(db);
}
