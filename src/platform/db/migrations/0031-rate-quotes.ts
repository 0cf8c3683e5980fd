// Rates are stored as quotes (issue 15, "Speed"): one row per rating call holds every offer of its answer
// (a jsonb array), with the dealer, the catalog version, the vehicle and the expiry, instead of a row
// per offer (~49 rows with their JSON on every call). An offer's rateId shares all but its last 16 bits
// with its quote's id (src/rating/rate.repository.ts); booking finds the quote from the rateId and the
// offer inside it by rateId. Which offers booked which contract is a row each in rate_bookings: an
// offer books at most one contract, and a contract comes from at most one offer.
//
// Rates stored before this migration become quotes of one offer each (the offer keeps its rateId, the
// quote's id is that rateId with its last 16 bits cleared), and their bookings move along, so a rate
// a dealer holds from before still books, once, until it expires.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_quotes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('dealer_id', 'uuid', (c) => c.references('dealers.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('catalog_version', 'integer', (c) => c.notNull())
    .addColumn('vehicle', 'jsonb', (c) => c.notNull())
    .addColumn('offers', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(offers) = 'array'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .execute();

  // No foreign key on contracts (as rates.contract_id had none): the import writes contracts by COPY
  // and migration 0012 took the per-row reference triggers off that path.
  await db.schema
    .createTable('rate_bookings')
    .addColumn('rate_id', 'uuid', (c) => c.primaryKey())
    .addColumn('quote_id', 'uuid', (c) => c.notNull().references('rate_quotes.id'))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('booked_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_bookings_quote_idx').on('rate_bookings').column('quote_id').execute();

  await sql`
    insert into rate_quotes (id, dealer_id, requested_by, catalog_version, vehicle, offers, created_at, expires_on)
    select overlay(r.id::text placing '0000' from 33 for 4)::uuid, (array_agg(r.dealer_id))[1],
      min(r.requested_by), min(r.catalog_version), (array_agg(r.vehicle))[1],
      jsonb_agg(jsonb_build_object(
        'rateId', r.id::text, 'product', r.product, 'planCode', r.plan_code, 'termMonths', r.term_months,
        'termMiles', r.term_miles, 'deductibleCents', r.deductible_cents,
        'dealerCostCents', r.dealer_cost_cents, 'maxRetailCents', r.max_retail_cents, 'lines', r.lines)
        order by r.id),
      min(r.created_at), min(r.expires_on)
    from rates r
    -- Rates that share all but their last 16 bits came down from one quote (down below): one quote again.
    group by 1`.execute(db);
  await sql`
    insert into rate_bookings (rate_id, quote_id, contract_id, booked_at)
    select r.id, overlay(r.id::text placing '0000' from 33 for 4)::uuid, r.contract_id,
      coalesce(r.used_at, r.created_at)
    from rates r where r.contract_id is not null`.execute(db);
  await db.schema.dropTable('rates').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rates (
      id uuid primary key default gen_random_uuid(),
      dealer_id uuid references dealers (id),
      requested_by text not null,
      catalog_version integer not null,
      product text not null check (product in ('vsc', 'gap')),
      plan_code text not null,
      term_months integer not null,
      term_miles integer,
      deductible_cents bigint not null,
      dealer_cost_cents bigint not null check (dealer_cost_cents >= 0),
      max_retail_cents bigint not null,
      lines jsonb not null,
      vehicle jsonb not null,
      created_at timestamptz not null default now(),
      expires_on date not null,
      used_at timestamptz,
      contract_id uuid unique
    )`.execute(db);
  await sql`
    insert into rates (id, dealer_id, requested_by, catalog_version, product, plan_code, term_months,
      term_miles, deductible_cents, dealer_cost_cents, max_retail_cents, lines, vehicle, created_at,
      expires_on, used_at, contract_id)
    select (o->>'rateId')::uuid, q.dealer_id, q.requested_by, q.catalog_version, o->>'product',
      o->>'planCode', (o->>'termMonths')::integer, (o->>'termMiles')::integer,
      (o->>'deductibleCents')::bigint, (o->>'dealerCostCents')::bigint, (o->>'maxRetailCents')::bigint,
      o->'lines', q.vehicle, q.created_at, q.expires_on, b.booked_at, b.contract_id
    from rate_quotes q
    cross join lateral (
      -- Quotes stored in the compact form (positions, no labels: src/rating/rate.repository.ts) go back
      -- as objects with the rateId of their position and unlabelled lines.
      select case when jsonb_typeof(e.o) = 'array' then jsonb_build_object(
          'rateId', overlay(q.id::text placing lpad(to_hex((e.n - 1)::integer), 4, '0') from 33 for 4),
          'product', e.o->>0, 'planCode', e.o->>1, 'termMonths', e.o->2, 'termMiles', e.o->3,
          'deductibleCents', e.o->4, 'dealerCostCents', e.o->5, 'maxRetailCents', e.o->6,
          'lines', (select coalesce(jsonb_agg(jsonb_build_object('label', '', 'amountCents', a) order by i), '[]'::jsonb)
                      from jsonb_array_elements(e.o->7) with ordinality l(a, i)))
        else e.o end
      from jsonb_array_elements(q.offers) with ordinality e(o, n)) as x(o)
    left join rate_bookings b on b.rate_id = (o->>'rateId')::uuid`.execute(db);
  await db.schema.dropTable('rate_bookings').execute();
  await db.schema.dropTable('rate_quotes').execute();
}
