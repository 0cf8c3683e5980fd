// Staff single sign-on (issue 20): HTTP only. The browser goes to /start, the identity provider, and
// back to /callback, which sets the session cookies and sends it on to the staff page it asked for,
// or to the staff sign-in page with the reason it was refused.
import { Type } from 'typebox';
import { Nullable, problemResponses } from '../platform/http/schemas.js';
import { setSessionCookies, type TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import type { OidcService } from './oidc.service.js';

/** The cookie holding the id of a sign-in in flight (HttpOnly; Lax so the provider's redirect brings it). */
export const OIDC_ATTEMPT_COOKIE = 'cw_oidc';
const CALLBACK_PATH = '/api/v1/auth/oidc';

export function registerOidcRoutes(
  app: TypedApp,
  deps: { oidc: OidcService | null; secureCookies: boolean },
): void {
  const { oidc } = deps;

  app.get(
    '/api/v1/auth/oidc',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Sessions'],
        operationId: 'getStaffSingleSignOn',
        summary: 'Whether staff single sign-on is set up, and the name of its provider',
        description: 'The staff sign-in page shows "Sign in with <providerName>" when `enabled`.',
        security: [],
        response: {
          200: Type.Object({
            enabled: Type.Boolean(),
            providerName: Nullable(Type.String()),
          }),
        },
      },
    },
    async () => ({ enabled: oidc !== null, providerName: oidc?.providerName ?? null }),
  );

  app.get(
    '/api/v1/auth/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Sessions'],
        operationId: 'startStaffSingleSignOn',
        summary: 'Start a staff single sign-on: redirects to the identity provider',
        description:
          'Authorization code flow with PKCE (S256), state and nonce. Sets an HttpOnly cookie binding the ' +
          'sign-in to this browser for 10 minutes. `returnTo` is a staff page to come back to (/staff by ' +
          'default). 404 sso_not_configured without the COVERWISE_OIDC_* settings.',
        security: [],
        querystring: Type.Object(
          { returnTo: Type.Optional(Type.String({ maxLength: 300 })) },
          { additionalProperties: false },
        ),
        response: { 302: Type.Null(), ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      if (!oidc) throw notConfigured();
      const started = await oidc.start(request.query.returnTo);
      reply.setCookie(OIDC_ATTEMPT_COOKIE, started.attemptId, {
        path: CALLBACK_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: 600,
      });
      return reply.redirect(started.url, 302);
    },
  );

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Sessions'],
        operationId: 'finishStaffSingleSignOn',
        summary: "The identity provider's redirect back: signs the staff user in",
        description:
          'Exchanges the code (with the PKCE verifier), checks state and nonce, maps the role claim, links or ' +
          'creates the user by email (audited), sets the session cookies and redirects to the staff page ' +
          'asked for. A refusal (no mapped role: `sso_role_unmapped`; anything else: `sso_failed`) redirects ' +
          'to /staff/sign-in/refused?code=… and is audited (`session.sso_refused`).',
        security: [],
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 2000 })),
            state: Type.Optional(Type.String({ maxLength: 500 })),
            iss: Type.Optional(Type.String({ maxLength: 500 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 1000 })),
            session_state: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: true },
        ),
        response: { 302: Type.Null(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (!oidc) throw notConfigured();
      reply.clearCookie(OIDC_ATTEMPT_COOKIE, { path: CALLBACK_PATH });
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const outcome = await oidc.finish(request.cookies[OIDC_ATTEMPT_COOKIE], query, request.id);
      if (outcome.kind === 'refused') {
        return reply.redirect(`/staff/sign-in/refused?code=${outcome.code}`, 302);
      }
      setSessionCookies(reply, outcome.session, deps.secureCookies);
      return reply.redirect(outcome.returnTo, 302);
    },
  );
}

function notConfigured(): AppError {
  return new AppError(
    'sso_not_configured',
    'Staff single sign-on is not set up on this server. Sign in with your email and password.',
  );
}
