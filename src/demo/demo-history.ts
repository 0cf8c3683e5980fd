// A living demo (issue 19): a year of plausible history written THROUGH THE SERVICES, so the dashboard,
// the work queue, the GAP claims list and the reports show something on a fresh `npm start`. Every
// event happens "in the past" by giving the service a clock standing at that moment (services read
// the time only from their clock), so dates are always relative to today and the history is always
// "the last 12 months". The choices come from a fixed-seed generator over the demo portfolio in
// contract-number order: the same history on every fresh start.
//
// Idempotent: the last step writes a `demo.history_written` audit row; when it is there nothing runs.
// Each event is its own transaction, as the service's use case would be over HTTP.
import { createReadStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { createBenefitClaimsService } from '../benefits/benefit-claims.service.js';
import { createBusinessCalendar } from '../calendar/business-days.js';
import { createCancellationsService } from '../cancellations/cancellations.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import {
  CONTRACT_CSV_COLUMNS,
  type ContractImportDeps,
  importContracts,
} from '../contracts/contract-import.js';
import { createContractsService } from '../contracts/contracts.service.js';
import { computeVinCheckDigit, withCheckDigit } from '../contracts/vin.js';
import { findDealerByCode } from '../dealers/dealer.repository.js';
import { createDealerStatementsService } from '../dealers/dealer-statements.service.js';
import { createDocumentsService } from '../documents/documents.service.js';
import { createFundingService } from '../funding/funding.service.js';
import { createGapClaimsService } from '../gap-claims/gap-claims.service.js';
import { createLenderEventsService } from '../lender-events/lender-events.service.js';
import type { Outbox } from '../notifications/outbox.js';
import { createOfacService } from '../ofac/ofac.service.js';
import { createPaymentRunsService, type PaymentSettings } from '../payment-runs/payment-runs.service.js';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Role } from '../platform/db/schema.js';
import { joining, transactional } from '../platform/db/transaction.js';
import type { DocumentStore } from '../platform/storage/document-store.js';
import { createRepairClaimsService } from '../repair-claims/repair-claims.service.js';
import { createRoadsideService } from '../roadside/roadside.service.js';
import { addDays, type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import type { Principal } from '../shared/principal.js';
import { createTransfersService } from '../transfers/transfers.service.js';
import {
  demoHistoryWritten,
  demoServiceContracts,
  findDemoUsers,
  firstRepairFacility,
} from './demo-history.repository.js';

const DAY_MS = 86_400_000;
const HISTORY_SEED = 20_261_204;

export interface DemoHistoryDeps {
  catalog: CatalogService;
  clock: Clock;
  timeZone: string;
  /** Where the GAP claims' demo documents are stored (the server's document store). */
  store: DocumentStore;
  /** The holder emails of the GAP claims go out through it, as they would. */
  outbox: Outbox;
  /** COVERWISE_PUBLIC_URL: the GAP claims' emails link to the web app's GAP Claims Center. */
  publicUrl: string;
  approvalLimitCents?: number;
  reviewBusinessDays?: number;
  cutoffMinutes?: number;
  /** The database's COPY transaction: with it, a dealer file is imported as an administrator would. */
  transactionWithCopy?: ContractImportDeps['transactionWithCopy'];
  /** COVERWISE_FUNDING_REMITTANCE_DAYS (30 by default), for the funding service the demo uploads through. */
  fundingRemittanceDays?: number;
  /** The payment settings: with them, the demo loads its SDN list and pays a payment run. */
  payments?: { ofacMatchThreshold: number; settings: PaymentSettings };
}

/**
 * The demo's SDN list (src/demo/fixtures/demo-sdn.csv, fictional names in the Treasury's sdn.csv format):
 * beside this module when run from the sources, copied beside the build by `npm run build:server`.
 */
export function demoSdnFile(): string {
  const candidates = [
    new URL('./fixtures/demo-sdn.csv', import.meta.url),
    new URL('../../../src/demo/fixtures/demo-sdn.csv', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(`demo history: the demo SDN list is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** What the history wrote, for the start-up log and the tests. */
export interface DemoHistorySummary {
  repairClaims: number;
  rentalClaims: number;
  tripClaims: number;
  roadsideRequests: number;
  cancellations: number;
  gapClaims: number;
  documents: number;
  transfers: number;
  importedContracts: number;
  remittances: number;
  lenderEvents: number;
  fundedDeals: number;
  paymentRuns: number;
  heldPayments: number;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// A minimal, well-formed one-page PDF: what a scanned GAP document looks like to the type sniffer.
function demoPdf(title: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

/** A covered component group of each demo plan, for an estimate line the adjuster approves. */
const COVERED_GROUP: Record<string, string> = {
  BASIC_GUARD: 'engine',
  VALUE_GUARD: 'brakes',
  MAJOR_GUARD: 'transmission',
  FEATURE_GUARD: 'infotainment',
};

const REPAIRS: Record<string, { complaint: string; cause: string; correction: string; part: string }> = {
  engine: {
    complaint: 'Oil leak and ticking at idle',
    cause: 'Valve cover gasket failed',
    correction: 'Replace valve cover gasket',
    part: 'Valve cover gasket',
  },
  brakes: {
    complaint: 'Grinding noise when braking',
    cause: 'Front calipers seized',
    correction: 'Replace both front calipers',
    part: 'Front calipers',
  },
  transmission: {
    complaint: 'Harsh shift from 2nd to 3rd',
    cause: 'Shift solenoid failed',
    correction: 'Replace shift solenoid pack',
    part: 'Shift solenoid pack',
  },
  infotainment: {
    complaint: 'Screen goes black while driving',
    cause: 'Head unit failed',
    correction: 'Replace head unit',
    part: 'Head unit',
  },
};

/** Writes the demo's year of history once; returns what it wrote, or null when it was already there. */
export async function seedDemoHistory(
  db: Kysely<Database>,
  deps: DemoHistoryDeps,
): Promise<DemoHistorySummary | null> {
  if (await demoHistoryWritten(db)) return null;
  const { catalog, timeZone } = deps;
  const nowMs = deps.clock.now().getTime();
  const random = mulberry32(HISTORY_SEED);
  const summary: DemoHistorySummary = {
    repairClaims: 0,
    rentalClaims: 0,
    tripClaims: 0,
    roadsideRequests: 0,
    cancellations: 0,
    gapClaims: 0,
    documents: 0,
    transfers: 0,
    importedContracts: 0,
    remittances: 0,
    lenderEvents: 0,
    fundedDeals: 0,
    paymentRuns: 0,
    heldPayments: 0,
  };

  // A clock standing `daysAgo` days before now (plus some minutes, to order events of one day).
  // Never after now: an event of the seed day itself (minutes added to "0 days ago") is not in the future.
  const clockAt = (daysAgo: number, minutes = 0): Clock => {
    const instant = new Date(Math.min(nowMs - daysAgo * DAY_MS + minutes * 60_000, nowMs));
    return { now: () => instant };
  };
  const dayOf = (clock: Clock): CalendarDate => calendarDateInZone(clock.now(), timeZone);
  const today = dayOf(deps.clock);
  let requestNumber = 0;
  const requestId = () => `demo-history-${++requestNumber}`;
  const inTransaction = transactional(db);

  const users = await findDemoUsers(db, [
    'admin@coverwise.test',
    'adjuster@coverwise.test',
    'lead@coverwise.test',
    'reviewer@coverwise.test',
  ]);
  const principalOf = (email: string): { principal: Principal; actor: Actor } => {
    const user = users.find((u) => u.email === email);
    if (!user) throw new Error(`demo history: the demo user ${email} is missing`);
    return {
      principal: {
        kind: 'user',
        sessionId: 'demo-history',
        userId: user.id,
        email: user.email,
        role: user.role as Role,
        displayName: user.display_name,
      },
      actor: { kind: 'user', id: user.id, label: user.email },
    };
  };
  const admin = principalOf('admin@coverwise.test');
  const adjuster = principalOf('adjuster@coverwise.test');
  const reviewer = principalOf('reviewer@coverwise.test');
  const facility = await firstRepairFacility(db);

  // Contracts that are in force for the whole year (sold more than 13 months ago, expiring after
  // today), taken in a fixed order and dealt out to the kinds of event so no two events collide.
  const all = await demoServiceContracts(db);
  const yearAgo = addDays(today, -400);
  const pool = all.filter(
    (c) =>
      c.purchase_date < yearAgo &&
      c.expires_on > addDays(today, 30) &&
      (c.expires_at_miles === null || c.expires_at_miles - c.odometer_at_sale > 30_000) &&
      COVERED_GROUP[c.plan_code] !== undefined,
  );
  const take = (count: number, filter: (c: (typeof pool)[number]) => boolean = () => true) => {
    const picked: typeof pool = [];
    for (let i = 0; i < pool.length && picked.length < count; ) {
      if (filter(pool[i]!)) picked.push(...pool.splice(i, 1));
      else i++;
    }
    return picked;
  };

  // ---- Repair claims: decided and paid over the year; the last few still waiting for a decision.
  const repairContracts = take(24);
  const repaired: { claimId: string; contractId: string; planCode: string; daysAgo: number }[] = [];
  for (const [index, contract] of repairContracts.entries()) {
    const daysAgo = Math.max(1, Math.round(355 - index * 15 - random() * 6));
    const group = COVERED_GROUP[contract.plan_code]!;
    const repair = REPAIRS[group]!;
    const laborHours = 2 + Math.floor(random() * 5) / 2;
    const partsCents = 15_000 + Math.floor(random() * 60) * 1_000;
    const submittedAt = clockAt(daysAgo);
    const claim = await inTransaction((trx) =>
      createRepairClaimsService({ db, clock: submittedAt, catalog, timeZone }).submit(
        joining(trx),
        {
          vin: contract.vin,
          odometer: contract.odometer_at_sale + 2_000 + (365 - daysAgo) * 30,
          complaint: repair.complaint,
          cause: repair.cause,
          correction: repair.correction,
          facilityId: facility.id,
          keptOvernight: laborHours >= 3,
          lines: [
            {
              componentGroup: group,
              description: repair.part,
              partsCents,
              laborHours,
              laborRateCents: 12_000,
            },
          ],
        },
        adjuster.principal,
        requestId(),
      ),
    );
    summary.repairClaims++;
    // The most recent claims wait in the adjuster's queue.
    if (daysAgo <= 5) continue;
    const decidedAt = clockAt(daysAgo - 1);
    const denied = index % 7 === 3;
    await inTransaction((trx) =>
      createRepairClaimsService({ db, clock: decidedAt, catalog, timeZone }).authorize(
        joining(trx),
        claim.id,
        {
          lines: claim.lines.map((line) =>
            denied
              ? {
                  id: line.id,
                  approved: false,
                  reasonCode: 'other' as const,
                  note: 'The inspection found the failure was caused by an accident.',
                }
              : { id: line.id, approved: true },
          ),
        },
        adjuster.principal,
        requestId(),
      ),
    );
    if (denied) continue;
    const paidAt = clockAt(daysAgo - 3);
    await inTransaction((trx) =>
      createRepairClaimsService({ db, clock: paidAt, catalog, timeZone }).pay(
        joining(trx),
        claim.id,
        { method: index % 2 === 0 ? 'card' : 'check', reference: `DEMO-PAY-${1000 + index}` },
        adjuster.principal,
        requestId(),
      ),
    );
    repaired.push({ claimId: claim.id, contractId: claim.contractId, planCode: contract.plan_code, daysAgo });
  }

  // ---- Rental reimbursement on some of the paid repairs (plans with a rental benefit).
  // Claims staff approve each the day after it is filed, so the payment run below pays them.
  for (const repair of repaired.filter((r) => r.planCode !== 'BASIC_GUARD').slice(0, 4)) {
    const filedAt = clockAt(repair.daysAgo - 4);
    const firstDay = dayOf(clockAt(repair.daysAgo));
    const rental = await inTransaction((trx) =>
      createBenefitClaimsService({ db, clock: filedAt, catalog, timeZone }).fileRental(
        joining(trx),
        repair.contractId,
        {
          repairClaimId: repair.claimId,
          expenses: [
            { date: firstDay, kind: 'rental', amountCents: 3_500 },
            { date: addDays(firstDay, 1), kind: 'rental', amountCents: 3_500 },
          ],
        },
        admin.principal,
        requestId(),
      ),
    );
    await inTransaction((trx) =>
      createBenefitClaimsService({ db, clock: clockAt(repair.daysAgo - 5), catalog, timeZone }).decide(
        joining(trx),
        'rental_claim',
        rental.id,
        { decision: 'approve' },
        adjuster.principal,
        requestId(),
      ),
    );
    summary.rentalClaims++;
  }

  // ---- Trip interruption: a breakdown far from home, lodging and meals. The holders of the first two
  // send their hotel receipt and claims staff approve; the third never sends one and is denied.
  for (const [index, contract] of take(3).entries()) {
    const daysAgo = 300 - index * 110;
    const breakdownOn = dayOf(clockAt(daysAgo));
    const benefitsAt = (clock: Clock) => createBenefitClaimsService({ db, clock, catalog, timeZone });
    const trip = await inTransaction((trx) =>
      benefitsAt(clockAt(daysAgo - 5)).fileTrip(
        joining(trx),
        contract.id,
        {
          breakdownOn,
          milesFromHome: 240 + index * 55,
          componentGroup: COVERED_GROUP[contract.plan_code],
          keptOvernight: true,
          expenses: [
            { date: breakdownOn, category: 'lodging', amountCents: 12_900 },
            { date: breakdownOn, category: 'meals', amountCents: 4_150 },
          ],
        },
        admin.principal,
        requestId(),
      ),
    );
    const withReceipt = index < 2;
    if (withReceipt) {
      const staged = await deps.store.put(Readable.from(demoPdf(`Hotel receipt ${breakdownOn}`)), {
        maxBytes: 1_000_000,
      });
      const benefits = benefitsAt(clockAt(daysAgo - 5, 12));
      await benefits.attachReceipt(
        await benefits.receiptOwner('trip_interruption_claim', trip.id, admin.principal),
        { file: staged, originalName: 'hotel-receipt.pdf' },
        admin.principal,
        requestId(),
      );
    }
    await inTransaction((trx) =>
      benefitsAt(clockAt(daysAgo - 7)).decide(
        joining(trx),
        'trip_interruption_claim',
        trip.id,
        withReceipt
          ? { decision: 'approve' }
          : {
              decision: 'deny',
              reasonCode: 'receipts_missing',
              reason: 'No hotel or meal receipts were sent after two requests.',
            },
        adjuster.principal,
        requestId(),
      ),
    );
    summary.tripClaims++;
  }

  // ---- Roadside: requests over the year, most completed, the newest still open.
  const services = ['tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery'] as const;
  for (const [index, contract] of take(8).entries()) {
    const daysAgo = Math.max(0, 340 - index * 45);
    const at = clockAt(daysAgo);
    const roadside = createRoadsideService({ db, clock: at, catalog, timeZone });
    const service = services[index % services.length]!;
    const request = await inTransaction((trx) =>
      roadside.request(
        joining(trx),
        {
          contractId: contract.id,
          service,
          location: { address: `${contract.address_line1}, ${contract.address_city}` },
          phone: '555-0100',
        },
        admin.principal,
        requestId(),
      ),
    );
    summary.roadsideRequests++;
    if (daysAgo === 0) continue;
    const later = createRoadsideService({ db, clock: clockAt(daysAgo, 45), catalog, timeZone });
    await inTransaction((trx) =>
      later.move(joining(trx), request.id, { status: 'dispatched' }, admin.principal, requestId()),
    );
    const done = createRoadsideService({ db, clock: clockAt(daysAgo, 120), catalog, timeZone });
    await inTransaction((trx) =>
      done.move(
        joining(trx),
        request.id,
        { status: 'completed', ...(service === 'tow' ? { towingCostCents: 6_500 } : {}) },
        admin.principal,
        requestId(),
      ),
    );
  }

  // ---- Cancellations: one or two a month, for the reasons people cancel.
  const reasons = ['customer_request', 'payoff', 'trade_in', 'total_loss', 'customer_request'] as const;
  for (const [index, contract] of take(16).entries()) {
    const daysAgo = Math.max(0, Math.round(350 - index * 22 - random() * 8));
    const at = clockAt(daysAgo);
    await inTransaction((trx) =>
      createCancellationsService({ db, clock: at, catalog, timeZone }).cancel(
        joining(trx),
        contract.id,
        {
          cancelOn: dayOf(at),
          odometer: contract.odometer_at_sale + 3_000 + (365 - daysAgo) * 25,
          reason: reasons[index % reasons.length]!,
        },
        admin.principal,
        admin.actor,
        requestId(),
      ),
    );
    summary.cancellations++;
  }

  // ---- GAP: addenda sold on three financed vehicles of the portfolio, then a total loss each, at
  // three stages: benefit approved (a payable of the next payment run), documents under review (one
  // rejected), documents just received.
  const calendar = createBusinessCalendar({ timeZone, cutoffMinutes: deps.cutoffMinutes ?? 17 * 60 });
  const gapServicesAt = (clock: Clock) => {
    const gapClaims = createGapClaimsService({
      db,
      clock,
      catalog,
      calendar,
      timeZone,
      reviewBusinessDays: deps.reviewBusinessDays ?? 2,
      outbox: deps.outbox,
      approvalLimitCents: deps.approvalLimitCents ?? 500_000,
      publicUrl: deps.publicUrl,
    });
    const documents = createDocumentsService({
      db,
      clock,
      timeZone,
      store: deps.store,
      owners: { gap_claim: gapClaims.documentOwner },
    });
    return { gapClaims, documents };
  };
  const stages = [
    { lossDaysAgo: 75, reviewDelays: [1, 1, 2, 4, 1, 1], pay: true },
    { lossDaysAgo: 33, reviewDelays: [1, 6, null, 2, null, null], pay: false },
    { lossDaysAgo: 4, reviewDelays: [null, null, null, null, null, null], pay: false },
  ];
  const gapVehicles = take(stages.length, (c) => c.lienholder_name !== null);
  for (const [index, vehicle] of gapVehicles.entries()) {
    const stage = stages[index]!;
    const soldAt = clockAt(stage.lossDaysAgo + 200);
    const addendum = await inTransaction((trx) =>
      createContractsService({ db, clock: soldAt, catalog, timeZone }).create(
        joining(trx),
        {
          product: 'gap',
          planCode: 'GAP',
          holder: {
            firstName: vehicle.holder_first_name,
            lastName: vehicle.holder_last_name,
            address: {
              line1: vehicle.address_line1,
              city: vehicle.address_city,
              state: vehicle.address_state,
              zip: vehicle.address_zip,
            },
          },
          vehicle: {
            vin: vehicle.vin,
            year: vehicle.vehicle_year,
            make: vehicle.vehicle_make,
            model: vehicle.vehicle_model,
          },
          odometerAtSale: vehicle.odometer_at_sale,
          purchaseDate: dayOf(soldAt),
          purchaseState: vehicle.purchase_state,
          termMonths: 60,
          termMiles: null,
          priceCents: 69_500 + index * 5_000,
          deductibleCents: null,
          lienholder: { name: vehicle.lienholder_name! },
          amountFinancedCents: 2_800_000 + index * 150_000,
          msrpCents: 3_100_000 + index * 150_000,
        },
        admin.actor,
        requestId(),
      ),
    );
    const opened = gapServicesAt(clockAt(stage.lossDaysAgo - 1));
    const claim = await inTransaction((trx) =>
      opened.gapClaims.start(
        joining(trx),
        [addendum.id],
        { dateOfLoss: dayOf(clockAt(stage.lossDaysAgo)), lossType: 'total_loss' },
        SYSTEM_ACTOR,
        requestId(),
      ),
    );
    summary.gapClaims++;
    const types = claim.requiredDocuments.map((item) => item.type);
    for (const [typeIndex, type] of types.entries()) {
      const receivedDaysAgo = Math.max(0, stage.lossDaysAgo - 2 - typeIndex);
      const received = gapServicesAt(clockAt(receivedDaysAgo, 10));
      const staged = await deps.store.put(Readable.from(demoPdf(`${claim.claimNumber} ${type}`)), {
        maxBytes: 1_000_000,
      });
      const document = await inTransaction(async (trx) => {
        const row = await received.gapClaims.addDocument(
          joining(trx),
          claim.id,
          adjuster.principal,
          { type, file: staged, originalName: `${type}.pdf` },
          SYSTEM_ACTOR,
          requestId(),
        );
        await staged.promote();
        return row;
      });
      summary.documents++;
      const delay = stage.reviewDelays[typeIndex % stage.reviewDelays.length];
      if (delay === null || delay === undefined || receivedDaysAgo - delay < 0) continue;
      const reviewedAt = gapServicesAt(clockAt(receivedDaysAgo - delay, 30));
      const reject = index === 1 && typeIndex === 1;
      await inTransaction((trx) =>
        reviewedAt.documents.review(
          joining(trx),
          document.id,
          reject
            ? { decision: 'reject', reason: 'The page with the payoff amount is missing; send every page.' }
            : { decision: 'accept' },
          reviewer.actor,
          requestId(),
        ),
      );
    }
    if (!stage.pay) continue;
    const decided = gapServicesAt(clockAt(stage.lossDaysAgo - 12));
    await inTransaction((trx) =>
      decided.gapClaims.calculateBenefit(
        joining(trx),
        claim.id,
        { payoffCents: 1_840_000, acvCents: 1_500_000, primaryDeductibleCents: 50_000 },
        adjuster.actor,
        requestId(),
      ),
    );
    await inTransaction((trx) =>
      decided.gapClaims.approve(
        joining(trx),
        claim.id,
        { reason: 'Every document accepted.' },
        adjuster.actor,
        requestId(),
      ),
    );
  }

  // ---- Transfers: private sales reported within the window; the fee paid and the buyer now the
  // holder, the newest still waiting for its fee.
  const buyers = [
    { firstName: 'Dana', lastName: 'Whitfield', line1: '41 Maple Avenue', city: 'Columbia', zip: '65201' },
    { firstName: 'Luis', lastName: 'Ortega', line1: '7 Lakeview Drive', city: 'Kansas City', zip: '64112' },
    { firstName: 'Priya', lastName: 'Raman', line1: '218 Sycamore Street', city: 'St. Louis', zip: '63101' },
  ];
  const transferred = take(buyers.length);
  for (const [index, contract] of transferred.entries()) {
    const buyer = buyers[index]!;
    const daysAgo = 250 - index * 115;
    const at = clockAt(daysAgo);
    const requested = await inTransaction((trx) =>
      createTransfersService({ db, clock: at, catalog, timeZone }).request(
        joining(trx),
        contract.id,
        {
          ownershipTransferredOn: dayOf(clockAt(daysAgo + 6)),
          saleType: 'private',
          odometer: contract.odometer_at_sale + 4_000 + (365 - daysAgo) * 30,
          buyer: {
            firstName: buyer.firstName,
            lastName: buyer.lastName,
            address: { line1: buyer.line1, city: buyer.city, state: 'MO', zip: buyer.zip },
          },
        },
        admin.principal,
        admin.actor,
        requestId(),
      ),
    );
    summary.transfers++;
    if (index === buyers.length - 1 || requested.status !== 'pending_fee') continue;
    await inTransaction((trx) =>
      createTransfersService({ db, clock: clockAt(daysAgo - 2), catalog, timeZone }).recordFeePayment(
        joining(trx),
        requested.id,
        { method: 'card', reference: `DEMO-TRANSFER-${index + 1}` },
        admin.principal,
        admin.actor,
        requestId(),
      ),
    );
  }

  // ---- A dealer file imported three weeks ago: new contracts booked to the dealer (its cost on the
  // dealer's statement), and one row refused for its VIN, as a real file would have.
  if (deps.transactionWithCopy) {
    const importedAt = clockAt(21);
    // Sold 11 to 16 days before the file came in: more than the funding remittance window (30 days by
    // default) has passed since, so the contracts Plaza Honda has not paid for show on the funding
    // reconciliation below.
    const soldOn = (daysBefore: number) => dayOf(clockAt(21 + 10 + daysBefore));
    const row = (index: number, overrides: Record<string, string> = {}) => {
      const values: Record<string, string> = {
        contract_number: `IMPORT-D1001-${String(index).padStart(4, '0')}`,
        product: 'vsc',
        plan_code: index % 2 === 0 ? 'VALUE_GUARD' : 'MAJOR_GUARD',
        holder_first_name: ['Imani', 'Carlos', 'Grace', 'Owen', 'Mei'][index % 5]!,
        holder_last_name: ['Importwell', 'Benitez', 'Okafor', 'Lindqvist', 'Tanaka'][index % 5]!,
        holder_email: '',
        holder_phone: `555-01${String(40 + index).padStart(2, '0')}`,
        address_line1: `${12 + index * 7} Elm Street`,
        city: 'Kansas City',
        state: 'MO',
        zip: '64111',
        vin: withCheckDigit(`1HGCM8260RA${String(204_350 + index).padStart(6, '0')}`),
        vehicle_year: '2025',
        vehicle_make: 'Honda',
        vehicle_model: index % 2 === 0 ? 'Accord' : 'CR-V',
        odometer_at_sale: String(9_000 + index * 1_250),
        purchase_date: soldOn(index),
        purchase_state: 'MO',
        term_months: '36',
        term_miles: '36000',
        price_cents: index % 2 === 0 ? '189900' : '249900',
        deductible_cents: '10000',
        // Financed by Heartland Credit Union, whose funded-deals file below matches them (its own loans only).
        lienholder_name: 'Heartland Credit Union',
        dealer_code: 'D-1001',
        dealer_name: 'Plaza Honda',
        amount_financed_cents: '',
        msrp_cents: '',
        dealer_cost_cents: index % 2 === 0 ? '112000' : '149000',
        ...overrides,
      };
      return columns.map((column) => values[column] ?? '').join(',');
    };
    const columns = CONTRACT_CSV_COLUMNS.filter((column) => column !== 'sold_after_vehicle_sale');
    const lines = [columns.join(','), row(1), row(2), row(3), row(4), row(5)];
    // A typo in the last VIN (its check digit no longer matches): the report names the line.
    const good = withCheckDigit('1HGCM8260RA204356');
    const typo = `${good.slice(0, 8)}${computeVinCheckDigit(good) === '1' ? '2' : '1'}${good.slice(9)}`;
    lines.push(row(6, { vin: typo }));
    const result = await importContracts(
      { db, transactionWithCopy: deps.transactionWithCopy, catalog, clock: importedAt, timeZone },
      Readable.from([`${lines.join('\n')}\n`]),
      { actor: admin.actor, fileName: 'plaza-honda-weekly.csv', requestId: requestId() },
    );
    summary.importedContracts = result.accepted;

    // ---- Ten days later Plaza Honda pays for two of the imported contracts: a remittance recorded
    // against its account, so its statement shows bookings, a payment and a balance still owed.
    const plaza = await findDealerByCode(db, 'D-1001');
    if (plaza && result.accepted >= 2) {
      const receivedAt = clockAt(11);
      await inTransaction((trx) =>
        createDealerStatementsService({ db, clock: receivedAt, timeZone }).recordRemittance(
          joining(trx),
          plaza.id,
          { amountCents: 112_000 + 149_000, reference: 'PLAZA-ACH-20431', receivedOn: dayOf(receivedAt) },
          admin.actor,
          requestId(),
        ),
      );
      summary.remittances++;
    }

    // ---- Yesterday the lender uploaded its funded deals (through the funding service, as from the
    // reconciliation page): the imported contracts it financed, one at another price than the
    // contract's, and an add-on it financed that was never registered. The reconciliation shows every
    // kind of finding: financed but not registered, registered but not remitted (the three contracts
    // Plaza Honda has not paid for, sold more than 30 days ago), and a price mismatch.
    const importedVin = (index: number) =>
      withCheckDigit(`1HGCM8260RA${String(204_350 + index).padStart(6, '0')}`);
    const price = (index: number) => (index % 2 === 0 ? 189_900 : 249_900);
    const deal = (vin: string, product: string, amountCents: number, fundedOn: string) =>
      [vin, product, String(amountCents), fundedOn, 'D-1001'].join(',');
    const deals = [
      ...[1, 3, 4, 5].map((index) => deal(importedVin(index), 'vsc', price(index), soldOn(index))),
      deal(importedVin(2), 'vsc', price(2) + 10_000, soldOn(2)),
      deal(withCheckDigit('1HGCM8260RA299001'), 'vsc', 219_900, soldOn(3)),
    ];
    const funding = createFundingService({
      db,
      clock: clockAt(1),
      timeZone,
      remittanceDays: deps.fundingRemittanceDays ?? 30,
      outbox: deps.outbox,
    });
    const uploaded = await funding.upload(
      Readable.from([`vin,product,amountFinancedCents,fundedOn,dealerCode\n${deals.join('\n')}\n`]),
      {
        principal: admin.principal,
        actor: admin.actor,
        lienholder: 'Heartland Credit Union',
        fileName: 'heartland-funded-deals.csv',
        requestId: requestId(),
        maxBytes: 1_000_000,
      },
    );
    summary.fundedDeals += uploaded.accepted;
  }

  // ---- Lender events: the lender's file of payoffs, a repossession and a total loss, received ten
  // days ago through the lender-events service (each add-on on the vehicle cancelled, the refund due
  // by the state's deadline); a second file two days ago with a fresh payoff, and a row for a VIN the
  // administrator does not know, which the report rejects.
  const lenderEventsAt = (clock: Clock) =>
    createLenderEventsService({
      db,
      clock,
      cancellations: createCancellationsService({ db, clock, catalog, timeZone }),
      timeZone,
      inlineMaxRows: 1_000,
    });
  const eventVehicles = take(4, (c) => c.lienholder_name !== null);
  const eventRow = (vin: string, event: string, daysAgo: number, odometer: number, reference: string) =>
    [vin, event, dayOf(clockAt(daysAgo)), String(odometer), reference].join(',');
  const odometerOn = (c: { odometer_at_sale: number }, daysAgo: number) =>
    c.odometer_at_sale + 3_500 + (365 - daysAgo) * 28;
  const sendLenderFile = async (daysAgo: number, rows: string[], fileName: string) => {
    const result = await lenderEventsAt(clockAt(daysAgo)).receiveCsv(
      Readable.from([`vin,event,eventDate,odometer,reference\n${rows.join('\n')}\n`]),
      { principal: admin.principal, actor: admin.actor, fileName, requestId: requestId(), idempotency: null },
    );
    summary.lenderEvents += result.run.rowsTotal;
  };
  const [paidOff, repossessed, totalled, recent] = eventVehicles;
  // The first private buyer's loan is paid off too: the refund is theirs (see the SDN list below).
  const buyerContract = transferred[0];
  const firstFile = [
    ...(paidOff ? [eventRow(paidOff.vin, 'payoff', 30, odometerOn(paidOff, 30), 'LN-40112')] : []),
    ...(buyerContract
      ? [eventRow(buyerContract.vin, 'payoff', 20, odometerOn(buyerContract, 20) + 6_000, 'LN-40127')]
      : []),
    ...(repossessed
      ? [eventRow(repossessed.vin, 'repossession', 18, odometerOn(repossessed, 18), 'LN-40131')]
      : []),
    ...(totalled ? [eventRow(totalled.vin, 'total_loss', 12, odometerOn(totalled, 12), 'LN-40158')] : []),
  ];
  if (firstFile.length > 0) await sendLenderFile(10, firstFile, 'heartland-events-weekly.csv');

  // ---- A payment run a week ago: the SDN list loaded first (every payee is screened), then the run
  // previewed and approved. The private buyer screens as a possible match to an SDN entry: that refund
  // is held for review, everything else is paid (NACHA and positive-pay files written).
  if (deps.payments) {
    const loadedAt = clockAt(8);
    const ofacAt = (clock: Clock) =>
      createOfacService({ db, clock, matchThreshold: deps.payments!.ofacMatchThreshold });
    await ofacAt(loadedAt).loadSdnList(createReadStream(demoSdnFile()), admin.actor, requestId());
    const runAt = clockAt(7);
    const paymentRuns = createPaymentRunsService({
      db,
      clock: runAt,
      timeZone,
      ofac: ofacAt(runAt),
      settings: deps.payments.settings,
      gapBenefits: gapServicesAt(runAt).gapClaims,
    });
    const previewed = await inTransaction((trx) =>
      paymentRuns.preview(joining(trx), {}, admin.actor, requestId()),
    );
    summary.heldPayments = previewed.items.filter((item) => item.status === 'held').length;
    await inTransaction((trx) => paymentRuns.approve(joining(trx), previewed.id, admin.actor, requestId()));
    summary.paymentRuns++;
  }

  const secondFile = [
    ...(recent ? [eventRow(recent.vin, 'payoff', 3, odometerOn(recent, 3), 'LN-40203')] : []),
    eventRow(withCheckDigit('1FTFW1E50PFA00001'), 'total_loss', 4, 21_000, 'LN-40210'),
  ];
  await sendLenderFile(2, secondFile, 'heartland-events-weekly-2.csv');

  await inTransaction((trx) =>
    recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.history_written',
      entityType: 'system',
      entityId: 'demo-history',
      reason: 'demo data (COVERWISE_DEMO): a year of history',
      data: { ...summary },
    }),
  );
  return summary;
}
