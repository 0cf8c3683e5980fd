import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import { type Database, ROLES } from '../platform/db/schema.js';
import { Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import { clearSessionCookies, setSessionCookies, type TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import type { AuthService } from './auth.service.js';
import type { HolderSignInService } from './holder-sign-in.service.js';
import type { MfaService } from './mfa.service.js';
import { findSignInAlerts } from './sign-in-alert.repository.js';

export const SessionUserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: StringEnum(ROLES),
    displayName: Type.String(),
    dealerId: Type.Optional(Type.String({ description: 'The dealer of a dealer_user' })),
  },
  { $id: 'SessionUser' },
);

export function registerAuthRoutes(
  app: TypedApp,
  deps: {
    auth: AuthService;
    holderSignIn: HolderSignInService;
    mfa: MfaService;
    requireMfaForAdmins: boolean;
    secureCookies: boolean;
    db: Kysely<Database>;
    clock: Clock;
  },
): void {
  const { auth } = deps;

  app.post(
    '/api/v1/auth/holder-login',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'holderLogin',
        tags: ['Sessions'],
        summary: 'Contract holder sign-in with last name + ZIP + VIN',
        description:
          'Any mismatch answers the same 401 verification_failed. Attempts are throttled per VIN and per client ' +
          'address across all app processes (429 too_many_attempts with Retry-After).',
        body: Type.Object(
          {
            lastName: Type.String({ minLength: 1, maxLength: 100 }),
            zip: Type.String({ minLength: 1, maxLength: 12 }),
            vin: Type.String({ minLength: 1, maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
            contractIds: Type.Array(Type.String()),
          }),
          ...problemResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const session = await deps.holderSignIn.signIn(request.body, request.ip, request.id);
      setSessionCookies(reply, session, deps.secureCookies);
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        contractIds: session.contractIds,
      };
    },
  );

  const SignedInSchema = Type.Object({
    token: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    user: Type.Ref('SessionUser'),
    mfaEnrolmentRequired: Type.Optional(
      Type.Boolean({
        description:
          'COVERWISE_REQUIRE_MFA: this administrator must turn on two-step sign-in; until then the session ' +
          'reaches only /api/v1/auth/mfa*, /api/v1/auth/me and /api/v1/auth/logout (403 mfa_enrolment_required).',
      }),
    ),
  });
  // Every person who signs in with a password may add a second step (dealer users and lenders too; API
  // keys and holders cannot). The list is every role, so a role added later is never left out.
  const staff = ROLES;
  const signedInAnswer = (result: {
    token: string;
    expiresAt: Date;
    user: {
      id: string;
      email: string;
      role: (typeof ROLES)[number];
      displayName: string;
      dealerId?: string | null;
    };
    mfaEnrolmentRequired?: boolean;
  }) => ({
    token: result.token,
    expiresAt: result.expiresAt.toISOString(),
    user: {
      id: result.user.id,
      email: result.user.email,
      role: result.user.role,
      displayName: result.user.displayName,
      ...(result.user.dealerId ? { dealerId: result.user.dealerId } : {}),
    },
    ...(result.mfaEnrolmentRequired ? { mfaEnrolmentRequired: true } : {}),
  });
  const actorOf = (principal: Principal | null) => {
    if (principal?.kind !== 'user') throw new AppError('forbidden', 'Two-step sign-in is for staff.');
    return { userId: principal.userId, email: principal.email };
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'login',
        tags: ['Sessions'],
        summary: 'Staff sign-in with email and password',
        description:
          'A user without two-step sign-in gets a session at once (as always). A user with it on gets ' +
          '`{ mfaRequired: true, challengeToken, expiresAt }` (200, no session yet): send the token with a ' +
          'code from the authenticator app (or a recovery code) to POST /api/v1/auth/login/mfa within 5 minutes.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Union([
            SignedInSchema,
            Type.Object({
              mfaRequired: Type.Literal(true),
              challengeToken: Type.String(),
              expiresAt: Type.String({ format: 'date-time' }),
            }),
          ]),
          ...problemResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await auth.login(
        request.body.email.trim(),
        request.body.password,
        request.id,
        request.ip,
      );
      if ('mfaRequired' in result) {
        return {
          mfaRequired: true as const,
          challengeToken: result.challengeToken,
          expiresAt: result.expiresAt.toISOString(),
        };
      }
      setSessionCookies(reply, result, deps.secureCookies);
      return signedInAnswer(result);
    },
  );

  app.post(
    '/api/v1/auth/login/mfa',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'loginMfa',
        tags: ['Sessions'],
        summary: 'Second step of a staff sign-in: the challenge token and a code',
        description:
          'The code is the 6-digit code of the authenticator app (each accepted once) or one of the ' +
          'recovery codes (each single use). Wrong codes are throttled per user (429 too_many_attempts) ' +
          'and audited; a wrong code answers 401 mfa_code_invalid and the challenge stays usable until it ' +
          'expires; an expired or used challenge answers 401 unauthenticated.',
        body: Type.Object(
          {
            challengeToken: Type.String({ minLength: 1, maxLength: 200 }),
            code: Type.String({ minLength: 1, maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SignedInSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const result = await auth.completeMfaLogin(request.body.challengeToken, request.body.code, request.id);
      setSessionCookies(reply, result, deps.secureCookies);
      return signedInAnswer(result);
    },
  );

  const MfaStatusSchema = Type.Object({
    enabled: Type.Boolean(),
    pendingEnrolment: Type.Boolean(),
    recoveryCodesLeft: Type.Integer(),
    required: Type.Boolean({ description: 'COVERWISE_REQUIRE_MFA is on and this user is an administrator' }),
  });

  app.get(
    '/api/v1/auth/mfa',
    {
      config: { access: [...staff], duringMfaEnrolment: true },
      schema: {
        operationId: 'getMfaStatus',
        description:
          'For the signed-in staff user only. Tells whether two-step sign-in is on and how many recovery codes remain; changes nothing.',
        tags: ['Sessions'],
        summary: "The signed-in staff user's two-step sign-in",
        response: { 200: MfaStatusSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const actor = actorOf(request.principal);
      const status = await deps.mfa.status(actor.userId);
      const required =
        deps.requireMfaForAdmins && request.principal?.kind === 'user' && request.principal.role === 'admin';
      return { ...status, required };
    },
  );

  app.post(
    '/api/v1/auth/mfa/enrolment',
    {
      config: { access: [...staff], duringMfaEnrolment: true },
      schema: {
        operationId: 'startMfaEnrolment',
        tags: ['Sessions'],
        summary: 'Start two-step sign-in enrolment (password again): a new secret',
        description:
          'Answers the base32 secret and the otpauth:// URI to add to an authenticator app. Nothing changes ' +
          'for sign-in until POST /api/v1/auth/mfa/enrolment/confirm accepts a code. Starting again replaces ' +
          'a pending secret; 409 mfa_already_enabled when it is on.',
        body: Type.Object(
          { password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ secret: Type.String(), uri: Type.String() }),
          ...problemResponses(400, 401, 403, 409),
        },
      },
    },
    async (request) => deps.mfa.startEnrolment(actorOf(request.principal), request.body.password, request.id),
  );

  app.post(
    '/api/v1/auth/mfa/enrolment/confirm',
    {
      config: { access: [...staff], duringMfaEnrolment: true },
      schema: {
        operationId: 'confirmMfaEnrolment',
        tags: ['Sessions'],
        summary: 'Confirm enrolment with a current code: two-step sign-in is on',
        description:
          'Answers ten recovery codes, shown this once (only their hashes are kept); each signs in once ' +
          'in place of a code. A session limited by COVERWISE_REQUIRE_MFA reaches everything afterwards.',
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }),
          ...problemResponses(400, 401, 403, 409, 429),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request.principal);
      const answer = await deps.mfa.confirmEnrolment(actor, request.body.code, request.id);
      await auth.liftEnrolmentLimit(request.principal!.sessionId);
      return answer;
    },
  );

  app.post(
    '/api/v1/auth/mfa/disable',
    {
      config: { access: [...staff] },
      schema: {
        operationId: 'disableMfa',
        description:
          'For the signed-in staff user. Needs a current authenticator code or an unused recovery code (422 on a wrong code); writes an audit row.',
        tags: ['Sessions'],
        summary: 'Turn two-step sign-in off with a current code or a recovery code',
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      await deps.mfa.disable(actorOf(request.principal), request.body.code, request.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'signed_in', duringMfaEnrolment: true },
      schema: {
        operationId: 'logout',
        description:
          "Revokes the caller's session; the token answers 401 afterwards. Calling it again with a revoked token answers 401 and changes nothing.",
        tags: ['Sessions'],
        summary: 'Sign out: revokes the session',
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      if (!request.principal) throw new AppError('unauthenticated', 'Sign in first.');
      await auth.logout(request.principal, request.id);
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/sign-in-alerts',
    {
      // Every person who signs in with a password is told when it is being guessed at: dealer users and
      // lenders too (the list was the staff roles of the day it was written, before those roles existed).
      config: { access: [...staff] },
      schema: {
        operationId: 'listSignInAlerts',
        tags: ['Sessions'],
        summary: "Recent alerts that an account's sign-in is being guessed at (the last 7 days)",
        description:
          'An alert is recorded (audit action `session.sign_in_attack_suspected`) when failed sign-ins to ' +
          'one account from any address pass COVERWISE_STAFF_ATTACK_ALERT_FAILURES within the staff ' +
          'attempt window, once per window, whatever the role (dealer users and lenders included). A user ' +
          "sees the alerts about their own account; an administrator sees every account's. The staff home, " +
          'the dealer portal and the staff dashboard show them.',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                userId: Type.String(),
                email: Nullable(Type.String()),
                occurredAt: Type.String({ format: 'date-time' }),
                failedAttempts: Type.Integer(),
                windowSeconds: Type.Integer(),
              }),
            ),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind !== 'user')
        throw new AppError('forbidden', 'Sign-in alerts are for people who sign in with a password.');
      const alerts = await findSignInAlerts(deps.db, {
        userId: principal.role === 'admin' ? null : principal.userId,
        since: new Date(deps.clock.now().getTime() - 7 * 86_400_000),
        limit: 50,
      });
      return { data: alerts.map((alert) => ({ ...alert, occurredAt: alert.occurredAt.toISOString() })) };
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'signed_in', duringMfaEnrolment: true },
      schema: {
        operationId: 'getCurrentSession',
        description:
          'Any signed-in caller. Returns who the bearer token belongs to (user, role, dealer or holder) so a client can decide what to show; changes nothing.',
        tags: ['Sessions'],
        summary: 'Who is signed in',
        response: {
          200: Type.Object({
            user: Type.Optional(Type.Ref('SessionUser')),
            holder: Type.Optional(
              Type.Object({ contractIds: Type.Array(Type.String()), lastName: Type.String() }),
            ),
            dealer: Type.Optional(
              Type.Object(
                { id: Type.String(), code: Type.String(), name: Type.String() },
                {
                  description: 'A dealer API key: the dealer it acts for',
                },
              ),
            ),
          }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind === 'user') {
        return {
          user: {
            id: principal.userId,
            email: principal.email,
            role: principal.role,
            displayName: principal.displayName,
            ...(principal.dealerId ? { dealerId: principal.dealerId } : {}),
          },
        };
      }
      if (principal.kind === 'dealer')
        return { dealer: { id: principal.dealerId, code: principal.dealerCode, name: principal.dealerName } };
      return { holder: { contractIds: principal.contractIds, lastName: principal.lastName } };
    },
  );
}
