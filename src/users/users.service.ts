// Staff accounts: administrators create users with a role; the admin named in the settings is
// created or has its password reset at every start.

import type { Kysely, Transaction } from 'kysely';
import { findDealerById } from '../dealers/dealer.repository.js';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Role } from '../platform/db/schema.js';
import { asUseCase, transactional } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import { hashPassword, passwordProblems } from './password.js';
import {
  findApprovalLimitForUpdate,
  findUserRowByEmail,
  insertUser,
  listUserRows,
  toUser,
  type User,
  updateApprovalLimit,
  updateUserCredentials,
} from './user.repository.js';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  displayName?: string | undefined;
  /** The dealer a `dealer_user` sells for; required for that role and refused for the others. */
  dealerId?: string | undefined;
  /** The lienholder a `lender` works for (as contracts name it); required for that role only. */
  lienholderName?: string | undefined;
}

function defaultDisplayName(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local.charAt(0).toUpperCase() + local.slice(1);
}

export function createUsersService(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

  async function createUser(
    trx: Transaction<Database>,
    input: NewUser,
    actor: Actor,
    requestId?: string,
  ): Promise<User> {
    const problems = passwordProblems(input.password, input.email);
    if (problems.length > 0) throw new AppError('weak_password', problems.join(' '), { param: 'password' });
    if (await findUserRowByEmail(trx, input.email)) {
      throw new AppError('email_taken', `A user with the email ${input.email} already exists.`, {
        param: 'email',
      });
    }
    if ((input.role === 'dealer_user') !== (input.dealerId !== undefined)) {
      throw new AppError(
        'validation_failed',
        input.role === 'dealer_user'
          ? 'A dealer_user needs the dealerId of the dealer they sell for.'
          : 'Only a dealer_user has a dealerId.',
        { param: 'dealerId' },
      );
    }
    if ((input.role === 'lender') !== (input.lienholderName !== undefined)) {
      throw new AppError(
        'validation_failed',
        input.role === 'lender'
          ? 'A lender needs the lienholderName its loans are recorded under.'
          : 'Only a lender has a lienholderName.',
        { param: 'lienholderName' },
      );
    }
    if (input.dealerId !== undefined) {
      const dealer = await findDealerById(trx, input.dealerId);
      if (!dealer) throw new AppError('not_found', 'No dealer with that id.', { param: 'dealerId' });
    }
    const row = await insertUser(trx, {
      dealerId: input.dealerId ?? null,
      lienholderName: input.lienholderName?.trim() ?? null,
      email: input.email,
      displayName: input.displayName?.trim() || defaultDisplayName(input.email),
      role: input.role,
      passwordHash: await hashPassword(input.password),
    });
    await recordAudit(trx, {
      actor,
      action: 'user.created',
      entityType: 'user',
      entityId: row.id,
      data: { email: row.email, role: row.role, dealerId: row.dealer_id },
      requestId: requestId ?? null,
    });
    return toUser(row);
  }

  /** Creates the admin named in the settings, or resets its password and role if it exists. */
  async function ensureAdmin(email: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    return transactional(db)(async (trx) => {
      const existing = await findUserRowByEmail(trx, email);
      if (existing) {
        await updateUserCredentials(trx, existing.id, { passwordHash, role: 'admin', now: clock.now() });
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          action: 'user.admin_reset',
          entityType: 'user',
          entityId: existing.id,
          reason: 'COVERWISE_ADMIN_EMAIL/COVERWISE_ADMIN_PASSWORD set at start-up',
        });
        return toUser({ ...existing, role: 'admin', disabled_at: null });
      }
      const row = await insertUser(trx, { email, displayName: 'Administrator', role: 'admin', passwordHash });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'user.created',
        entityType: 'user',
        entityId: row.id,
        reason: 'COVERWISE_ADMIN_EMAIL/COVERWISE_ADMIN_PASSWORD set at start-up',
        data: { email: row.email, role: row.role, dealerId: row.dealer_id },
      });
      return toUser(row);
    });
  }

  async function listUsers(page: { limit: number; startingAfter?: string | undefined }) {
    const rows = await listUserRows(db, page);
    return { data: rows.slice(0, page.limit).map(toUser), hasMore: rows.length > page.limit };
  }

  /** Sets how large a GAP benefit the user may pay alone (null: the setting's default); audited. */
  async function setApprovalLimit(
    trx: Transaction<Database>,
    id: string,
    approvalLimitCents: number | null,
    actor: Actor,
    requestId: string,
  ): Promise<User> {
    const before = await findApprovalLimitForUpdate(trx, id);
    if (!before) throw new AppError('not_found', 'No user with that id.');
    // Only adjusters approve payments (GAP benefits), so only they have a limit to set.
    if (before.role !== 'adjuster')
      throw new AppError(
        'validation_failed',
        `A ${before.role.replaceAll('_', ' ')} does not approve payments, so has no approval limit; only adjusters do.`,
        { param: 'id' },
      );
    const row = await updateApprovalLimit(trx, id, { approvalLimitCents, now: clock.now() });
    if (!row) throw new AppError('not_found', 'No user with that id.');
    await recordAudit(trx, {
      actor,
      action: 'user.approval_limit_set',
      entityType: 'user',
      entityId: id,
      data: { from: before.approval_limit_cents, to: approvalLimitCents },
      requestId,
    });
    return toUser(row);
  }

  return {
    createUser: asUseCase(createUser),
    ensureAdmin,
    listUsers,
    setApprovalLimit: asUseCase(setApprovalLimit),
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
