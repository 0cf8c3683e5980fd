import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, PDF } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { waitFor } from '../../test/support/process.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { gapAddendumBody } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { createFileDocumentStore } from '../platform/storage/document-store.js';

// Business "today" is Wednesday 2026-11-25, 10:00 in America/New_York: a document received now is
// due Monday 2026-11-30, because Thursday is Thanksgiving (docs/domain.md "Business days").
const clock = new FakeClock('2026-11-25T15:00:00Z');
// The demo holder with a Feature Guard and a GAP addendum on one vehicle (Texas, financed).
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
const vscOnlyHolder = DEMO_HOLDERS[0]!;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describeEachEngine('GAP claims', (engine) => {
  let server: TestServer;
  let reviewer: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-gap-documents-'));

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      // Sessions outlive the clock moves below (a week ahead, to make reviews overdue).
      env: {
        COVERWISE_DOCUMENTS_DIR: documentsDir,
        COVERWISE_UPLOAD_MAX_MB: '1',
        COVERWISE_SESSION_TTL_HOURS: '720',
      },
    });
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    admin = await staffClient(server, 'admin@coverwise.test');
  });
  afterAll(() => server.close());

  const inject = (options: InjectOptions): Promise<LightMyRequestResponse> =>
    server.built.app.inject(options);

  const startBody = (overrides: Record<string, unknown> = {}) => ({
    lastName: gapHolder.lastName,
    zip: gapHolder.zip,
    vin: gapHolder.vin,
    dateOfLoss: '2026-11-20',
    lossType: 'total_loss',
    ...overrides,
  });
  let vehicleSerial = 0;
  /** A GAP addendum of its own (a paid addendum is spent), answering the facts that start a claim on it. */
  async function newGapVehicle() {
    vehicleSerial += 1;
    const vin = withCheckDigit(`1FTFW1E50NF${String(900_000 + vehicleSerial).padStart(6, '0')}`);
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: gapAddendumBody(vin),
    });
    expect(response.statusCode, response.body).toBe(201);
    return { lastName: 'Okoye', zip: '78701', vin };
  }
  const start = (body: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/api/v1/gap-claims', payload: body });
  const asHolder = (token: string) => (options: InjectOptions) =>
    inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
  const upload = (
    send: ReturnType<typeof asHolder>,
    claimId: string,
    type: string,
    bytes: Buffer,
    name = 'scan.pdf',
  ) => {
    const body = multipart({ type }, { name, bytes });
    return send({ method: 'POST', url: `/api/v1/gap-claims/${claimId}/documents`, ...body });
  };
  const tmpFiles = () => fs.readdirSync(path.join(documentsDir, 'tmp'));

  let claimId: string;
  let holder: ReturnType<typeof asHolder>;
  let required: string[];

  describe('starting a claim', () => {
    it('starts a claim on the GAP addendum with last name, ZIP and VIN and lists its documents', async () => {
      const response = await start(startBody());
      expect(response.statusCode).toBe(201);
      const claim = response.json();
      expect(claim).toMatchObject({
        status: 'awaiting_documents',
        lossType: 'total_loss',
        detailsDiffer: [],
      });
      expect(claim.claimNumber).toMatch(/^GAP-CL-2026-\d{6}$/);
      expect(claim.token).toMatch(/^cws_/);
      required = claim.requiredDocuments.map((d: { type: string }) => d.type);
      expect(required).toEqual([
        'gap_addendum',
        'retail_installment_contract',
        'payment_history_payoff',
        'insurer_valuation_report',
        'insurer_settlement',
        'insurance_declarations',
        'addon_refund_proof',
      ]);
      expect(claim.requiredDocuments[0]).toMatchObject({ name: 'GAP addendum', status: 'missing' });
      claimId = claim.id;
      holder = asHolder(claim.token);
    });

    it.each([
      ['the same details', {}, []],
      ['another kind of loss', { lossType: 'theft' }, ['lossType']],
      ['a recovered theft', { lossType: 'theft', vehicleRecovered: true }, ['lossType']],
      ['another date of loss', { dateOfLoss: '2026-11-18' }, ['dateOfLoss']],
      ['another date and kind', { dateOfLoss: '2026-11-18', lossType: 'theft' }, ['dateOfLoss', 'lossType']],
    ])(
      'answers the open claim (200, unchanged) to a start again with %s, naming the details it holds otherwise',
      async (_case, overrides, detailsDiffer) => {
        const response = await start(startBody(overrides));
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toMatchObject({
          id: claimId,
          dateOfLoss: '2026-11-20',
          lossType: 'total_loss',
          detailsDiffer,
        });
      },
    );

    it.each([
      ['a date of loss after today', '2026-11-26'],
      ['a date of loss a year ahead', '2027-11-28'],
      ['a date of loss before the addendum was bought', '2020-01-01'],
    ])(
      'judges a start again before answering the open claim: %s is 422 invalid_date',
      async (_case, dateOfLoss) => {
        const response = await start(startBody({ dateOfLoss }));
        expect(response.statusCode, response.body).toBe(422);
        expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'dateOfLoss' });
        const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
        expect(claim).toMatchObject({ dateOfLoss: '2026-11-20', lossType: 'total_loss' });
      },
    );

    it.each([
      ['a wrong ZIP code', { zip: '99999' }],
      ['a wrong last name', { lastName: 'Nobody' }],
      [
        'a vehicle with no GAP addendum',
        { lastName: vscOnlyHolder.lastName, zip: vscOnlyHolder.zip, vin: vscOnlyHolder.vin },
      ],
    ])('refuses %s with the same 401 verification_failed', async (_case, overrides) => {
      const response = await start(startBody(overrides));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'verification_failed' });
    });
  });

  describe('uploading documents', () => {
    it('stores a PDF with its SHA-256 and the review due date two business days after receipt', async () => {
      const response = await upload(holder, claimId, 'gap_addendum', PDF);
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        type: 'gap_addendum',
        status: 'pending_review',
        contentType: 'application/pdf',
        receivedAt: '2026-11-25T15:00:00.000Z',
        reviewDueOn: '2026-11-30',
        overdue: false,
      });
      expect(response.json().sha256).toMatch(/^[0-9a-f]{64}$/);
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(claim.status).toBe('under_review');
      expect(claim.requiredDocuments[0]).toMatchObject({
        status: 'pending_review',
        reviewDueOn: '2026-11-30',
      });
      expect(claim.timeline.map((e: { words: string }) => e.words)).toEqual([
        'Claim started',
        'GAP addendum received; review due by November 30, 2026',
        'Your documents are being reviewed: The first document was received.',
      ]);
    });

    it('refuses a file that is not PDF, JPEG, PNG or HEIC with 415 and keeps nothing', async () => {
      const response = await upload(
        holder,
        claimId,
        'retail_installment_contract',
        Buffer.from('just text\n'.repeat(50)),
        'a.txt',
      );
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ code: 'unsupported_file_type', param: 'file' });
      expect(tmpFiles()).toEqual([]);
    });

    it('refuses a file above the size cap with 413 and keeps nothing', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
      const response = await upload(holder, claimId, 'retail_installment_contract', big);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ code: 'file_too_large' });
      expect(tmpFiles()).toEqual([]);
    });

    it('leaves nothing behind when the upload is interrupted halfway', async () => {
      const token = (await start(startBody())).json().token as string;
      const body = multipart(
        { type: 'retail_installment_contract' },
        { name: 'x.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(200_000, 0x20)]) },
      );
      const url = new URL(`/api/v1/gap-claims/${claimId}/documents`, server.baseUrl);
      const request = http.request(url, {
        method: 'POST',
        headers: {
          ...body.headers,
          authorization: `Bearer ${token}`,
          'content-length': String(body.payload.length),
        },
      });
      request.on('error', () => {});
      request.write(body.payload.subarray(0, 100_000));
      // Once the server has started the file, the client goes away halfway.
      await waitFor('the partial upload in the store', () => tmpFiles().length > 0);
      request.destroy();
      // The server notices the closed connection and removes its partial file.
      await waitFor('the partial upload to be removed', () => tmpFiles().length === 0);
      expect(tmpFiles()).toEqual([]);
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(claim.documents).toHaveLength(1);
    });

    it('refuses a document type the claim does not need', async () => {
      const response = await upload(holder, claimId, 'police_report', PDF);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'type' });
    });

    it('answers 404 to a holder of another contract', async () => {
      const other = await inject({
        method: 'POST',
        url: '/api/v1/auth/holder-login',
        payload: { lastName: vscOnlyHolder.lastName, zip: vscOnlyHolder.zip, vin: vscOnlyHolder.vin },
      });
      const stranger = asHolder(other.json().token);
      expect((await stranger({ url: `/api/v1/gap-claims/${claimId}` })).statusCode).toBe(404);
      expect((await upload(stranger, claimId, 'gap_addendum', PDF)).statusCode).toBe(404);
    });
  });

  describe('reviews, the work queue and the benefit', () => {
    it('lists pending reviews in the work queue by due date, flagging overdue ones', async () => {
      const queue = (await reviewer({ url: '/api/v1/work-queue' })).json();
      expect(queue.data).toHaveLength(1);
      expect(queue.data[0]).toMatchObject({
        kind: 'gap_document_review',
        dueOn: '2026-11-30',
        overdue: false,
        title: expect.stringContaining('GAP addendum'),
      });
      clock.set('2026-12-01T15:00:00Z');
      try {
        const later = (await reviewer({ url: '/api/v1/work-queue' })).json();
        expect(later.data[0]).toMatchObject({ overdue: true, escalated: false });
      } finally {
        clock.set('2026-11-25T15:00:00Z');
      }
    });

    it('refuses a rejection without a reason, then rejects with one the holder reads', async () => {
      const documentId = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json().documents[0].id;
      const noReason = await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${documentId}/review`,
        payload: { decision: 'reject' },
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json()).toMatchObject({ code: 'validation_failed', param: 'reason' });
      const rejected = await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${documentId}/review`,
        payload: { decision: 'reject', reason: 'The addendum is not signed.' },
      });
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json()).toMatchObject({
        status: 'rejected',
        reviewReason: 'The addendum is not signed.',
      });
      const again = await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${documentId}/review`,
        payload: { decision: 'accept' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'invalid_status_transition' });
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(claim.requiredDocuments[0]).toMatchObject({
        status: 'rejected',
        reason: 'The addendum is not signed.',
      });
    });

    it('replaces a rejected document with a re-upload, keeping the old one as superseded', async () => {
      const response = await upload(holder, claimId, 'gap_addendum', PNG, 'signed.png');
      expect(response.statusCode).toBe(201);
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      const statuses = claim.documents.map((d: { status: string; supersedesId: string | null }) => d.status);
      expect(statuses.sort()).toEqual(['pending_review', 'superseded']);
      expect(
        claim.documents.find((d: { status: string }) => d.status === 'pending_review').supersedesId,
      ).toBe(claim.documents.find((d: { status: string }) => d.status === 'superseded').id);
      const duplicate = await upload(holder, claimId, 'gap_addendum', PDF);
      expect(duplicate.statusCode).toBe(409);
    });

    it('serves the file to staff with its type, sandboxed, inline only for the viewer', async () => {
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      const png = claim.documents.find((d: { status: string }) => d.status === 'pending_review');
      const inline = await reviewer({ url: `/api/v1/documents/${png.id}/file?inline=true` });
      expect(inline.statusCode).toBe(200);
      expect(inline.headers['content-type']).toBe('image/png');
      expect(inline.headers['content-disposition']).toMatch(/^inline; filename="gap_addendum-/);
      expect(inline.headers['content-security-policy']).toBe('sandbox');
      expect(inline.headers['x-content-type-options']).toBe('nosniff');
      expect(inline.rawPayload.equals(PNG)).toBe(true);
      const download = await holder({ url: `/api/v1/documents/${png.id}/file` });
      expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    });

    it('refuses the benefit before every document is accepted', async () => {
      const response = await adjuster({
        method: 'POST',
        url: `/api/v1/gap-claims/${claimId}/benefit`,
        payload: { payoffCents: 2_500_000, acvCents: 2_100_000, primaryDeductibleCents: 100_000 },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'invalid_status_transition' });
    });

    it('becomes ready for calculation once every required document is accepted', async () => {
      for (const type of required.slice(1)) {
        expect((await upload(holder, claimId, type, PDF)).statusCode).toBe(201);
      }
      const claim = (await reviewer({ url: `/api/v1/gap-claims/${claimId}` })).json();
      for (const document of claim.documents.filter(
        (d: { status: string }) => d.status === 'pending_review',
      )) {
        const response = await reviewer({
          method: 'POST',
          url: `/api/v1/documents/${document.id}/review`,
          payload: { decision: 'accept' },
        });
        expect(response.statusCode).toBe(200);
      }
      const ready = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(ready.status).toBe('ready_for_calculation');
      expect(ready.timeline.at(-1).words).toBe(
        'All documents accepted; the benefit is being calculated: Every required document was accepted.',
      );
      expect((await reviewer({ url: '/api/v1/work-queue' })).json().data).toEqual([]);
    });

    it('computes the worked example: owed $25,000, ACV $21,000, deductible $1,000 → $5,000', async () => {
      const response = await adjuster({
        method: 'POST',
        url: `/api/v1/gap-claims/${claimId}/benefit`,
        payload: { payoffCents: 2_500_000, acvCents: 2_100_000, primaryDeductibleCents: 100_000 },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        benefitCents: 500_000,
        lines: [
          {
            label: 'Loan payoff on the date of loss',
            amountCents: 2_500_000,
            code: 'payoff',
            params: { payoffCents: 2_500_000 },
          },
          {
            label: 'Insurance settlement: actual cash value of the vehicle',
            amountCents: -2_100_000,
            code: 'acv',
            params: { acvCents: 2_100_000 },
          },
          {
            label: 'Your insurance deductible',
            amountCents: 100_000,
            code: 'deductible',
            params: { deductibleCoveredCents: 100_000 },
          },
        ],
      });
      const reviewerTry = await reviewer({
        method: 'POST',
        url: `/api/v1/gap-claims/${claimId}/benefit`,
        payload: { payoffCents: 1, acvCents: 1, primaryDeductibleCents: 1 },
      });
      expect(reviewerTry.statusCode).toBe(403);
    });

    it('approves the benefit for the next payment run, which pays the lienholder: one ledger entry, the claim is paid', async () => {
      const approve = () =>
        adjuster({ method: 'POST', url: `/api/v1/gap-claims/${claimId}/approval`, payload: {} });
      const response = await approve();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'approved', payment: null });
      expect((await approve()).json()).toMatchObject({ code: 'invalid_status_transition' });
      const calculate = () =>
        adjuster({
          method: 'POST',
          url: `/api/v1/gap-claims/${claimId}/benefit`,
          payload: { payoffCents: 2_500_000, acvCents: 2_100_000, primaryDeductibleCents: 100_000 },
        });
      // An approved claim is not told that its documents are awaited.
      const recalculated = await calculate();
      expect(recalculated.statusCode).toBe(409);
      expect(recalculated.json()).toMatchObject({
        code: 'invalid_status_transition',
        detail: expect.stringMatching(/^This claim is already approved/),
      });
      const deny = await adjuster({
        method: 'POST',
        url: `/api/v1/gap-claims/${claimId}/denial`,
        payload: { reason: 'too late' },
      });
      expect(deny.statusCode).toBe(409);
      const { db } = server.built.database;
      const journalOf = (eventKey: string) =>
        db
          .selectFrom('journal_lines as l')
          .innerJoin('journal_entries as e', 'e.id', 'l.entry_id')
          .select(['l.account_code', 'l.debit_cents', 'l.credit_cents'])
          .where('e.event_key', '=', eventKey)
          .orderBy('l.line_number')
          .execute();
      // Approved, the benefit is owed: claims expense against claims payable; nothing is paid yet.
      expect(await journalOf(`gap_claim_incurred:${claimId}`)).toEqual([
        { account_code: '5000', debit_cents: 500_000, credit_cents: 0 },
        { account_code: '2100', debit_cents: 0, credit_cents: 500_000 },
      ]);
      const ledgerOfClaim = () =>
        db.selectFrom('ledger_entries').selectAll().where('source_id', '=', claimId).execute();
      expect(await ledgerOfClaim()).toEqual([]);

      // The next payment run pays it to the lienholder.
      const sdn = await admin({
        method: 'POST',
        url: '/api/v1/ofac/sdn-lists',
        headers: { 'content-type': 'text/csv' },
        payload: `306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'."\r\n`,
      });
      expect(sdn.statusCode, sdn.body).toBe(201);
      const run = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
      expect(run.statusCode, run.body).toBe(201);
      const item = run.json().items.find((i: { source: { id: string } }) => i.source.id === claimId);
      expect(item).toMatchObject({
        source: { type: 'gap_claim' },
        payee: { type: 'lienholder' },
        amountCents: 500_000,
        status: 'ready',
      });
      const paidRun = await admin({ method: 'POST', url: `/api/v1/payment-runs/${run.json().id}/approval` });
      expect(paidRun.statusCode, paidRun.body).toBe(200);
      const paid = (await adjuster({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(paid).toMatchObject({
        status: 'paid',
        payment: { amountCents: 500_000, payee: { kind: 'lienholder', name: expect.any(String) } },
      });
      expect((await calculate()).json()).toMatchObject({
        code: 'invalid_status_transition',
        detail: 'This claim is already paid: its benefit can no longer be recalculated.',
      });
      // The general ledger: the payment settles claims payable against cash.
      expect(await journalOf(`gap_claim_paid:${claimId}`)).toEqual([
        { account_code: '2100', debit_cents: 500_000, credit_cents: 0 },
        { account_code: '1000', debit_cents: 0, credit_cents: 500_000 },
      ]);
      const entries = await ledgerOfClaim();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        kind: 'gap_benefit',
        source_type: 'gap_claim',
        amount_cents: 500_000,
      });
      const claim = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      expect(claim.timeline.slice(-2).map((e: { words: string }) => e.words)).toEqual([
        'Claim approved: The benefit was calculated and approved.',
        expect.stringMatching(/^Benefit paid to your lender: Paid to /),
      ]);
    });

    it('refuses a new claim on an addendum that has paid its benefit, saying why', async () => {
      const response = await start(startBody({ dateOfLoss: '2026-11-24', lossType: 'theft' }));
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'gap_benefit_already_paid' });
      expect(response.json().detail).toMatch(/already paid its benefit on claim GAP-CL-2026-\d{6}/);
      const claims = await server.built.database.db
        .selectFrom('gap_claims')
        .select('id')
        .where('date_of_loss', '=', '2026-11-24')
        .execute();
      expect(claims).toEqual([]);
      // The staff list's "open" filter leaves out the paid claim and keeps the rest.
      const open = (await adjuster({ url: '/api/v1/gap-claims?status=open&limit=100' })).json().data;
      expect(open.map((c: { id: string }) => c.id)).not.toContain(claimId);
      expect(open.every((c: { status: string }) => c.status !== 'paid' && c.status !== 'denied')).toBe(true);
      const all = (await adjuster({ url: '/api/v1/gap-claims?limit=100' })).json().data;
      expect(all.map((c: { id: string }) => c.id)).toContain(claimId);
      // Spent, the addendum refunds nothing: a cancellation (or its quote) is refused, saying why.
      const { contractId } = (await holder({ url: `/api/v1/gap-claims/${claimId}` })).json();
      for (const url of [
        `/api/v1/contracts/${contractId}/cancellation-quote`,
        `/api/v1/contracts/${contractId}/cancellation`,
      ]) {
        const refused = await admin({
          method: 'POST',
          url,
          payload: { cancelOn: '2026-11-25', odometer: 40_000, reason: 'customer_request' },
        });
        expect(refused.statusCode, url).toBe(422);
        expect(refused.json()).toMatchObject({ code: 'gap_benefit_already_paid' });
      }
    });

    it('ends the addendum whose benefit was paid: claimed (not cancelled), audited, out of force, skipped by a lender event', async () => {
      const { db } = server.built.database;
      const { contractId, claimNumber } = (await adjuster({ url: `/api/v1/gap-claims/${claimId}` })).json();
      // The payment run that paid the benefit ended the addendum in its transaction: claimed, nothing
      // refunded (no cancellation), and its audit row says who, when and why.
      const contract = await admin({ url: `/api/v1/contracts/${contractId}` });
      expect(contract.statusCode, contract.body).toBe(200);
      expect(contract.json()).toMatchObject({
        status: 'claimed',
        coverage: { inForce: false, reasonCode: 'claimed' },
      });
      const claimed = await db
        .selectFrom('audit_events')
        .select(['actor_kind', 'actor_label', 'reason', 'data', 'occurred_at'])
        .where('entity_type', '=', 'contract')
        .where('entity_id', '=', contractId)
        .where('action', '=', 'contract.claimed')
        .execute();
      expect(claimed).toEqual([
        {
          actor_kind: 'user',
          actor_label: 'admin@coverwise.test',
          reason: `GAP benefit paid on claim ${claimNumber}`,
          data: { from: 'active', to: 'claimed', gapClaimId: claimId, claimNumber },
          occurred_at: expect.any(Date),
        },
      ]);
      expect(
        await db.selectFrom('cancellations').select('id').where('contract_id', '=', contractId).execute(),
      ).toEqual([]);

      // Claimed, the addendum still says why it takes no new claim and cannot be cancelled (the specific
      // code, not contract_not_active); a GAP addendum never transfers.
      const again = await start(startBody({ dateOfLoss: '2026-11-24', lossType: 'total_loss' }));
      expect(again.statusCode).toBe(422);
      expect(again.json()).toMatchObject({ code: 'gap_benefit_already_paid' });
      expect(again.json().detail).toContain(claimNumber);
      const quote = await admin({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/cancellation-quote`,
        payload: { cancelOn: '2026-11-25', odometer: 40_000, reason: 'customer_request' },
      });
      expect(quote.statusCode).toBe(422);
      expect(quote.json()).toMatchObject({ code: 'gap_benefit_already_paid' });
      expect(quote.json().detail).toContain(claimNumber);
      const transfer = await admin({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/transfers`,
        payload: {
          ownershipTransferredOn: '2026-11-20',
          saleType: 'private',
          odometer: 40_000,
          buyer: {
            firstName: 'Bo',
            lastName: 'Hale',
            address: { line1: '9 Bay Rd', city: 'Austin', state: 'TX', zip: '78701' },
          },
        },
      });
      expect(transfer.statusCode, transfer.body).toBe(422);
      expect(transfer.json()).toMatchObject({ code: 'not_transferable' });

      // The lender reports the loan paid off: the service contract on the vehicle is cancelled, and the
      // claimed addendum is skipped as not in force (not an error that would reject the lender's row).
      const reported = await admin({
        method: 'POST',
        url: '/api/v1/lender-events',
        payload: {
          events: [{ vin: gapHolder.vin, event: 'payoff', eventDate: '2026-11-24', odometer: 20_000 }],
        },
      });
      expect(reported.statusCode, reported.body).toBe(200);
      const [row] = reported.json().results;
      expect(row.status, JSON.stringify(row)).toBe('cancelled');
      expect(row.cancellations).toContainEqual(
        expect.objectContaining({
          contractId,
          product: 'gap',
          outcome: 'not_in_force',
          cancellationId: null,
        }),
      );
      expect(row.cancellations).toContainEqual(
        expect.objectContaining({ product: 'vsc', outcome: 'cancelled' }),
      );
      expect((await admin({ url: `/api/v1/contracts/${contractId}` })).json().status).toBe('claimed');
    });

    it('asks theft documents of a recovered theft, and refuses a loss date in the future', async () => {
      const facts = await newGapVehicle();
      const future = await start(startBody({ ...facts, dateOfLoss: '2026-11-26' }));
      expect(future.statusCode).toBe(422);
      expect(future.json()).toMatchObject({ code: 'invalid_date', param: 'dateOfLoss' });
      const response = await start(startBody({ ...facts, lossType: 'theft', vehicleRecovered: true }));
      expect(response.statusCode).toBe(201);
      const types = response.json().requiredDocuments.map((d: { type: string }) => d.type);
      expect(types).toContain('police_report');
      expect(types).toContain('recovery_report');
    });
  });

  describe('an open claim holds its addendum', () => {
    it('ends the free look, and refuses a cancellation quote or a cancellation until the claim is denied', async () => {
      const facts = await newGapVehicle();
      const started = await start(startBody(facts));
      expect(started.statusCode, started.body).toBe(201);
      const { id: gapClaimId, contractId, token } = started.json();
      const send = asHolder(token);
      const { db } = server.built.database;
      const contract = await db
        .selectFrom('contracts')
        .select(['has_claims', 'status'])
        .where('id', '=', contractId)
        .executeTakeFirstOrThrow();
      expect(contract).toEqual({ has_claims: true, status: 'active' });
      const filed = await db
        .selectFrom('audit_events')
        .select(['action', 'data'])
        .where('entity_id', '=', contractId)
        .where('action', '=', 'contract.claim_filed')
        .execute();
      expect(filed).toEqual([
        {
          action: 'contract.claim_filed',
          data: { gapClaimId, claimNumber: started.json().claimNumber, hasClaimsSet: true },
        },
      ]);

      const request = { cancelOn: '2026-11-25', odometer: 31_000, reason: 'customer_request' };
      for (const [url, client] of [
        [`/api/v1/contracts/${contractId}/cancellation-quote`, send],
        [`/api/v1/contracts/${contractId}/cancellation`, send],
        [`/api/v1/contracts/${contractId}/cancellation`, admin],
      ] as const) {
        const refused = await client({ method: 'POST', url, payload: request });
        expect(refused.statusCode, url).toBe(409);
        expect(refused.json()).toMatchObject({ code: 'gap_claim_open' });
        expect(refused.json().detail).toContain(started.json().claimNumber);
      }
      expect(
        await db.selectFrom('cancellations').select('id').where('contract_id', '=', contractId).execute(),
      ).toEqual([]);

      // Denied, the claim no longer holds the addendum (it was not spent): it can be cancelled, with the
      // pro-rata refund of an addendum whose free look a claim ended.
      const uploaded = await upload(send, gapClaimId, 'gap_addendum', PNG, 'scan.png');
      expect(uploaded.statusCode).toBe(201);
      const queued = async () =>
        (await reviewer({ url: '/api/v1/work-queue?limit=100' }))
          .json()
          .data.map((item: { id: string }) => item.id);
      expect(await queued()).toContain(uploaded.json().id);
      const denied = await adjuster({
        method: 'POST',
        url: `/api/v1/gap-claims/${gapClaimId}/denial`,
        payload: { reason: 'The vehicle was repaired, not a total loss.' },
      });
      expect(denied.statusCode, denied.body).toBe(200);
      // Denied, the claim's document still waiting is nobody's review: out of the queue (and, below, never
      // escalated: the escalation test counts only its own document).
      expect(await queued()).not.toContain(uploaded.json().id);
      const quoted = await send({
        method: 'POST',
        url: `/api/v1/contracts/${contractId}/cancellation-quote`,
        payload: request,
      });
      expect(quoted.statusCode, quoted.body).toBe(200);
      expect(quoted.json().method).not.toBe('full');
    });
  });

  describe('escalation', () => {
    it('escalates each overdue review once and audits it', async () => {
      const open = (await start(startBody({ ...(await newGapVehicle()), lossType: 'theft' }))).json();
      const send = asHolder(open.token);
      expect((await upload(send, open.id, 'police_report', PDF)).statusCode).toBe(201);
      const { createDocumentsService } = await import('../documents/documents.service.js');
      const documents = createDocumentsService({
        db: server.built.database.db,
        clock,
        timeZone: 'America/New_York',
        store: createFileDocumentStore(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-escalation-'))),
        owners: {},
      });
      expect(await documents.escalateOverdue()).toBe(0);
      clock.set('2026-12-01T15:00:00Z');
      try {
        expect(await documents.escalateOverdue()).toBe(1);
        expect(await documents.escalateOverdue()).toBe(0);
        const queue = (await reviewer({ url: '/api/v1/work-queue' })).json();
        expect(queue.data[0]).toMatchObject({ overdue: true, escalated: true });
      } finally {
        clock.set('2026-11-25T15:00:00Z');
      }
    });
  });
  describe('maker–checker above the approval limit', () => {
    it('records a proposal, refuses the proposer, and approves when a second adjuster with a high enough limit approves', async () => {
      const open = (await start(startBody(await newGapVehicle()))).json();
      const send = asHolder(open.token);
      for (const item of open.requiredDocuments)
        expect((await upload(send, open.id, item.type, PDF)).statusCode).toBe(201);
      const claim = (await reviewer({ url: `/api/v1/gap-claims/${open.id}` })).json();
      for (const document of claim.documents)
        await reviewer({
          method: 'POST',
          url: `/api/v1/documents/${document.id}/review`,
          payload: { decision: 'accept' },
        });
      const calculate = (acvCents: number) =>
        adjuster({
          method: 'POST',
          url: `/api/v1/gap-claims/${open.id}/benefit`,
          payload: { payoffCents: 2_800_000, acvCents, primaryDeductibleCents: 50_000 },
        });
      expect((await calculate(2_200_000)).json().benefitCents).toBe(650_000);
      const approve = (client: typeof adjuster) =>
        client({ method: 'POST', url: `/api/v1/gap-claims/${open.id}/approval`, payload: {} });

      // Jordan's limit is the setting's $5,000: the $6,500 benefit becomes a proposal.
      const proposed = await approve(adjuster);
      expect(proposed.statusCode, proposed.body).toBe(202);
      expect(proposed.json()).toMatchObject({
        status: 'ready_for_calculation',
        payment: null,
        paymentProposal: { amountCents: 650_000, proposedBy: 'adjuster@coverwise.test' },
      });
      const again = await approve(adjuster);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'second_approver_required' });

      // A second adjuster with the same $5,000 limit cannot release it either.
      const second = await admin({
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'checker@coverwise.test', password: 'a long enough password 19', role: 'adjuster' },
      });
      expect(second.statusCode, second.body).toBe(201);
      const checker = await staffClient(server, 'checker@coverwise.test', 'a long enough password 19');
      const refused = await approve(checker);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'approval_limit_exceeded' });

      // The admin raises the checker's own limit (audited); the checker pays.
      const raised = await admin({
        method: 'PUT',
        url: `/api/v1/users/${second.json().id}/approval-limit`,
        payload: { approvalLimitCents: 1_000_000 },
      });
      expect(raised.json()).toMatchObject({ approvalLimitCents: 1_000_000 });
      // A reviewer approves nothing, so has no limit to set.
      const reviewerUser = (await admin({ url: '/api/v1/users' }))
        .json()
        .data.find((user: { role: string }) => user.role === 'reviewer');
      const refusedLimit = await admin({
        method: 'PUT',
        url: `/api/v1/users/${reviewerUser.id}/approval-limit`,
        payload: { approvalLimitCents: 1_000_000 },
      });
      expect(refusedLimit.statusCode).toBe(400);
      expect(refusedLimit.json()).toMatchObject({ code: 'validation_failed', param: 'id' });
      const approved = await approve(checker);
      expect(approved.statusCode, approved.body).toBe(200);
      // Approved for the next payment run, which pays it (payment-runs/gap-benefit-payables.test.ts).
      expect(approved.json()).toMatchObject({ status: 'approved', payment: null });
      const { db } = server.built.database;
      const audit = await db
        .selectFrom('audit_events')
        .select(['action', 'actor_label', 'reason'])
        .where('entity_id', '=', open.id)
        .where('action', 'in', ['gap_claim.payment_proposed', 'gap_claim.status_changed'])
        .orderBy('occurred_at')
        .execute();
      expect(audit.map((event) => [event.action, event.actor_label])).toEqual(
        expect.arrayContaining([
          ['gap_claim.payment_proposed', 'adjuster@coverwise.test'],
          ['gap_claim.status_changed', 'checker@coverwise.test'],
        ]),
      );
      expect(audit.some((event) => event.reason?.includes('Proposed by adjuster@coverwise.test'))).toBe(true);
      const limitAudit = await db
        .selectFrom('audit_events')
        .select('data')
        .where('action', '=', 'user.approval_limit_set')
        .execute();
      expect(limitAudit).toEqual([{ data: { from: null, to: 1_000_000 } }]);
    });

    it('withdraws the proposal when the benefit is recalculated', async () => {
      const open = (await start(startBody(await newGapVehicle()))).json();
      const send = asHolder(open.token);
      for (const item of open.requiredDocuments)
        expect((await upload(send, open.id, item.type, PDF)).statusCode).toBe(201);
      const claim = (await reviewer({ url: `/api/v1/gap-claims/${open.id}` })).json();
      for (const document of claim.documents)
        await reviewer({
          method: 'POST',
          url: `/api/v1/documents/${document.id}/review`,
          payload: { decision: 'accept' },
        });
      const calculate = (acvCents: number) =>
        adjuster({
          method: 'POST',
          url: `/api/v1/gap-claims/${open.id}/benefit`,
          payload: { payoffCents: 2_800_000, acvCents, primaryDeductibleCents: 50_000 },
        });
      const approve = () =>
        adjuster({ method: 'POST', url: `/api/v1/gap-claims/${open.id}/approval`, payload: {} });
      await calculate(2_200_000);
      expect((await approve()).json().paymentProposal).toMatchObject({ amountCents: 650_000 });
      await calculate(2_250_000);
      const recalculated = (await adjuster({ url: `/api/v1/gap-claims/${open.id}` })).json();
      expect(recalculated.paymentProposal).toBeNull();
      const proposedAgain = await approve();
      expect(proposedAgain.statusCode).toBe(202);
      expect(proposedAgain.json().paymentProposal).toMatchObject({ amountCents: 600_000 });
    });
  });

  describe('concurrency', () => {
    it('approves once when five approvals of the same claim arrive at the same time', async () => {
      const open = (await start(startBody(await newGapVehicle()))).json();
      const send = asHolder(open.token);
      for (const item of open.requiredDocuments) {
        if (item.status === 'missing')
          expect((await upload(send, open.id, item.type, PDF)).statusCode).toBe(201);
      }
      const claim = (await reviewer({ url: `/api/v1/gap-claims/${open.id}` })).json();
      for (const document of claim.documents.filter(
        (d: { status: string }) => d.status === 'pending_review',
      )) {
        await reviewer({
          method: 'POST',
          url: `/api/v1/documents/${document.id}/review`,
          payload: { decision: 'accept' },
        });
      }
      const benefit = await adjuster({
        method: 'POST',
        url: `/api/v1/gap-claims/${open.id}/benefit`,
        payload: { payoffCents: 2_000_000, acvCents: 1_900_000, primaryDeductibleCents: 50_000 },
      });
      expect(benefit.json().benefitCents).toBe(150_000);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          adjuster({ method: 'POST', url: `/api/v1/gap-claims/${open.id}/approval`, payload: {} }),
        ),
      );
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
      // Owed once: one entry of claims expense against claims payable (a payment run pays it once).
      const entries = await server.built.database.db
        .selectFrom('journal_entries as e')
        .innerJoin('journal_lines as l', 'l.entry_id', 'e.id')
        .select(['l.credit_cents'])
        .where('e.event_type', '=', 'gap_claim_incurred')
        .where('e.event_id', '=', open.id)
        .where('l.account_code', '=', '2100')
        .execute();
      expect(entries).toEqual([{ credit_cents: 150_000 }]);
    });
  });
});
