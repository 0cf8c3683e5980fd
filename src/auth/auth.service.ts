// Sessions: a sign-in returns an opaque random token; only its SHA-256 is stored, with an expiry, so
// a copy of the database cannot be used to sign in. Signing out revokes the session at once.
import { hash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, HolderScope } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import {
  type BackoffRule,
  createDatabaseRateLimiter,
  type RateLimiter,
  type RateLimitRule,
  refuseWhenLimited,
} from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import type { AuthenticatedSession, Principal } from '../shared/principal.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../users/password.js';
import { findUserRowByEmail, findUserRowById, toUser, type User } from '../users/user.repository.js';
import { consumeChallenge, findLiveChallenge, insertChallenge, liftEnrolmentOnly } from './mfa.repository.js';
import type { MfaService } from './mfa.service.js';
import { findLiveSession, insertSession, purgeDeadSessions, revokeSession } from './session.repository.js';

/** How long a password sign-in's challenge waits for the second factor. */
const MFA_CHALLENGE_SECONDS = 300;

/** A password sign-in of a user with two-step sign-in on: the code is still needed. */
export interface MfaChallenge {
  mfaRequired: true;
  challengeToken: string;
  expiresAt: Date;
}

export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** The audit action that tells staff their account is being guessed at. */
export const SIGN_IN_ATTACK_ACTION = 'session.sign_in_attack_suspected';

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export interface IssuedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  /**
   * The session's lifetime from its issue, in seconds. Cookies carry it as Max-Age rather than the
   * absolute `expiresAt`, so a browser whose clock differs from the server's keeps the session for
   * its whole lifetime instead of dropping it early (or keeping it late).
   */
  lifetimeSeconds: number;
}

/** A session made but not stored yet (`newSession`): what its client gets, and what its row holds. */
export interface NewSession {
  issued: IssuedSession;
  tokenHash: string;
  csrfTokenHash: string;
}

/** Most sessions a process keeps in its short-lived cache. */
const SESSION_CACHE_ENTRIES = 10_000;

export function createAuthService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  sessionTtlHours: number;
  /**
   * How long a process may reuse a session it has just looked up, saving a query per request.
   * Sign-out clears it at once in the process that handled it; other processes may accept the
   * revoked session for at most this long. 0 turns the cache off.
   */
  sessionCacheSeconds?: number;
  /**
   * Staff sign-in throttles, counted where every app process shares them. Absent → no throttle (unit
   * tests of other services). `perEmailAndAddress`: back-off of one account from one client address
   * (a guesser elsewhere never locks the real user out); `perAddress`: failures from one address over
   * all accounts in a window; `attackAlert`: failures against one account from anywhere in a window
   * past which the account's user is told (an audit event the dashboard shows), once per window.
   */
  loginLimits?: { perEmailAndAddress: BackoffRule; perAddress: RateLimitRule; attackAlert: RateLimitRule };
  /** Where attempts are counted; by default the database, shared by every process. */
  rateLimiter?: RateLimiter;
  /** Two-step sign-in; absent → password only (unit tests of other services). */
  mfa?: MfaService;
  /** COVERWISE_REQUIRE_MFA: administrators without MFA get a session limited to enrolment. */
  requireMfaForAdmins?: boolean;
}) {
  const { db, clock, sessionTtlHours } = deps;
  const rateLimiter = deps.rateLimiter ?? createDatabaseRateLimiter(db);
  const cacheMs = (deps.sessionCacheSeconds ?? 0) * 1000;
  const cache = new Map<string, { session: AuthenticatedSession; until: number; expiresAt: number }>();

  /**
   * A new session's secrets and expiry, not yet stored: what the client gets, and the hashes the
   * sessions row holds. `issueSession` stores it; holder sign-in stores it in its own statement
   * (holder-sign-in.repository.ts).
   */
  function newSession(): NewSession {
    const token = newToken('cws');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(clock.now().getTime() + sessionTtlHours * 3_600_000);
    return {
      issued: { token, csrfToken, expiresAt, lifetimeSeconds: sessionTtlHours * 3600 },
      tokenHash: hashToken(token),
      csrfTokenHash: hashToken(csrfToken),
    };
  }

  async function issueSession(
    trx: Kysely<Database>,
    owner: { userId: string; mfaEnrolmentOnly?: boolean } | { holderScope: HolderScope },
    session: NewSession = newSession(),
  ): Promise<IssuedSession & { sessionId: string }> {
    const sessionId = await insertSession(trx, {
      tokenHash: session.tokenHash,
      csrfTokenHash: session.csrfTokenHash,
      userId: 'userId' in owner ? owner.userId : null,
      holderScope: 'holderScope' in owner ? owner.holderScope : null,
      expiresAt: session.issued.expiresAt,
      mfaEnrolmentOnly: 'userId' in owner && owner.mfaEnrolmentOnly === true,
    });
    return { ...session.issued, sessionId };
  }

  /** The buckets of a staff sign-in: one account from one address, and one address (hashes only). */
  function loginBuckets(email: string, clientAddress: string) {
    return {
      pair: `staff-email-ip:${hashToken(`${email.toLowerCase()}\n${clientAddress}`).slice(0, 32)}`,
      address: `staff-ip:${hashToken(clientAddress).slice(0, 32)}`,
      account: `staff-email:${hashToken(email.toLowerCase()).slice(0, 32)}`,
    };
  }

  /** Counts a staff sign-in attempt per account-and-address and per address; 429 when either refuses. */
  async function throttleLogin(email: string, clientAddress: string): Promise<void> {
    const limits = deps.loginLimits;
    if (!limits) return;
    const buckets = loginBuckets(email, clientAddress);
    // Counted up front, before the password is checked (a success gives its attempt back), in one
    // statement for the address's window and this account's back-off from the address.
    const outcome = await rateLimiter.attemptFromAddress(
      {
        address: { bucket: buckets.address, rule: limits.perAddress },
        pair: { bucket: buckets.pair, rule: limits.perEmailAndAddress },
        succeeded: false,
      },
      clock.now(),
    );
    refuseWhenLimited(outcome, 'sign-in attempts');
  }

  /**
   * Counts a failed sign-in against the account from any address; the failure that passes the alert
   * threshold (once per window) records `session.sign_in_attack_suspected` on the user, which the
   * dashboard's sign-in alerts show to that user and to administrators.
   */
  async function noteFailure(
    email: string,
    clientAddress: string,
    user: { id: string; email: string } | undefined,
    requestId: string,
  ): Promise<void> {
    const limits = deps.loginLimits;
    if (!limits || !user) return;
    const [byAccount] = await rateLimiter.hit(
      [{ bucket: loginBuckets(email, clientAddress).account, rule: limits.attackAlert }],
      clock.now(),
    );
    if (byAccount?.attempts !== limits.attackAlert.limit + 1) return;
    await recordAudit(db, {
      actor: { kind: 'system', id: null, label: 'sign-in throttle' },
      action: SIGN_IN_ATTACK_ACTION,
      entityType: 'user',
      entityId: user.id,
      reason: `${byAccount.attempts} failed sign-ins to this account within ${Math.round(limits.attackAlert.windowSeconds / 60)} minutes`,
      data: {
        failedAttempts: byAccount.attempts,
        windowSeconds: limits.attackAlert.windowSeconds,
        // The address of the attempt that passed the threshold, hashed like the buckets.
        addressHash: hashToken(clientAddress).slice(0, 16),
      },
      requestId,
    });
  }

  async function login(
    email: string,
    password: string,
    requestId: string,
    clientAddress = 'unknown',
  ): Promise<(IssuedSession & { user: User; mfaEnrolmentRequired: boolean }) | MfaChallenge> {
    await throttleLogin(email, clientAddress);
    const row = await findUserRowByEmail(db, email);
    // Verify against a dummy hash when the email is unknown, so the answer takes as long either way.
    const passwordMatches = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!row || !passwordMatches || row.disabled_at !== null) {
      await noteFailure(email, clientAddress, row ?? undefined, requestId);
      throw new AppError('invalid_credentials', 'The email or password is not right.');
    }
    // Only failed attempts use up the allowance: a successful sign-in gives its attempt back and
    // clears this address's back-off for the account.
    if (deps.loginLimits) {
      const buckets = loginBuckets(email, clientAddress);
      await rateLimiter.refund(buckets.address);
      await rateLimiter.clear(buckets.pair);
    }
    if (deps.mfa && (await deps.mfa.isEnabled(row.id))) {
      const challengeToken = newToken('cwm');
      const expiresAt = new Date(clock.now().getTime() + MFA_CHALLENGE_SECONDS * 1000);
      await insertChallenge(db, { tokenHash: hashToken(challengeToken), userId: row.id, expiresAt });
      return { mfaRequired: true, challengeToken, expiresAt };
    }
    const enrolmentOnly = Boolean(deps.mfa && deps.requireMfaForAdmins && row.role === 'admin');
    return transactional(db)(async (trx) => {
      const session = await signedIn(trx, toUser(row), requestId, { enrolmentOnly, secondFactor: null });
      return { ...session, mfaEnrolmentRequired: enrolmentOnly };
    });
  }

  async function signedIn(
    trx: Kysely<Database>,
    user: User,
    requestId: string,
    how: {
      enrolmentOnly: boolean;
      secondFactor: 'totp' | 'recovery_code' | null;
      /** Signed in through OpenID Connect: the issuer (the identity provider did the checking). */
      sso?: string;
    },
  ): Promise<IssuedSession & { user: User }> {
    const session = await issueSession(trx, { userId: user.id, mfaEnrolmentOnly: how.enrolmentOnly });
    await recordAudit(trx, {
      actor: { kind: 'user', id: user.id, label: user.email },
      action: 'session.signed_in',
      entityType: 'session',
      entityId: session.sessionId,
      data: {
        ...(how.sso ? { method: 'oidc', issuer: how.sso } : {}),
        ...(how.secondFactor ? { secondFactor: how.secondFactor } : {}),
        ...(how.enrolmentOnly ? { mfaEnrolmentOnly: true } : {}),
      },
      requestId,
    });
    return {
      token: session.token,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      lifetimeSeconds: session.lifetimeSeconds,
      user,
    };
  }

  /** Completes a password sign-in with a TOTP code or a recovery code; the challenge is used once. */
  async function completeMfaLogin(
    challengeToken: string,
    code: string,
    requestId: string,
  ): Promise<IssuedSession & { user: User }> {
    const mfa = deps.mfa;
    const tokenHash = hashToken(challengeToken);
    const challenge = mfa ? await findLiveChallenge(db, tokenHash, clock.now()) : undefined;
    const row = challenge ? await findUserRowById(db, challenge.user_id) : undefined;
    if (!mfa || !row || row.disabled_at !== null) {
      throw new AppError('unauthenticated', 'The sign-in has expired. Sign in again with your password.');
    }
    const user = toUser(row);
    return mfa.withCode(
      { userId: user.id, email: user.email },
      code,
      requestId,
      { allowRecoveryCode: true },
      async (trx, used) => {
        if (!(await consumeChallenge(trx, tokenHash, clock.now()))) {
          throw new AppError('unauthenticated', 'The sign-in has expired. Sign in again with your password.');
        }
        return signedIn(trx, user, requestId, { enrolmentOnly: false, secondFactor: used });
      },
    );
  }

  /** After enrolment is confirmed, the session that did it reaches everything its role may. */
  async function liftEnrolmentLimit(sessionId: string): Promise<void> {
    await liftEnrolmentOnly(db, sessionId);
    forgetCachedSessions();
  }

  async function logout(principal: Principal, requestId: string): Promise<void> {
    // A dealer API key has no session to end: an administrator revokes the key.
    if (principal.kind === 'dealer') return;
    forgetCachedSessions();
    await transactional(db)(async (trx) => {
      await revokeSession(trx, principal.sessionId, clock.now());
      await recordAudit(trx, {
        actor:
          principal.kind === 'user'
            ? { kind: 'user', id: principal.userId, label: principal.email }
            : { kind: 'holder', id: principal.sessionId, label: 'contract holder' },
        action: 'session.signed_out',
        entityType: 'session',
        entityId: principal.sessionId,
        requestId,
      });
    });
  }

  async function authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (token.length > 200) return null;
    const tokenHash = hashToken(token);
    const now = clock.now().getTime();
    if (cacheMs > 0) {
      const cached = cache.get(tokenHash);
      if (cached && cached.until > now && cached.expiresAt > now) return cached.session;
      if (cached) cache.delete(tokenHash);
    }
    const session = await lookUp(tokenHash);
    if (session && cacheMs > 0) {
      if (cache.size >= SESSION_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(tokenHash, { session: session.session, until: now + cacheMs, expiresAt: session.expiresAt });
    }
    return session?.session ?? null;
  }

  async function lookUp(
    tokenHash: string,
  ): Promise<{ session: AuthenticatedSession; expiresAt: number } | null> {
    const row = await findLiveSession(db, tokenHash, clock.now());
    if (!row) return null;
    const expiresAt = row.expires_at.getTime();
    if (row.user_id) {
      if (!row.email || !row.role || row.disabled_at) return null;
      return {
        expiresAt,
        session: {
          csrfTokenHash: row.csrf_token_hash,
          principal: {
            kind: 'user',
            sessionId: row.id,
            userId: row.user_id,
            email: row.email,
            role: row.role,
            displayName: row.display_name ?? row.email,
            ...(row.role === 'repair_facility' ? { facilityId: row.facility_id } : {}),
            ...(row.role === 'dealer_user' ? { dealerId: row.dealer_id } : {}),
            ...(row.role === 'lender' ? { lienholderName: row.lienholder_name } : {}),
            ...(row.mfa_enrolment_only ? { mfaEnrolmentOnly: true as const } : {}),
          },
        },
      };
    }
    if (!row.holder_scope) return null;
    return {
      expiresAt,
      session: {
        csrfTokenHash: row.csrf_token_hash,
        principal: {
          kind: 'holder',
          sessionId: row.id,
          contractIds: row.holder_scope.contractIds,
          lastName: row.holder_scope.lastName,
          ...(row.holder_scope.accountId ? { accountId: row.holder_scope.accountId } : {}),
        },
      },
    };
  }

  /** Forgets every cached session of this process (after a sign-out or a revocation). */
  function forgetCachedSessions(): void {
    cache.clear();
  }

  /** Removes sessions that ended more than a day ago (the recurring purge job). */
  function purge(): Promise<number> {
    return purgeDeadSessions(db, new Date(clock.now().getTime() - 24 * 3_600_000));
  }

  /** A staff session after a single sign-on (the identity provider checked the person), in `trx`. */
  function ssoSignedIn(trx: Kysely<Database>, user: User, issuer: string, requestId: string) {
    return signedIn(trx, user, requestId, { enrolmentOnly: false, secondFactor: null, sso: issuer });
  }

  return {
    login,
    ssoSignedIn,
    completeMfaLogin,
    liftEnrolmentLimit,
    logout,
    authenticate,
    newSession,
    issueSession,
    purge,
    forgetCachedSessions,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
