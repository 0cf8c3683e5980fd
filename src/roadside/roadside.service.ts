// Roadside requests: a holder (or staff on the phone) asks for a tow, jump start, flat tire, lockout
// or fuel delivery; staff dispatch and complete it and the holder sees the status. A completed tow is
// reimbursed up to the plan's per-disablement limit (docs/domain.md "Benefits").

import type { Kysely, Transaction } from 'kysely';
import { postClaimIncurred } from '../accounting/journal-postings.js';
import { computeTowingReimbursement } from '../catalog/benefit-limits.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import {
  contractOfRecord,
  holderMayTouch,
  inForceOn,
  loadServiceContract,
  vscTermsOf,
} from '../contracts/contract-access.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, RoadsideStatus } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { actorOf, type Principal } from '../shared/principal.js';
import {
  findRoadsideRequest,
  insertRoadsideRequest,
  listRoadsideRequests,
  type RoadsideRow,
  updateRoadsideRequest,
} from './roadside.repository.js';
import { roadsideTransition } from './roadside-status.js';

export interface RoadsideBody {
  contractId: string;
  service: RoadsideRow['service'];
  location: { address?: string | undefined; lat?: number | undefined; lng?: number | undefined };
  phone: string;
}

export function createRoadsideService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;

  async function view(row: RoadsideRow, executor: Kysely<Database> = db) {
    const terms = await vscTermsOf(catalog, await contractOfRecord(executor, row.contract_id), executor);
    return {
      id: row.id,
      contractId: row.contract_id,
      service: row.service,
      status: row.status,
      location: row.location,
      phone: row.phone,
      perEventLimitCents: terms.benefits.roadside.perEventLimitCents,
      towing:
        row.towing_cost_cents === null
          ? null
          : {
              requestedCents: row.towing_cost_cents,
              payableCents: row.payable_cents ?? 0,
              lines: (row.lines ?? []) as { label: string; amountCents: number }[],
            },
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async function request(
    trx: Transaction<Database>,
    body: RoadsideBody,
    principal: Principal,
    requestId: string,
  ) {
    const { contract, terms } = await loadServiceContract(trx, catalog, principal, body.contractId, {
      gapRefusal: () =>
        new AppError(
          'roadside_not_covered',
          'A GAP addendum has no roadside benefit: towing and roadside help come with a vehicle service contract. GAP pays the rest of the loan after a total loss or theft.',
          { param: 'contractId' },
        ),
    });
    const { address, lat, lng } = body.location;
    if (!address && (lat === undefined || lng === undefined))
      throw new AppError('validation_failed', 'Give an address or both lat and lng.', { param: 'location' });
    if (!terms.benefits.roadside.services.includes(body.service))
      throw new AppError(
        'roadside_service_not_covered',
        `${body.service} is not part of the ${terms.planName} plan.`,
        {
          param: 'service',
        },
      );
    const today = calendarDateInZone(clock.now(), deps.timeZone);
    if (contract.status !== 'active' || !inForceOn(contract, today))
      throw new AppError('contract_not_in_force', 'The contract is not in force today.', {
        param: 'contractId',
      });
    const now = clock.now();
    const row = await insertRoadsideRequest(trx, {
      contract_id: contract.id,
      service: body.service,
      status: 'requested',
      location: JSON.stringify({
        ...(address ? { address } : {}),
        ...(lat !== undefined ? { lat, lng } : {}),
      }),
      phone: body.phone,
      created_by: actorOf(principal).label,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'roadside_request.requested',
      entityType: 'roadside_request',
      entityId: row.id,
      data: { contractId: contract.id, service: body.service },
      requestId,
    });
    return view(row, trx);
  }

  async function visible(id: string, principal: Principal, executor: Kysely<Database>, lock = false) {
    const row = await findRoadsideRequest(executor, id, { forUpdate: lock });
    if (!row || !holderMayTouch(principal, row.contract_id))
      throw new AppError('not_found', 'No roadside request with that id.');
    return row;
  }

  async function get(id: string, principal: Principal) {
    return view(await visible(id, principal, db));
  }

  async function list(
    principal: Principal,
    filter: { status?: RoadsideStatus | undefined; contractId?: string | undefined },
    page: { limit: number; startingAfter?: string | undefined },
  ) {
    if (principal.kind === 'holder' && (!filter.contractId || !holderMayTouch(principal, filter.contractId)))
      throw new AppError('not_found', 'No contract with that id.', { param: 'contractId' });
    const rows = await listRoadsideRequests(db, filter, page);
    const data = await Promise.all(rows.slice(0, page.limit).map((row) => view(row)));
    return { data, hasMore: rows.length > page.limit };
  }

  async function move(
    trx: Transaction<Database>,
    id: string,
    body: { status: 'dispatched' | 'completed' | 'cancelled'; towingCostCents?: number | undefined },
    principal: Principal,
    requestId: string,
  ) {
    const row = await visible(id, principal, trx, true);
    const transition = roadsideTransition(
      row.status,
      body.status,
      principal.kind === 'holder' ? 'holder' : 'staff',
    );
    if (!transition.ok)
      throw new AppError(
        transition.code,
        transition.code === 'forbidden'
          ? 'You can cancel a request until help is dispatched; call us to change anything else.'
          : `A ${row.status} request cannot become ${body.status}.`,
        { param: 'status' },
      );
    if (body.towingCostCents !== undefined && !(row.service === 'tow' && body.status === 'completed'))
      throw new AppError('validation_failed', 'A towing cost is recorded when a tow is completed.', {
        param: 'towingCostCents',
      });
    let towing: { payableCents: number; lines: { label: string; amountCents: number }[] } | null = null;
    if (body.towingCostCents !== undefined) {
      const { terms } = await loadServiceContract(trx, catalog, principal, row.contract_id);
      towing = computeTowingReimbursement({
        requestedCents: body.towingCostCents,
        rule: { perEventLimitCents: terms.benefits.roadside.perEventLimitCents },
      });
    }
    const updated = await updateRoadsideRequest(trx, row.id, {
      status: body.status,
      now: clock.now(),
      towing: towing
        ? { costCents: body.towingCostCents ?? 0, payableCents: towing.payableCents, lines: towing.lines }
        : null,
    });
    if (towing && towing.payableCents > 0)
      await postClaimIncurred(
        trx,
        {
          type: 'roadside_request',
          id: row.id,
          label: 'Towing reimbursement',
          amountCents: towing.payableCents,
          contract: await contractOfRecord(trx, row.contract_id),
        },
        { effectiveOn: calendarDateInZone(clock.now(), deps.timeZone), actor: actorOf(principal), requestId },
      );
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: `roadside_request.${body.status}`,
      entityType: 'roadside_request',
      entityId: row.id,
      data: { from: row.status, to: body.status, ...(towing ? { payableCents: towing.payableCents } : {}) },
      requestId,
    });
    return view(updated, trx);
  }

  return { request: asUseCase(request), get, list, move: asUseCase(move) };
}

export type RoadsideService = ReturnType<typeof createRoadsideService>;
