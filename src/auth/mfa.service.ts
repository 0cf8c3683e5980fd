// Two-step sign-in for staff who sign in with a password: a TOTP code (RFC 6238, 30-second steps,
// 6 digits, SHA-1 — what authenticator apps expect) computed by the `otpauth` library, or one of ten
// single-use recovery codes shown once at enrolment and stored as SHA-256 hashes (they carry 50
// random bits each, so a fast hash is enough; only the throttle stands between a guesser and them).
//
// Codes are throttled per user with the shared RateLimiter (back-off as for passwords), an accepted
// TOTP step is recorded so the same code (or an earlier one) is never accepted twice, and every
// outcome is audited: mfa.enrolment_started, mfa.enabled, mfa.disabled, mfa.recovery_code_used,
// mfa.code_failed.
import { hash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import type { BackoffRule, RateLimiter } from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import { verifyPassword } from '../users/password.js';
import { findUserRowById } from '../users/user.repository.js';
import {
  claimStep,
  countUnusedRecoveryCodes,
  deleteMfa,
  enableMfa,
  findUserMfa,
  replaceRecoveryCodes,
  spendRecoveryCode,
  upsertPendingMfa,
} from './mfa.repository.js';

export const TOTP_PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
/** Codes one step either side of the server's are accepted (clock drift of the phone). */
const WINDOW = 1;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function totpFor(secretBase32: string, issuer: string, label: string): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

function hashRecoveryCode(code: string): string {
  return hash('sha256', normaliseRecoveryCode(code), 'hex');
}

function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** An audit row of the user's own two-step sign-in, on the user. */
function auditMfa(
  executor: Kysely<Database>,
  actor: MfaActor,
  action: string,
  requestId: string,
  data?: Record<string, unknown>,
): Promise<void> {
  return recordAudit(executor, {
    actor: { kind: 'user', id: actor.userId, label: actor.email },
    action,
    entityType: 'user',
    entityId: actor.userId,
    ...(data ? { data } : {}),
    requestId,
  });
}

export interface MfaActor {
  userId: string;
  email: string;
}

export function createMfaService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  rateLimiter: RateLimiter;
  /** Back-off of wrong codes per user; absent → no throttle. */
  codeRule?: BackoffRule;
  issuer?: string;
}) {
  const { db, clock, rateLimiter } = deps;
  const issuer = deps.issuer ?? 'Coverwise';
  const bucketOf = (userId: string) => `mfa-user:${hash('sha256', userId, 'hex').slice(0, 32)}`;

  async function isEnabled(userId: string): Promise<boolean> {
    const row = await findUserMfa(db, userId);
    return Boolean(row?.enabled_at);
  }

  async function status(userId: string) {
    const row = await findUserMfa(db, userId);
    const enabled = Boolean(row?.enabled_at);
    return {
      enabled,
      pendingEnrolment: Boolean(row && !row.enabled_at),
      recoveryCodesLeft: enabled ? await countUnusedRecoveryCodes(db, userId) : 0,
    };
  }

  /**
   * Runs `work` in one transaction after checking the user's code there (a TOTP code, or a recovery
   * code when allowed, marked used in the same transaction). Throttled per user: 429 when the back-off
   * refuses. A wrong code is audited (mfa.code_failed, after the rollback) and answers 401
   * mfa_code_invalid; a right one clears the back-off.
   */
  async function withCode<T>(
    actor: MfaActor,
    code: string,
    requestId: string,
    options: { allowRecoveryCode: boolean },
    work: (trx: Kysely<Database>, used: 'totp' | 'recovery_code') => Promise<T>,
  ): Promise<T> {
    if (deps.codeRule) {
      const outcome = await rateLimiter.attempt(bucketOf(actor.userId), deps.codeRule, clock.now());
      if (!outcome.allowed) {
        throw new AppError(
          'too_many_attempts',
          `Too many wrong codes. Try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minute(s).`,
          { retryAfterSeconds: outcome.retryAfterSeconds },
        );
      }
    }
    let result: T;
    try {
      result = await transactional(db)(async (trx) => {
        const used = await check(trx, actor, code, options.allowRecoveryCode);
        if (!used) {
          throw new AppError('mfa_code_invalid', 'That code is not right, or it was already used.', {
            param: 'code',
          });
        }
        if (used === 'recovery_code') {
          await auditMfa(trx, actor, 'mfa.recovery_code_used', requestId, {
            recoveryCodesLeft: await countUnusedRecoveryCodes(trx, actor.userId),
          });
        }
        return work(trx, used);
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'mfa_code_invalid') {
        await auditMfa(db, actor, 'mfa.code_failed', requestId);
      }
      throw error;
    }
    if (deps.codeRule) await rateLimiter.clear(bucketOf(actor.userId));
    return result;
  }

  /** The kind of code accepted (and marked used), or null. */
  async function check(
    trx: Kysely<Database>,
    actor: MfaActor,
    code: string,
    allowRecoveryCode: boolean,
  ): Promise<'totp' | 'recovery_code' | null> {
    const now = clock.now();
    const row = await findUserMfa(trx, actor.userId);
    if (!row) return null;
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed)) {
      const timestamp = now.getTime();
      const delta = totpFor(row.secret, issuer, actor.email).validate({
        token: trimmed,
        timestamp,
        window: WINDOW,
      });
      if (delta === null) return null;
      const step = Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS) + delta;
      return (await claimStep(trx, actor.userId, step)) ? 'totp' : null;
    }
    if (!row.enabled_at || !allowRecoveryCode) return null;
    return (await spendRecoveryCode(trx, actor.userId, hashRecoveryCode(trimmed), now))
      ? 'recovery_code'
      : null;
  }

  /** Starts enrolment after the password is given again: a new secret, not yet in force. */
  async function startEnrolment(actor: MfaActor, password: string, requestId: string) {
    const user = await findUserRowById(db, actor.userId);
    if (!user || !(await verifyPassword(password, user.password_hash))) {
      throw new AppError('invalid_credentials', 'The password is not right.', { param: 'password' });
    }
    if (await isEnabled(actor.userId)) {
      throw new AppError('mfa_already_enabled', 'Two-step sign-in is already on. Turn it off first.');
    }
    const secret = new Secret({ size: 20 }).base32;
    await transactional(db)(async (trx) => {
      await upsertPendingMfa(trx, actor.userId, secret);
      await auditMfa(trx, actor, 'mfa.enrolment_started', requestId);
    });
    return { secret, uri: totpFor(secret, issuer, actor.email).toString() };
  }

  /** Confirms enrolment with a current code: MFA is on; answers the ten recovery codes, once. */
  async function confirmEnrolment(actor: MfaActor, code: string, requestId: string) {
    const row = await findUserMfa(db, actor.userId);
    if (!row) throw new AppError('mfa_not_enabled', 'Start enrolment first.');
    if (row.enabled_at) throw new AppError('mfa_already_enabled', 'Two-step sign-in is already on.');
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await withCode(actor, code, requestId, { allowRecoveryCode: false }, async (trx) => {
      await enableMfa(trx, actor.userId, clock.now());
      await replaceRecoveryCodes(trx, actor.userId, recoveryCodes.map(hashRecoveryCode));
      await auditMfa(trx, actor, 'mfa.enabled', requestId);
    });
    return { recoveryCodes };
  }

  /** Turns MFA off with a current code or a recovery code. */
  async function disable(actor: MfaActor, code: string, requestId: string): Promise<void> {
    if (!(await isEnabled(actor.userId))) throw new AppError('mfa_not_enabled', 'Two-step sign-in is off.');
    await withCode(actor, code, requestId, { allowRecoveryCode: true }, async (trx) => {
      await deleteMfa(trx, actor.userId);
      await auditMfa(trx, actor, 'mfa.disabled', requestId);
    });
  }

  return { isEnabled, status, withCode, startEnrolment, confirmEnrolment, disable };
}

export type MfaService = ReturnType<typeof createMfaService>;
