// Staff single sign-on with OpenID Connect (issue 20), through openid-client (panva's certified
// relying-party library): authorization code flow with PKCE (S256), state and nonce checked, the ID
// token's signature, issuer, audience and expiry verified by the library. A sign-in in flight is a
// row keyed by the hash of a random id kept in an HttpOnly cookie, so the callback is bound to the
// browser that started it and any app process can finish it. The person's role comes from a claim
// through COVERWISE_OIDC_ROLE_MAP; a person with no mapped value is refused (audited). On first
// sign-in a user is linked by email (or created); both are audited, and the role follows the claim.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import { findUserRowByEmail, insertUser, toUser } from '../users/user.repository.js';
import { type AuthService, hashToken } from './auth.service.js';
import {
  consumeSignInAttempt,
  findUserByIdentity,
  insertIdentity,
  insertSignInAttempt,
  touchIdentity,
  updateUserRole,
} from './oidc.repository.js';
import { claimAt, roleFromClaim, safeReturnPath } from './oidc-roles.js';

/** How long a browser has to come back from the identity provider. */
const ATTEMPT_SECONDS = 600;
/** A password hash no password matches: users created by single sign-on have no password. */
export const SSO_ONLY_PASSWORD_HASH = 'sso-only';

export type OidcOutcome =
  | { kind: 'signed_in'; session: Awaited<ReturnType<AuthService['ssoSignedIn']>>; returnTo: string }
  | { kind: 'refused'; code: 'sso_role_unmapped' | 'sso_failed'; message: string };

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

export function createOidcService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  auth: AuthService;
  settings: OidcSettings;
}) {
  const { db, clock, auth, settings } = deps;
  let discovered: Promise<oidc.Configuration> | null = null;

  /** The provider's metadata and keys, discovered once (again after a failure). */
  function configuration(): Promise<oidc.Configuration> {
    discovered ??= (async () => {
      const issuer = new URL(settings.issuer);
      const clientAuth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
      return oidc.discovery(issuer, settings.clientId, undefined, clientAuth, {
        // Plain HTTP only for a provider on this machine (development and tests).
        ...(issuer.protocol === 'http:' && isLoopback(issuer)
          ? { execute: [oidc.allowInsecureRequests] }
          : {}),
        timeout: 10,
      });
    })();
    discovered.catch(() => {
      discovered = null;
    });
    return discovered;
  }

  /** Starts a sign-in: the provider URL to send the browser to and the id to keep in its cookie. */
  async function start(returnTo: string | undefined): Promise<{ url: string; attemptId: string }> {
    let config: oidc.Configuration;
    try {
      config = await configuration();
    } catch {
      throw new AppError(
        'service_unavailable',
        'The identity provider cannot be reached. Try again in a moment.',
      );
    }
    const attemptId = randomBytes(32).toString('base64url');
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await insertSignInAttempt(db, {
      idHash: hashToken(attemptId),
      state,
      nonce,
      codeVerifier,
      returnTo: safeReturnPath(returnTo),
      expiresAt: new Date(clock.now().getTime() + ATTEMPT_SECONDS * 1000),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUrl,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, attemptId };
  }

  async function refuse(
    code: 'sso_role_unmapped' | 'sso_failed',
    message: string,
    requestId: string,
    data: Record<string, unknown>,
  ): Promise<OidcOutcome> {
    await recordAudit(db, {
      actor: { kind: 'anonymous', id: null, label: 'single sign-on' },
      action: 'session.sso_refused',
      entityType: 'identity_provider',
      entityId: settings.issuer,
      reason: message,
      data: { code, ...data },
      requestId,
    });
    return { kind: 'refused', code, message };
  }

  /** Finishes a sign-in from the provider's redirect (`query` is the callback's query string). */
  async function finish(
    attemptId: string | undefined,
    query: string,
    requestId: string,
  ): Promise<OidcOutcome> {
    const attempt = attemptId ? await consumeSignInAttempt(db, hashToken(attemptId), clock.now()) : undefined;
    if (!attempt) {
      return refuse(
        'sso_failed',
        'The sign-in took too long or was started in another browser. Start again.',
        requestId,
        {
          reason: 'no_attempt',
        },
      );
    }
    let claims: Record<string, unknown>;
    let accessToken: string;
    let config: oidc.Configuration;
    try {
      config = await configuration();
      const callbackUrl = new URL(settings.redirectUrl);
      callbackUrl.search = query;
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: attempt.code_verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      accessToken = tokens.access_token;
    } catch (error) {
      return refuse(
        'sso_failed',
        'The identity provider did not confirm the sign-in. Start again.',
        requestId,
        {
          reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
        },
      );
    }
    const subject = String(claims.sub);
    // Email and groups may come in the ID token or only from the userinfo endpoint.
    if (claims.email === undefined || claimAt(claims, settings.roleClaim) === undefined) {
      try {
        const info = await oidc.fetchUserInfo(config, accessToken, subject);
        claims = { ...info, ...claims };
      } catch {
        // The ID token's claims are all there is.
      }
    }
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (email === '' || claims.email_verified === false) {
      return refuse(
        'sso_failed',
        'Your identity provider did not give a verified email address.',
        requestId,
        {
          subject,
        },
      );
    }
    const role = roleFromClaim(claimAt(claims, settings.roleClaim), settings.roleMap);
    if (!role) {
      return refuse(
        'sso_role_unmapped',
        `Your account at the identity provider has no Coverwise role. Ask an administrator to add you to one of the groups: ${[...settings.roleMap.keys()].join(', ')}.`,
        requestId,
        { subject, email, claim: settings.roleClaim },
      );
    }
    const displayName =
      typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : email;
    const now = clock.now();
    const issuer = settings.issuer;
    const result = await transactional(db)(async (trx) => {
      let row = await findUserByIdentity(trx, issuer, subject);
      const actor = { kind: 'system' as const, id: null, label: 'single sign-on' };
      if (row) {
        await touchIdentity(trx, issuer, subject, now);
      } else {
        const existing = await findUserRowByEmail(trx, email);
        if (existing) {
          row = existing;
          await recordAudit(trx, {
            actor,
            action: 'user.sso_linked',
            entityType: 'user',
            entityId: existing.id,
            reason: 'first single sign-on with the email of an existing user',
            data: { issuer, subject },
            requestId,
          });
        } else {
          row = await insertUser(trx, { email, displayName, role, passwordHash: SSO_ONLY_PASSWORD_HASH });
          await recordAudit(trx, {
            actor,
            action: 'user.sso_provisioned',
            entityType: 'user',
            entityId: row.id,
            reason: 'first single sign-on',
            data: { issuer, subject, email, role },
            requestId,
          });
        }
        await insertIdentity(trx, { issuer, subject, userId: row.id, now });
      }
      if (row.disabled_at !== null) return null;
      if (row.role !== role) {
        const before = row.role;
        row = await updateUserRole(trx, row.id, role, now);
        await recordAudit(trx, {
          actor,
          action: 'user.role_changed',
          entityType: 'user',
          entityId: row.id,
          reason: `the identity provider's ${settings.roleClaim} claim`,
          data: { from: before, to: role, issuer },
          requestId,
        });
      }
      return auth.ssoSignedIn(trx, toUser(row), issuer, requestId);
    });
    if (!result) {
      return refuse('sso_failed', 'Your Coverwise account is disabled. Ask an administrator.', requestId, {
        subject,
        email,
      });
    }
    return { kind: 'signed_in', session: result, returnTo: attempt.return_to ?? '/staff' };
  }

  return { start, finish, providerName: settings.providerName };
}

export type OidcService = ReturnType<typeof createOidcService>;
