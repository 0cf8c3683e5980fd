// All SQL of the staff search box. Each reading of a query is one indexed lookup (migration 0027 and
// earlier): contract_number and claim numbers are unique, the VIN by reverse(vin) prefix, the phone by
// its last ten digits, the name by the last-name key prefix.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';

const CONTRACT_COLUMNS = [
  'id',
  'contract_number',
  'product',
  'status',
  'holder_first_name',
  'holder_last_name',
  'holder_phone',
  'address_city',
  'address_state',
  'address_zip',
  'vin',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
] as const;

function contracts(db: Kysely<Database>, limit: number) {
  return db.selectFrom('contracts').select(CONTRACT_COLUMNS).orderBy('contract_number').limit(limit);
}

export type ContractHit = Awaited<ReturnType<ReturnType<typeof contracts>['execute']>>[number];

export async function contractsByNumber(db: Kysely<Database>, number: string, limit: number) {
  return contracts(db, limit).where('contract_number', '=', number).execute();
}

export async function contractsByVinSuffix(db: Kysely<Database>, suffix: string, limit: number) {
  if (suffix.length === 17) return contracts(db, limit).where('vin', '=', suffix).execute();
  const reversed = [...suffix].reverse().join('');
  return contracts(db, limit).where(sql<string>`reverse(vin)`, 'like', `${reversed}%`).execute();
}

export async function contractsByPhone(db: Kysely<Database>, digits: string, limit: number) {
  return contracts(db, limit)
    .where('holder_phone', 'is not', null)
    .where(sql<string>`right(regexp_replace(holder_phone, '[^0-9]', '', 'g'), 10)`, '=', digits)
    .execute();
}

export async function contractsByName(
  db: Kysely<Database>,
  name: { lastKey: string; firstPrefix: string | null },
  limit: number,
) {
  let query = db
    .selectFrom('contracts')
    .select(CONTRACT_COLUMNS)
    .where('holder_last_name_key', 'like', `${name.lastKey.replace(/[\\%_]/g, '')}%`)
    .orderBy('holder_last_name_key')
    .orderBy('id')
    .limit(limit);
  if (name.firstPrefix)
    query = query.where(
      sql<string>`lower(holder_first_name)`,
      'like',
      `${name.firstPrefix.replace(/[\\%_]/g, '')}%`,
    );
  return query.execute();
}

export async function repairClaimsByNumber(db: Kysely<Database>, number: string, limit: number) {
  return repairClaims(db, limit)
    .where((eb) =>
      eb.or([
        eb('repair_claims.claim_number', '=', number),
        eb('repair_claims.authorization_number', '=', number),
      ]),
    )
    .execute();
}

export async function repairClaimsOfContracts(
  db: Kysely<Database>,
  contractIds: readonly string[],
  limit: number,
) {
  if (contractIds.length === 0) return [];
  return repairClaims(db, limit)
    .where('repair_claims.contract_id', 'in', [...contractIds])
    .execute();
}

function repairClaims(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('repair_claims')
    .innerJoin('contracts', 'contracts.id', 'repair_claims.contract_id')
    .select([
      'repair_claims.id',
      'repair_claims.claim_number',
      'repair_claims.status',
      'contracts.contract_number',
      'contracts.holder_first_name',
      'contracts.holder_last_name',
    ])
    .orderBy('repair_claims.submitted_at', 'desc')
    .limit(limit);
}

export async function gapClaimsByNumber(db: Kysely<Database>, number: string, limit: number) {
  return gapClaims(db, limit).where('gap_claims.claim_number', '=', number).execute();
}

export async function gapClaimsOfContracts(
  db: Kysely<Database>,
  contractIds: readonly string[],
  limit: number,
) {
  if (contractIds.length === 0) return [];
  return gapClaims(db, limit)
    .where('gap_claims.contract_id', 'in', [...contractIds])
    .execute();
}

function gapClaims(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('gap_claims')
    .innerJoin('contracts', 'contracts.id', 'gap_claims.contract_id')
    .select([
      'gap_claims.id',
      'gap_claims.claim_number',
      'gap_claims.status',
      'contracts.contract_number',
      'contracts.holder_first_name',
      'contracts.holder_last_name',
    ])
    .orderBy('gap_claims.opened_at', 'desc')
    .limit(limit);
}
