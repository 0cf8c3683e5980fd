// Where the holder's language is kept for the emails written later (docs/languages.md, migration
// 0036): per contract, the language of its current holder as their last request said it.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { HolderLanguage } from '../shared/language.js';

/** Remembers the language the holder pages sent with a request about these contracts. */
export async function rememberContractLanguage(
  db: Kysely<Database>,
  contractIds: readonly string[],
  language: HolderLanguage,
  now: Date,
): Promise<void> {
  if (contractIds.length === 0) return;
  await db
    .insertInto('contract_holder_languages')
    .values([...new Set(contractIds)].map((id) => ({ contract_id: id, language, updated_at: now })))
    .onConflict((oc) =>
      oc.column('contract_id').doUpdateSet((eb) => ({
        language: eb.ref('excluded.language'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** The contract holder's language, or null when no request said it. */
export async function contractLanguage(
  db: Kysely<Database>,
  contractId: string,
): Promise<HolderLanguage | null> {
  const row = await db
    .selectFrom('contract_holder_languages')
    .select('language')
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  return row?.language ?? null;
}

/** The contract has a new holder (a transfer): the seller's language is not the buyer's. */
export async function forgetContractLanguage(db: Kysely<Database>, contractId: string): Promise<void> {
  await db.deleteFrom('contract_holder_languages').where('contract_id', '=', contractId).execute();
}
