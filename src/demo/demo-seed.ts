// Demo data for a newcomer's first run: with COVERWISE_DEMO on, an empty database gets one staff user
// of every role (listed in the README). It runs in one transaction: all of it or none of it.
import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Database, Role } from '../platform/db/schema.js';
import { hashPassword } from '../users/password.js';
import { insertUser } from '../users/user.repository.js';

export const DEMO_PASSWORD = 'coverwise-demo';

export const DEMO_USERS: readonly { email: string; displayName: string; role: Role }[] = [
  { email: 'admin@coverwise.test', displayName: 'Avery Admin', role: 'admin' },
  { email: 'adjuster@coverwise.test', displayName: 'Jordan Adjuster', role: 'adjuster' },
  { email: 'reviewer@coverwise.test', displayName: 'Riley Reviewer', role: 'reviewer' },
  { email: 'shop@coverwise.test', displayName: 'Sam Service Advisor', role: 'repair_facility' },
];

/** Seeds the demo data when the database holds no users yet; returns whether it did. */
export async function seedDemoData(db: Kysely<Database>): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing) return false;
    for (const user of DEMO_USERS) {
      const row = await insertUser(trx, { ...user, passwordHash });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'user.created',
        entityType: 'user',
        entityId: row.id,
        reason: 'demo data (COVERWISE_DEMO)',
        data: { email: row.email, role: row.role },
      });
    }
    return true;
  });
}
