import { createHash } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractRow } from '../../test/support/contract-row.js';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { holderClient, staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { contractFormSections, renderContractForm } from './contract-form.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;

const row = contractRow({
  contract_number: 'VSC-2026-000042',
  plan_code: 'MAJOR_GUARD',
  holder_email: 'ana@example.com',
  purchase_state: 'KS',
  price_cents: 189_900,
  selling_dealer_code: 'D-2002',
  selling_dealer_name: 'Sunflower Ford',
});

describe('the contract form', () => {
  const terms = resolveTerms(loadDefaultCatalog(), 'MAJOR_GUARD', 'KS')!;

  it('holds the holder, vehicle, plan, term, price, deductible, benefits, cancellation, transfer and state rules', () => {
    const text = contractFormSections(row, terms)
      .flatMap((s) => [s.heading, ...s.lines])
      .join('\n');
    for (const expected of [
      'Contract number: VSC-2026-000042',
      'Ana Núñez',
      'VIN: 1HGCM82633A004352',
      '2024 Honda Accord',
      'Plan: Major Guard',
      'Term: 36 months or 36,000 miles, whichever comes first; expires 2029-01-15 or at 66,000 miles',
      'Contract price: $1,899.00',
      'Deductible: $100.00 per repair visit',
      'Towing and roadside assistance: up to $75.00 per disablement',
      'Trip interruption: not included',
      'Within 60 days of purchase with no claim filed: full refund, no fee.',
      'fee $50.00',
      'Rules of KS',
      'Lienholder: First Prairie Bank',
    ])
      expect(text).toContain(expected);
  });

  it('is a PDF, and the same contract always gives the same bytes', async () => {
    const first = await renderContractForm(row, terms);
    const second = await renderContractForm(row, terms);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(first.equals(second)).toBe(true);
    const changed = await renderContractForm({ ...row, price_cents: 189_901 }, terms);
    expect(changed.equals(first)).toBe(false);
  });
});

describeEachEngine('contract forms and e-signatures', (engine) => {
  let server: TestServer;
  let dealer: Client;
  let adjuster: Client;
  let contractId: string;

  async function bookBasicGuard(): Promise<string> {
    const offers = (await dealer({ method: 'POST', url: '/api/v1/rates', payload: rateBody() })).json()
      .offers;
    const offer = offers.find((o: { planCode: string }) => o.planCode === 'BASIC_GUARD');
    const booked = await dealer({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: bookingBody(offer.rateId, offer.dealerCostCents),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    return booked.json().id;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    dealer = await staffClient(server, 'dealer@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    contractId = await bookBasicGuard();
  });
  afterAll(() => server.close());

  it('serves the form to its dealer and staff as application/pdf, named by its SHA-256', async () => {
    for (const client of [dealer, adjuster]) {
      const response = await client({ url: `/api/v1/contracts/${contractId}/form` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(response.headers['x-form-sha256']).toBe(
        createHash('sha256').update(response.rawPayload).digest('hex'),
      );
    }
  });

  it('serves a demo holder the form of its own contract, and no one else’s', async () => {
    const holder = await holderClient(server, DEMO_HOLDERS[0]!);
    const own = await holder({ url: `/api/v1/contracts/${holder.contractIds[0]}/form` });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect((await holder({ url: `/api/v1/contracts/${contractId}/form` })).statusCode).toBe(404);
  });

  it('records an e-signature with name, time, IP and the SHA-256 of the exact PDF signed', async () => {
    const form = await dealer({ url: `/api/v1/contracts/${contractId}/form` });
    const sha = form.headers['x-form-sha256'] as string;
    const wrong = await dealer({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/signatures`,
      payload: { signerName: 'Dana Dealer', formSha256: '0'.repeat(64) },
    });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'form_changed', param: 'formSha256' });
    const signed = await dealer({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/signatures`,
      payload: { signerName: 'Dana Dealer', formSha256: sha },
    });
    expect(signed.statusCode, signed.body).toBe(201);
    expect(signed.json()).toMatchObject({
      signerKind: 'dealer',
      signerName: 'Dana Dealer',
      signedAt: '2026-11-25T15:00:00.000Z',
      ipAddress: '127.0.0.1',
      pdfSha256: sha,
    });
    const list = (await adjuster({ url: `/api/v1/contracts/${contractId}/signatures` })).json();
    expect(list.data).toHaveLength(1);
    const audit = (await adjuster({ url: `/api/v1/contracts/${contractId}/audit` })).json();
    expect(audit.data.map((e: { action: string }) => e.action)).toContain('contract.form_signed');
  });

  const sign = async (id: string, signerName: string) => {
    const form = await dealer({ url: `/api/v1/contracts/${id}/form` });
    return dealer({
      method: 'POST',
      url: `/api/v1/contracts/${id}/signatures`,
      payload: { signerName, formSha256: form.headers['x-form-sha256'] },
    });
  };
  const signatureCount = async (id: string) =>
    (await adjuster({ url: `/api/v1/contracts/${id}/signatures` })).json().data.length as number;

  it('refuses a signer name that is only spaces (400, param signerName) and keeps a name trimmed', async () => {
    const before = await signatureCount(contractId);
    for (const signerName of ['   ', '\t\n']) {
      const refused = await sign(contractId, signerName);
      expect(refused.statusCode, JSON.stringify(signerName)).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'validation_failed', param: 'signerName' });
    }
    expect(await signatureCount(contractId)).toBe(before);
    const spaced = await sign(contractId, '  Ana Núñez  ');
    expect(spaced.statusCode, spaced.body).toBe(201);
    expect(spaced.json().signerName).toBe('Ana Núñez');
  });

  it('refuses to sign the form of a contract that is not active (409 contract_not_active)', async () => {
    const admin = await staffClient(server, 'admin@coverwise.test');
    const cases: [string, (id: string) => Promise<LightMyRequestResponse>][] = [
      [
        'void',
        (id) =>
          dealer({
            method: 'POST',
            url: `/api/v1/contracts/${id}/void`,
            payload: { reason: 'Deal unwound' },
          }),
      ],
      [
        'cancelled',
        (id) =>
          admin({
            method: 'POST',
            url: `/api/v1/contracts/${id}/cancellation`,
            payload: { cancelOn: '2026-11-25', reason: 'customer_request', odometer: 12_500 },
          }),
      ],
    ];
    for (const [status, endIt] of cases) {
      const id = await bookBasicGuard();
      const ended = await endIt(id);
      expect(ended.statusCode, ended.body).toBeLessThan(300);
      expect((await adjuster({ url: `/api/v1/contracts/${id}` })).json().status).toBe(status);
      // The form itself is still served (the record of what was sold).
      expect((await dealer({ url: `/api/v1/contracts/${id}/form` })).statusCode).toBe(200);
      const refused = await sign(id, 'Dana Dealer');
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().code).toBe('contract_not_active');
      expect(await signatureCount(id)).toBe(0);
    }
  });
});
