import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from './http-server.js';

/** The Fastify instance with TypeBox types on request and reply: what every routes module receives. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export function asTypedApp(app: FastifyInstance): TypedApp {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}

/** Sets the web app's session cookie (HttpOnly) and its CSRF cookie (readable by the page's script). */
export function setSessionCookies(
  reply: FastifyReply,
  session: { token: string; csrfToken: string; lifetimeSeconds: number },
  secure: boolean,
): void {
  // Max-Age, not Expires: the browser counts the lifetime on its own clock, so a skew between the
  // browser's clock and the server's never drops a fresh session.
  const common = { path: '/', sameSite: 'strict' as const, secure, maxAge: session.lifetimeSeconds };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
