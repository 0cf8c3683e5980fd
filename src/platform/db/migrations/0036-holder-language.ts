// The holder's language (docs/languages.md), so an email written days after the holder's last visit (a
// document review decision, a status change) is in the language they chose on the holder pages:
//   - contract_holder_languages: the language of a contract's current holder, set by the holder pages'
//     requests (`language`); forgotten when the contract passes to a buyer.
//   - holder_accounts.language: the account holder's language, from their account requests.
// No row / null means not known: the emails are then in English.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contract_holder_languages')
    .addColumn('contract_id', 'uuid', (c) => c.primaryKey().references('contracts.id'))
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('en', 'es')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('holder_accounts')
    .addColumn('language', 'text', (c) => c.check(sql`language in ('en', 'es')`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('holder_accounts').dropColumn('language').execute();
  await db.schema.dropTable('contract_holder_languages').execute();
}
