import { Type } from 'typebox';
import { Nullable, problemResponses } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { MyWorkService } from './my-work.service.js';

const Assignee = Nullable(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }));

const MyWorkItemSchema = Type.Object({
  kind: Type.String({ description: 'The kind of work (as the work queue names it)' }),
  id: Type.String(),
  title: Type.String(),
  dueOn: Nullable(Type.String({ format: 'date' })),
  overdue: Type.Boolean(),
  href: Type.String({ description: 'Where the item is worked in the web app' }),
  assignee: Assignee,
});

const MyWorkSchema = Type.Object(
  {
    today: Type.String({ format: 'date', description: 'Today in the business time zone' }),
    complete: Type.Boolean({
      description: 'false when the queue was longer than the home page reads (counts are then at least)',
    }),
    counts: Type.Object({
      overdue: Type.Integer(),
      dueToday: Type.Integer(),
      assignedToMe: Type.Integer(),
      recentlyChanged: Type.Integer(),
    }),
    overdue: Type.Array(MyWorkItemSchema),
    dueToday: Type.Array(MyWorkItemSchema),
    assignedToMe: Type.Array(MyWorkItemSchema),
    recentlyChanged: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: Type.String(),
        itemId: Type.String(),
        title: Type.String(),
        by: Type.String({ description: 'Who made the change' }),
        occurredAt: Type.String({ format: 'date-time' }),
        href: Type.String(),
      }),
    ),
  },
  { $id: 'MyWork', description: "A staff member's home: their work today" },
);

export function registerMyWorkRoutes(app: TypedApp, deps: { myWork: MyWorkService }): void {
  app.addSchema(MyWorkSchema);
  app.get(
    '/api/v1/my-work',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Work queue'],
        operationId: 'getMyWork',
        summary: 'My work: overdue, due today, assigned to me, recently changed',
        description:
          'The staff home: counts and the first ten items of each section, each with a link into the ' +
          'item. Only work the caller\'s role can open is shown. "Recently changed" lists changes by ' +
          'other people in the last 14 days to items the caller owns or acted on.',
        response: { 200: Type.Ref('MyWork'), ...problemResponses(401, 403) },
      },
    },
    async (request) => deps.myWork.forPrincipal(request.principal!),
  );
}
