import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestServer } from './server.js';

/** Signs in a demo staff user and returns a function that sends requests with their token. */
export async function staffClient(server: TestServer, email: string, password = 'coverwise-demo') {
  const login = await server.built.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${login.body}`);
  const token: string = login.json().token;
  return (options: InjectOptions): Promise<LightMyRequestResponse> =>
    server.built.app.inject({
      ...options,
      headers: { ...options.headers, authorization: `Bearer ${token}` },
    });
}

export async function holderClient(
  server: TestServer,
  facts: { lastName: string; zip: string; vin: string },
) {
  const payload = { lastName: facts.lastName, zip: facts.zip, vin: facts.vin };
  const login = await server.built.app.inject({ method: 'POST', url: '/api/v1/auth/holder-login', payload });
  if (login.statusCode !== 200) throw new Error(`holder sign-in failed: ${login.body}`);
  const token: string = login.json().token;
  const send = (options: InjectOptions): Promise<LightMyRequestResponse> =>
    server.built.app.inject({
      ...options,
      headers: { ...options.headers, authorization: `Bearer ${token}` },
    });
  return Object.assign(send, { contractIds: login.json().contractIds as string[] });
}
