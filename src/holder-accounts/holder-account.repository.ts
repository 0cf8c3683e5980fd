// All SQL of holder accounts (issue 19).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { HolderLanguage } from '../shared/language.js';

export interface AccountRow {
  id: string;
  email: string;
  lastName: string;
  lastNameKey: string;
  verifiedAt: Date | null;
  /** The language of the account holder's last request (migration 0036); null when not known. */
  language: HolderLanguage | null;
}

const accountColumns = ['id', 'email', 'last_name', 'last_name_key', 'verified_at', 'language'] as const;

function toAccount(row: {
  id: string;
  email: string;
  last_name: string;
  last_name_key: string;
  verified_at: Date | null;
  language: HolderLanguage | null;
}): AccountRow {
  return {
    id: row.id,
    email: row.email,
    lastName: row.last_name,
    lastNameKey: row.last_name_key,
    verifiedAt: row.verified_at,
    language: row.language,
  };
}

export async function findAccountByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<AccountRow | undefined> {
  const row = await db
    .selectFrom('holder_accounts')
    .select(accountColumns)
    .where('email', '=', email)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountById(db: Kysely<Database>, id: string): Promise<AccountRow | undefined> {
  const row = await db
    .selectFrom('holder_accounts')
    .select(accountColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/** The account for `email`, created unverified when there is none (a concurrent insert wins quietly). */
export async function findOrCreateAccount(
  db: Kysely<Database>,
  values: { email: string; lastName: string; lastNameKey: string },
): Promise<AccountRow> {
  await db
    .insertInto('holder_accounts')
    .values({ email: values.email, last_name: values.lastName, last_name_key: values.lastNameKey })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await findAccountByEmail(db, values.email);
  if (!row) throw new Error(`holder account ${values.email} vanished after its insert`);
  return row;
}

/** The language the account holder's latest request was sent in. */
export async function setAccountLanguage(
  db: Kysely<Database>,
  accountId: string,
  language: HolderLanguage,
): Promise<void> {
  await db.updateTable('holder_accounts').set({ language }).where('id', '=', accountId).execute();
}

export async function markVerified(db: Kysely<Database>, accountId: string, now: Date): Promise<void> {
  await db
    .updateTable('holder_accounts')
    .set({ verified_at: now })
    .where('id', '=', accountId)
    .where('verified_at', 'is', null)
    .execute();
}

export async function linkContracts(
  db: Kysely<Database>,
  accountId: string,
  contractIds: readonly string[],
  now: Date,
): Promise<void> {
  if (contractIds.length === 0) return;
  await db
    .insertInto('holder_account_contracts')
    .values(
      contractIds.map((contractId) => ({ account_id: accountId, contract_id: contractId, linked_at: now })),
    )
    .onConflict((oc) => oc.columns(['account_id', 'contract_id']).doNothing())
    .execute();
}

export async function insertEmailToken(
  db: Kysely<Database>,
  values: {
    tokenHash: string;
    purpose: 'verify_email' | 'sign_in';
    accountId: string;
    contractIds: readonly string[];
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('holder_email_tokens')
    .values({
      token_hash: values.tokenHash,
      purpose: values.purpose,
      account_id: values.accountId,
      contract_ids: JSON.stringify(values.contractIds),
      expires_at: values.expiresAt,
    })
    .execute();
}

export interface EmailTokenRow {
  tokenHash: string;
  purpose: 'verify_email' | 'sign_in';
  accountId: string;
  contractIds: string[];
  expiresAt: Date;
  consumedAt: Date | null;
}

/**
 * Uses a link once: marks the token consumed when it is unused and unexpired, and answers it; answers
 * undefined otherwise. One UPDATE, so two concurrent uses cannot both succeed.
 */
export async function consumeEmailToken(
  db: Kysely<Database>,
  tokenHash: string,
  purpose: 'verify_email' | 'sign_in',
  now: Date,
): Promise<EmailTokenRow | undefined> {
  const row = await db
    .updateTable('holder_email_tokens')
    .set({ consumed_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['token_hash', 'purpose', 'account_id', 'contract_ids', 'expires_at', 'consumed_at'])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    tokenHash: row.token_hash,
    purpose: row.purpose,
    accountId: row.account_id,
    contractIds: row.contract_ids,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

export async function linkedContractIds(db: Kysely<Database>, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('holder_account_contracts')
    .select('contract_id')
    .where('account_id', '=', accountId)
    .execute();
  return rows.map((row) => row.contract_id);
}

/** Contracts whose holder email is `email` (case-insensitive), with what the identity rule needs. */
export async function contractsWithHolderEmail(db: Kysely<Database>, email: string) {
  const rows = await db
    .selectFrom('contracts')
    .select([
      'id',
      'holder_email',
      'holder_last_name_key',
      'contract_number',
      'product',
      'vin',
      'vehicle_year',
      'vehicle_make',
      'vehicle_model',
    ])
    .where(sql<string>`lower(holder_email)`, '=', email)
    .orderBy('contract_number')
    .limit(200)
    .execute();
  return rows;
}

export async function contractsByIds(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('contracts')
    .select(['id', 'holder_email', 'holder_last_name_key'])
    .where('id', 'in', [...ids])
    .execute();
}

/** Forgets emailed links that expired before `before` (the recurring purge job). */
export async function purgeEmailTokens(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('holder_email_tokens')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
