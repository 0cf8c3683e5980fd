// The authorization matrix: every route of the real app × every kind of caller, with the status each
// one gets. The route list comes from the app itself (routeTableOf), so a route added without a row
// here fails the test; a row whose statuses drift (a role that gains or loses access, a holder who
// reaches another holder's data) fails it too. Path ids are real demo objects owned by the first
// holder; bodies are empty, so an allowed POST stops at validation and nothing is changed.
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { routeTableOf } from '../../src/platform/http/http-server.js';
import { describeEachEngine } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { multipart, PDF } from './multipart.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');

const CALLERS = [
  'anonymous',
  'holder',
  'otherHolder',
  'repairFacility',
  'reviewer',
  'adjuster',
  'admin',
  'dealerUser',
  'dealerKey',
  'lender',
] as const;
type Caller = (typeof CALLERS)[number];

/**
 * Expected statuses in caller order: anonymous, holder of the objects, another holder, repair
 * facility, reviewer, adjuster, admin, dealer user (of D-1001, who did not sell the holder's
 * contract), dealer API key (of D-1001), lender (First Prairie Bank, the lienholder of the holder's
 * contract). 401 = not signed in, 403 = role refused, 404 = outside the holder's scope (or no such
 * object for that caller), 400/415/422 = allowed, stopped at the empty body.
 */
const EXPECTED: Record<string, string> = {
  'GET /openapi.json': '200 200 200 200 200 200 200 200 200 200',
  'GET /healthz': '200 200 200 200 200 200 200 200 200 200',
  'GET /readyz': '200 200 200 200 200 200 200 200 200 200',
  'POST /api/v1/auth/holder-login': '400 400 400 400 400 400 400 400 400 400',
  'POST /api/v1/auth/login': '400 400 400 400 400 400 400 400 400 400',
  'POST /api/v1/auth/login/mfa': '400 400 400 400 400 400 400 400 400 400',
  'GET /api/v1/auth/mfa': '401 403 403 200 200 200 200 200 403 200',
  'POST /api/v1/auth/mfa/enrolment': '401 403 403 400 400 400 400 400 403 400',
  'POST /api/v1/auth/mfa/enrolment/confirm': '401 403 403 400 400 400 400 400 403 400',
  'POST /api/v1/auth/mfa/disable': '401 403 403 400 400 400 400 400 403 400',
  'POST /api/v1/auth/logout': '401 204 204 204 204 204 204 204 204 204',
  'GET /api/v1/auth/me': '401 200 200 200 200 200 200 200 200 200',
  // Staff single sign-on is not set up on this server (COVERWISE_OIDC_*): start and callback 404.
  'GET /api/v1/auth/oidc': '200 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/auth/oidc/start': '404 404 404 404 404 404 404 404 404 404',
  'GET /api/v1/auth/oidc/callback': '404 404 404 404 404 404 404 404 404 404',
  // Holder accounts: a contract-facts holder session has no account, so no notification centre.
  'GET /api/v1/holder-account': '401 200 200 403 403 403 403 403 403 403',
  'POST /api/v1/holder-account': '401 400 400 403 403 403 403 403 403 403',
  'POST /api/v1/holder-account/verify': '400 400 400 400 400 400 400 400 400 400',
  'POST /api/v1/holder-account/sign-in-link': '400 400 400 400 400 400 400 400 400 400',
  'POST /api/v1/holder-account/sign-in': '400 400 400 400 400 400 400 400 400 400',
  'POST /api/v1/holder-account/forgot-contract': '400 400 400 400 400 400 400 400 400 400',
  'GET /api/v1/holder-account/notifications': '401 403 403 403 403 403 403 403 403 403',
  'POST /api/v1/users': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/users': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/plans': '401 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/catalog': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/catalog/versions': '401 403 403 403 403 403 400 403 403 403',
  'POST /api/v1/contracts': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/contracts/:id': '401 200 404 403 200 200 200 404 404 403',
  'GET /api/v1/contracts': '401 403 403 403 400 400 400 403 403 403',
  'GET /api/v1/contracts/:id/audit': '401 403 403 403 200 200 200 403 403 403',
  'GET /api/v1/coverage': '401 403 403 400 400 400 400 403 403 403',
  'POST /api/v1/dealers': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/dealers': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/dealers/:id': '401 403 403 403 403 403 200 200 200 403',
  'POST /api/v1/dealers/:id/api-keys': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/dealers/:id/api-keys': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/dealers/:id/api-keys/:keyId/revocation': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/dealers/:id/statement': '401 403 403 403 403 403 200 200 200 403',
  'GET /api/v1/dealers/:id/statement.csv': '401 403 403 403 403 403 200 200 200 403',
  'GET /api/v1/dealers/:id/statement.pdf': '401 403 403 403 403 403 200 200 200 403',
  'POST /api/v1/dealers/:id/remittances': '401 403 403 403 403 403 400 400 400 403',
  'GET /api/v1/dealers/:id/remittances': '401 403 403 403 403 403 200 200 200 403',
  'POST /api/v1/dealers/:id/remittances/:remittanceId/match': '401 403 403 403 403 403 404 403 403 403',
  'POST /api/v1/rates': '401 403 403 403 400 400 400 400 400 403',
  'POST /api/v1/econtracts': '401 403 403 403 403 403 403 400 400 403',
  'POST /api/v1/contracts/:id/void': '401 403 403 403 403 400 400 400 400 403',
  'GET /api/v1/dealers/:id/contracts': '401 403 403 403 200 200 200 200 200 403',
  'GET /api/v1/contracts/:id/form': '401 200 404 403 200 200 200 404 404 403',
  'POST /api/v1/contracts/:id/signatures': '401 400 400 403 403 403 403 400 400 403',
  'GET /api/v1/contracts/:id/signatures': '401 200 404 403 200 200 200 404 404 403',
  'GET /api/v1/contracts/imports': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/contracts/imports/:id': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/repair-facilities': '401 403 403 200 200 200 200 403 403 403',
  'POST /api/v1/repair-facilities': '401 403 403 403 403 403 400 403 403 403',
  'POST /api/v1/repair-claims': '401 403 403 400 403 400 400 403 403 403',
  'GET /api/v1/repair-claims': '401 403 403 200 200 200 200 403 403 403',
  'GET /api/v1/repair-claims/:id': '401 200 404 200 200 200 200 403 403 403',
  'POST /api/v1/repair-claims/:id/authorization': '401 403 403 403 403 400 403 403 403 403',
  'POST /api/v1/repair-claims/:id/inspection': '401 403 403 403 403 400 403 403 403 403',
  'POST /api/v1/repair-claims/:id/information': '401 403 403 400 403 400 400 403 403 403',
  'POST /api/v1/repair-claims/:id/payment': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/repair-claims/:id/odometer-correction': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/roadside-requests': '401 400 400 403 403 400 400 403 403 403',
  'GET /api/v1/roadside-requests': '401 404 404 403 200 200 200 403 403 403',
  'GET /api/v1/roadside-requests/:id': '401 200 404 403 200 200 200 403 403 403',
  'POST /api/v1/roadside-requests/:id/status': '401 400 400 403 403 400 400 403 403 403',
  'POST /api/v1/contracts/:id/rental-claims': '401 400 400 403 403 400 400 403 403 403',
  'POST /api/v1/contracts/:id/trip-interruption-claims': '401 400 400 403 403 400 400 403 403 403',
  'POST /api/v1/rental-claims/:id/receipts': '401 404 404 403 403 404 404 403 403 403',
  'POST /api/v1/trip-interruption-claims/:id/receipts': '401 404 404 403 403 404 404 403 403 403',
  'GET /api/v1/rental-claims/:id': '401 404 404 403 403 404 404 403 403 403',
  'GET /api/v1/trip-interruption-claims/:id': '401 404 404 403 403 404 404 403 403 403',
  'POST /api/v1/rental-claims/:id/decision': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/trip-interruption-claims/:id/decision': '401 403 403 403 403 400 400 403 403 403',
  'GET /api/v1/contracts/:id/claims': '401 200 404 403 200 200 200 403 403 403',
  'POST /api/v1/contracts/:id/cancellation-quote': '401 400 400 403 400 400 400 403 403 403',
  'POST /api/v1/contracts/:id/cancellation': '401 400 400 403 403 400 400 403 403 403',
  'POST /api/v1/contracts/:id/transfers': '401 400 400 403 403 400 400 403 403 403',
  'GET /api/v1/contracts/:id/transfers': '401 200 404 403 200 200 200 403 403 403',
  'GET /api/v1/contracts/:id/transfer-terms': '401 200 404 403 200 200 200 403 403 403',
  'GET /api/v1/transfers/:id': '401 404 404 403 404 404 404 403 403 403',
  'POST /api/v1/transfers/:id/fee-payment': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/transfers/:id/rejection': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/transfers/:id/documents': '401 404 404 403 403 404 404 403 403 403',
  'GET /api/v1/contracts/:id/ledger': '401 403 403 403 200 200 200 403 403 403',
  'POST /api/v1/gap-claims': '400 400 400 400 400 400 400 400 400 400',
  'GET /api/v1/gap-claims': '401 200 200 403 200 200 200 403 403 403',
  'GET /api/v1/gap-claims/:id': '401 200 404 403 200 200 200 403 403 403',
  'POST /api/v1/gap-claims/:id/documents': '401 415 404 403 403 415 415 403 403 403',
  'POST /api/v1/gap-claims/:id/benefit': '401 403 403 403 403 400 403 403 403 403',
  'POST /api/v1/gap-claims/:id/approval': '401 403 403 403 403 409 403 403 403 403',
  'POST /api/v1/gap-claims/:id/denial': '401 403 403 403 403 400 403 403 403 403',
  'POST /api/v1/documents/:id/review': '401 403 403 403 400 400 403 403 403 403',
  'GET /api/v1/documents/:id': '401 200 404 403 200 200 200 403 403 403',
  'GET /api/v1/documents/:id/file': '401 200 404 403 200 200 200 403 403 403',
  'GET /api/v1/work-queue': '401 403 403 403 200 200 403 403 403 403',
  'GET /api/v1/reports/unearned-reserve': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/webhooks': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/webhooks': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/webhooks/:id/deliveries': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/help': '200 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/dashboard': '401 403 403 403 200 200 200 403 403 403',
  'GET /api/v1/dashboard/:chart': '401 403 403 403 400 400 400 403 403 403',
  'POST /api/v1/catalog/what-if': '401 403 403 403 403 403 400 403 403 403',
  'POST /api/v1/contracts/import': '401 403 403 403 403 403 415 403 403 403',
  'GET /api/v1/auth/sign-in-alerts': '401 403 403 200 200 200 200 200 403 200',
  'PUT /api/v1/users/:id/approval-limit': '401 403 403 403 403 403 400 403 403 403',
  'POST /api/v1/contracts/:id/rental-claims/with-receipts': '401 415 415 403 403 415 415 403 403 403',
  'POST /api/v1/contracts/:id/trip-interruption-claims/with-receipts':
    '401 415 415 403 403 415 415 403 403 403',
  'GET /api/v1/accounting/trial-balance': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/accounting/dealer-reconciliation': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/accounting/accounts': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/accounting/journal-entries': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/accounting/journal.csv': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/accounting/premium-by-month': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/accounting/earning-runs': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/work-items/:kind/:id/assignment': '401 403 403 403 400 400 400 403 403 403',
  'POST /api/v1/work-items/:kind/:id/take': '401 403 403 403 400 400 400 403 403 403',
  'POST /api/v1/work-items/:kind/:id/assignment': '401 403 403 403 403 400 400 403 403 403',
  'POST /api/v1/work-items/:kind/:id/release': '401 403 403 403 400 400 400 403 403 403',
  'GET /api/v1/work-items/assignees': '401 403 403 403 403 400 400 403 403 403',
  'GET /api/v1/work-items/owners': '401 403 403 403 400 400 400 403 403 403',
  'GET /api/v1/my-work': '401 403 403 403 200 200 200 403 403 403',
  'GET /api/v1/search': '401 403 403 403 400 400 400 403 403 403',
  // Catalog drafts, payment runs, OFAC, 1099-NEC and month-end: administrators only. Lender events (but
  // recording a refund's payment) and funding uploads: administrators and lenders.
  'GET /api/v1/catalog/draft': '401 403 403 403 403 403 404 403 403 403',
  'PUT /api/v1/catalog/draft': '401 403 403 403 403 403 400 403 403 403',
  'DELETE /api/v1/catalog/draft': '401 403 403 403 403 403 404 403 403 403',
  'POST /api/v1/catalog/draft/publication': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/payment-runs': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/payment-runs': '401 403 403 403 403 403 422 403 403 403',
  'GET /api/v1/payment-runs/:id': '401 403 403 403 403 403 404 403 403 403',
  'POST /api/v1/payment-runs/:id/approval': '401 403 403 403 403 403 404 403 403 403',
  'POST /api/v1/payment-runs/:id/discard': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/payment-runs/:id/nacha': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/payment-runs/:id/positive-pay': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/repair-facilities/:id/payment-details': '401 403 403 403 403 403 404 403 403 403',
  'PUT /api/v1/repair-facilities/:id/payment-details': '401 403 403 403 403 403 400 403 403 403',
  'PUT /api/v1/contracts/:id/payee-bank-accounts/:payeeKind': '401 403 403 403 403 403 400 403 403 403',
  'DELETE /api/v1/contracts/:id/payee-bank-accounts/:payeeKind': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/reports/1099-nec': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/ofac/sdn-lists/current': '401 403 403 403 403 403 404 403 403 403',
  'GET /api/v1/ofac/holds': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/ofac/holds/:id/decision': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/lender-events/runs': '401 403 403 403 403 403 200 403 403 200',
  'GET /api/v1/lender-events/runs/:id': '401 403 403 403 403 403 404 403 403 404',
  'GET /api/v1/lender-events/runs/:id/results': '401 403 403 403 403 403 404 403 403 404',
  'GET /api/v1/lender-events/runs/:id/report.csv': '401 403 403 403 403 403 404 403 403 404',
  'GET /api/v1/lender-events/refunds': '401 403 403 403 403 403 200 403 403 200',
  'GET /api/v1/lender-events/refunds.csv': '401 403 403 403 403 403 200 403 403 200',
  'POST /api/v1/lender-events/refunds/:cancellationId/payment': '401 403 403 403 403 403 400 403 403 403',
  'GET /api/v1/funding-uploads': '401 403 403 403 403 403 200 403 403 200',
  'GET /api/v1/funding-uploads/:id/reconciliation': '401 403 403 403 403 403 404 403 403 404',
  'GET /api/v1/funding-uploads/:id/reconciliation.csv': '401 403 403 403 403 403 404 403 403 404',
  'GET /api/v1/reports/month-end': '401 403 403 403 403 403 200 403 403 403',
  'GET /api/v1/reports/month-end.csv': '401 403 403 403 403 403 200 403 403 403',
  'POST /api/v1/ofac/sdn-lists': '401 403 403 403 403 403 415 403 403 403',
  'POST /api/v1/ofac/sdn-lists/:id/alternates': '401 403 403 403 403 403 415 403 403 403',
  'POST /api/v1/lender-events': '401 403 403 403 403 403 400 403 403 400',
  'POST /api/v1/funding-uploads': '401 403 403 403 403 403 415 403 403 415',
};

/** The role a caller's access is checked by (null: not signed in). */
const ROLE_OF: Record<Caller, string | null> = {
  anonymous: null,
  holder: 'holder',
  otherHolder: 'holder',
  repairFacility: 'repair_facility',
  reviewer: 'reviewer',
  adjuster: 'adjuster',
  admin: 'admin',
  dealerUser: 'dealer_user',
  dealerKey: 'dealer',
  lender: 'lender',
};

/** Callers a route lets in by role whom its service then refuses (403), each for a reason of its own. */
const REFUSED_BY_THE_SERVICE = new Set([
  // A holder signed in with the contract facts has no account, so no notification centre.
  'GET /api/v1/holder-account/notifications holder',
  'GET /api/v1/holder-account/notifications otherHolder',
]);

const HOLDER = DEMO_HOLDERS[4]!; // Feature Guard + GAP addendum on one vehicle (Texas), First Prairie Bank.
const LENDER_EMAIL = 'loans@prairie.test';
const LENDER_PASSWORD = 'a long lender passphrase 77';
const OTHER_HOLDER = DEMO_HOLDERS[0]!;

describeEachEngine('authorization matrix', (engine) => {
  let server: TestServer;
  const tokens = new Map<Caller, string | null>();
  const ids: Record<string, string> = {};

  async function signIn(caller: Caller): Promise<string | null> {
    const inject = server.built.app.inject.bind(server.built.app);
    const staff: Partial<Record<Caller, string>> = {
      repairFacility: 'shop@coverwise.test',
      reviewer: 'reviewer@coverwise.test',
      adjuster: 'adjuster@coverwise.test',
      admin: 'admin@coverwise.test',
      dealerUser: 'dealer@coverwise.test',
    };
    if (caller === 'anonymous') return null;
    if (caller === 'lender') {
      // No demo user is a lender: the administrator creates one, as an operator would.
      const created = await send(tokens.get('admin')!, {
        method: 'POST',
        url: '/api/v1/users',
        payload: {
          email: LENDER_EMAIL,
          password: LENDER_PASSWORD,
          role: 'lender',
          lienholderName: 'First Prairie Bank',
        },
      });
      expect([201, 409]).toContain(created.statusCode);
      const response = await inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: LENDER_EMAIL, password: LENDER_PASSWORD },
      });
      expect(response.statusCode).toBe(200);
      return response.json().token;
    }
    if (caller === 'dealerKey') {
      const adminToken = tokens.get('admin')!;
      const dealers = await send(adminToken, { method: 'GET', url: '/api/v1/dealers' });
      const plaza = dealers.json().data.find((d: { code: string }) => d.code === 'D-1001');
      const issued = await send(adminToken, {
        method: 'POST',
        url: `/api/v1/dealers/${plaza.id}/api-keys`,
        payload: { label: `matrix ${randomUUID()}` },
      });
      expect(issued.statusCode).toBe(201);
      ids.dealer = plaza.id;
      return issued.json().key;
    }
    if (caller === 'holder' || caller === 'otherHolder') {
      const facts = caller === 'holder' ? HOLDER : OTHER_HOLDER;
      const response = await inject({
        method: 'POST',
        url: '/api/v1/auth/holder-login',
        payload: { lastName: facts.lastName, zip: facts.zip, vin: facts.vin },
      });
      expect(response.statusCode).toBe(200);
      return response.json().token;
    }
    const response = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: staff[caller], password: 'coverwise-demo' },
    });
    expect(response.statusCode).toBe(200);
    return response.json().token;
  }

  function send(token: string | null, options: InjectOptions): Promise<LightMyRequestResponse> {
    return server.built.app.inject({
      ...options,
      headers: { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  }

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_DEALER_KEY_REQUESTS_PER_MINUTE: '100000' },
    });
    for (const caller of CALLERS) tokens.set(caller, await signIn(caller));
    const holder = tokens.get('holder')!;
    const me = await send(holder, { method: 'GET', url: '/api/v1/auth/me' });
    const contractIds: string[] = me.json().holder.contractIds;
    const contracts = await Promise.all(
      contractIds.map(async (id) =>
        (await send(holder, { method: 'GET', url: `/api/v1/contracts/${id}` })).json(),
      ),
    );
    ids.contract = contracts.find((c) => c.product === 'vsc').id;
    ids.gapContract = contracts.find((c) => c.product === 'gap')?.id ?? randomUUID();
    // Objects of the holder's contract, created through the API as their users would.
    const gap = await send(null, {
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: HOLDER.lastName,
        zip: HOLDER.zip,
        vin: HOLDER.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    ids.gapClaim = gap.statusCode === 201 ? gap.json().id : randomUUID();
    const roadside = await send(holder, {
      method: 'POST',
      url: '/api/v1/roadside-requests',
      payload: {
        contractId: ids.contract,
        service: 'jump_start',
        location: { address: '1 Main St, Austin TX' },
        phone: '512-555-0100',
      },
    });
    ids.roadside = roadside.statusCode === 201 ? roadside.json().id : randomUUID();
    const repair = await send(tokens.get('repairFacility')!, {
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin: HOLDER.vin,
        odometer: 60_000,
        complaint: 'Screen dark',
        cause: 'Head unit failed',
        correction: 'Replace head unit',
        lines: [
          {
            componentGroup: 'infotainment',
            description: 'Head unit',
            partsCents: 80_000,
            laborHours: 1.5,
            laborRateCents: 13_500,
          },
        ],
      },
    });
    ids.repairClaim = repair.statusCode === 201 ? repair.json().id : randomUUID();
    const document = await send(holder, {
      method: 'POST',
      url: `/api/v1/gap-claims/${ids.gapClaim}/documents`,
      ...multipart({ type: 'gap_addendum' }, { name: 'addendum.pdf', bytes: PDF }),
    });
    ids.document = document.statusCode === 201 ? document.json().id : randomUUID();
    expect([gap.statusCode, roadside.statusCode, repair.statusCode, document.statusCode]).toEqual([
      201, 201, 201, 201,
    ]);
  });
  afterAll(() => server.close());

  function pathFor(url: string): string {
    const id = (key: string) => ids[key] ?? randomUUID();
    const byPrefix: [string, string][] = [
      ['/api/v1/contracts/imports/', randomUUID()],
      ['/api/v1/contracts/', id('contract')],
      ['/api/v1/gap-claims/', id('gapClaim')],
      ['/api/v1/roadside-requests/', id('roadside')],
      ['/api/v1/repair-claims/', id('repairClaim')],
      ['/api/v1/documents/', id('document')],
      ['/api/v1/dashboard/', 'claims-by-status'],
      ['/api/v1/dealers/', id('dealer')],
    ];
    const match = byPrefix.find(([prefix]) => url.startsWith(prefix));
    return url.replace(/:[A-Za-z]+/g, match ? match[1] : randomUUID());
  }

  it('answers every route × caller with the status in the table, and the table covers every route', async () => {
    const routes = routeTableOf(server.built.app).filter(
      (r) => r.url.startsWith('/api/') || ['/healthz', '/readyz', '/openapi.json'].includes(r.url),
    );
    const actual: Record<string, string> = {};
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const statuses: number[] = [];
      for (const caller of CALLERS) {
        // Signing out would end the shared session: that route gets a session of its own.
        const token = route.url === '/api/v1/auth/logout' ? await signIn(caller) : tokens.get(caller)!;
        const response = await send(token, {
          method: route.method as InjectOptions['method'],
          url: pathFor(route.url),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        statuses.push(response.statusCode);
      }
      actual[key] = statuses.join(' ');
    }
    if (process.env.PRINT_MATRIX) console.log(JSON.stringify(actual, null, 2));
    // The table agrees with what each route declares (config.access): a caller whose role a route does
    // not list is refused (403), and one it lists is not refused, but where the service refuses it.
    const disagreements: string[] = [];
    for (const route of routes) {
      if (!Array.isArray(route.access)) continue;
      const statuses = (actual[`${route.method} ${route.url}`] ?? '').split(' ');
      CALLERS.forEach((caller, column) => {
        const role = ROLE_OF[caller];
        if (role === null) return;
        const listed = (route.access as readonly string[]).includes(role);
        const cell = `${route.method} ${route.url} ${caller}`;
        if (listed === (statuses[column] === '403') && !REFUSED_BY_THE_SERVICE.has(cell))
          disagreements.push(`${cell}: ${statuses[column]}`);
      });
    }
    expect(disagreements, "cells that contradict the route's config.access").toEqual([]);
    const missing = Object.keys(actual).filter((key) => !(key in EXPECTED));
    expect(missing, 'routes without a row in the authorization matrix').toEqual([]);
    expect(actual).toEqual(EXPECTED);
    expect(Object.keys(actual).length * CALLERS.length).toBeGreaterThan(300);
  });
});
