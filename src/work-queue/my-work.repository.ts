// All SQL of the staff home ("my work"): what changed lately on the work a person touched or owns,
// and the open items assigned to them that the work queue does not list (GAP claims).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';

export interface RecentChangeRow {
  id: number;
  occurredAt: Date;
  action: string;
  entityType: string;
  entityId: string;
  actorLabel: string;
}

const WATCHED_ENTITIES = ['repair_claim', 'gap_claim', 'document', 'rental_claim', 'trip_interruption_claim'];

/**
 * The latest changes made by someone else since `since` to items the user owns or acted on since then,
 * newest first.
 */
export async function recentChangesFor(
  db: Kysely<Database>,
  userId: string,
  since: Date,
  limit: number,
): Promise<RecentChangeRow[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['id', 'occurred_at', 'action', 'entity_type', 'entity_id', 'actor_label'])
    .where('occurred_at', '>', since)
    .where('entity_type', 'in', WATCHED_ENTITIES)
    .where((eb) =>
      eb.or([
        eb(
          'entity_id',
          'in',
          eb
            .selectFrom('audit_events as mine')
            .select('mine.entity_id')
            .where('mine.actor_kind', '=', 'user')
            .where('mine.actor_id', '=', userId)
            .where('mine.occurred_at', '>', since),
        ),
        eb(
          'entity_id',
          'in',
          eb
            .selectFrom('work_assignments')
            .select(sql<string>`item_id::text`.as('item_id'))
            .where('assignee_id', '=', userId),
        ),
      ]),
    )
    .where((eb) =>
      eb.or([eb('actor_kind', '!=', 'user'), eb('actor_id', 'is', null), eb('actor_id', '!=', userId)]),
    )
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    actorLabel: row.actor_label,
  }));
}

export interface OpenAssignmentRow {
  kind: 'gap_claim';
  id: string;
  reference: string;
  status: string;
  assignedAt: Date;
}

/**
 * GAP claims assigned to the user and still open (not paid, not denied). Rental and trip-interruption
 * claims are items of the work queue (with a due date), so the home finds them there.
 */
export async function openClaimAssignmentsOf(
  db: Kysely<Database>,
  userId: string,
  limit: number,
): Promise<OpenAssignmentRow[]> {
  const gap = await db
    .selectFrom('work_assignments')
    .innerJoin('gap_claims', 'gap_claims.id', 'work_assignments.item_id')
    .select(['gap_claims.id', 'gap_claims.claim_number', 'gap_claims.status', 'work_assignments.assigned_at'])
    .where('work_assignments.item_kind', '=', 'gap_claim')
    .where('work_assignments.assignee_id', '=', userId)
    .where('gap_claims.status', 'not in', ['paid', 'denied'])
    .orderBy('work_assignments.assigned_at', 'desc')
    .limit(limit)
    .execute();
  return gap.map((row) => ({
    kind: 'gap_claim' as const,
    id: row.id,
    reference: row.claim_number,
    status: row.status,
    assignedAt: row.assigned_at,
  }));
}
