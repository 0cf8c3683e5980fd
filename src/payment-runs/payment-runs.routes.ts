// Payment runs for administrators (DOMAIN.md "Paying out"): preview a run (a draft of what would be paid,
// every payee screened against the OFAC SDN list), approve it (pays the ready items once, posts the
// books), download its NACHA ACH file and positive-pay check file; the bank details payees are paid to
// (repair facilities, a contract's holder or lienholder; account numbers are masked in every answer);
// and the 1099-NEC report of repair facilities paid at least the threshold in a year.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendCsv } from '../platform/http/csv-reply.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import {
  DateInput,
  FileResponse,
  Nullable,
  PageQuery,
  problemResponses,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { PaymentDetailsService } from './payment-details.service.js';
import type { PaymentRunsService } from './payment-runs.service.js';

const ADMIN = ['admin'] as const;
const TAGS = ['Payment runs'];
const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

const SourceType = StringEnum([
  'repair_claim',
  'rental_claim',
  'trip_interruption_claim',
  'roadside_request',
  'cancellation',
  'gap_claim',
] as const);
const PayeeType = StringEnum(['repair_facility', 'holder', 'lienholder'] as const);
const AccountType = StringEnum(['checking', 'savings'] as const);

const MaskedBankAccount = Type.Object({
  routingNumber: Type.String({ pattern: '^\\d{9}$' }),
  accountNumberMasked: Type.String({ description: 'The last four digits only, e.g. ••••6789' }),
  accountType: AccountType,
});

const PaymentRunSchema = Type.Object(
  {
    id: Type.String(),
    runNumber: Type.Integer(),
    status: StringEnum(['draft', 'approved', 'discarded'] as const),
    payOn: Type.String({
      format: 'date',
      description: 'Effective entry date of the ACH file and issue date of the checks',
    }),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    approvedBy: Nullable(Type.String()),
    approvedAt: Nullable(Type.String({ format: 'date-time' })),
    ofacListId: Nullable(
      Type.String({ description: 'The SDN list the payees were screened against (null: none loaded)' }),
    ),
    files: Type.Object({ nacha: Type.Boolean(), positivePay: Type.Boolean() }),
    totals: Type.Object({
      itemCount: Type.Integer(),
      payableCents: Type.Integer({ description: 'Ready and paid items' }),
      achCount: Type.Integer(),
      achCents: Type.Integer(),
      checkCount: Type.Integer(),
      checkCents: Type.Integer(),
      heldCount: Type.Integer({ description: 'Waiting on an OFAC review' }),
      heldCents: Type.Integer(),
      paidCount: Type.Integer(),
      paidCents: Type.Integer(),
      skippedCount: Type.Integer({
        description:
          'Not paid by this run, each item saying why in skipReason (e.g. paid by another run first)',
      }),
      blockedCount: Type.Integer(),
    }),
    byPayeeType: Type.Array(
      Type.Object({ payeeType: PayeeType, count: Type.Integer(), amountCents: Type.Integer() }),
    ),
    items: Type.Array(
      Type.Object({
        id: Type.String(),
        source: Type.Object({ type: SourceType, id: Type.String() }),
        contractId: Type.String(),
        payee: Type.Object({ type: PayeeType, name: Type.String(), facilityId: Nullable(Type.String()) }),
        method: StringEnum(['ach', 'check'] as const),
        amountCents: Type.Integer({ minimum: 1 }),
        bankAccount: Nullable(MaskedBankAccount),
        status: StringEnum(['ready', 'held', 'blocked', 'paid', 'skipped'] as const),
        skipReason: Nullable(
          Type.String({
            description:
              'Why a skipped item was not paid by this run: already_paid (another run, or a person, paid it first), ' +
              'amount_changed (a later run pays the new amount) or released_after_approval (its OFAC hold was ' +
              'released after this run was approved: a later run pays it)',
          }),
        ),
        checkNumber: Nullable(Type.Integer()),
        traceNumber: Nullable(Type.String({ description: 'The ACH entry trace number (15 digits)' })),
        journalEntryId: Nullable(Type.String()),
        ofacHold: Nullable(
          Type.Object({
            id: Type.String(),
            status: StringEnum(['held', 'released', 'blocked'] as const),
            matchedName: Type.String(),
            entNum: Type.Integer(),
            program: Nullable(Type.String()),
            score: Type.Number(),
          }),
        ),
      }),
    ),
  },
  { $id: 'PaymentRun' },
);

const PaymentRunSummarySchema = Type.Object({
  id: Type.String(),
  runNumber: Type.Integer(),
  status: StringEnum(['draft', 'approved', 'discarded'] as const),
  payOn: Type.String({ format: 'date' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Type.String({ format: 'date-time' })),
  itemCount: Type.Integer({ description: 'Every item of the run, whatever its status' }),
  paymentCount: Type.Integer({
    description:
      'Ready and paid items, as the run counts them: the payments a draft would make, those an approved run made ' +
      '(a held, blocked or skipped item is not a payment of the run)',
  }),
  payableCents: Type.Integer({
    description:
      'Ready and paid items, as the run counts them: what a draft would pay, what an approved run paid',
  }),
  paidCents: Type.Integer(),
  heldCount: Type.Integer(),
  files: Type.Object(
    { nacha: Type.Boolean(), positivePay: Type.Boolean() },
    { description: 'Which files an approved run wrote (GET …/nacha, …/positive-pay)' },
  ),
});

const BankAccountInput = Type.Object(
  {
    routingNumber: Type.String({
      pattern: '^\\d{9}$',
      description: 'ABA routing number (check digit verified)',
    }),
    accountNumber: Type.String({ pattern: '^\\d{4,17}$' }),
    accountType: AccountType,
  },
  { additionalProperties: false },
);

const FacilityPaymentDetails = Type.Object({
  facilityId: Type.String(),
  method: StringEnum(['ach', 'check'] as const),
  bankAccount: Nullable(MaskedBankAccount),
  tinMasked: Nullable(Type.String({ description: 'The last four digits only, e.g. •••••6789' })),
});

export function registerPaymentRunRoutes(
  app: TypedApp,
  deps: {
    paymentRuns: PaymentRunsService;
    paymentDetails: PaymentDetailsService;
    db: Kysely<Database>;
    clock: Clock;
  },
): void {
  const { paymentRuns, paymentDetails, db, clock } = deps;
  app.addSchema(PaymentRunSchema);

  app.get(
    '/api/v1/payment-runs',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'listPaymentRuns',
        summary: 'Payment runs, newest first',
        description:
          'Each run with its status, count of items, amount to pay or paid, amount paid, items held by OFAC ' +
          'screening and which files it wrote; a page at a time (limit, startingAfter = the last id of a page).',
        querystring: Type.Object(PageQuery),
        response: {
          200: Type.Object({ data: Type.Array(PaymentRunSummarySchema), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) =>
      paymentRuns.list({ limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter }),
  );

  app.post(
    '/api/v1/payment-runs',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'previewPaymentRun',
        summary: 'Preview a payment run: a draft of what would be paid',
        description:
          'Takes the payables open now (repair authorizations, rental, trip and towing reimbursements, approved GAP ' +
          'benefits to the lienholder, cancellation refunds; ' +
          'oldest first, at most 1000), each with its payee, method (ACH when the payee has bank details, else check) and ' +
          'amount, screens every payee against the newest OFAC SDN list (a possible match is `held`), and keeps the draft ' +
          'for approval. 422 `nothing_to_pay` when nothing is owed.',
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            // Not `format: date`: an impossible day (2026-02-30) is the service's 422 invalid_date on payOn,
            // as every other date the API takes.
            payOn: Type.Optional(DateInput('The pay date: default today; at most 30 days ahead')),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('PaymentRun'), ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 201, (run) =>
        paymentRuns.preview(run, request.body, actorOf(request.principal), request.id),
      );
    },
  );

  app.get(
    '/api/v1/payment-runs/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'getPaymentRun',
        description: 'Accounting staff. The run with its items and totals by payment method.',
        summary: 'A payment run with its items and totals',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('PaymentRun'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => paymentRuns.view(request.params.id),
  );

  app.post(
    '/api/v1/payment-runs/:id/approval',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'approvePaymentRun',
        summary: 'Approve a payment run: pay its ready items and write its files',
        description:
          'Pays each ready item once: a payable another run (or a person) paid first is `skipped`. Posts each payment to ' +
          'the books (payable → cash) and the payments ledger in the same transaction (a repair or GAP claim paid ' +
          'becomes `paid`), then writes the NACHA file (ACH ' +
          'items) and the positive-pay file (checks). Held items wait for an OFAC decision and are not paid by this run: ' +
          'released later, the item reads `skipped` (`released_after_approval`) and a later run pays it; blocked, ' +
          '`blocked`. 409 `payment_run_not_draft` ' +
          'when the run was approved or discarded; 422 `ofac_list_missing` when no SDN list screened it; 409 ' +
          '`ofac_screening_outdated` when a newer list was loaded since.',
        headers: IdempotencyHeader,
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('PaymentRun'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        paymentRuns.approve(run, request.params.id, actorOf(request.principal), request.id),
      );
    },
  );

  app.post(
    '/api/v1/payment-runs/:id/discard',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'discardPaymentRun',
        description:
          'Accounting staff. Discards a draft run; its payables return to open. 409 `payment_run_not_draft` once the run is approved.',
        summary: 'Discard a draft payment run (its payables stay open for another run)',
        headers: IdempotencyHeader,
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('PaymentRun'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        paymentRuns.discard(run, request.params.id, actorOf(request.principal), request.id),
      );
    },
  );

  app.get(
    '/api/v1/payment-runs/:id/nacha',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'downloadPaymentRunNacha',
        summary: "An approved run's NACHA ACH file (text, 94-character records)",
        description:
          'Credits only (service class 220): a CCD batch for businesses (repair facilities, lienholders) and a PPD batch ' +
          'for holders; blocking factor 10.',
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse('The NACHA ACH file of the run', ['text/plain']),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const file = await paymentRuns.file(request.params.id, 'nacha');
      return reply
        .header('content-type', 'text/plain; charset=us-ascii')
        .header('content-disposition', `attachment; filename="payment-run-${file.runNumber}.ach"`)
        .send(file.text);
    },
  );

  app.get(
    '/api/v1/payment-runs/:id/positive-pay',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'downloadPaymentRunPositivePay',
        summary: "An approved run's positive-pay check issue file (CSV)",
        description:
          'Chase Business Online positive-pay layout, no header: issue code `I`, account number, check number, issue date ' +
          'MMDDYY, amount in dollars with two decimals, payee name (at most 40 characters).',
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse('The positive-pay check file of the run (CSV)', ['text/csv']),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const file = await paymentRuns.file(request.params.id, 'positive_pay');
      return sendCsv(reply, `payment-run-${file.runNumber}-positive-pay.csv`, file.text);
    },
  );

  app.get(
    '/api/v1/repair-facilities/:id/payment-details',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'getRepairFacilityPaymentDetails',
        description:
          "Accounting staff. The facility's bank account and TIN, masked; the full numbers are never returned.",
        summary: "A repair facility's payment details (bank account and TIN, masked)",
        params: Type.Object({ id: Uuid }),
        response: { 200: FacilityPaymentDetails, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => paymentDetails.facilityDetails(request.params.id),
  );

  app.put(
    '/api/v1/repair-facilities/:id/payment-details',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'setRepairFacilityPaymentDetails',
        summary: "Set a repair facility's bank account (ACH; null: paid by check) and TIN (for its 1099-NEC)",
        description:
          'The routing number must pass its ABA check digit (422 `invalid_routing_number`); the TIN is nine digits, dashes ' +
          'allowed (422 `invalid_tin`). Answers with the account number and TIN masked.',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            bankAccount: Nullable(BankAccountInput),
            tin: Nullable(
              Type.String({ maxLength: 11, description: 'Nine digits (EIN 12-3456789 or SSN 123-45-6789)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: FacilityPaymentDetails, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      paymentDetails.setFacilityDetails(
        request.params.id,
        request.body,
        actorOf(request.principal),
        request.id,
      ),
  );

  app.put(
    '/api/v1/contracts/:id/payee-bank-accounts/:payeeKind',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'setContractPayeeBankAccount',
        description:
          "Accounting staff. Sets the holder's or lienholder's bank account; later payments go by ACH. Replaces any earlier account. Writes an audit row.",
        summary:
          "Give a contract's holder or lienholder bank account for its payments (ACH instead of a check)",
        params: Type.Object({ id: Uuid, payeeKind: StringEnum(['holder', 'lienholder'] as const) }),
        body: Type.Object(
          {
            accountHolderName: Type.String({ minLength: 1, maxLength: 200 }),
            routingNumber: Type.String({ pattern: '^\\d{9}$' }),
            accountNumber: Type.String({ pattern: '^\\d{4,17}$' }),
            accountType: AccountType,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            contractId: Type.String(),
            payeeKind: StringEnum(['holder', 'lienholder'] as const),
            accountHolderName: Type.String(),
            bankAccount: MaskedBankAccount,
          }),
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) =>
      paymentDetails.setPayeeBankAccount(
        request.params.id,
        request.params.payeeKind,
        request.body,
        actorOf(request.principal),
        request.id,
      ),
  );

  app.delete(
    '/api/v1/contracts/:id/payee-bank-accounts/:payeeKind',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'removeContractPayeeBankAccount',
        description:
          'Accounting staff. Removes the account; later payments go by check. Writes an audit row.',
        summary: "Remove a holder's or lienholder's bank account: they are paid by check",
        params: Type.Object({ id: Uuid, payeeKind: StringEnum(['holder', 'lienholder'] as const) }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await paymentDetails.removePayeeBankAccount(
        request.params.id,
        request.params.payeeKind,
        actorOf(request.principal),
        request.id,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/reports/1099-nec',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['Reports'],
        operationId: 'form1099NecReport',
        summary:
          'Repair facilities paid at least the 1099-NEC threshold in a year (CSV for a filing service)',
        description:
          'Per facility, the repair payments of the calendar year (business time zone; by a run or by hand, net of ' +
          'reversals) when they reach COVERWISE_1099_THRESHOLD_CENTS (default $600). Columns: payee_tin, payee_name, ' +
          'address_line1, city, state, zip, country, box1_nonemployee_compensation (dollars), payments, tin_missing. ' +
          'The TIN is in full: this file goes to the filing service.',
        querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2199 }) }),
        response: {
          200: FileResponse('The 1099-NEC report as CSV', ['text/csv']),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const csv = await paymentDetails.form1099Nec(
        request.query.year,
        actorOf(request.principal),
        request.id,
      );
      return sendCsv(reply, `1099-nec-${request.query.year}.csv`, csv);
    },
  );
}
