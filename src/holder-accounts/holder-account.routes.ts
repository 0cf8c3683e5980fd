// Holder accounts (issue 19): HTTP only; the service does the work.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { LanguageInput, Nullable, problemResponses } from '../platform/http/schemas.js';
import { setSessionCookies, type TypedApp } from '../platform/http/typed-app.js';
import type { HolderAccountService } from './holder-account.service.js';

type HolderLinkSession = Awaited<ReturnType<HolderAccountService['signInWithLink']>>;

const SAME_ANSWER =
  'If that email address is on file, we have sent an email to it. It can take a few minutes to arrive; check your spam folder too.';

/** 202 with the one sentence an email request answers whether or not the address is on file. */
const sameAnswer = (reply: FastifyReply) => reply.status(202).send({ message: SAME_ANSWER });

const EmailBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254, description: 'The email address, as typed' }),
    language: Type.Optional(LanguageInput),
  },
  { additionalProperties: false },
);
const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The token of the emailed link' }) },
  { additionalProperties: false },
);
const AcceptedAnswer = Type.Object({
  message: Type.String({ description: 'The same sentence whether or not the email is known' }),
});
const HolderSessionAnswer = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  contractIds: Type.Array(Type.String()),
  email: Type.String({ description: "The account's verified email" }),
});

export function registerHolderAccountRoutes(
  app: TypedApp,
  deps: { holderAccounts: HolderAccountService; secureCookies: boolean },
): void {
  const { holderAccounts } = deps;

  /** A holder session signed in by an emailed link: its cookies set, and the answer that names it. */
  function holderSession(reply: FastifyReply, session: HolderLinkSession) {
    setSessionCookies(reply, session, deps.secureCookies);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      contractIds: session.contractIds,
      email: session.email,
    };
  }

  app.get(
    '/api/v1/holder-account',
    {
      config: { access: ['holder'] },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'getHolderAccount',
        summary: "The signed-in holder's account, if any",
        description:
          'A holder signed in with last name + ZIP + VIN has no account (`account: null`) until they create ' +
          'one; a holder signed in by an emailed link answers its verified email.',
        response: {
          200: Type.Object({
            account: Nullable(Type.Object({ email: Type.String(), verified: Type.Boolean() })),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ account: await holderAccounts.accountOf(request.principal) }),
  );

  app.post(
    '/api/v1/holder-account',
    {
      config: { access: ['holder'] },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'startHolderAccount',
        summary: 'Create an account: email a verification link',
        description:
          'For a holder signed in with last name + ZIP + VIN. Sends a single-use link (valid for ' +
          'COVERWISE_HOLDER_LINK_MINUTES) to the email; following it verifies the email, links the contracts ' +
          'of this session to the account and signs in. Throttled per client address and email ' +
          '(429 too_many_attempts).',
        body: EmailBody,
        response: {
          202: Type.Object({ email: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          ...problemResponses(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const started = await holderAccounts.startAccount(
        request.principal,
        request.body.email,
        request.ip,
        request.id,
        request.body.language,
      );
      return reply.status(202).send({ email: started.email, expiresAt: started.expiresAt.toISOString() });
    },
  );

  app.post(
    '/api/v1/holder-account/verify',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'verifyHolderAccountEmail',
        summary: 'Follow the emailed verification link: the account is verified and signed in',
        description:
          'The link works once and only until it expires; otherwise 401 link_invalid. Answers a holder ' +
          'session (cookie and token) holding every contract of the account.',
        security: [],
        body: TokenBody,
        response: { 200: HolderSessionAnswer, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) =>
      holderSession(reply, await holderAccounts.verifyEmail(request.body.token, request.id)),
  );

  app.post(
    '/api/v1/holder-account/sign-in-link',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'requestHolderSignInLink',
        summary: 'Email a sign-in link to an account holder',
        description:
          'Answers 202 with the same sentence whether or not the email belongs to an account (nothing is ' +
          'sent when it does not). Throttled like holder sign-in: per client address, and per email from ' +
          'an address (429 too_many_attempts with Retry-After).',
        security: [],
        body: EmailBody,
        response: { 202: AcceptedAnswer, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await holderAccounts.requestSignInLink(
        request.body.email,
        request.ip,
        request.id,
        request.body.language,
      );
      return sameAnswer(reply);
    },
  );

  app.post(
    '/api/v1/holder-account/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'signInHolderWithLink',
        summary: 'Sign in with the emailed link',
        description:
          'The link works once and only until it expires (COVERWISE_HOLDER_LINK_MINUTES); otherwise 401 ' +
          'link_invalid. Answers a holder session holding every contract of the account: those verified ' +
          "into it and those whose holder is the account's identity (the email on file and last name).",
        security: [],
        body: TokenBody,
        response: { 200: HolderSessionAnswer, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) =>
      holderSession(reply, await holderAccounts.signInWithLink(request.body.token, request.id)),
  );

  app.post(
    '/api/v1/holder-account/forgot-contract',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'requestHolderContractList',
        summary: '"Forgot which contract?": email the contracts on file for an address',
        description:
          'The list (contract numbers, products, vehicles and the last six characters of each VIN) goes ' +
          'to the email only. Answers 202 with the same sentence whether or not the email is on file; ' +
          'throttled like holder sign-in (429 too_many_attempts with Retry-After).',
        security: [],
        body: EmailBody,
        response: { 202: AcceptedAnswer, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await holderAccounts.forgotContract(request.body.email, request.ip, request.id, request.body.language);
      return sameAnswer(reply);
    },
  );

  app.get(
    '/api/v1/holder-account/notifications',
    {
      config: { access: ['holder'] },
      schema: {
        tags: ['Holder accounts'],
        operationId: 'listHolderNotifications',
        summary: 'The notification centre: the emails sent to the holder, newest first',
        description:
          "Emails sent to the account's address or about its contracts (the newest 100). Emailed links are " +
          'listed without the link. 403 forbidden for a holder signed in without an account.',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                subject: Type.String(),
                body: Type.String(),
                sentAt: Type.String({ format: 'date-time' }),
                contractId: Nullable(Type.String()),
              }),
            ),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const rows = await holderAccounts.notifications(request.principal);
      return {
        data: rows.map((row) => ({
          id: row.id,
          subject: row.subject,
          body: row.body,
          sentAt: row.sentAt.toISOString(),
          contractId: row.contractId,
        })),
      };
    },
  );
}
