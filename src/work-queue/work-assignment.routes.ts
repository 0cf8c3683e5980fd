import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { ASSIGNABLE_KINDS, MAX_OWNER_IDS } from './work-assignment.js';
import type { WorkAssignmentService } from './work-assignment.service.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Repeat the same key to repeat the request safely (the first answer again)' }),
  ),
});

const KindParam = StringEnum(ASSIGNABLE_KINDS, {
  description:
    'The kind of work, as the work queue names it: repair_claim_decision (a repair claim id), ' +
    'gap_document_review (a document id), gap_claim, rental_claim or trip_interruption_claim',
});
const ItemParams = Type.Object({ kind: KindParam, id: Uuid });

export const AssigneeSchema = Type.Object(
  { id: Type.String(), name: Type.String(), email: Type.String() },
  { description: 'The staff member who owns the item' },
);

const AssignmentSchema = Type.Object(
  {
    kind: Type.String(),
    id: Type.String(),
    assignee: Nullable(AssigneeSchema, { description: 'null when nobody owns the item' }),
    assignedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'WorkAssignment', description: 'Who owns a work item' },
);

export function registerWorkAssignmentRoutes(
  app: TypedApp,
  deps: { assignments: WorkAssignmentService; db: Kysely<Database>; clock: Clock },
): void {
  const { assignments, db, clock } = deps;
  app.addSchema(AssignmentSchema);

  app.get(
    '/api/v1/work-items/:kind/:id/assignment',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'getWorkItemAssignment',
        summary: 'Who owns a work item',
        description:
          'The owner of a repair claim, GAP claim, benefit claim or document review, or null. A role ' +
          'sees only the kinds of work it can open (403 `forbidden` otherwise).',
        params: ItemParams,
        response: { 200: Type.Ref('WorkAssignment'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => assignments.get(request.params.kind, request.params.id, request.principal!),
  );

  app.post(
    '/api/v1/work-items/:kind/:id/take',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'takeWorkItem',
        summary: 'Take a work item: it becomes yours',
        description:
          'Makes the signed-in staff member the owner. Taking an item you already own answers it again; ' +
          'an item someone else owns answers 409 `work_item_taken` (of two people taking the same ' +
          'item at once, one wins and the other gets that code). Audited as `work_item.taken`.',
        headers: IdempotencyHeaders,
        params: ItemParams,
        response: { 200: Type.Ref('WorkAssignment'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        assignments.take(run, request.params.kind, request.params.id, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/work-items/:kind/:id/assignment',
    {
      config: { access: ['adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'assignWorkItem',
        summary: 'Assign a work item to someone',
        description:
          'Adjusters and administrators hand an item to an active colleague whose role can open it ' +
          '(422 `assignee_not_eligible` otherwise), whoever held it before. Audited as ' +
          '`work_item.assigned` with the note as its reason.',
        headers: IdempotencyHeaders,
        params: ItemParams,
        body: Type.Object(
          {
            assigneeId: Type.String({ format: 'uuid', description: 'The user who will own the item' }),
            note: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Why (audited)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('WorkAssignment'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        assignments.assign(
          run,
          request.params.kind,
          request.params.id,
          request.body,
          request.principal!,
          request.id,
        ),
      );
    },
  );

  app.post(
    '/api/v1/work-items/:kind/:id/release',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'releaseWorkItem',
        summary: 'Release a work item back to the queue',
        description:
          'Its owner, an adjuster or an administrator releases the item (403 `forbidden` for anyone ' +
          'else); releasing an item nobody owns changes nothing. Audited as `work_item.released`.',
        headers: IdempotencyHeaders,
        params: ItemParams,
        response: { 200: Type.Ref('WorkAssignment'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        assignments.release(run, request.params.kind, request.params.id, request.principal!, request.id),
      );
    },
  );

  const uuid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
  app.get(
    '/api/v1/work-items/owners',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'listWorkItemOwners',
        summary: 'Who owns each item of a list',
        description:
          'The owner of each named item of one kind (a page of the GAP claims or of the repair-claim ' +
          'queue), in the order asked; `assignee` is null when nobody has taken it, and for an id that ' +
          'names no item. A role asks only about the kinds of work it can open (403 `forbidden` otherwise).',
        querystring: Type.Object({
          kind: KindParam,
          ids: Type.String({
            pattern: `^${uuid}(,${uuid}){0,${MAX_OWNER_IDS - 1}}$`,
            maxLength: 37 * MAX_OWNER_IDS,
            description: `Up to ${MAX_OWNER_IDS} item ids, separated by commas`,
          }),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                assignee: Nullable(AssigneeSchema, {
                  description: 'null when nobody owns it',
                }),
                assignedAt: Nullable(Type.String({ format: 'date-time' })),
              }),
            ),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({
      data: await assignments.owners(request.query.kind, request.query.ids.split(','), request.principal!),
    }),
  );

  app.get(
    '/api/v1/work-items/assignees',
    {
      config: { access: ['adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'listWorkItemAssignees',
        summary: 'The people a kind of work can be assigned to',
        description: 'Active staff whose role can open the kind of item, by name (at most 500).',
        querystring: Type.Object({ kind: KindParam }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                email: Type.String(),
                role: Type.String(),
              }),
            ),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({ data: await assignments.assignees(request.query.kind) }),
  );
}
