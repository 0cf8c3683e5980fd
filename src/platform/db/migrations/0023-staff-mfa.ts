// Two-step sign-in (TOTP) for staff who sign in with a password (issue 20, "Staff SSO and MFA").
//   - user_mfa: one row per user who started enrolment; `enabled_at` is set once a code confirms it.
//     `last_used_step` is the 30-second step of the last accepted code, so a code cannot be replayed.
//   - user_mfa_recovery_codes: SHA-256 of each single-use recovery code (shown once at enrolment).
//   - mfa_challenges: the short-lived token a password sign-in answers when a code is still needed
//     (only its SHA-256 is stored, like session tokens).
//   - sessions.mfa_enrolment_only: with COVERWISE_REQUIRE_MFA=1 an administrator without MFA gets a
//     session that reaches only the enrolment endpoints until enrolment is confirmed.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_mfa')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'timestamptz')
    .addColumn('last_used_step', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('user_mfa_recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('user_mfa_recovery_codes_user_idx')
    .on('user_mfa_recovery_codes')
    .column('user_id')
    .execute();
  await db.schema
    .createTable('mfa_challenges')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('mfa_enrolment_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('mfa_enrolment_only').execute();
  await db.schema.dropTable('mfa_challenges').execute();
  await db.schema.dropTable('user_mfa_recovery_codes').execute();
  await db.schema.dropTable('user_mfa').execute();
}
