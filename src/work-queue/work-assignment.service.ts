// Taking, assigning and releasing queued work. Each use case runs in the caller's transaction (the
// route's idempotent one), writes one audit row when something changed, and answers the item's owner.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import { actorOf, type Principal } from '../shared/principal.js';
import {
  type AssignableKind,
  canAssignOthers,
  canWork,
  KIND_ENTITY,
  KIND_ROLES,
  MAX_OWNER_IDS,
  releaseOutcome,
  takeOutcome,
} from './work-assignment.js';
import {
  type AssignmentRow,
  assignmentsFor,
  deleteAssignment,
  findActiveUser,
  findAssignment,
  insertAssignmentIfFree,
  listAssignableUsers,
  upsertAssignment,
  workItemExists,
} from './work-assignment.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AssignmentView {
  kind: string;
  id: string;
  assignee: { id: string; name: string; email: string } | null;
  assignedAt: string | null;
}

function viewOf(kind: string, id: string, row: AssignmentRow | null): AssignmentView {
  return {
    kind,
    id,
    assignee: row ? row.assignee : null,
    assignedAt: row ? row.assignedAt.toISOString() : null,
  };
}

function staffOf(principal: Principal) {
  if (principal.kind !== 'user') throw new AppError('forbidden', 'Only staff work the queue.');
  return principal;
}

export function createWorkAssignmentService(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

  /** The item, checked to exist and to be work the caller's role can open. */
  async function workable(trx: Kysely<Database>, kind: AssignableKind, id: string, principal: Principal) {
    const user = staffOf(principal);
    if (!canWork(user.role, kind))
      throw new AppError('forbidden', 'Your role does not work this kind of item.', { param: 'kind' });
    if (!(await workItemExists(trx, kind, id))) throw new AppError('not_found', 'No such work item.');
    return user;
  }

  async function take(
    trx: Transaction<Database>,
    kind: AssignableKind,
    id: string,
    principal: Principal,
    requestId: string,
  ): Promise<AssignmentView> {
    const user = await workable(trx, kind, id, principal);
    const now = clock.now();
    const inserted = await insertAssignmentIfFree(trx, {
      kind,
      itemId: id,
      assigneeId: user.userId,
      assignedBy: user.userId,
      at: now,
    });
    const current = await findAssignment(trx, kind, id);
    if (!inserted) {
      const outcome = takeOutcome(current?.assignee.id ?? null, user.userId);
      if (outcome === 'taken_by_someone_else')
        throw new AppError(
          'work_item_taken',
          `${current?.assignee.name ?? 'Someone else'} has already taken this item. Ask them or a lead to hand it on.`,
        );
      return viewOf(kind, id, current);
    }
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'work_item.taken',
      entityType: KIND_ENTITY[kind].entityType,
      entityId: id,
      data: { kind, assigneeId: user.userId },
      requestId,
    });
    return viewOf(kind, id, current);
  }

  async function assign(
    trx: Transaction<Database>,
    kind: AssignableKind,
    id: string,
    body: { assigneeId: string; note?: string | undefined },
    principal: Principal,
    requestId: string,
  ): Promise<AssignmentView> {
    const user = await workable(trx, kind, id, principal);
    if (!canAssignOthers(user.role))
      throw new AppError('forbidden', 'Only adjusters and administrators assign work to others.');
    const assignee = await findActiveUser(trx, body.assigneeId);
    if (!assignee || !canWork(assignee.role, kind))
      throw new AppError(
        'assignee_not_eligible',
        'That person cannot work this item: choose an active colleague whose role opens it.',
        { param: 'assigneeId' },
      );
    const before = await findAssignment(trx, kind, id);
    if (before?.assignee.id === assignee.id) return viewOf(kind, id, before);
    await upsertAssignment(trx, {
      kind,
      itemId: id,
      assigneeId: assignee.id,
      assignedBy: user.userId,
      at: clock.now(),
    });
    await recordAudit(trx, {
      actor: actorOf(principal),
      action: 'work_item.assigned',
      entityType: KIND_ENTITY[kind].entityType,
      entityId: id,
      reason: body.note ?? null,
      data: { kind, assigneeId: assignee.id, previousAssigneeId: before?.assignee.id ?? null },
      requestId,
    });
    return viewOf(kind, id, await findAssignment(trx, kind, id));
  }

  async function release(
    trx: Transaction<Database>,
    kind: AssignableKind,
    id: string,
    principal: Principal,
    requestId: string,
  ): Promise<AssignmentView> {
    const user = await workable(trx, kind, id, principal);
    const current = await findAssignment(trx, kind, id);
    const outcome = releaseOutcome(current?.assignee.id ?? null, user.userId, user.role);
    if (outcome === 'not_yours')
      throw new AppError(
        'forbidden',
        `${current?.assignee.name} owns this item; only they or a lead can release it.`,
      );
    if (outcome === 'released' && current && (await deleteAssignment(trx, kind, id, current.assignee.id))) {
      await recordAudit(trx, {
        actor: actorOf(principal),
        action: 'work_item.released',
        entityType: KIND_ENTITY[kind].entityType,
        entityId: id,
        data: { kind, previousAssigneeId: current.assignee.id },
        requestId,
      });
    }
    return viewOf(kind, id, null);
  }

  async function get(kind: AssignableKind, id: string, principal: Principal): Promise<AssignmentView> {
    await workable(db, kind, id, principal);
    return viewOf(kind, id, await findAssignment(db, kind, id));
  }

  /**
   * The owners of a page of a list (one kind, ids as the list shows them), in the order asked, null
   * for nobody. Ids that name no item answer null: the list that names them has checked they exist.
   */
  async function owners(
    kind: AssignableKind,
    ids: readonly string[],
    principal: Principal,
  ): Promise<{ id: string; assignee: AssignmentView['assignee']; assignedAt: string | null }[]> {
    const user = staffOf(principal);
    if (!canWork(user.role, kind))
      throw new AppError('forbidden', 'Your role does not work this kind of item.', { param: 'kind' });
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (unique.length > MAX_OWNER_IDS || unique.some((id) => !UUID.test(id)))
      throw new AppError(
        'validation_failed',
        `ids names up to ${MAX_OWNER_IDS} item ids, separated by commas.`,
        {
          param: 'ids',
        },
      );
    const found = await assignmentsFor(
      db,
      unique.map((id) => ({ kind, id })),
    );
    return unique.map((id) => {
      const row = found.get(`${kind}:${id}`) ?? null;
      return {
        id,
        assignee: row ? row.assignee : null,
        assignedAt: row ? row.assignedAt.toISOString() : null,
      };
    });
  }

  /** Whom a lead may hand an item of this kind to. */
  async function assignees(kind: AssignableKind) {
    return listAssignableUsers(db, KIND_ROLES[kind]);
  }

  return {
    take: asUseCase(take),
    assign: asUseCase(assign),
    release: asUseCase(release),
    get,
    owners,
    assignees,
  };
}

export type WorkAssignmentService = ReturnType<typeof createWorkAssignmentService>;
