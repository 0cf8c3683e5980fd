// The staff console (issue 19, "Staff home = my work"):
//   - work_assignments: who owns a piece of work in the queue (a repair claim to decide, a document to
//     review, a GAP claim, a benefit claim). One row per item (kind, id): the primary key is what makes
//     two people taking the same item at once end with one owner (the second insert finds the row).
//   - indexes for the staff search box: a VIN by its last characters (reverse(vin) as a prefix), a
//     holder by phone (its last ten digits), and the audit trail by actor and time (recent changes on
//     the work a person touched).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('work_assignments')
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.notNull())
    .addColumn('assignee_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('assigned_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('work_assignments_pkey', ['item_kind', 'item_id'])
    .execute();
  await sql`create index work_assignments_assignee_idx on work_assignments (assignee_id, assigned_at desc)`.execute(
    db,
  );
  await sql`create index contracts_vin_reverse_idx on contracts (reverse(vin) text_pattern_ops)`.execute(db);
  await sql`create index contracts_phone_digits_idx on contracts
    (right(regexp_replace(holder_phone, '[^0-9]', '', 'g'), 10)) where holder_phone is not null`.execute(db);
  await sql`create index audit_events_actor_idx on audit_events (actor_id, occurred_at desc)
    where actor_kind = 'user'`.execute(db);
  await sql`create index gap_claims_contract_idx on gap_claims (contract_id, opened_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index gap_claims_contract_idx`.execute(db);
  await sql`drop index audit_events_actor_idx`.execute(db);
  await sql`drop index contracts_phone_digits_idx`.execute(db);
  await sql`drop index contracts_vin_reverse_idx`.execute(db);
  await db.schema.dropTable('work_assignments').execute();
}
