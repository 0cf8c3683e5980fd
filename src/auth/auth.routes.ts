import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import { type Database, ROLES } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import { problemResponses, StringEnum } from '../platform/http/schemas.js';
import { clearSessionCookies, setSessionCookies, type TypedApp } from '../platform/http/typed-app.js';
import type { AuthService } from './auth.service.js';
import type { HolderSignInService } from './holder-sign-in.service.js';
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

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Sessions'],
        summary: 'Staff sign-in with email and password',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
            user: Type.Ref('SessionUser'),
          }),
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
      setSessionCookies(reply, result, deps.secureCookies);
      return {
        token: result.token,
        expiresAt: result.expiresAt.toISOString(),
        user: {
          id: result.user.id,
          email: result.user.email,
          role: result.user.role,
          displayName: result.user.displayName,
          ...(result.user.dealerId ? { dealerId: result.user.dealerId } : {}),
        },
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'signed_in' },
      schema: {
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
      config: { access: ['admin', 'adjuster', 'reviewer', 'repair_facility'] },
      schema: {
        tags: ['Sessions'],
        summary: "Recent alerts that an account's sign-in is being guessed at (the last 7 days)",
        description:
          'An alert is recorded (audit action `session.sign_in_attack_suspected`) when failed sign-ins to ' +
          'one account from any address pass COVERWISE_STAFF_ATTACK_ALERT_FAILURES within the staff ' +
          'attempt window, once per window. A user sees the alerts about their own account; an ' +
          "administrator sees every account's. The staff dashboard shows them.",
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                userId: Type.String(),
                email: Type.Union([Type.String(), Type.Null()]),
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
      if (principal.kind !== 'user') throw new AppError('forbidden', 'Sign-in alerts are for staff.');
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
      config: { access: 'signed_in' },
      schema: {
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
