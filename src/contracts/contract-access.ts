// The one way to reach a contract: load it for a principal (staff see any; a holder only their own,
// a dealer only the contracts it booked: anyone else is told it does not exist), resolve its terms
// (always from the catalog version it was sold under, with its purchase state's rules) and decide
// whether it was in force on a day. Every use case that touches a contract goes through here; the SQL
// is in contract.repository.ts.
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/catalog.schema.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { EffectiveTerms, GapTerms, VscTerms } from '../catalog/effective-terms.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { dealerIdOf, type Principal } from '../shared/principal.js';
import { findContractById, findContractForUpdate } from './contract.repository.js';
import {
  type ContractView,
  type CoverageFacts,
  contractView,
  coverageStatusOf,
  coverageView,
} from './contract.view.js';

const NOT_FOUND = 'No contract with that id.';

/**
 * Whether a holder's session covers the contract (always true for anyone else): what a record on a
 * contract (a claim, a document, a request) checks before showing itself to a holder.
 */
export function holderMayTouch(principal: Principal, contractId: string): boolean {
  return principal.kind !== 'holder' || principal.contractIds.includes(contractId);
}

/** Before any query: a holder names only their own contracts (others read as missing). */
export function assertHolderMayTouch(principal: Principal, contractId: string): void {
  if (!holderMayTouch(principal, contractId)) throw new AppError('not_found', NOT_FOUND);
}

/** Whether the principal may see this contract: staff any, a holder their own, a dealer those it booked. */
export function maySee(principal: Principal, row: Pick<ContractRow, 'id' | 'dealer_id'>): boolean {
  if (principal.kind === 'holder') return holderMayTouch(principal, row.id);
  const dealerId = dealerIdOf(principal);
  return dealerId === null || row.dealer_id === dealerId;
}

/**
 * The contract as the principal may see it, or 404 not_found; `forUpdate` locks the row until the
 * transaction ends (for a use case that will change it).
 */
export async function loadContract(
  db: Kysely<Database>,
  principal: Principal,
  contractId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ContractRow> {
  assertHolderMayTouch(principal, contractId);
  const row = options.forUpdate
    ? await findContractForUpdate(db, contractId)
    : await findContractById(db, contractId);
  if (!row || !maySee(principal, row)) throw new AppError('not_found', NOT_FOUND);
  return row;
}

/** A contract another record names (a claim's, a document's): it exists, or the database is broken. */
export async function contractOfRecord(db: Kysely<Database>, contractId: string): Promise<ContractRow> {
  const row = await findContractById(db, contractId);
  if (!row) throw new Error(`Contract ${contractId} is missing`);
  return row;
}

type TermsKey = Pick<ContractRow, 'catalog_version' | 'plan_code' | 'purchase_state'>;

/** The contract's effective terms: its plan in its catalog version, with its purchase state's rules. */
export async function termsOf(
  catalog: CatalogService,
  row: TermsKey,
  executor: Kysely<Database>,
): Promise<{ terms: EffectiveTerms; catalog: Catalog }> {
  const { terms, catalog: document } = await catalog.termsFor(
    row.catalog_version,
    row.plan_code,
    row.purchase_state,
    executor,
  );
  if (!terms) throw new Error(`Plan ${row.plan_code} is missing from catalog version ${row.catalog_version}`);
  return { terms, catalog: document };
}

/** The terms of a service contract (a GAP addendum here is a broken record). */
export async function vscTermsOf(
  catalog: CatalogService,
  row: TermsKey,
  executor: Kysely<Database>,
): Promise<VscTerms> {
  const { terms } = await termsOf(catalog, row, executor);
  if (terms.product !== 'vsc')
    throw new Error(`Plan ${row.plan_code} is not a VSC plan of catalog ${row.catalog_version}`);
  return terms;
}

/** The terms of a GAP addendum (a service contract here is a broken record). */
export async function gapTermsOf(
  catalog: CatalogService,
  row: TermsKey,
  executor: Kysely<Database>,
): Promise<GapTerms> {
  const { terms } = await termsOf(catalog, row, executor);
  if (terms.product !== 'gap')
    throw new Error(`Plan ${row.plan_code} is not a GAP plan in catalog version ${row.catalog_version}`);
  return terms;
}

/**
 * A service contract the principal may act on, with its terms; a GAP addendum reads as missing
 * (benefits and roadside belong to service contracts), unless the caller names the refusal that says
 * why the addendum has none (`gapRefusal`, e.g. a roadside request on it).
 */
export async function loadServiceContract(
  db: Kysely<Database>,
  catalog: CatalogService,
  principal: Principal,
  contractId: string,
  options: { forUpdate?: boolean; gapRefusal?: () => AppError } = {},
): Promise<{ contract: ContractRow; terms: VscTerms }> {
  const contract = await loadContract(db, principal, contractId, options);
  const { terms } = await termsOf(catalog, contract, db);
  if (terms.product !== 'vsc')
    throw (
      options.gapRefusal?.() ??
      new AppError('not_found', 'Benefits belong to service contracts; this contract is a GAP addendum.')
    );
  return { contract, terms };
}

/**
 * Whether the contract covers a repair on a day at an odometer reading, with the reason when it does
 * not (contract-term.ts's coverageStatusOn over the contract's stored term): the one definition of
 * "in force".
 */
export const coverageOn = coverageStatusOf;

/**
 * Whether the contract was in force on a day when the odometer is not known (a benefit or roadside
 * call): coverageOn by date and status, on a day on or after the sale; a contract that has expired
 * since still counts for a day within its term, and a waiting period (which ends by miles too) does
 * not take a benefit away.
 */
export function inForceOn(
  contract: CoverageFacts & Pick<ContractRow, 'purchase_date'>,
  day: CalendarDate,
): boolean {
  if (compareDates(day, contract.purchase_date) < 0) return false;
  const status = coverageOn(
    { ...contract, status: contract.status === 'expired' ? 'active' : contract.status },
    { onDate: day, odometer: 0 },
  );
  return status.inForce || status.reasonCode === 'waiting_period';
}

/** The contract as the API shows it (with its coverage on `onDate` when asked), inside `executor`. */
export async function contractViewOf(
  catalog: CatalogService,
  row: ContractRow,
  executor: Kysely<Database>,
  onDate: CalendarDate,
  withCoverage = true,
): Promise<ContractView> {
  const { terms, catalog: document } = await termsOf(catalog, row, executor);
  const base = contractView(row, terms.planName, onDate);
  if (!withCoverage) return base;
  return {
    ...base,
    coverage: coverageView(row, terms, document, { onDate, odometer: row.odometer_at_sale }),
  };
}
