import type { Kysely } from 'kysely';
import type { Database, Role, UserRow } from '../platform/db/schema.js';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** The largest GAP benefit the user pays alone; null → the COVERWISE_APPROVAL_LIMIT_CENTS setting. */
  approvalLimitCents: number | null;
  dealerId: string | null;
  createdAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled_at !== null,
    approvalLimitCents: row.approval_limit_cents,
    dealerId: row.dealer_id,
    createdAt: row.created_at.toISOString(),
  };
}

export function findUserRowByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.fn('lower', ['email']), '=', email.toLowerCase())
    .executeTakeFirst();
}

/** Whether the database holds any user at all (the demo seeds only an empty one). */
export async function anyUserExists(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export function findUserRowById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  values: {
    email: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    approvalLimitCents?: number | null | undefined;
    dealerId?: string | null;
    lienholderName?: string | null;
  },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      dealer_id: values.dealerId ?? null,
      lienholder_name: values.lienholderName ?? null,
      email: values.email.toLowerCase(),
      display_name: values.displayName,
      role: values.role,
      password_hash: values.passwordHash,
      approval_limit_cents: values.approvalLimitCents ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUserCredentials(
  db: Kysely<Database>,
  id: string,
  values: { passwordHash: string; role: Role; now: Date },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: values.passwordHash, role: values.role, disabled_at: null, updated_at: values.now })
    .where('id', '=', id)
    .execute();
}

export async function listUserRows(
  db: Kysely<Database>,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<UserRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('email')
    .limit(page.limit + 1);
  if (page.startingAfter) {
    const after = await findUserRowById(db, page.startingAfter);
    if (after) query = query.where('email', '>', after.email);
  }
  return query.execute();
}

/** The user's approval limit, its row locked for the update that follows; undefined for no such user. */
export function findApprovalLimitForUpdate(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('users')
    .select(['approval_limit_cents', 'role'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateApprovalLimit(
  db: Kysely<Database>,
  id: string,
  values: { approvalLimitCents: number | null; now: Date },
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ approval_limit_cents: values.approvalLimitCents, updated_at: values.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
