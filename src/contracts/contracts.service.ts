// The contract registry: sell (create) a contract under the current catalog version, read it as
// staff or as its holder, search it, and look up coverage by VIN and odometer for repair shops.

import type { Kysely, Transaction } from 'kysely';
import { postContractWritten } from '../accounting/journal-postings.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { type Actor, type AuditEvent, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { emitEvent } from '../webhooks/webhook-events.js';
import {
  findContractById,
  findContractByNumber,
  findServiceContractsByVin,
  insertContract,
  listContracts,
  listDealerContracts,
  nextContractNumber,
} from './contract.repository.js';
import { type ContractView, coverageView } from './contract.view.js';
import { contractViewOf, coverageOn, loadContract, termsOf as termsOfContract } from './contract-access.js';
import { contractAuditTrail } from './contract-audit.repository.js';
import { type ContractInput, lastNameKey, prepareContract } from './contract-input.js';
import { validateVin } from './vin.js';

export function createContractsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  /** The contract's effective terms (contract-access.ts), for services that hold this one. */
  const termsOf = (
    row: Pick<ContractRow, 'catalog_version' | 'plan_code' | 'purchase_state'>,
    executor: Kysely<Database> = db,
  ) => termsOfContract(catalog, row, executor);

  const view = (row: ContractRow, withCoverage: boolean, executor: Kysely<Database> = db) =>
    contractViewOf(catalog, row, executor, today(), withCoverage);

  /**
   * Registers a contract. The dealer channel passes `booking`: the catalog version the rate was priced
   * under and the dealer with its cost; everything else is exactly what POST /contracts does.
   */
  async function create(
    trx: Transaction<Database>,
    input: ContractInput,
    actor: Actor,
    requestId: string,
    booking?: { catalogVersion: number; dealerId: string; dealerCostCents: number },
  ): Promise<ContractView> {
    const current = booking
      ? await catalog.byVersion(booking.catalogVersion, trx)
      : await catalog.current(trx);
    const prepared = prepareContract(input, current.catalog, current.version, today());
    if (!prepared.ok) throw new AppError(prepared.code, prepared.detail, { param: prepared.param });
    const contractNumber =
      prepared.row.contract_number ??
      (await nextContractNumber(trx, prepared.row.product, input.purchaseDate.slice(0, 4)));
    const taken = await findContractByNumber(trx, contractNumber);
    if (taken) {
      throw new AppError(
        'contract_number_taken',
        `Contract number ${contractNumber} is already in the registry.`,
        {
          param: 'contractNumber',
        },
      );
    }
    const row = await insertContract(trx, {
      ...prepared.row,
      contract_number: contractNumber,
      source: 'api',
      import_id: null,
      ...(booking ? { dealer_id: booking.dealerId, dealer_cost_cents: booking.dealerCostCents } : {}),
    });
    await postContractWritten(trx, row, { effectiveOn: today(), actor, requestId });
    await emitEvent(trx, 'contract.created', {
      contractId: row.id,
      contractNumber,
      planCode: row.plan_code,
      catalogVersion: row.catalog_version,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.created',
      entityType: 'contract',
      entityId: row.id,
      data: { contractNumber, planCode: row.plan_code, catalogVersion: row.catalog_version },
      requestId,
    });
    return view(row, true, trx);
  }

  /**
   * A contract's row for staff, for the holder it belongs to, or for the dealer that booked it; anyone
   * else is told it does not exist.
   */
  function rowFor(id: string, principal: Principal, executor: Kysely<Database> = db): Promise<ContractRow> {
    return loadContract(executor, principal, id);
  }

  /** A contract for staff, for the holder it belongs to, or for its dealer (holders never see the dealer cost). */
  async function get(id: string, principal: Principal): Promise<ContractView> {
    const contract = await view(await rowFor(id, principal), true);
    return principal.kind === 'holder' ? { ...contract, dealerCostCents: null } : contract;
  }

  /**
   * A dealer's contracts, newest sale first (purchase date, then contract number); `startingAfter` is
   * the last contract of the page before, and must be one of the dealer's.
   */
  async function listForDealer(
    dealerId: string,
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    const rows = await listDealerContracts(db, dealerId, page);
    if (!rows)
      throw new AppError('validation_failed', "startingAfter names none of the dealer's contracts.", {
        param: 'startingAfter',
      });
    const data = await Promise.all(rows.slice(0, page.limit).map((row) => view(row, false)));
    return { data, hasMore: rows.length > page.limit };
  }

  async function search(
    filter: { vin?: string | undefined; contractNumber?: string | undefined; lastName?: string | undefined },
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    const lastNamePrefix = filter.lastName ? lastNameKey(filter.lastName) : undefined;
    if (!filter.vin && !filter.contractNumber && !lastNamePrefix) {
      throw new AppError('validation_failed', 'Search by vin, contractNumber or lastName.', { param: 'vin' });
    }
    const rows = await listContracts(
      db,
      {
        vin: filter.vin?.trim().toUpperCase(),
        contractNumber: filter.contractNumber?.trim().toUpperCase(),
        lastNameKeyPrefix: lastNamePrefix,
      },
      page,
    );
    const data = await Promise.all(rows.slice(0, page.limit).map((row) => view(row, false)));
    return { data, hasMore: rows.length > page.limit };
  }

  async function auditTrail(
    id: string,
    page: { limit: number; startingAfter?: number },
  ): Promise<{ data: AuditEvent[]; hasMore: boolean }> {
    if (!(await findContractById(db, id))) throw new AppError('not_found', 'No contract with that id.');
    const events = await contractAuditTrail(db, id, {
      limit: page.limit + 1,
      ...(page.startingAfter === undefined ? {} : { startingAfter: page.startingAfter }),
    });
    return { data: events.slice(0, page.limit), hasMore: events.length > page.limit };
  }

  /**
   * Coverage for a repair shop: the VIN's service contract as it applies today at the given odometer.
   * Where a VIN has several contracts (a cancelled one and its successor), the one in force wins, then
   * the most recently sold. The answer carries no personal data of the holder.
   */
  async function coverageByVin(vinInput: string, odometer: number) {
    const vin = validateVin(vinInput);
    if (!vin.ok) throw new AppError('invalid_vin', vin.detail, { param: 'vin' });
    const onDate = today();
    const rows = await findServiceContractsByVin(db, vin.vin);
    if (rows.length === 0) return { inForce: false, reasonCode: 'not_found' as const, asOf: onDate };
    const chosen =
      rows.find((row) => odometer >= row.odometer_at_sale && coverageOn(row, { onDate, odometer }).inForce) ??
      rows[0]!;
    // A reading below the one at sale is a typo (or a rolled-back odometer), never coverage: the estimate
    // would be refused for it anyway (repair claims answer the same code), so say it at the lookup.
    if (odometer < chosen.odometer_at_sale)
      throw new AppError(
        'odometer_below_sale',
        `The odometer (${odometer.toLocaleString('en-US')} miles) is below the reading when contract ${chosen.contract_number} was sold (${chosen.odometer_at_sale.toLocaleString('en-US')} miles). Check the reading.`,
        { param: 'odometer' },
      );
    const { terms, catalog: doc } = await termsOf(chosen);
    const coverage = coverageView(chosen, terms, doc, { onDate, odometer });
    // One object literal of fixed shape (spreading the coverage block into it built it property by
    // property, the costliest line of the lookup); reasonCode undefined is not written.
    return {
      inForce: coverage.inForce,
      reasonCode: coverage.reasonCode,
      asOf: coverage.asOf,
      componentGroups: coverage.componentGroups,
      benefits: coverage.benefits,
      notes: coverage.notes,
      contractId: chosen.id,
      contractNumber: chosen.contract_number,
      planCode: chosen.plan_code,
      planName: terms.planName,
      deductibleCents: chosen.deductible_cents,
      disappearingDeductible: coverage.disappearingDeductible,
      sellingDealerCode: chosen.selling_dealer_code,
      expiresOn: chosen.expires_on,
      expiresAtMiles: chosen.expires_at_miles,
      waitingPeriodEndsOn: chosen.waiting_period_ends_on,
      waitingPeriodEndsAtMiles: chosen.waiting_period_ends_at_miles,
      vehicle: { year: chosen.vehicle_year, make: chosen.vehicle_make, model: chosen.vehicle_model },
    };
  }

  return {
    create: asUseCase(create),
    get,
    rowFor,
    view,
    listForDealer,
    search,
    auditTrail,
    coverageByVin,
    today,
    termsOf,
  };
}

export type ContractsService = ReturnType<typeof createContractsService>;
