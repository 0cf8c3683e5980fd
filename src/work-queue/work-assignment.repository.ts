// All SQL of work assignments: who owns an item, taking it (one owner wins), handing it on, releasing.
import type { Kysely } from 'kysely';
import type { Database, Role } from '../platform/db/schema.js';
import type { AssignableKind } from './work-assignment.js';

export interface AssignmentRow {
  kind: string;
  itemId: string;
  assignee: { id: string; name: string; email: string };
  assignedAt: Date;
}

function assignmentsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('work_assignments')
    .innerJoin('users', 'users.id', 'work_assignments.assignee_id')
    .select([
      'work_assignments.item_kind',
      'work_assignments.item_id',
      'work_assignments.assigned_at',
      'users.id as user_id',
      'users.display_name',
      'users.email',
    ]);
}

function toAssignment(row: {
  item_kind: string;
  item_id: string;
  assigned_at: Date;
  user_id: string;
  display_name: string;
  email: string;
}): AssignmentRow {
  return {
    kind: row.item_kind,
    itemId: row.item_id,
    assignee: { id: row.user_id, name: row.display_name, email: row.email },
    assignedAt: row.assigned_at,
  };
}

export async function findAssignment(
  db: Kysely<Database>,
  kind: string,
  itemId: string,
): Promise<AssignmentRow | null> {
  const row = await assignmentsQuery(db)
    .where('work_assignments.item_kind', '=', kind)
    .where('work_assignments.item_id', '=', itemId)
    .executeTakeFirst();
  return row ? toAssignment(row) : null;
}

/** The owners of a page of items, keyed `${kind}:${id}`. */
export async function assignmentsFor(
  db: Kysely<Database>,
  items: readonly { kind: string; id: string }[],
): Promise<Map<string, AssignmentRow>> {
  const found = new Map<string, AssignmentRow>();
  if (items.length === 0) return found;
  const rows = await assignmentsQuery(db)
    .where('work_assignments.item_id', 'in', [...new Set(items.map((item) => item.id))])
    .execute();
  for (const row of rows) found.set(`${row.item_kind}:${row.item_id}`, toAssignment(row));
  return found;
}

/** Everything assigned to one person, newest first. */
export async function assignmentsOf(db: Kysely<Database>, userId: string, limit: number) {
  const rows = await assignmentsQuery(db)
    .where('work_assignments.assignee_id', '=', userId)
    .orderBy('work_assignments.assigned_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toAssignment);
}

/**
 * Inserts the assignment unless the item already has an owner; true when this call made the row. Two
 * concurrent takes both try the insert: the primary key lets one in and the other finds the row.
 */
export async function insertAssignmentIfFree(
  db: Kysely<Database>,
  row: { kind: string; itemId: string; assigneeId: string; assignedBy: string; at: Date },
): Promise<boolean> {
  const inserted = await db
    .insertInto('work_assignments')
    .values({
      item_kind: row.kind,
      item_id: row.itemId,
      assignee_id: row.assigneeId,
      assigned_by: row.assignedBy,
      assigned_at: row.at,
    })
    .onConflict((oc) => oc.columns(['item_kind', 'item_id']).doNothing())
    .returning('item_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Gives the item to `assigneeId` whoever held it (a lead's reassignment). */
export async function upsertAssignment(
  db: Kysely<Database>,
  row: { kind: string; itemId: string; assigneeId: string; assignedBy: string; at: Date },
): Promise<void> {
  await db
    .insertInto('work_assignments')
    .values({
      item_kind: row.kind,
      item_id: row.itemId,
      assignee_id: row.assigneeId,
      assigned_by: row.assignedBy,
      assigned_at: row.at,
    })
    .onConflict((oc) =>
      oc.columns(['item_kind', 'item_id']).doUpdateSet({
        assignee_id: row.assigneeId,
        assigned_by: row.assignedBy,
        assigned_at: row.at,
      }),
    )
    .execute();
}

/** Removes the owner when it is still `ownerId`; true when a row went. */
export async function deleteAssignment(
  db: Kysely<Database>,
  kind: string,
  itemId: string,
  ownerId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('work_assignments')
    .where('item_kind', '=', kind)
    .where('item_id', '=', itemId)
    .where('assignee_id', '=', ownerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Whether the item exists (an assignment never names work that is not there). */
export async function workItemExists(
  db: Kysely<Database>,
  kind: AssignableKind,
  id: string,
): Promise<boolean> {
  const table = {
    repair_claim_decision: 'repair_claims',
    gap_document_review: 'documents',
    gap_claim: 'gap_claims',
    rental_claim: 'rental_claims',
    trip_interruption_claim: 'trip_interruption_claims',
  } as const satisfies Record<AssignableKind, keyof Database>;
  const row = await db.selectFrom(table[kind]).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** An enabled staff user, for checking whom work may be assigned to. */
export async function findActiveUser(
  db: Kysely<Database>,
  id: string,
): Promise<{ id: string; role: Role; displayName: string; email: string } | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'role', 'display_name', 'email'])
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, role: row.role, displayName: row.display_name, email: row.email } : null;
}

/** The enabled people of the given roles (whom a lead may assign work to). */
export async function listAssignableUsers(db: Kysely<Database>, roles: readonly Role[]) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'role', 'display_name', 'email'])
    .where('role', 'in', [...roles])
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map((row) => ({ id: row.id, role: row.role, name: row.display_name, email: row.email }));
}
