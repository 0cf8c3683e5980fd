// Repair facilities: the licensed shops that file repair claims. Staff list and register them; a
// repair-facility user sees only its own.
import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, type Tx } from '../platform/db/transaction.js';
import type { Principal } from '../shared/principal.js';
import {
  findRepairFacility,
  insertRepairFacility,
  listRepairFacilities,
  type RepairFacility,
  toRepairFacility,
} from './repair-facility.repository.js';

export interface NewRepairFacility {
  name: string;
  address: { line1: string; city: string; region: string; postalCode: string; country: 'US' | 'CA' };
  phone?: string | undefined;
  laborRateCents: number;
  dealerCode?: string | undefined;
}

const PAGE = 100;

export function createRepairFacilitiesService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  /** The facilities a principal may see: a repair-facility user its own, staff the first page. */
  async function list(principal: Principal): Promise<{ data: RepairFacility[]; hasMore: boolean }> {
    if (principal.kind === 'user' && principal.role === 'repair_facility') {
      const own = principal.facilityId ? await findRepairFacility(db, principal.facilityId) : undefined;
      return { data: own ? [toRepairFacility(own)] : [], hasMore: false };
    }
    const rows = await listRepairFacilities(db, PAGE + 1);
    return { data: rows.slice(0, PAGE).map(toRepairFacility), hasMore: rows.length > PAGE };
  }

  async function create(
    trx: Tx,
    input: NewRepairFacility,
    actor: Actor,
    requestId: string,
  ): Promise<RepairFacility> {
    const row = await insertRepairFacility(trx, {
      name: input.name,
      address_line1: input.address.line1,
      city: input.address.city,
      region: input.address.region.toUpperCase(),
      postal_code: input.address.postalCode,
      country: input.address.country,
      phone: input.phone ?? null,
      labor_rate_cents: input.laborRateCents,
      dealer_code: input.dealerCode ?? null,
    });
    await recordAudit(trx, {
      actor,
      action: 'repair_facility.created',
      entityType: 'repair_facility',
      entityId: row.id,
      data: { name: row.name, dealerCode: row.dealer_code },
      requestId,
    });
    return toRepairFacility(row);
  }

  return { list, create: asUseCase(create) };
}

export type RepairFacilitiesService = ReturnType<typeof createRepairFacilitiesService>;
