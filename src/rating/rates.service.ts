// E-rating: a dealer's F&I menu sends a vehicle and gets every offer the catalog prices for it. The answer
// is stored as one quote; each of its offers is a rate the dealer may book once within the validity days
// (catalog rating.rateValidityDays).
import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import { isRegionCode } from '../catalog/regions.js';
import { modelYearProblem } from '../contracts/model-year.js';
import { validateVin, vinModelYears } from '../contracts/vin.js';
import { type Actor, auditRow, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { writeBatches } from '../platform/db/write-batches.js';
import {
  addDays,
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import {
  compactOffer,
  findQuote,
  insertQuotesIfCurrent,
  newQuoteId,
  purgeExpiredQuotes,
  type QuoteWrite,
  rateIdOf,
} from './rate.repository.js';
import type { RateAnswer, RateRequestInput } from './rates.schemas.js';
import { type RatingRequest, rateVehicle } from './rating.js';

/** What a stored rate keeps of the request: what the contract it books is made from. */
export interface RatedVehicle extends RateRequestInput {
  vin: string;
  purchaseState: string;
}

export function createRatesService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
  /** Days after its validity ended that a quote nothing booked is purged (COVERWISE_RATE_QUOTE_RETENTION_DAYS). */
  quoteRetentionDays?: number;
  /** Quotes deleted by one statement of the purge. */
  purgeBatchSize?: number;
}) {
  const { db, clock, catalog } = deps;
  // Concurrent rating answers are stored together, a statement for all that arrived while the one
  // before was on its way (platform/db/write-batches.ts): each caller still answers only once its quote
  // is committed. One statement at a time (of up to 64 answers): measured with `npm run bench -- --only
  // rating` on PostgreSQL (32 callers, 2 CPUs), two at a time made smaller batches and the ratio fell
  // from 0.48 to 0.41 in two alternating runs.
  const storeQuote = writeBatches<QuoteWrite, number | null>({
    write: (writes) => insertQuotesIfCurrent(db, writes),
    maxBatch: 64,
    maxInFlight: 1,
  });
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  function checkRequest(input: RateRequestInput): RatedVehicle {
    const vin = validateVin(input.vin);
    if (!vin.ok) throw new AppError('invalid_vin', vin.detail, { param: 'vin' });
    if (!isCalendarDate(input.saleDate))
      throw new AppError('invalid_date', `"${input.saleDate}" is not a calendar date (YYYY-MM-DD).`, {
        param: 'saleDate',
      });
    const purchaseState = input.purchaseState.trim().toUpperCase();
    if (!isRegionCode(purchaseState))
      throw new AppError(
        'invalid_state',
        `"${input.purchaseState}" is not a U.S. state or Canadian province code.`,
        {
          param: 'purchaseState',
        },
      );
    const saleYear = Number(input.saleDate.slice(0, 4));
    const modelYear = modelYearProblem(input.vehicle.year, input.saleDate);
    if (modelYear?.field === 'sale_date')
      throw new AppError('invalid_date', `The sale date ${modelYear.detail}`, { param: 'saleDate' });
    if (modelYear) throw new AppError('validation_failed', modelYear.detail, { param: 'vehicle.year' });
    // The 10th character of the VIN codes the model year; a different year in the request is a typo in
    // one of the two, and pricing either could sell a contract for the wrong vehicle.
    const decoded = vinModelYears(vin.vin, saleYear + 2);
    if (!decoded.includes(input.vehicle.year))
      throw new AppError(
        'vin_model_year_mismatch',
        decoded.length === 0
          ? `The VIN's 10th character "${vin.vin.charAt(9)}" is not a model-year code.`
          : `The VIN is for model year ${decoded.join(' or ')}, not ${input.vehicle.year}.`,
        { param: 'vehicle.year' },
      );
    return { ...input, vin: vin.vin, purchaseState };
  }

  /**
   * A rate is good for `validityDays` (catalog), and a vehicle's age, which decides its eligibility, is
   * counted from the sale: so the sale is within that many days of today, either way. A sale date years
   * back would rate an old car as a young one (and book a contract sold in the past); one years ahead
   * would book a contract sold in the future.
   */
  function checkSaleDate(saleDate: CalendarDate, validityDays: number): void {
    const now = today();
    const earliest = addDays(now, -validityDays);
    const latest = addDays(now, validityDays);
    if (compareDates(saleDate, earliest) < 0 || compareDates(saleDate, latest) > 0)
      throw new AppError(
        'invalid_date',
        `The sale date must be within ${validityDays} days of today (${earliest} to ${latest}), as long as a rate is good for.`,
        { param: 'saleDate' },
      );
  }

  /** What the rating engine is given of a checked request (and of a stored quote's vehicle). */
  const ratingRequestOf = (vehicle: RatedVehicle): RatingRequest => ({
    saleDate: vehicle.saleDate,
    odometer: vehicle.odometer,
    purchaseState: vehicle.purchaseState,
    vehicle: vehicle.vehicle,
    loan: vehicle.loan,
  });

  /**
   * Prices the vehicle and stores the quote; answers `encode(answer)`. The answer is built and encoded
   * before the quote is written, so that while the write is on its way (most of a call's time under load:
   * the write waits for the statement before it, platform/db/write-batches.ts) the call holds its encoded
   * answer rather than the ~150 objects of its offers; see the route.
   */
  async function rate<T = RateAnswer>(
    input: RateRequestInput,
    dealerId: string | null,
    actor: Actor,
    requestId: string,
    encode: (answer: RateAnswer) => T = (answer) => answer as T,
  ): Promise<T> {
    const vehicle = checkRequest(input);
    const request = ratingRequestOf(vehicle);
    // Priced with the version this process last knew as current; the write checks it still is, and
    // a version published meanwhile (by any process) prices the vehicle again.
    let current = await catalog.lastKnownCurrent();
    checkSaleDate(vehicle.saleDate, current.catalog.rating?.rateValidityDays ?? 30);
    for (let attempt = 1; ; attempt++) {
      const result = rateVehicle(current.catalog, request);
      const expiresOn = addDays(today(), current.catalog.rating?.rateValidityDays ?? 30);
      // One row for the whole answer (not one per offer): its offers are the rates a booking refers to.
      // The quote and its audit row are written together (with other callers' answers: storeQuote), in one
      // statement, atomic on its own: no transaction is opened.
      const quoteId = newQuoteId();
      const { offers } = result;
      const encoded = encode({
        catalogVersion: current.version,
        vehicleClass: result.vehicleClass,
        // One object literal of fixed shape per offer, not `{ rateId, ...offer, expiresOn }`: a spread after
        // another property copies property by property. `npm run bench -- --only rating` on PostgreSQL,
        // three alternating pairs of runs: ratio 0.48, 0.42, 0.43 with the spread, 0.55, 0.52, 0.50
        // without (app CPU 0.39–0.70 and 0.28–0.44 ms a call).
        offers: offers.map((offer, index) => ({
          rateId: rateIdOf(quoteId, index),
          product: offer.product,
          planCode: offer.planCode,
          termMonths: offer.termMonths,
          termMiles: offer.termMiles,
          deductibleCents: offer.deductibleCents,
          dealerCostCents: offer.dealerCostCents,
          maxRetailCents: offer.maxRetailCents,
          lines: offer.lines,
          expiresOn,
        })),
        ineligible: result.ineligible,
      });
      const latest = await storeQuote({
        catalogVersion: current.version,
        quote:
          offers.length === 0
            ? null
            : {
                id: quoteId,
                dealer_id: dealerId,
                requested_by: actor.label,
                catalog_version: current.version,
                vehicle: JSON.stringify(vehicle),
                // What booking and audit need (rate.repository.ts): the labels are re-derived when asked.
                offers: JSON.stringify(offers.map(compactOffer)),
                expires_on: expiresOn,
              },
        audit: auditRow({
          actor,
          action: 'rates.issued',
          entityType: 'vin',
          entityId: vehicle.vin,
          data: {
            quoteId: offers.length > 0 ? quoteId : null,
            catalogVersion: current.version,
            offers: offers.length,
            ineligible: result.ineligible.map((i) => `${i.planCode}:${i.reasonCode}`),
          },
          requestId,
        }),
      });
      if (latest === current.version) return encoded;
      // Publishing is rare; versions published back to back while one vehicle is priced, rarer still.
      if (attempt >= 3)
        throw new AppError(
          'service_unavailable',
          'The catalog is being republished; rate the vehicle again.',
        );
      current = await catalog.current();
    }
  }

  /**
   * A stored quote's answer with every line's label, re-derived from what the quote keeps: its vehicle
   * priced again with its catalog version (rating is a pure function of the two). Each offer's stored
   * figures are the record; the re-derivation must match them, else the quote cannot be explained
   * (and says so) rather than be explained wrongly.
   */
  async function explainQuote(quoteId: string) {
    const quote = await findQuote(db, quoteId);
    if (!quote) throw new AppError('not_found', 'No rate quote with that id.');
    const version = await catalog.byVersion(quote.catalogVersion);
    const result = rateVehicle(version.catalog, ratingRequestOf(quote.vehicle as unknown as RatedVehicle));
    const stored = quote.offers;
    const derived = result.offers;
    const matches =
      stored.length === derived.length &&
      stored.every((offer, index) => {
        const again = derived[index]!;
        return (
          offer.product === again.product &&
          offer.planCode === again.planCode &&
          offer.termMonths === again.termMonths &&
          offer.termMiles === again.termMiles &&
          offer.deductibleCents === again.deductibleCents &&
          offer.dealerCostCents === again.dealerCostCents &&
          offer.maxRetailCents === again.maxRetailCents &&
          offer.lineAmountsCents.length === again.lines.length &&
          offer.lineAmountsCents.every((cents, line) => cents === again.lines[line]!.amountCents)
        );
      });
    if (!matches)
      throw new AppError(
        'conflict',
        `Quote ${quote.id} does not price the same again with catalog version ${quote.catalogVersion}.`,
      );
    return {
      catalogVersion: quote.catalogVersion,
      vehicleClass: result.vehicleClass,
      offers: stored.map(({ lineAmountsCents: _, ...offer }, index) => ({
        ...offer,
        expiresOn: quote.expiresOn,
        lines: derived[index]!.lines,
      })),
      ineligible: result.ineligible,
    };
  }

  /**
   * The recurring purge: deletes the quotes whose validity ended more than the retention days ago and
   * none of whose offers booked, in batches (one statement each, its audit row included: a system
   * action with the count). Answers how many quotes went.
   */
  async function purgeExpired(): Promise<number> {
    const expiredBefore = addDays(today(), -(deps.quoteRetentionDays ?? 90));
    const limit = deps.purgeBatchSize ?? 1000;
    let total = 0;
    for (;;) {
      const purged = await purgeExpiredQuotes(db, {
        expiredBefore,
        limit,
        audit: auditRow({
          actor: SYSTEM_ACTOR,
          action: 'rate_quotes.purged',
          entityType: 'rate_quotes',
          entityId: `expired-before-${expiredBefore}`,
          data: { expiredBefore, retentionDays: deps.quoteRetentionDays ?? 90 },
        }),
      });
      total += purged;
      if (purged < limit) return total;
    }
  }

  return { rate, checkRequest, today, explainQuote, purgeExpired };
}

export type RatesService = ReturnType<typeof createRatesService>;
