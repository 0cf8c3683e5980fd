// The audit trail: one append-only table; every state change writes who, when, what and why in the
// same transaction as the change itself (the database refuses updates and deletes of these rows).
import type { Insertable, Kysely } from 'kysely';
import { insertJsonRows } from '../db/json-rows.repository.js';
import { prepared } from '../db/prepared.js';
import type { AuditEventRow, AuditEventsTable, Database } from '../db/schema.js';

export interface Actor {
  kind: 'user' | 'holder' | 'system' | 'anonymous' | 'dealer_key';
  id: string | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: null, label: 'system' };

export interface AuditEntry {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  requestId?: string | null;
}

export interface AuditEvent {
  id: number;
  occurredAt: string;
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  requestId: string | null;
}

export function toEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    reason: row.reason,
    data: row.data,
    requestId: row.request_id,
  };
}

/**
 * The audit_events row of an entry. recordAudit writes it; a repository that must write its change and
 * the audit row in one statement (see src/rating/rate.repository.ts) inserts this row itself.
 */
export function auditRow(entry: AuditEntry): Insertable<AuditEventsTable> {
  return {
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    actor_label: entry.actor.label,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    reason: entry.reason ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    request_id: entry.requestId ?? null,
  };
}

/** Writes one audit event; pass the use case's transaction so the event commits with the change. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db.executeQuery(prepared(db.insertInto('audit_events').values(auditRow(entry)).compile()));
}

/** Writes many audit events with one insert (a batch use case), in the caller's transaction. */
export async function recordAudits(db: Kysely<Database>, entries: readonly AuditEntry[]): Promise<void> {
  await insertJsonRows(
    db,
    'audit_events',
    entries.map((entry) => ({
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      reason: entry.reason ?? null,
      data: entry.data ?? null,
      request_id: entry.requestId ?? null,
    })),
  );
}

export async function listAuditEvents(
  db: Kysely<Database>,
  filter: { entityType: string; entityId: string; limit: number; startingAfter?: number },
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_type', '=', filter.entityType)
    .where('entity_id', '=', filter.entityId);
  if (filter.startingAfter !== undefined) query = query.where('id', '>', filter.startingAfter);
  const rows = await query.orderBy('id', 'asc').limit(filter.limit).execute();
  return rows.map(toEvent);
}
