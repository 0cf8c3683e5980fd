import { Type } from 'typebox';
import { Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { WorkQueue } from './work-queue.js';

export const WorkItemSchema = Type.Object({
  kind: Type.String({ description: "The item's source, e.g. gap_document_review" }),
  id: Type.String(),
  title: Type.String(),
  dueOn: Type.String({ format: 'date' }),
  overdue: Type.Boolean({ description: 'Today (business time zone) is past dueOn' }),
  escalated: Type.Boolean(),
  receivedAt: Type.String({ format: 'date-time' }),
  href: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  assignee: Nullable(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }), {
    description: 'Who has taken the item; null when nobody has',
  }),
  flags: Type.Array(Type.Object({ code: Type.String(), reason: Type.String() }), {
    description: 'Anomalies worth a second look (repeat claim, same file, facility jump, early claim)',
  }),
});

export function registerWorkQueueRoutes(
  app: TypedApp,
  deps: {
    workQueue: WorkQueue;
    today: () => CalendarDate;
    /** Anomaly flags for a page of items (src/anomalies); none when absent. */
    flagsFor?: (
      items: readonly { kind: string; id: string }[],
    ) => Promise<Map<string, { code: string; reason: string }[]>>;
  },
): void {
  app.get(
    '/api/v1/work-queue',
    {
      config: { access: ['reviewer', 'adjuster'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'listWorkQueue',
        summary: 'Work due, ordered by due date then arrival; overdue items flagged',
        description:
          "The items the caller's role can open (document reviews, repair claims to decide, rental and trip-interruption " +
          'claims to review, due by the review SLA of the catalog), oldest due ' +
          'first, a page at a time (cursor paging), each with its owner. Filter by kind and by owner ' +
          '(`mine`, `unassigned`).',
        querystring: Type.Object({
          kind: Type.Optional(
            StringEnum(
              [
                'gap_document_review',
                'repair_claim_decision',
                'rental_claim',
                'trip_interruption_claim',
              ] as const,
              { description: 'Only items of this kind' },
            ),
          ),
          owner: Type.Optional(
            StringEnum(['anyone', 'mine', 'unassigned'] as const, {
              description: 'Only items owned by the caller (mine) or by nobody (unassigned)',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          startingAfter: Type.Optional(
            Type.String({ maxLength: 400, description: 'nextCursor of the previous page' }),
          ),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(WorkItemSchema),
            hasMore: Type.Boolean(),
            nextCursor: Nullable(Type.String()),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const page = await deps.workQueue.list({
        limit: request.query.limit ?? 20,
        startingAfter: request.query.startingAfter,
        today: deps.today(),
        role: request.principal?.kind === 'user' ? request.principal.role : 'reviewer',
        filter: {
          kinds: request.query.kind ? [request.query.kind] : undefined,
          owner: request.query.owner,
          userId: request.principal?.kind === 'user' ? request.principal.userId : undefined,
        },
      });
      const flags = deps.flagsFor ? await deps.flagsFor(page.data) : new Map();
      return {
        ...page,
        data: page.data.map((item) => ({
          ...item,
          assignee: item.assignee ?? null,
          flags: flags.get(item.id) ?? [],
        })),
      };
    },
  );
}
