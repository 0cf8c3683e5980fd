// Queries about stored documents that are not one owner's business (the orphan-file sweep).
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

/** Which of these SHA-256 keys at least one documents row names (one indexed query). */
export async function referencedSha256s(
  db: Kysely<Database>,
  sha256s: readonly string[],
): Promise<ReadonlySet<string>> {
  if (sha256s.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents')
    .select('sha256')
    .distinct()
    .where('sha256', 'in', [...sha256s])
    .execute();
  return new Set(rows.map((row) => row.sha256));
}
