// The one Kysely `Database` interface: every table's columns as the database returns them.
// Repositories map rows to domain objects at their boundary.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A timestamptz column: read as a Date, written as a Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz column the database fills in (defaults to now()). */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column holding T. */
export type Json<T> = ColumnType<T, string, string>;

export type Role = 'admin' | 'adjuster' | 'reviewer' | 'repair_facility';
export const ROLES: readonly Role[] = ['admin', 'adjuster', 'reviewer', 'repair_facility'];

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  /** A staff session names its user; a holder session (contracts issue) names its holder scope. */
  user_id: string | null;
  holder_scope: Json<HolderScope> | null;
  csrf_token_hash: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface HolderScope {
  contractIds: string[];
  lastName: string;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_hash: string;
  response_status: number;
  response_body: Json<unknown>;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: GeneratedTimestamp;
  actor_kind: 'user' | 'holder' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string;
  reason: string | null;
  data: Json<Record<string, unknown>> | null;
  request_id: string | null;
}

export interface CatalogVersionsTable {
  version: number;
  document: Json<unknown>;
  published_at: GeneratedTimestamp;
  published_by: string;
  note: string | null;
}

export interface ContractImportsTable {
  id: Generated<string>;
  file_name: string | null;
  status: 'running' | 'finished' | 'failed';
  rows_read: Generated<number>;
  accepted: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  started_by: string;
  started_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export type ContractStatusValue = 'active' | 'cancelled' | 'expired' | 'void';

export interface ContractsTable {
  id: Generated<string>;
  contract_number: string;
  product: 'vsc' | 'gap';
  plan_code: string;
  catalog_version: number;
  status: ContractStatusValue;
  holder_first_name: string;
  holder_last_name: string;
  holder_last_name_key: string;
  holder_email: string | null;
  holder_phone: string | null;
  address_line1: string;
  address_city: string;
  address_state: string;
  address_zip: string;
  vin: string;
  vehicle_year: number;
  vehicle_make: string;
  vehicle_model: string;
  odometer_at_sale: number;
  purchase_date: string;
  purchase_state: string;
  term_months: number;
  term_miles: number | null;
  term_days: number;
  expires_on: string;
  expires_at_miles: number | null;
  waiting_period_ends_on: string | null;
  waiting_period_ends_at_miles: number | null;
  price_cents: number;
  deductible_cents: Generated<number>;
  lienholder_name: string | null;
  selling_dealer_code: string | null;
  selling_dealer_name: string | null;
  amount_financed_cents: number | null;
  msrp_cents: number | null;
  has_claims: Generated<boolean>;
  source: 'api' | 'import' | 'demo';
  import_id: string | null;
  row_version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RateLimitsTable {
  bucket: string;
  window_started_at: Timestamp;
  attempts: number;
}

export type LedgerDirection = 'payout' | 'receipt';
export type PayeeKind = 'holder' | 'lienholder' | 'repair_facility' | 'administrator';

export interface LedgerEntriesTable {
  id: Generated<string>;
  occurred_at: GeneratedTimestamp;
  contract_id: string;
  kind: string;
  direction: LedgerDirection;
  amount_cents: number;
  payee_kind: PayeeKind;
  payee_name: string;
  method: string | null;
  reference: string | null;
  source_type: string;
  source_id: string;
  reverses_entry_id: string | null;
  memo: string | null;
  created_by: string;
  request_id: string | null;
}

export type DocumentStatus = 'received' | 'pending_review' | 'accepted' | 'rejected' | 'superseded';

export interface DocumentsTable {
  id: Generated<string>;
  contract_id: string;
  owner_type: string;
  owner_id: string;
  document_type: string;
  status: DocumentStatus;
  sha256: string;
  size_bytes: number;
  content_type: string;
  original_name: string | null;
  received_at: Timestamp;
  review_due_on: string | null;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  review_reason: string | null;
  supersedes_id: string | null;
  uploaded_by: string;
  row_version: Generated<number>;
}

export interface Database {
  ledger_entries: LedgerEntriesTable;
  documents: DocumentsTable;
  catalog_versions: CatalogVersionsTable;
  contract_imports: ContractImportsTable;
  contracts: ContractsTable;
  rate_limits: RateLimitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_events: AuditEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ContractRow = Selectable<ContractsTable>;
export type NewContractRow = Insertable<ContractsTable>;
export type LedgerEntryRow = Selectable<LedgerEntriesTable>;
export type DocumentRow = Selectable<DocumentsTable>;
