// The staff search box: one query, read every way it can mean (src/search/search-query.ts), each
// reading an indexed lookup; answers typed results (contract, repair claim, GAP claim, holder) with a
// link, only of the kinds the caller's role can open.
import type { Kysely } from 'kysely';
import type { Database, Role } from '../platform/db/schema.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import {
  type ContractHit,
  contractsByName,
  contractsByNumber,
  contractsByPhone,
  contractsByVinSuffix,
  gapClaimsByNumber,
  gapClaimsOfContracts,
  repairClaimsByNumber,
  repairClaimsOfContracts,
} from './search.repository.js';
import { planIsEmpty, planSearch } from './search-query.js';

export type SearchResultType = 'contract' | 'repair_claim' | 'gap_claim' | 'holder';
export type MatchedBy = 'number' | 'vin' | 'phone' | 'name';

export interface SearchResult {
  type: SearchResultType;
  id: string;
  title: string;
  subtitle: string;
  href: string;
  matchedBy: MatchedBy;
}

/** The result types each staff role can open (the pages the links lead to admit the same roles). */
export const RESULT_TYPES_BY_ROLE: Partial<Record<Role, readonly SearchResultType[]>> = {
  admin: ['contract', 'repair_claim', 'gap_claim', 'holder'],
  adjuster: ['contract', 'repair_claim', 'gap_claim', 'holder'],
  reviewer: ['contract', 'gap_claim', 'holder'],
};

const STATUS_WORDS: Record<string, string> = {
  active: 'active',
  cancelled: 'cancelled',
  expired: 'expired',
  void: 'void',
  claimed: 'claimed (GAP benefit paid)',
  submitted: 'waiting for a decision',
  information_requested: 'information requested',
  authorized: 'authorized',
  denied: 'denied',
  paid: 'paid',
  awaiting_documents: 'awaiting documents',
  under_review: 'under review',
  ready_for_calculation: 'ready for calculation',
  approved: 'approved',
};

function words(status: string): string {
  return STATUS_WORDS[status] ?? status.replace(/_/g, ' ');
}

function contractResult(row: ContractHit, matchedBy: MatchedBy): SearchResult {
  return {
    type: 'contract',
    id: row.id,
    title: `Contract ${row.contract_number}`,
    subtitle: `${row.product === 'gap' ? 'GAP addendum' : 'Service contract'} · ${words(row.status)} · ${row.holder_first_name} ${row.holder_last_name} · ${row.vehicle_year} ${row.vehicle_make} ${row.vehicle_model} · VIN ${row.vin}`,
    href: `/staff/contracts/${row.id}`,
    matchedBy,
  };
}

/** One result per holder (same name and ZIP), linking to their newest-numbered contract. */
function holderResults(rows: readonly ContractHit[], matchedBy: MatchedBy): SearchResult[] {
  const holders = new Map<string, ContractHit[]>();
  for (const row of rows) {
    const key = `${row.holder_first_name.toLowerCase()}|${row.holder_last_name.toLowerCase()}|${row.address_zip}`;
    holders.set(key, [...(holders.get(key) ?? []), row]);
  }
  return [...holders.values()].map((contracts) => {
    const first = contracts[0]!;
    const count = contracts.length;
    return {
      type: 'holder' as const,
      id: first.id,
      title: `${first.holder_first_name} ${first.holder_last_name}`,
      subtitle: `${first.address_city}, ${first.address_state} · ${count} contract${count === 1 ? '' : 's'}: ${contracts.map((c) => c.contract_number).join(', ')}`,
      href: `/staff/contracts/${first.id}`,
      matchedBy,
    };
  });
}

interface ClaimHit {
  id: string;
  claim_number: string;
  status: string;
  contract_number: string;
  holder_first_name: string;
  holder_last_name: string;
}

function claimResult(type: 'repair_claim' | 'gap_claim', row: ClaimHit, matchedBy: MatchedBy): SearchResult {
  return {
    type,
    id: row.id,
    title: `${type === 'gap_claim' ? 'GAP claim' : 'Repair claim'} ${row.claim_number}`,
    subtitle: `${words(row.status)} · contract ${row.contract_number} · ${row.holder_first_name} ${row.holder_last_name}`,
    href: type === 'gap_claim' ? `/staff/gap-claims/${row.id}` : `/adjuster/claims/${row.id}`,
    matchedBy,
  };
}

export function createSearchService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  async function search(query: string, principal: Principal, limit: number) {
    if (principal.kind !== 'user') throw new AppError('forbidden', 'Search is for staff.');
    const allowed = RESULT_TYPES_BY_ROLE[principal.role] ?? [];
    const plan = planSearch(query);
    if (planIsEmpty(plan))
      throw new AppError(
        'validation_failed',
        'Search by contract or claim number, VIN (whole or its last 6 characters or more), holder name or phone number.',
        { param: 'q' },
      );
    const results: SearchResult[] = [];
    if (plan.number) {
      for (const row of await contractsByNumber(db, plan.number, limit))
        results.push(contractResult(row, 'number'));
      for (const row of await repairClaimsByNumber(db, plan.number, limit))
        results.push(claimResult('repair_claim', row, 'number'));
      for (const row of await gapClaimsByNumber(db, plan.number, limit))
        results.push(claimResult('gap_claim', row, 'number'));
    }
    if (plan.vinSuffix) {
      const rows = await contractsByVinSuffix(db, plan.vinSuffix, limit);
      for (const row of rows) results.push(contractResult(row, 'vin'));
      const ids = rows.map((row) => row.id);
      if (allowed.includes('repair_claim'))
        for (const row of await repairClaimsOfContracts(db, ids, limit))
          results.push(claimResult('repair_claim', row, 'vin'));
      for (const row of await gapClaimsOfContracts(db, ids, limit))
        results.push(claimResult('gap_claim', row, 'vin'));
    }
    if (plan.phoneDigits) {
      const rows = await contractsByPhone(db, plan.phoneDigits, limit);
      results.push(...holderResults(rows, 'phone'), ...rows.map((row) => contractResult(row, 'phone')));
    }
    if (plan.name) {
      const rows = await contractsByName(db, plan.name, limit);
      results.push(...holderResults(rows, 'name'), ...rows.map((row) => contractResult(row, 'name')));
    }
    const seen = new Set<string>();
    const data = results
      .filter((result) => allowed.includes(result.type))
      .filter((result) => {
        const key = `${result.type}:${result.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .slice(0, limit);
    return { query: query.trim(), data };
  }

  return { search };
}

export type SearchService = ReturnType<typeof createSearchService>;
