// No personal data in the logs of a real server process (LOG_LEVEL=info): holder names, full VINs,
// addresses and tokens never appear after sign-ins, coverage and contract reads. A process-level test
// (vitest.config.ts runs it with the other process tests, one file at a time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { killAllProcesses, startServerProcess } from '../support/process.js';

const GAP_HOLDER = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const HOLDER = DEMO_HOLDERS[0]!;

describe('logs', () => {
  afterEach(() => killAllProcesses());

  it('hold no holder names, full VINs, addresses or tokens after sign-ins, coverage and contract reads', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-logs-'));
    const server = await startServerProcess({
      COVERWISE_DATA_DIR: dataDir,
      COVERWISE_DEMO: '1',
      DATABASE_URL: '',
    });
    const { baseUrl } = server;
    const post = (url: string, body: unknown, token?: string) =>
      fetch(`${baseUrl}${url}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const get = (url: string, token: string) =>
      fetch(`${baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });

    const holderLogin = await post('/api/v1/auth/holder-login', {
      lastName: HOLDER.lastName,
      zip: HOLDER.zip,
      vin: HOLDER.vin,
    });
    expect(holderLogin.status).toBe(200);
    const holder = (await holderLogin.json()) as { token: string; contractIds: string[] };
    const contract = (await (
      await get(`/api/v1/contracts/${holder.contractIds[0]}`, holder.token)
    ).json()) as {
      holder: {
        firstName: string;
        lastName: string;
        email?: string;
        phone?: string;
        address: { line1: string };
      };
    };
    expect(
      (await post('/api/v1/auth/holder-login', { lastName: 'Nobody', zip: HOLDER.zip, vin: HOLDER.vin }))
        .status,
    ).toBe(401);
    const shopLogin = (await (
      await post('/api/v1/auth/login', { email: 'shop@coverwise.test', password: 'coverwise-demo' })
    ).json()) as { token: string };
    expect(
      (await get(`/api/v1/coverage?vin=${HOLDER.vin}&odometer=50000`, shopLogin.token)).status,
    ).toBeLessThan(500);
    const gap = await post('/api/v1/gap-claims', {
      lastName: GAP_HOLDER.lastName,
      zip: GAP_HOLDER.zip,
      vin: GAP_HOLDER.vin,
      dateOfLoss: '2026-11-20',
      lossType: 'total_loss',
    });
    const gapToken = ((await gap.json()) as { token?: string }).token;
    expect((await post('/api/v1/auth/logout', {}, holder.token)).status).toBe(204);
    // Every line is written once the process has stopped and its output has been read.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const output = server.output();
    expect(output).toContain('request completed');
    const secrets = [
      HOLDER.vin,
      GAP_HOLDER.vin,
      contract.holder.lastName,
      contract.holder.firstName,
      contract.holder.address.line1,
      contract.holder.email,
      contract.holder.phone,
      holder.token,
      shopLogin.token,
      gapToken,
      'coverwise-demo',
    ].filter((value): value is string => typeof value === 'string' && value.length > 0);
    for (const secret of secrets) expect(output, `the log shows "${secret}"`).not.toContain(secret);
    // The VIN appears at most as its last 6 characters.
    expect(output).toContain(HOLDER.vin.slice(-6));
  });
});
