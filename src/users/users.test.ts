import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';

describeEachEngine('staff users, idempotency and the audit trail', (engine) => {
  let server: TestServer;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const login = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@coverwise.test', password: 'coverwise-demo' },
    });
    adminToken = login.json().token;
  });
  afterAll(() => server.close());

  const createUser = (payload: Record<string, unknown>, key?: string) =>
    server.built.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${adminToken}`, ...(key ? { 'idempotency-key': key } : {}) },
      payload,
    });

  const countUsers = async (email: string) =>
    (await server.built.database.db.selectFrom('users').select('id').where('email', '=', email).execute())
      .length;

  it.each(['abc', '1', "'; select 1; --", `${'0'.repeat(36)}`])(
    'refuses a list cursor that is not a UUID (%s) with 400 naming startingAfter',
    async (cursor) => {
      const response = await server.built.app.inject({
        url: `/api/v1/users?startingAfter=${encodeURIComponent(cursor)}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'startingAfter' });
    },
  );

  it('lets an admin create a user who can then sign in, and audits it', async () => {
    const response = await createUser({
      email: 'new.adjuster@coverwise.test',
      password: 'a-long-passphrase',
      role: 'adjuster',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      email: 'new.adjuster@coverwise.test',
      role: 'adjuster',
      disabled: false,
    });
    const login = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'new.adjuster@coverwise.test', password: 'a-long-passphrase' },
    });
    expect(login.statusCode).toBe(200);
    const audit = await server.built.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', response.json().id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'user.created',
      actor_kind: 'user',
      actor_label: 'admin@coverwise.test',
    });
  });

  it('refuses a duplicate email with 409 email_taken and a short password with 422 weak_password', async () => {
    const duplicate = await createUser({
      email: 'ADMIN@coverwise.test',
      password: 'a-long-passphrase',
      role: 'admin',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'email_taken', param: 'email' });
    const weak = await createUser({ email: 'weak@coverwise.test', password: 'short', role: 'reviewer' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toMatchObject({ code: 'weak_password', param: 'password' });
    expect(await countUsers('weak@coverwise.test')).toBe(0);
  });

  it('replays the identical response for the same Idempotency-Key and creates nothing twice', async () => {
    const payload = { email: 'replay@coverwise.test', password: 'a-long-passphrase', role: 'reviewer' };
    const first = await createUser(payload, 'key-replay-1');
    const second = await createUser(payload, 'key-replay-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await countUsers('replay@coverwise.test')).toBe(1);
  });

  it('refuses the same Idempotency-Key with a different body (422 idempotency_key_reused)', async () => {
    await createUser(
      { email: 'reuse-a@coverwise.test', password: 'a-long-passphrase', role: 'reviewer' },
      'key-reuse',
    );
    const reused = await createUser(
      { email: 'reuse-b@coverwise.test', password: 'a-long-passphrase', role: 'reviewer' },
      'key-reuse',
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
    expect(await countUsers('reuse-b@coverwise.test')).toBe(0);
  });

  it('keeps nothing of a use case that fails half-way (one transaction)', async () => {
    const before = await server.built.database.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const response = await createUser(
      { email: 'admin@coverwise.test', password: 'a-long-passphrase', role: 'admin' },
      'key-fail',
    );
    expect(response.statusCode).toBe(409);
    const after = await server.built.database.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const stored = await server.built.database.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('key', '=', 'key-fail')
      .execute();
    expect(stored).toHaveLength(0);
  });

  it('refuses to update or delete audit rows at the database level', async () => {
    const db = server.built.database.db;
    await expect(sql`update audit_events set reason = 'tampered'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(db)).rejects.toThrow(/append-only/);
  });

  if (engine.name === 'postgres') {
    it('answers 409 to a concurrent request with the same Idempotency-Key', async () => {
      const payload = { email: 'concurrent@coverwise.test', password: 'a-long-passphrase', role: 'reviewer' };
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => createUser(payload, 'key-concurrent')),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      for (const r of responses.filter((r) => r.statusCode === 409))
        expect(r.json().code).toBe('idempotency_request_in_progress');
      expect(await countUsers('concurrent@coverwise.test')).toBe(1);
    });
  }
});
