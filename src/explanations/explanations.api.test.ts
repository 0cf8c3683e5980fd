import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { addDays } from '../shared/calendar-date.js';

// The API answers a refusal with the holder sentence from the explanations table.
const TODAY = '2026-11-25';
const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('explained refusals', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
  });
  afterAll(() => server?.close());

  it('tells the holder the transfer window and how late the report is', async () => {
    const holder = await holderClient(server, DEMO_HOLDERS[0]!);
    const contract = await server.built.database.db
      .selectFrom('contracts')
      .select('odometer_at_sale')
      .where('id', '=', holder.contractIds[0]!)
      .executeTakeFirstOrThrow();
    const response = await holder({
      method: 'POST',
      url: `/api/v1/contracts/${holder.contractIds[0]}/transfers`,
      payload: {
        ownershipTransferredOn: addDays(TODAY, -31),
        saleType: 'private',
        odometer: contract.odometer_at_sale + 100,
        buyer: {
          firstName: 'Bo',
          lastName: 'Hara',
          email: 'bo@example.com',
          address: { line1: '9 Bay Rd', city: 'Tampa', state: 'FL', zip: '33602' },
        },
      },
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'transfer_window_elapsed',
      param: 'ownershipTransferredOn',
      detail:
        'A transfer must be reported within 30 days of the ownership change; this one was reported after 31 days.',
    });
  });
});
