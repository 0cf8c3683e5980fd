// Sign-in alerts: staff are told when their account is being guessed at, by an audit event the
// dashboard reads (GET /api/v1/auth/sign-in-alerts). A partial index keeps that read off the rest of
// the audit trail, which grows with every state change.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_events_sign_in_alerts_idx on audit_events (occurred_at desc, entity_id)
    where action = 'session.sign_in_attack_suspected'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_events_sign_in_alerts_idx`.execute(db);
}
