// Repair facilities and their users, repair claims with their estimate lines and per-line decisions,
// and the benefit claims that hang off a contract: rental reimbursement, trip interruption and
// roadside requests (docs/domain.md "Repair claims (authorization)", "Benefits").
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('repair_facilities')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address_line1', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country in ('US', 'CA')`))
    .addColumn('phone', 'text')
    .addColumn('labor_rate_cents', 'integer', (c) => c.notNull().check(sql`labor_rate_cents >= 0`))
    .addColumn('dealer_code', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table users add column facility_id uuid references repair_facilities(id)`.execute(db);

  await sql`create sequence repair_claim_number_seq`.execute(db);
  await sql`create sequence authorization_number_seq`.execute(db);

  await db.schema
    .createTable('repair_claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('claim_number', 'text', (c) => c.notNull().unique())
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('facility_id', 'uuid', (c) => c.notNull().references('repair_facilities.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('submitted', 'information_requested', 'authorized', 'denied', 'paid')`),
    )
    .addColumn('vin', 'text', (c) => c.notNull())
    .addColumn('odometer', 'integer', (c) => c.notNull())
    .addColumn('complaint', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('correction', 'text', (c) => c.notNull())
    .addColumn('kept_overnight', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('work_started_at', 'timestamptz')
    .addColumn('coverage_reason_code', 'text')
    .addColumn('inspection_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('inspected_at', 'timestamptz')
    .addColumn('inspection_notes', 'text')
    .addColumn('information_request', 'text')
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('authorization_number', 'text', (c) => c.unique())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('authorized_cents', 'integer')
    .addColumn('deductible_cents', 'integer')
    .addColumn('deductible_waived', 'boolean')
    .addColumn('payable_cents', 'integer')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The adjuster queue: open claims, oldest first.
  await db.schema
    .createIndex('repair_claims_queue_idx')
    .on('repair_claims')
    .columns(['status', 'submitted_at', 'id'])
    .execute();
  await db.schema
    .createIndex('repair_claims_contract_idx')
    .on('repair_claims')
    .column('contract_id')
    .execute();
  await db.schema
    .createIndex('repair_claims_facility_idx')
    .on('repair_claims')
    .column('facility_id')
    .execute();

  await db.schema
    .createTable('repair_claim_lines')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('claim_id', 'uuid', (c) => c.notNull().references('repair_claims.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('component_group', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('parts_cents', 'integer', (c) => c.notNull())
    .addColumn('labor_hundredths', 'integer', (c) => c.notNull())
    .addColumn('labor_rate_cents', 'integer', (c) => c.notNull())
    .addColumn('requested_cents', 'integer', (c) => c.notNull())
    .addColumn('eligible', 'boolean', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('allowed_labor_rate_cents', 'integer', (c) => c.notNull())
    .addColumn('eligible_cents', 'integer', (c) => c.notNull())
    .addColumn('approved', 'boolean')
    .addColumn('decision_reason_code', 'text')
    .addColumn('approved_cents', 'integer')
    .addUniqueConstraint('repair_claim_lines_number', ['claim_id', 'line_number'])
    .execute();

  await db.schema
    .createTable('rental_claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    // One rental claim per repair visit: the per-visit limit belongs to the visit.
    .addColumn('repair_claim_id', 'uuid', (c) => c.notNull().unique().references('repair_claims.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'paid')`))
    .addColumn('requested_cents', 'integer', (c) => c.notNull())
    .addColumn('payable_cents', 'integer', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rental_claims_contract_idx')
    .on('rental_claims')
    .column('contract_id')
    .execute();

  await db.schema
    .createTable('trip_interruption_claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'paid')`))
    .addColumn('breakdown_on', 'date', (c) => c.notNull())
    .addColumn('miles_from_home', 'integer', (c) => c.notNull())
    .addColumn('component_group', 'text')
    .addColumn('requested_cents', 'integer', (c) => c.notNull())
    .addColumn('payable_cents', 'integer', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('trip_interruption_claims_contract_idx')
    .on('trip_interruption_claims')
    .column('contract_id')
    .execute();

  await db.schema
    .createTable('roadside_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('service', 'text', (c) =>
      c.notNull().check(sql`service in ('tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('requested', 'dispatched', 'completed', 'cancelled')`),
    )
    .addColumn('location', 'jsonb', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('towing_cost_cents', 'integer')
    .addColumn('payable_cents', 'integer')
    .addColumn('lines', 'jsonb')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('roadside_requests_contract_idx')
    .on('roadside_requests')
    .column('contract_id')
    .execute();
  await db.schema
    .createIndex('roadside_requests_status_idx')
    .on('roadside_requests')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}
