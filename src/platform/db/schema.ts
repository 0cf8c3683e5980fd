// The one Kysely `Database` interface: every table's columns as the database returns them.
// Repositories map rows to domain objects at their boundary.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A timestamptz column: read as a Date, written as a Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz column the database fills in (defaults to now()). */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column holding T. */
export type Json<T> = ColumnType<T, string, string>;

import type { HolderLanguage } from '../../shared/language.js';
import type { Role } from '../../shared/roles.js';

export { ROLES, type Role } from '../../shared/roles.js';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled_at: Timestamp | null;
  /** The repair facility a `repair_facility` user works for (null for other roles). */
  facility_id: Generated<string | null>;
  /** The largest GAP benefit this user may pay alone; null → the COVERWISE_APPROVAL_LIMIT_CENTS setting. */
  approval_limit_cents: number | null;
  /** The dealer a `dealer_user` sells for (null for other roles; migration 0016). */
  dealer_id: Generated<string | null>;
  /** The lienholder a `lender` user works for: they see only loans naming it (migration 0026). */
  lienholder_name: Generated<string | null>;
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
  /** COVERWISE_REQUIRE_MFA: an administrator's session that may only enrol in two-step sign-in. */
  mfa_enrolment_only: Generated<boolean>;
}

export interface UserMfaTable {
  user_id: string;
  /** The TOTP secret (base32). */
  secret: string;
  enabled_at: Timestamp | null;
  /** The 30-second step of the last accepted code (a code is never accepted twice). */
  last_used_step: number | null;
  created_at: GeneratedTimestamp;
}

export interface UserMfaRecoveryCodesTable {
  code_hash: string;
  user_id: string;
  used_at: Timestamp | null;
}

export interface MfaChallengesTable {
  token_hash: string;
  user_id: string;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
}

export interface HolderScope {
  contractIds: string[];
  lastName: string;
  /** A holder who signed in to their account (issue 19): the account's id. */
  accountId?: string;
}

export interface HolderAccountsTable {
  id: Generated<string>;
  /** Lower case. */
  email: string;
  last_name: string;
  last_name_key: string;
  verified_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  /** The account holder's language (migration 0036); null when not known (emails in English). */
  language: Generated<HolderLanguage | null>;
}

/** The language of a contract's current holder, from the holder pages' requests (migration 0036). */
export interface ContractHolderLanguagesTable {
  contract_id: string;
  language: HolderLanguage;
  updated_at: Timestamp;
}

export interface HolderAccountContractsTable {
  account_id: string;
  contract_id: string;
  linked_at: GeneratedTimestamp;
}

export interface HolderEmailTokensTable {
  token_hash: string;
  purpose: 'verify_email' | 'sign_in';
  account_id: string;
  contract_ids: Json<string[]>;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  created_at: GeneratedTimestamp;
}

export interface HolderNotificationsTable {
  id: Generated<string>;
  /** Lower case. */
  recipient: string;
  contract_id: string | null;
  subject: string;
  body: string;
  reference: string;
  created_at: Timestamp;
}

export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: GeneratedTimestamp;
  last_signed_in_at: Timestamp | null;
}

export interface OidcSignInAttemptsTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
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
  actor_kind: 'user' | 'holder' | 'system' | 'anonymous' | 'dealer_key';
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

export interface CatalogDraftsTable {
  id: number;
  base_version: number;
  document: Json<unknown>;
  revision: number;
  updated_by: string;
  updated_at: Date;
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
  /** When the run last made progress (a batch written); a running run silent for long is abandoned. */
  updated_at: GeneratedTimestamp;
  /** Why a failed run stopped, in words (migration 0048); null otherwise. */
  failure: string | null;
}

/** `claimed`: a GAP addendum whose benefit was paid (spent; nothing refunded: migration 0047). */
export type ContractStatusValue = 'active' | 'cancelled' | 'expired' | 'void' | 'claimed';

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
  /** The dealer that booked or sold it, when known (migration 0016). */
  dealer_id: Generated<string | null>;
  dealer_cost_cents: Generated<number | null>;
  voided_at: Generated<Date | null>;
  void_reason: Generated<string | null>;
  row_version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RateLimitsTable {
  bucket: string;
  window_started_at: Timestamp;
  attempts: number;
  /** An address's row: when an attempt from it last failed (migration 0046); null on other rows. */
  failed_at: Timestamp | null;
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

/** The general ledger's chart of accounts (migration 0021). */
export interface GlAccountsTable {
  code: string;
  name: string;
  type: 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';
  normal_balance: 'debit' | 'credit';
}

/** A journal entry: its lines balance (checked by the database when the statement writing them ends); append-only. */
export interface JournalEntriesTable {
  id: Generated<string>;
  entry_number: Generated<number>;
  effective_on: string;
  posted_at: GeneratedTimestamp;
  event_type: string;
  event_id: string;
  event_key: string;
  contract_id: string | null;
  reverses_entry_id: string | null;
  memo: string;
  created_by: string;
  request_id: string | null;
}

export interface JournalLinesTable {
  id: Generated<number>;
  entry_id: string;
  line_number: number;
  account_code: string;
  debit_cents: number;
  credit_cents: number;
  contract_id: string | null;
  plan_code: string | null;
  state: string | null;
  dealer_code: string | null;
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
  /** Set once by the escalation job when the review passed its due date (migration 0006). */
  escalated_at: Generated<Date | null>;
  row_version: Generated<number>;
}

export type CancellationReason = 'customer_request' | 'payoff' | 'total_loss' | 'repossession' | 'trade_in';

export interface CancellationsTable {
  id: Generated<string>;
  contract_id: string;
  cancel_on: string;
  odometer: number;
  reason: CancellationReason;
  method: string;
  gross_refund_cents: number;
  fee_cents: number;
  claims_deducted_cents: number;
  refund_cents: number;
  payee_kind: 'holder' | 'lienholder';
  payee_name: string;
  quote: Json<Record<string, unknown>>;
  ledger_entry_id: string | null;
  /** The journal entry that posted it: its own, or its lender-event batch's summary (migration 0042). */
  journal_entry_id: string | null;
  /** A lender-event refund: the event that caused it, its deadline and its payment (migration 0045). */
  lender_event_id: string | null;
  /** The refund's deadline from the state rule (empty on cancellations made by hand before migration 0045). */
  refund_due_on: ColumnType<string | null, string | null, string | null>;
  paid_on: ColumnType<string | null, string | null, string | null>;
  payment_reference: string | null;
  requested_by: string;
  created_at: GeneratedTimestamp;
}

export type TransferStatus = 'pending_fee' | 'completed' | 'rejected' | 'closed';
/** Why a transfer waiting for its fee was closed (migration 0055): its contract ended. */
export type TransferClosedReason = 'contract_cancelled' | 'contract_voided';
export type TransferSaleType = 'private' | 'dealer' | 'trade_in';

export interface TransfersTable {
  id: Generated<string>;
  contract_id: string;
  status: TransferStatus;
  ownership_transferred_on: string;
  sale_type: TransferSaleType;
  odometer: number;
  fee_cents: number;
  /** The holder as they were when the transfer was requested (name, address, contact). */
  seller: Json<Record<string, unknown>>;
  buyer_first_name: string;
  buyer_last_name: string;
  buyer_email: string | null;
  buyer_phone: string | null;
  buyer_address_line1: string;
  buyer_address_city: string;
  buyer_address_state: string;
  buyer_address_zip: string;
  requested_by: string;
  /** The holder session that asked for it: it may follow the transfer after the contract has left it. */
  requested_by_session_id: string | null;
  fee_ledger_entry_id: string | null;
  rejection_reason: string | null;
  created_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
  rejected_at: Timestamp | null;
  row_version: Generated<number>;
  closed_at: Timestamp | null;
  closed_reason: TransferClosedReason | null;
}

// Repair claims and benefits (migration 0005).
export interface RepairFacilitiesTable {
  id: Generated<string>;
  name: string;
  address_line1: string;
  city: string;
  region: string;
  postal_code: string;
  country: 'US' | 'CA';
  phone: string | null;
  labor_rate_cents: number;
  dealer_code: string | null;
  created_at: GeneratedTimestamp;
  /** ACH details (migration 0025): all three or none; without them the facility is paid by check. */
  bank_routing_number: string | null;
  bank_account_number: string | null;
  bank_account_type: BankAccountType | null;
  /** Taxpayer identification number (nine digits) for the 1099-NEC. */
  tin: string | null;
}

export type RepairClaimStatus = 'submitted' | 'information_requested' | 'authorized' | 'denied' | 'paid';

export interface RepairClaimsTable {
  id: Generated<string>;
  claim_number: string;
  contract_id: string;
  facility_id: string;
  status: RepairClaimStatus;
  vin: string;
  odometer: number;
  complaint: string;
  cause: string;
  correction: string;
  kept_overnight: Generated<boolean>;
  work_started_at: Timestamp | null;
  coverage_reason_code: string | null;
  inspection_required: Generated<boolean>;
  inspected_at: Timestamp | null;
  inspection_notes: string | null;
  information_request: string | null;
  submitted_by: string;
  submitted_at: Timestamp;
  authorization_number: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  authorized_cents: number | null;
  deductible_cents: number | null;
  deductible_waived: boolean | null;
  payable_cents: number | null;
  paid_at: Timestamp | null;
  row_version: Generated<number>;
}

export interface RepairClaimLinesTable {
  id: Generated<string>;
  claim_id: string;
  line_number: number;
  component_group: string;
  description: string;
  parts_cents: number;
  labor_hundredths: number;
  labor_rate_cents: number;
  requested_cents: number;
  eligible: boolean;
  reason_code: string | null;
  allowed_labor_rate_cents: number;
  eligible_cents: number;
  approved: boolean | null;
  decision_reason_code: string | null;
  /** The adjuster's own words for a denial, required for "other". */
  decision_note: string | null;
  approved_cents: number | null;
}

/** submitted → approved | denied (staff) → paid (a payment run, approved only). */
export type BenefitClaimStatus = 'submitted' | 'approved' | 'denied' | 'paid';

export interface RentalClaimsTable {
  id: Generated<string>;
  contract_id: string;
  repair_claim_id: string;
  status: BenefitClaimStatus;
  requested_cents: number;
  payable_cents: number;
  lines: Json<unknown[]>;
  created_by: string;
  created_at: Timestamp;
  /** The business day by whose end staff review the claim (migration 0041). */
  review_due_on: string;
  /** Who decided the claim and when (migration 0049); null while submitted, and on claims paid before it. */
  decided_by: Generated<string | null>;
  decided_at: Generated<Date | null>;
  /** A denial's reason code (BENEFIT_DENIAL_REASONS) and its words. */
  decision_reason_code: Generated<string | null>;
  decision_reason: Generated<string | null>;
}

export interface TripInterruptionClaimsTable {
  id: Generated<string>;
  contract_id: string;
  status: BenefitClaimStatus;
  breakdown_on: string;
  miles_from_home: number;
  component_group: string | null;
  requested_cents: number;
  payable_cents: number;
  lines: Json<unknown[]>;
  created_by: string;
  created_at: Timestamp;
  /** The business day by whose end staff review the claim (migration 0041). */
  review_due_on: string;
  /** Who decided the claim and when (migration 0049); null while submitted, and on claims paid before it. */
  decided_by: Generated<string | null>;
  decided_at: Generated<Date | null>;
  /** A denial's reason code (BENEFIT_DENIAL_REASONS) and its words. */
  decision_reason_code: Generated<string | null>;
  decision_reason: Generated<string | null>;
}

export type RoadsideStatus = 'requested' | 'dispatched' | 'completed' | 'cancelled';

export interface RoadsideRequestsTable {
  id: Generated<string>;
  contract_id: string;
  service: 'tow' | 'jump_start' | 'flat_tire' | 'lockout' | 'fuel_delivery';
  status: RoadsideStatus;
  location: Json<{ address?: string; lat?: number; lng?: number }>;
  phone: string;
  towing_cost_cents: number | null;
  payable_cents: number | null;
  lines: Json<unknown[]> | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  row_version: Generated<number>;
}

// GAP claims (migration 0006).
export type GapClaimStatus =
  | 'awaiting_documents'
  | 'under_review'
  | 'ready_for_calculation'
  | 'approved'
  | 'denied'
  | 'paid';
export type GapLossTypeValue = 'total_loss' | 'theft' | 'theft_recovered';

export interface GapClaimsTable {
  id: Generated<string>;
  claim_number: string;
  contract_id: string;
  status: GapClaimStatus;
  loss_type: GapLossTypeValue;
  date_of_loss: string;
  required_documents: Json<string[]>;
  calculation: Json<Record<string, unknown>> | null;
  benefit_cents: number | null;
  calculated_at: Timestamp | null;
  calculated_by: string | null;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_reason: string | null;
  paid_at: Timestamp | null;
  payment_entry_id: string | null;
  /** A benefit above the proposer's approval limit, waiting for a second adjuster (maker–checker). */
  payment_proposed_by_user_id: string | null;
  payment_proposed_by: string | null;
  payment_proposed_at: Timestamp | null;
  payment_proposed_cents: number | null;
  opened_at: Timestamp;
  opened_by: string;
  row_version: Generated<number>;
}

export interface ReportSnapshotsTable {
  id: Generated<string>;
  report: string;
  as_of: string;
  data: Json<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  url: string;
  secret: string;
  event_types: string[];
  description: string | null;
  active: Generated<boolean>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface WebhookEventsTable {
  id: Generated<string>;
  type: string;
  data: Json<Record<string, unknown>>;
  occurred_at: GeneratedTimestamp;
  dispatched_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  attempt: number;
  status_code: number | null;
  succeeded: boolean;
  duration_ms: number;
  error: string | null;
  attempted_at: Timestamp;
}

// The dealer channel (migration 0016).
export interface DealersTable {
  id: Generated<string>;
  code: string;
  name: string;
  state: string;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  created_at: GeneratedTimestamp;
}

export interface DealerApiKeysTable {
  id: Generated<string>;
  dealer_id: string;
  key_hash: string;
  prefix: string;
  label: string | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

/**
 * An offer of a rate answer as quotes stored before the compact form (migration 0031's conversion and
 * quotes written until then): an object naming its rateId, with every line's label.
 */
export interface LegacyStoredOffer {
  rateId: string;
  product: 'vsc' | 'gap';
  planCode: string;
  termMonths: number;
  termMiles: number | null;
  deductibleCents: number;
  dealerCostCents: number;
  maxRetailCents: number;
  lines: { label: string; amountCents: number }[];
}

/**
 * An offer as a quote stores it now (src/rating/rate.repository.ts): what booking and audit need, in
 * positions: [product, planCode, termMonths, termMiles, deductibleCents, dealerCostCents, maxRetailCents,
 * the amount of each priced line]. Its rateId is its position in the quote; the lines' labels are
 * re-derived from the quote's vehicle and catalog version when asked.
 */
export type CompactStoredOffer = [
  product: 'vsc' | 'gap',
  planCode: string,
  termMonths: number,
  termMiles: number | null,
  deductibleCents: number,
  dealerCostCents: number,
  maxRetailCents: number,
  lineAmountsCents: number[],
];

export type StoredOffer = LegacyStoredOffer | CompactStoredOffer;

/** One rating call: every offer of its answer, each bookable once until expires_on. */
export interface RateQuotesTable {
  id: string;
  dealer_id: string | null;
  requested_by: string;
  catalog_version: number;
  vehicle: Json<Record<string, unknown>>;
  offers: Json<StoredOffer[]>;
  created_at: GeneratedTimestamp;
  expires_on: string;
}

/** The contract an offer (rate) of a quote booked: one each way. */
export interface RateBookingsTable {
  rate_id: string;
  quote_id: string;
  contract_id: string;
  booked_at: Timestamp;
}

export type DealerAccountEventKind = 'contract_booked' | 'contract_voided' | 'chargeback' | 'remittance';

export interface DealerAccountEventsTable {
  id: Generated<number>;
  dealer_id: string;
  contract_id: string | null;
  kind: DealerAccountEventKind;
  amount_cents: number;
  occurred_on: string;
  occurred_at: GeneratedTimestamp;
  request_id: string | null;
  remittance_id: Generated<string | null>;
}

export type DealerRemittanceStatus = 'recorded' | 'pending' | 'matched';

export interface DealerRemittancesTable {
  id: Generated<string>;
  dealer_id: string;
  amount_cents: number;
  reference: string;
  received_on: string;
  status: DealerRemittanceStatus;
  created_by: string;
  created_at: GeneratedTimestamp;
  matched_by: string | null;
  matched_at: Timestamp | null;
  request_id: string | null;
}

export interface ContractSignaturesTable {
  id: Generated<string>;
  contract_id: string;
  signer_kind: 'holder' | 'dealer';
  signer_name: string;
  signed_at: Timestamp;
  ip_address: string;
  pdf_sha256: string;
  signed_by: string;
}

/** Who owns a piece of queued work (migration 0027): one row per item. */
export interface WorkAssignmentsTable {
  item_kind: string;
  item_id: string;
  assignee_id: string;
  assigned_at: Timestamp;
  assigned_by: string;
}

// Payment runs and OFAC screening (migration 0025).
export type BankAccountType = 'checking' | 'savings';
export type PayableSourceType =
  | 'repair_claim'
  | 'rental_claim'
  | 'trip_interruption_claim'
  | 'roadside_request'
  | 'cancellation'
  | 'gap_claim';
export type PaymentRunStatus = 'draft' | 'approved' | 'discarded';
export type PaymentItemStatus = 'ready' | 'held' | 'blocked' | 'paid' | 'skipped';
export type OfacHoldStatus = 'held' | 'released' | 'blocked';

export interface PayeeBankAccountsTable {
  contract_id: string;
  payee_kind: 'holder' | 'lienholder';
  account_holder_name: string;
  bank_routing_number: string;
  bank_account_number: string;
  bank_account_type: BankAccountType;
  updated_by: string;
  updated_at: GeneratedTimestamp;
}

export interface OfacListsTable {
  id: Generated<string>;
  loaded_at: GeneratedTimestamp;
  loaded_by: string;
  entry_count: number;
  alternate_count: Generated<number>;
}

export interface OfacNamesTable {
  id: Generated<number>;
  list_id: string;
  ent_num: number;
  alt_num: number | null;
  name: string;
  normalized_name: string;
  sdn_type: string | null;
  program: string | null;
  remarks: string | null;
}

export interface PaymentRunsTable {
  id: Generated<string>;
  run_number: Generated<number>;
  status: PaymentRunStatus;
  pay_on: string;
  ofac_list_id: string | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
  nacha_file: string | null;
  positive_pay_file: string | null;
  row_version: Generated<number>;
}

export interface PaymentRunItemsTable {
  id: Generated<string>;
  run_id: string;
  source_type: PayableSourceType;
  source_id: string;
  contract_id: string;
  payee_type: 'repair_facility' | 'holder' | 'lienholder';
  payee_name: string;
  facility_id: string | null;
  method: 'ach' | 'check';
  amount_cents: number;
  bank_routing_number: string | null;
  bank_account_number: string | null;
  bank_account_type: BankAccountType | null;
  status: PaymentItemStatus;
  skip_reason: string | null;
  check_number: number | null;
  trace_number: string | null;
  journal_entry_id: string | null;
  paid_at: Timestamp | null;
}

export interface PaymentSettlementsTable {
  source_type: PayableSourceType;
  source_id: string;
  run_id: string;
  item_id: string;
  settled_at: GeneratedTimestamp;
}

export interface OfacHoldsTable {
  id: Generated<string>;
  item_id: string;
  source_type: PayableSourceType;
  source_id: string;
  payee_name: string;
  list_id: string;
  ent_num: number;
  matched_name: string;
  sdn_type: string | null;
  program: string | null;
  remarks: string | null;
  score: string;
  status: OfacHoldStatus;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  created_at: GeneratedTimestamp;
}

export interface Database {
  work_assignments: WorkAssignmentsTable;
  payee_bank_accounts: PayeeBankAccountsTable;
  ofac_lists: OfacListsTable;
  ofac_names: OfacNamesTable;
  payment_runs: PaymentRunsTable;
  payment_run_items: PaymentRunItemsTable;
  payment_settlements: PaymentSettlementsTable;
  ofac_holds: OfacHoldsTable;
  dealers: DealersTable;
  dealer_api_keys: DealerApiKeysTable;
  rate_quotes: RateQuotesTable;
  rate_bookings: RateBookingsTable;
  dealer_account_events: DealerAccountEventsTable;
  dealer_remittances: DealerRemittancesTable;
  contract_signatures: ContractSignaturesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  report_snapshots: ReportSnapshotsTable;
  gap_claims: GapClaimsTable;
  repair_facilities: RepairFacilitiesTable;
  repair_claims: RepairClaimsTable;
  repair_claim_lines: RepairClaimLinesTable;
  rental_claims: RentalClaimsTable;
  trip_interruption_claims: TripInterruptionClaimsTable;
  roadside_requests: RoadsideRequestsTable;
  cancellations: CancellationsTable;
  lender_event_runs: LenderEventRunsTable;
  lender_event_rows: LenderEventRowsTable;
  lender_events: LenderEventsTable;
  funding_uploads: FundingUploadsTable;
  funded_deals: FundedDealsTable;
  transfers: TransfersTable;
  ledger_entries: LedgerEntriesTable;
  gl_accounts: GlAccountsTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  documents: DocumentsTable;
  catalog_versions: CatalogVersionsTable;
  catalog_drafts: CatalogDraftsTable;
  contract_imports: ContractImportsTable;
  contracts: ContractsTable;
  rate_limits: RateLimitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  holder_accounts: HolderAccountsTable;
  holder_account_contracts: HolderAccountContractsTable;
  holder_email_tokens: HolderEmailTokensTable;
  holder_notifications: HolderNotificationsTable;
  contract_holder_languages: ContractHolderLanguagesTable;
  user_identities: UserIdentitiesTable;
  oidc_sign_in_attempts: OidcSignInAttemptsTable;
  user_mfa: UserMfaTable;
  user_mfa_recovery_codes: UserMfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
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
export type JournalEntryRow = Selectable<JournalEntriesTable>;
export type JournalLineRow = Selectable<JournalLinesTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type CancellationRow = Selectable<CancellationsTable>;
export type TransferRow = Selectable<TransfersTable>;
export type GapClaimRow = Selectable<GapClaimsTable>;

// Lender events, compliance and funding reconciliation (migration 0026).
export type LenderEventType = 'payoff' | 'repossession' | 'total_loss';
export type LenderEventRunStatus = 'receiving' | 'queued' | 'running' | 'finished' | 'failed';
export type LenderEventRowStatus = 'pending' | 'cancelled' | 'skipped' | 'rejected';

export interface LenderEventCancellationJson {
  contractId: string;
  cancellationId: string | null;
  product: 'vsc' | 'gap';
  outcome: 'cancelled' | 'already_cancelled' | 'not_in_force' | 'claimed_not_cancelled';
  refundCents: number | null;
  payee: { kind: 'holder' | 'lienholder'; name: string } | null;
  refundDueOn: string | null;
}

export interface LenderEventRunsTable {
  id: string;
  status: LenderEventRunStatus;
  source: 'json' | 'csv';
  file_name: string | null;
  content_sha256: string | null;
  idempotency_principal: string | null;
  idempotency_key: string | null;
  /** A lender user's run touches only its lienholder's loans; null for an admin's run. */
  lienholder_name: string | null;
  rows_total: Generated<number>;
  rows_done: Generated<number>;
  cancelled: Generated<number>;
  skipped: Generated<number>;
  rejected: Generated<number>;
  failure: string | null;
  /**
   * A CSV run's header as the file wrote it, by canonical column (`{eventDate: 'event_date'}`), so a row
   * rejected when applied names its column as written (migration 0051); null for a JSON run.
   */
  csv_columns: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  /** Who sent the file: the principal the job acts as ({userId, email, role, lienholderName}). */
  started_by: Json<{ userId: string; email: string; role: Role; lienholderName: string | null }>;
  request_id: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export interface LenderEventRowsTable {
  run_id: string;
  line: number;
  vin: string;
  event: string;
  event_date: string;
  odometer: string;
  reference: string;
  status: LenderEventRowStatus;
  code: string | null;
  detail: string | null;
  param: string | null;
  cancellations: ColumnType<LenderEventCancellationJson[], string | undefined, string>;
}

export interface LenderEventsTable {
  id: string;
  vin: string;
  event: LenderEventType;
  event_date: ColumnType<string, string, string>;
  odometer: number | null;
  reference: string | null;
  run_id: string;
  line: number;
  status: 'cancelled' | 'skipped';
  code: string | null;
  cancellations: Json<LenderEventCancellationJson[]>;
  created_at: GeneratedTimestamp;
}

export interface FundingUploadsTable {
  id: string;
  lienholder_name: string;
  file_name: string | null;
  rows_read: Generated<number>;
  rejected: ColumnType<
    Array<{ line: number; code: string; detail: string; param: string | null }>,
    string | undefined,
    string
  >;
  started_by: string;
  created_at: GeneratedTimestamp;
}

export interface FundedDealsTable {
  upload_id: string;
  line: number;
  lienholder_name: string;
  vin: string;
  product: 'vsc' | 'gap';
  amount_financed_cents: ColumnType<number, number, number>;
  funded_on: string;
  dealer_code: string;
}
