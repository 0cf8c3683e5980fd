// How cancellations and transfers reach a contract: the holder may touch only their own contracts
// (anyone else is told it does not exist), the row is locked when a use case will change it, and its
// terms always come from the catalog version it was sold under.
import { type Kysely, sql } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import { type EffectiveTerms, resolveTerms } from '../catalog/effective-terms.js';
import { type ContractView, contractView, coverageView } from '../contracts/contract.view.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';

/** The ledger sources that are claim payments (repair, GAP and benefit claims, roadside). */
export const CLAIM_SOURCE_TYPES = [
  'repair_claim',
  'gap_claim',
  'rental_claim',
  'trip_interruption_claim',
  'roadside_request',
] as const;

export function assertHolderMayTouch(principal: Principal, contractId: string): void {
  if (principal.kind === 'holder' && !principal.contractIds.includes(contractId)) {
    throw new AppError('not_found', 'No contract with that id.');
  }
}

/** The contract, for reading; `forUpdate` locks the row until the transaction ends. */
export async function loadContract(
  db: Kysely<Database>,
  principal: Principal,
  contractId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ContractRow> {
  assertHolderMayTouch(principal, contractId);
  let query = db.selectFrom('contracts').selectAll().where('id', '=', contractId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No contract with that id.');
  return row;
}

export async function termsOf(
  catalog: CatalogService,
  row: ContractRow,
  executor: Kysely<Database>,
): Promise<{ terms: EffectiveTerms; catalogVersion: Awaited<ReturnType<CatalogService['byVersion']>> }> {
  const version = await catalog.byVersion(row.catalog_version, executor);
  const terms = resolveTerms(version.catalog, row.plan_code, row.purchase_state);
  if (!terms) throw new Error(`Plan ${row.plan_code} is missing from catalog version ${row.catalog_version}`);
  return { terms, catalogVersion: version };
}

/** The contract as the API shows it, built inside the use case's transaction (after its change). */
export async function contractViewIn(
  catalog: CatalogService,
  row: ContractRow,
  executor: Kysely<Database>,
  onDate: CalendarDate,
): Promise<ContractView> {
  const { terms, catalogVersion } = await termsOf(catalog, row, executor);
  return {
    ...contractView(row, terms.planName, onDate),
    coverage: coverageView(row, terms, catalogVersion.catalog, { onDate, odometer: row.odometer_at_sale }),
  };
}

/** Claims paid on the contract: net payouts (reversals included) of every claim source in the ledger. */
export async function claimsPaidCents(db: Kysely<Database>, contractId: string): Promise<number> {
  const result = await db
    .selectFrom('ledger_entries')
    .select(
      sql<number>`coalesce(sum(case when direction = 'payout' then amount_cents else -amount_cents end), 0)::bigint`.as(
        'net',
      ),
    )
    .where('contract_id', '=', contractId)
    .where('source_type', 'in', [...CLAIM_SOURCE_TYPES])
    .executeTakeFirstOrThrow();
  return Math.max(0, Number(result.net));
}
