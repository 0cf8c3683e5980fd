// Every upload takes the documents module's one path, so with COVERWISE_CLAMD_URL set a transfer's
// maintenance record and a benefit claim's receipt are virus-scanned like a GAP claim document: an
// infected file is refused with 422 malware_detected and nothing of it is recorded or stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { EICAR, PDF, startFakeClamd } from '../../test/support/fake-clamd.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
let serial = 0;

/** A multipart body: optional text fields, then one file part. */
function multipart(fields: Record<string, string>, name: string, bytes: Buffer) {
  const boundary = `----coverwise-scan-${serial}`;
  const head = Object.entries(fields)
    .map(
      ([field, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  return {
    payload: Buffer.concat([
      Buffer.from(
        `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Every file below the folder (the stored files, the staged ones and the scan spool). */
function filesBelow(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describeEachEngine('uploads scanned by clamd', (engine) => {
  let fake: Awaited<ReturnType<typeof startFakeClamd>>;
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-scanned-documents-'));

  beforeAll(async () => {
    fake = await startFakeClamd();
    server = await startTestServer({
      engine,
      clock,
      env: {
        COVERWISE_DOCUMENTS_DIR: documentsDir,
        COVERWISE_CLAMD_URL: `tcp://127.0.0.1:${fake.port}`,
        COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS: '1000',
      },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  });

  /** A service contract sold in Florida and a session of its holder. */
  async function holderWithContract() {
    serial += 1;
    const lastName = `Scan${String.fromCharCode(65 + serial)}son`;
    const vin = withCheckDigit(`2HGFC2F50NS${String(serial).padStart(6, '0')}`);
    const created = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: {
        product: 'vsc',
        planCode: 'VALUE_GUARD',
        holder: {
          firstName: 'Ana',
          lastName,
          address: { line1: '1 Elm St', city: 'Miami', state: 'FL', zip: '33101' },
        },
        vehicle: { vin, year: 2022, make: 'Honda', model: 'Civic' },
        odometerAtSale: 30_000,
        purchaseDate: '2026-01-15',
        purchaseState: 'FL',
        termMonths: 36,
        termMiles: 36_000,
        priceCents: 120_000,
        deductibleCents: 10_000,
        lienholder: null,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const holder = await holderClient(server, { lastName, zip: '33101', vin });
    return { holder, contractId: created.json().id as string };
  }

  const documentsOf = (ownerId: string) =>
    server.built.database.db
      .selectFrom('documents')
      .select(['id', 'sha256'])
      .where('owner_id', '=', ownerId)
      .execute();

  it('scans a transfer record: the infected one is refused and nothing is stored, a clean one is kept', async () => {
    const { holder, contractId } = await holderWithContract();
    const requested = await holder({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/transfers`,
      payload: {
        ownershipTransferredOn: '2026-11-15',
        saleType: 'private',
        odometer: 41_000,
        buyer: {
          firstName: 'Bo',
          lastName: 'Hara',
          address: { line1: '9 Bay Rd', city: 'Tampa', state: 'FL', zip: '33602' },
        },
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const transferId = requested.json().id as string;
    const filesBefore = filesBelow(documentsDir);
    const scansBefore = fake.commands.length;

    const infected = await holder({
      method: 'POST',
      url: `/api/v1/transfers/${transferId}/documents`,
      ...multipart({ type: 'maintenance_record' }, 'oil-changes.pdf', EICAR),
    });
    expect(infected.statusCode, infected.body).toBe(422);
    expect(infected.json()).toMatchObject({ code: 'malware_detected', param: 'file' });
    expect(fake.commands.length).toBe(scansBefore + 1);
    expect(await documentsOf(transferId)).toEqual([]);
    expect(filesBelow(documentsDir)).toEqual(filesBefore);

    const clean = await holder({
      method: 'POST',
      url: `/api/v1/transfers/${transferId}/documents`,
      ...multipart({ type: 'maintenance_record' }, 'oil-changes.pdf', PDF),
    });
    expect(clean.statusCode, clean.body).toBe(201);
    expect(fake.commands.length).toBe(scansBefore + 2);
    expect(await documentsOf(transferId)).toHaveLength(1);
  });

  describe('benefit receipts', () => {
    const trip = {
      breakdownOn: '2026-11-20',
      milesFromHome: 250,
      expenses: [{ date: '2026-11-20', category: 'lodging', amountCents: 12_000 }],
    };

    it('scans a receipt attached to a claim: the infected one is refused and nothing is stored', async () => {
      const { holder, contractId } = await holderWithContract();
      const filed = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/trip-interruption-claims`,
        payload: trip,
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const claimId = filed.json().id as string;
      const filesBefore = filesBelow(documentsDir);
      const scansBefore = fake.commands.length;

      const infected = await holder({
        method: 'POST',
        url: `/api/v1/trip-interruption-claims/${claimId}/receipts`,
        ...multipart({}, 'hotel.pdf', EICAR),
      });
      expect(infected.statusCode, infected.body).toBe(422);
      expect(infected.json()).toMatchObject({ code: 'malware_detected', param: 'file' });
      expect(fake.commands.length).toBe(scansBefore + 1);
      expect(await documentsOf(claimId)).toEqual([]);
      expect(filesBelow(documentsDir)).toEqual(filesBefore);

      const clean = await holder({
        method: 'POST',
        url: `/api/v1/trip-interruption-claims/${claimId}/receipts`,
        ...multipart({}, 'hotel.pdf', PDF),
      });
      expect(clean.statusCode, clean.body).toBe(201);
      expect(fake.commands.length).toBe(scansBefore + 2);
      expect(await documentsOf(claimId)).toHaveLength(1);
    });

    it('scans the receipts filed with a claim: an infected one files nothing', async () => {
      const { holder, contractId } = await holderWithContract();
      const filesBefore = filesBelow(documentsDir);
      const scansBefore = fake.commands.length;
      const boundary = '----coverwise-scan-with-receipts';
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="claim"\r\n\r\n${JSON.stringify(trip)}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hotel.pdf"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        EICAR,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const refused = await holder({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/trip-interruption-claims/with-receipts`,
        payload,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'malware_detected', param: 'receipts[0]' });
      expect(fake.commands.length).toBe(scansBefore + 1);
      const claims = await server.built.database.db
        .selectFrom('trip_interruption_claims')
        .select('id')
        .where('contract_id', '=', contractId)
        .execute();
      expect(claims).toEqual([]);
      expect(filesBelow(documentsDir)).toEqual(filesBefore);
    });
  });
});
