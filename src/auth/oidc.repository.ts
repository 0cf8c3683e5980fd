// All SQL of staff single sign-on (issue 20): sign-ins in flight and linked identities.
import type { Kysely } from 'kysely';
import type { Database, Role, UserRow } from '../platform/db/schema.js';

export async function insertSignInAttempt(
  db: Kysely<Database>,
  values: {
    idHash: string;
    state: string;
    nonce: string;
    codeVerifier: string;
    returnTo: string;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('oidc_sign_in_attempts')
    .values({
      id_hash: values.idHash,
      state: values.state,
      nonce: values.nonce,
      code_verifier: values.codeVerifier,
      return_to: values.returnTo,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** Uses a sign-in attempt once (one UPDATE): answers it when unused and unexpired. */
export function consumeSignInAttempt(db: Kysely<Database>, idHash: string, now: Date) {
  return db
    .updateTable('oidc_sign_in_attempts')
    .set({ consumed_at: now })
    .where('id_hash', '=', idHash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['state', 'nonce', 'code_verifier', 'return_to'])
    .executeTakeFirst();
}

/** Forgets attempts that ended a day ago. */
export async function purgeSignInAttempts(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('oidc_sign_in_attempts')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findUserByIdentity(
  db: Kysely<Database>,
  issuer: string,
  subject: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('user_identities')
    .innerJoin('users', 'users.id', 'user_identities.user_id')
    .selectAll('users')
    .where('user_identities.issuer', '=', issuer)
    .where('user_identities.subject', '=', subject)
    .executeTakeFirst();
}

export async function insertIdentity(
  db: Kysely<Database>,
  values: { issuer: string; subject: string; userId: string; now: Date },
): Promise<void> {
  await db
    .insertInto('user_identities')
    .values({
      issuer: values.issuer,
      subject: values.subject,
      user_id: values.userId,
      last_signed_in_at: values.now,
    })
    .execute();
}

export async function touchIdentity(db: Kysely<Database>, issuer: string, subject: string, now: Date) {
  await db
    .updateTable('user_identities')
    .set({ last_signed_in_at: now })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();
}

export async function updateUserRole(
  db: Kysely<Database>,
  userId: string,
  role: Role,
  now: Date,
): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ role, updated_at: now })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
