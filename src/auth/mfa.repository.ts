// SQL of two-step sign-in (TOTP): the user's secret, the recovery codes (hashes only) and the
// short-lived challenges a password sign-in answers when a code is still needed.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

export function findUserMfa(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('user_mfa')
    .select(['secret', 'enabled_at', 'last_used_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Starts (or restarts) an enrolment with a new secret; refuses nothing, the service checks first. */
export async function upsertPendingMfa(db: Kysely<Database>, userId: string, secret: string): Promise<void> {
  await db
    .insertInto('user_mfa')
    .values({ user_id: userId, secret, enabled_at: null, last_used_step: null })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret, enabled_at: null, last_used_step: null }))
    .execute();
}

/**
 * Records `step` as the last accepted code's step, only if it is later than the one before: false
 * means the code (or an earlier one) was already used, so it is refused as a replay.
 */
export async function claimStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function enableMfa(db: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await db.updateTable('user_mfa').set({ enabled_at: now }).where('user_id', '=', userId).execute();
}

export async function deleteMfa(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('user_mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_mfa').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(
  db: Kysely<Database>,
  userId: string,
  codeHashes: readonly string[],
): Promise<void> {
  await db.deleteFrom('user_mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('user_mfa_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ code_hash, user_id: userId })))
    .execute();
}

/** Marks an unused recovery code of the user used; false when there is none with that hash. */
export async function spendRecoveryCode(
  db: Kysely<Database>,
  userId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertChallenge(
  db: Kysely<Database>,
  values: { tokenHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('mfa_challenges')
    .values({ token_hash: values.tokenHash, user_id: values.userId, expires_at: values.expiresAt })
    .execute();
}

/** The user of a live, unconsumed challenge, or undefined. */
export async function findLiveChallenge(db: Kysely<Database>, tokenHash: string, now: Date) {
  return db
    .selectFrom('mfa_challenges')
    .select('user_id')
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Consumes a challenge once; false when another request consumed it first. */
export async function consumeChallenge(db: Kysely<Database>, tokenHash: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('mfa_challenges')
    .set({ consumed_at: now })
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lifts the enrolment-only limit of a session once its user has confirmed enrolment. */
export async function liftEnrolmentOnly(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ mfa_enrolment_only: false }).where('id', '=', sessionId).execute();
}
