// Expired rate quotes that never booked are purged (src/rating/rate.repository.ts purgeExpiredQuotes, the
// recurring job `purge-expired-rate-quotes`): the purge finds them by expiry, a range read of this index
// rather than a scan of every quote ever issued.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('rate_quotes_expires_on_idx').on('rate_quotes').column('expires_on').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_quotes_expires_on_idx').execute();
}
