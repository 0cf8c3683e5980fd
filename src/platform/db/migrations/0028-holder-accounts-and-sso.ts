// Holder accounts (issue 19) and staff OpenID Connect sign-in (issue 20).
//   - holder_accounts: a holder's email, verified by a link; the last name of the contracts that
//     created it (the account's identity is the verified email + that last name).
//   - holder_account_contracts: contracts verified into the account by last name + ZIP + VIN.
//   - holder_email_tokens: single-use emailed links (verify the email, sign in); only the SHA-256
//     of the token is stored, with its expiry.
//   - holder_notifications: the emails sent to holders, for their notification centre (a link's
//     secret is never kept: the body stored is the redacted one).
//   - user_identities: a staff user's OpenID Connect identity (issuer + subject), linked on first
//     sign-in by email.
//   - oidc_sign_in_attempts: state, nonce and PKCE verifier of a staff sign-in in flight, keyed by the
//     SHA-256 of the random id in the browser's cookie (so the callback is bound to the browser that
//     started it, and any app process can finish it).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('holder_accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('last_name_key', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('holder_account_contracts')
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('holder_accounts.id').onDelete('cascade'))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('holder_account_contracts_pk', ['account_id', 'contract_id'])
    .execute();
  await db.schema
    .createTable('holder_email_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('verify_email', 'sign_in')`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('holder_accounts.id').onDelete('cascade'))
    .addColumn('contract_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('holder_notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'uuid', (c) => c.references('contracts.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('holder_notifications_recipient_idx')
    .on('holder_notifications')
    .columns(['recipient', 'created_at'])
    .execute();
  await db.schema
    .createIndex('holder_notifications_contract_idx')
    .on('holder_notifications')
    .column('contract_id')
    .execute();
  // "Forgot which contract?" and account sign-in find contracts by the email on file.
  await sql`create index contracts_holder_email_lower_idx on contracts (lower(holder_email))`.execute(db);
  await db.schema
    .createTable('user_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_signed_in_at', 'timestamptz')
    .addPrimaryKeyConstraint('user_identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema
    .createTable('oidc_sign_in_attempts')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_sign_in_attempts').execute();
  await db.schema.dropTable('user_identities').execute();
  await sql`drop index contracts_holder_email_lower_idx`.execute(db);
  await db.schema.dropTable('holder_notifications').execute();
  await db.schema.dropTable('holder_email_tokens').execute();
  await db.schema.dropTable('holder_account_contracts').execute();
  await db.schema.dropTable('holder_accounts').execute();
}
