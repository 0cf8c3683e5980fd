import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('dealers and dealer API keys', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let dealerId: string;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_DEALER_KEY_REQUESTS_PER_MINUTE: '12' },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/dealers',
      payload: { code: 'd-5005', name: 'Prairie Motors', state: 'ks', contact: { name: 'Pat Prairie' } },
    });
    expect(created.statusCode).toBe(201);
    dealerId = created.json().id;
  });
  afterAll(() => server.close());

  const withKey = (key: string, url: string, method: 'GET' | 'POST' = 'GET') =>
    server.built.app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });

  async function issueKey(label: string): Promise<{ id: string; key: string; prefix: string }> {
    const response = await admin({
      method: 'POST',
      url: `/api/v1/dealers/${dealerId}/api-keys`,
      payload: { label },
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  describe('dealers', () => {
    it('stores a new dealer with its code and state upper-cased, and audits it', async () => {
      const dealer = (await admin({ url: `/api/v1/dealers/${dealerId}` })).json();
      expect(dealer).toMatchObject({ code: 'D-5005', name: 'Prairie Motors', state: 'KS' });
      expect(dealer.contact.name).toBe('Pat Prairie');
      const audit = await server.built.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', dealerId)
        .execute();
      expect(audit.map((a) => a.action)).toContain('dealer.created');
    });

    it('refuses a second dealer with the same code (409) and an unknown state (422)', async () => {
      const again = await admin({
        method: 'POST',
        url: '/api/v1/dealers',
        payload: { code: 'D-5005', name: 'Copy', state: 'KS' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'dealer_code_taken', param: 'code' });
      const badState = await admin({
        method: 'POST',
        url: '/api/v1/dealers',
        payload: { code: 'D-5006', name: 'Nowhere', state: 'ZZ' },
      });
      expect(badState.statusCode).toBe(422);
      expect(badState.json()).toMatchObject({ code: 'invalid_state', param: 'state' });
    });

    it('lists the demo dealers and the new one by code', async () => {
      const list = (await admin({ url: '/api/v1/dealers?limit=100' })).json();
      expect(list.data.map((d: { code: string }) => d.code)).toEqual([
        'D-1001',
        'D-2002',
        'D-3003',
        'D-5005',
      ]);
    });

    it('refuses text that is only spaces (400 validation_failed naming the field) and stores text trimmed', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        // url, body, param
        ['/api/v1/dealers', { code: 'D-5007', name: '   ', state: 'KS' }, 'name'],
        ['/api/v1/dealers', { code: '  ', name: 'Blank Code Motors', state: 'KS' }, 'code'],
        [`/api/v1/dealers/${dealerId}/api-keys`, { label: ' \t ' }, 'label'],
      ];
      for (const [url, payload, param] of cases) {
        const response = await admin({ method: 'POST', url, payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed', param });
      }
      expect(
        (await admin({ url: '/api/v1/dealers?limit=100' }))
          .json()
          .data.some((d: { code: string }) => d.code === 'D-5007'),
      ).toBe(false);
      const spaced = await admin({
        method: 'POST',
        url: '/api/v1/dealers',
        payload: { code: ' d-5008 ', name: '  Spaced Motors  ', state: 'KS' },
      });
      expect(spaced.statusCode, spaced.body).toBe(201);
      expect(spaced.json()).toMatchObject({ code: 'D-5008', name: 'Spaced Motors' });
    });
  });

  describe('API keys', () => {
    it('shows a key once, stores only its SHA-256 and lets it act as its dealer', async () => {
      const issued = await issueKey('F&I menu');
      expect(issued.key).toMatch(/^cwk_/);
      const stored = await server.built.database.db
        .selectFrom('dealer_api_keys')
        .selectAll()
        .where('id', '=', issued.id)
        .executeTakeFirstOrThrow();
      expect(stored.key_hash).toBe(createHash('sha256').update(issued.key).digest('hex'));
      expect(JSON.stringify(stored)).not.toContain(issued.key);
      const listed = (await admin({ url: `/api/v1/dealers/${dealerId}/api-keys` })).json();
      expect(JSON.stringify(listed)).not.toContain(issued.key);
      expect(listed.data.find((k: { id: string }) => k.id === issued.id).lastUsedAt).toBeNull();

      const me = await withKey(issued.key, '/api/v1/auth/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual({ dealer: { id: dealerId, code: 'D-5005', name: 'Prairie Motors' } });
      const after = (await admin({ url: `/api/v1/dealers/${dealerId}/api-keys` })).json();
      expect(after.data.find((k: { id: string }) => k.id === issued.id).lastUsedAt).toBe(
        clock.now().toISOString(),
      );
      const audit = await server.built.database.db
        .selectFrom('audit_events')
        .select(['action', 'data'])
        .where('entity_id', '=', dealerId)
        .where('action', '=', 'dealer.api_key_issued')
        .execute();
      expect(audit.some((a) => (a.data as { keyId: string }).keyId === issued.id)).toBe(true);
    });

    it('keeps a key to its dealer: staff endpoints are refused and other dealers are not found', async () => {
      const { key } = await issueKey('scope');
      expect((await withKey(key, '/api/v1/contracts?vin=1HGCM82633A004352')).statusCode).toBe(403);
      expect((await withKey(key, '/api/v1/dealers')).statusCode).toBe(403);
      expect((await withKey(key, `/api/v1/dealers/${dealerId}`)).statusCode).toBe(200);
      const others = (await admin({ url: '/api/v1/dealers' })).json().data as { id: string; code: string }[];
      const other = others.find((d) => d.code === 'D-1001')!;
      expect((await withKey(key, `/api/v1/dealers/${other.id}`)).statusCode).toBe(404);
    });

    it('answers 401 for a revoked key from the next request on, and audits the revocation', async () => {
      const { id, key } = await issueKey('to revoke');
      expect((await withKey(key, '/api/v1/auth/me')).statusCode).toBe(200);
      const revoked = await admin({
        method: 'POST',
        url: `/api/v1/dealers/${dealerId}/api-keys/${id}/revocation`,
      });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).toBe(clock.now().toISOString());
      const refused = await withKey(key, '/api/v1/auth/me');
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('unauthenticated');
      // Said as a key's refusal, not a person's expired session.
      expect(refused.json().detail).toContain('This API key is not valid');
      const actions = await server.built.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', dealerId)
        .execute();
      expect(actions.map((a) => a.action)).toContain('dealer.api_key_revoked');
    });

    it.skipIf(engine.name !== 'postgres')(
      'a key revoked through one process is refused at once by another process on the same database',
      async () => {
        const { id, key } = await issueKey('two processes');
        const other = await startTestServer({
          engine,
          clock,
          demo: false,
          sharedDatabaseUrl: server.databaseUrl!,
        });
        try {
          const ask = () =>
            other.built.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${key}` } });
          expect((await ask()).statusCode).toBe(200);
          await admin({ method: 'POST', url: `/api/v1/dealers/${dealerId}/api-keys/${id}/revocation` });
          expect((await ask()).statusCode).toBe(401);
        } finally {
          await other.close();
        }
      },
    );

    it('limits the requests of each key per minute with 429 and Retry-After', async () => {
      const { key } = await issueKey('busy');
      const statuses: number[] = [];
      for (let i = 0; i < 13; i++) statuses.push((await withKey(key, '/api/v1/auth/me')).statusCode);
      expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
      const refused = await withKey(key, '/api/v1/auth/me');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('too_many_attempts');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another key of the same dealer has an allowance of its own.
      const { key: fresh } = await issueKey('fresh');
      expect((await withKey(fresh, '/api/v1/auth/me')).statusCode).toBe(200);
      clock.advance(61_000);
      expect((await withKey(key, '/api/v1/auth/me')).statusCode).toBe(200);
    });

    it('refuses a key of the wrong shape or an unknown key with 401', async () => {
      expect((await withKey('cwk_nothing', '/api/v1/auth/me')).statusCode).toBe(401);
      expect((await withKey(`cwk_${'x'.repeat(300)}`, '/api/v1/auth/me')).statusCode).toBe(401);
    });
  });

  describe('dealer users', () => {
    it('creates a dealer_user only with a dealer, and it signs in like staff', async () => {
      const missing = await admin({
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'seller@prairie.test', password: 'a long enough password', role: 'dealer_user' },
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ code: 'validation_failed', param: 'dealerId' });
      const created = await admin({
        method: 'POST',
        url: '/api/v1/users',
        payload: {
          email: 'seller@prairie.test',
          password: 'a long enough password',
          role: 'dealer_user',
          dealerId,
        },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ role: 'dealer_user', dealerId });
      const seller = await staffClient(server, 'seller@prairie.test', 'a long enough password');
      const me = (await seller({ url: '/api/v1/auth/me' })).json();
      expect(me.user).toMatchObject({ role: 'dealer_user', dealerId });
      expect((await seller({ url: `/api/v1/dealers/${dealerId}` })).statusCode).toBe(200);
      expect((await seller({ url: '/api/v1/dealers' })).statusCode).toBe(403);
    });
  });
});
