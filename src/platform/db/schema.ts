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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_events: AuditEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
