// Reading the sign-in alerts (audit events recorded when an account's failed sign-ins pass the alert
// threshold): a user sees those about their own account, an administrator those about every account.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { SIGN_IN_ATTACK_ACTION } from './auth.service.js';

export interface SignInAlert {
  userId: string;
  email: string | null;
  occurredAt: Date;
  failedAttempts: number;
  windowSeconds: number;
}

/** Alerts since `since`, newest first, at most `limit`; `userId` null → every account. */
export async function findSignInAlerts(
  db: Kysely<Database>,
  options: { userId: string | null; since: Date; limit: number },
): Promise<SignInAlert[]> {
  let query = db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', (join) => join.on(sql<boolean>`u.id::text = a.entity_id`))
    .select(['a.entity_id', 'u.email', 'a.occurred_at', 'a.data'])
    .where('a.action', '=', SIGN_IN_ATTACK_ACTION)
    .where('a.occurred_at', '>=', options.since);
  if (options.userId !== null) query = query.where('a.entity_id', '=', options.userId);
  const rows = await query
    .orderBy('a.occurred_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((row) => {
    const data = (row.data ?? {}) as { failedAttempts?: number; windowSeconds?: number };
    return {
      userId: row.entity_id,
      email: row.email,
      occurredAt: row.occurred_at,
      failedAttempts: data.failedAttempts ?? 0,
      windowSeconds: data.windowSeconds ?? 0,
    };
  });
}
