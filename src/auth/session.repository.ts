import type { Kysely } from 'kysely';
import { prepared } from '../platform/db/prepared.js';
import type { Database, HolderScope } from '../platform/db/schema.js';

export async function insertSession(
  db: Kysely<Database>,
  values: {
    tokenHash: string;
    csrfTokenHash: string;
    userId: string | null;
    holderScope: HolderScope | null;
    expiresAt: Date;
    mfaEnrolmentOnly?: boolean;
  },
): Promise<string> {
  const query = db
    .insertInto('sessions')
    .values({
      token_hash: values.tokenHash,
      csrf_token_hash: values.csrfTokenHash,
      user_id: values.userId,
      holder_scope: values.holderScope ? JSON.stringify(values.holderScope) : null,
      expires_at: values.expiresAt,
      mfa_enrolment_only: values.mfaEnrolmentOnly ?? false,
    })
    .returning('id')
    .compile();
  const [row] = (await db.executeQuery(prepared(query))).rows;
  if (!row) throw new Error('the session insert returned no row');
  return row.id;
}

/** The live session for a token hash with its user (if a staff session), or undefined. */
export async function findLiveSession(db: Kysely<Database>, tokenHash: string, now: Date) {
  const query = db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.csrf_token_hash',
      'sessions.holder_scope',
      'sessions.user_id',
      'sessions.expires_at',
      'sessions.mfa_enrolment_only',
      'users.email',
      'users.role',
      'users.display_name',
      'users.disabled_at',
      'users.facility_id',
      'users.dealer_id',
      'users.lienholder_name',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .compile();
  return (await db.executeQuery(prepared(query))).rows[0];
}

export async function revokeSession(db: Kysely<Database>, sessionId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Deletes sessions that expired or were revoked more than `graceHours` ago; returns how many. */
export async function purgeDeadSessions(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
