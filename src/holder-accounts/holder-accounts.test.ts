import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { linkTokenIn, startSmtpServer, type TestSmtpServer } from '../../test/support/smtp.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';

// Holder accounts over HTTP against the real app and a real SMTP server (issue 19): create an account
// from a contract-facts session, verify the email by the emailed link, sign in by a link (single use,
// 15 minutes), see every contract of the holder's identity, read the notification centre; and
// "forgot which contract?" answering the same whether or not the email is known.

const sofia = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const sofiaEmail = 'sofia.5@example.com';
const SAME_ANSWER =
  'If that email address is on file, we have sent an email to it. It can take a few minutes to arrive; check your spam folder too.';

describeEachEngine('holder accounts', (engine) => {
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  let smtp: TestSmtpServer;
  let server: TestServer;
  let secondVehicleId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      engine,
      clock,
      startJobs: true,
      env: {
        SMTP_URL: smtp.url,
        COVERWISE_PUBLIC_URL: 'https://coverwise.example.com',
        COVERWISE_HOLDER_LINK_MINUTES: '15',
        COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '3',
        COVERWISE_SIGN_IN_BACKOFF_BASE_SECONDS: '60',
      },
    });
    // A second vehicle of Sofia's, bought with the same email on file: it belongs to her account too.
    const db = server.built.database.db;
    const vsc = await db
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', '=', sofia.contractNumber)
      .executeTakeFirstOrThrow();
    const { id: _id, ...rest } = vsc;
    const inserted = await db
      .insertInto('contracts')
      .values({
        ...rest,
        contract_number: 'DEMO-SECOND-CAR',
        vin: '1HGCM82633A004352',
        holder_email: 'Sofia.5@Example.com',
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    secondVehicleId = inserted.id;
    // Someone else of the same email but another last name (a household): not hers.
    await db
      .insertInto('contracts')
      .values({
        ...rest,
        contract_number: 'DEMO-HOUSEHOLD',
        vin: '1HGCM82633A004353',
        holder_last_name_key: 'someoneelse',
      } as never)
      .execute();
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const post = (url: string, payload: unknown, token?: string) =>
    server.built.app.inject({
      method: 'POST',
      url,
      payload: payload as Record<string, unknown>,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
  const get = (url: string, token: string) =>
    server.built.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  let accountToken = '';

  it('creates an account from a contract-facts sign-in, verified by a single-use emailed link', async () => {
    const facts = await post('/api/v1/auth/holder-login', {
      lastName: sofia.lastName,
      zip: sofia.zip,
      vin: sofia.vin,
    });
    expect(facts.statusCode).toBe(200);
    const factsToken = facts.json().token as string;
    expect(facts.json().contractIds).toHaveLength(2);
    expect((await get('/api/v1/holder-account', factsToken)).json()).toEqual({ account: null });
    // The notification centre is for account holders.
    expect((await get('/api/v1/holder-account/notifications', factsToken)).statusCode).toBe(403);

    const bad = await post('/api/v1/holder-account', { email: 'not an email' }, factsToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation_failed', param: 'email' });

    const started = await post(
      '/api/v1/holder-account',
      { email: ` ${sofiaEmail.toUpperCase()} ` },
      factsToken,
    );
    expect(started.statusCode).toBe(202);
    expect(started.json()).toEqual({ email: sofiaEmail, expiresAt: '2026-11-25T15:15:00.000Z' });

    const mail = await smtp.waitForMail((m) => m.text.includes('Confirm your email'));
    expect(mail.to).toEqual([sofiaEmail]);
    expect(mail.text).toContain('https://coverwise.example.com/my/account/verify#token=cwl_');
    const token = linkTokenIn(mail);
    // Only the hash of the token is stored.
    const stored = await server.built.database.db
      .selectFrom('holder_email_tokens')
      .select('token_hash')
      .execute();
    expect(stored.some((row) => row.token_hash.includes(token))).toBe(false);

    const verified = await post('/api/v1/holder-account/verify', { token });
    expect(verified.statusCode).toBe(200);
    const body = verified.json();
    expect(body.email).toBe(sofiaEmail);
    // VSC and GAP on the first vehicle, and the second vehicle; not the household member's.
    expect(body.contractIds).toHaveLength(3);
    expect(body.contractIds).toContain(secondVehicleId);
    accountToken = body.token;
    expect((await get('/api/v1/holder-account', accountToken)).json()).toEqual({
      account: { email: sofiaEmail, verified: true },
    });

    const again = await post('/api/v1/holder-account/verify', { token });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('link_invalid');
  });

  it('signs in by an emailed link that works once and for 15 minutes only', async () => {
    const before = smtp.received.length;
    const unknown = await post('/api/v1/holder-account/sign-in-link', { email: 'nobody@example.com' });
    const known = await post('/api/v1/holder-account/sign-in-link', { email: sofiaEmail });
    // The same answer whether or not the email has an account.
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.json()).toEqual({ message: SAME_ANSWER });
    expect(known.json()).toEqual(unknown.json());
    const mail = await smtp.waitForMail(
      (m) => smtp.received.indexOf(m) >= before && m.text.includes('Your Coverwise sign-in link'),
    );
    expect(mail.to).toEqual([sofiaEmail]);
    const token = linkTokenIn(mail);

    const signedIn = await post('/api/v1/holder-account/sign-in', { token });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().contractIds).toHaveLength(3);
    expect((await post('/api/v1/holder-account/sign-in', { token })).json().code).toBe('link_invalid');
    expect((await post('/api/v1/holder-account/sign-in', { token: 'cwl_forged' })).statusCode).toBe(401);

    // A link asked for now expires 15 minutes later.
    await post('/api/v1/holder-account/sign-in-link', { email: sofiaEmail });
    const late = await smtp.waitForMail(
      (m) =>
        m !== mail &&
        smtp.received.indexOf(m) > smtp.received.indexOf(mail) &&
        m.text.includes('sign-in link'),
    );
    clock.advance(15 * 60_000);
    const expired = await post('/api/v1/holder-account/sign-in', { token: linkTokenIn(late) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('link_invalid');
    // No email went to the unknown address.
    expect(smtp.received.some((m) => m.to.includes('nobody@example.com'))).toBe(false);
  });

  it('lists the emails the holder was sent in the notification centre, without the links', async () => {
    const response = await get('/api/v1/holder-account/notifications', accountToken);
    expect(response.statusCode).toBe(200);
    const subjects = (response.json().data as { subject: string; body: string }[]).map((n) => n.subject);
    expect(subjects).toContain('Confirm your email for your Coverwise account');
    expect(subjects).toContain('Your Coverwise sign-in link');
    expect(JSON.stringify(response.json())).not.toContain('cwl_');
  });

  it('emails the contracts on file for "forgot which contract?" and answers the same for an unknown email', async () => {
    const known = await post('/api/v1/holder-account/forgot-contract', { email: 'SOFIA.5@example.com' });
    const unknown = await post('/api/v1/holder-account/forgot-contract', { email: 'stranger@example.com' });
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    const mail = await smtp.waitForMail((m) => m.text.includes('Your Coverwise contracts'));
    expect(mail.to).toEqual([sofiaEmail]);
    expect(mail.text).toContain(`Contract ${sofia.contractNumber}`);
    expect(mail.text).toContain('Contract DEMO-000006 (GAP addendum)');
    expect(mail.text).toContain(`VIN ending …${sofia.vin.slice(-6)}`);
    expect(mail.text).not.toContain(sofia.vin);
    expect(smtp.received.some((m) => m.to.includes('stranger@example.com'))).toBe(false);
  });

  it('throttles requests for one email from one address like holder sign-in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await post('/api/v1/holder-account/forgot-contract', { email: 'probe@example.com' })).statusCode,
      );
    }
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('keeps last name + ZIP + VIN working for holders without an account', async () => {
    const holder = DEMO_HOLDERS[0]!;
    const facts = await post('/api/v1/auth/holder-login', {
      lastName: holder.lastName,
      zip: holder.zip,
      vin: holder.vin,
    });
    expect(facts.statusCode).toBe(200);
  });
});
