// The staff work queue: items from several sources (GAP document reviews today; repair claims and
// benefit claims are further sources) merged into one list ordered by due date, then by the instant
// the work arrived. Each source lists its own items after a cursor in that order; the queue merges
// them and cuts the page, so adding a source is adding one object to the list in app.ts.
import type { Kysely } from 'kysely';
import type { Database, Role } from '../platform/db/schema.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';

export interface WorkItem {
  /** The source's kind, e.g. 'gap_document_review'. */
  kind: string;
  id: string;
  title: string;
  /** The business day by whose end the work is due. */
  dueOn: CalendarDate;
  overdue: boolean;
  escalated: boolean;
  /** When the work arrived (ISO instant): orders items due the same day. */
  receivedAt: string;
  /** Where the work is done in the web app. */
  href: string;
  details: Record<string, unknown>;
  /** Who owns the item (src/work-queue/work-assignment), null when nobody has taken it. */
  assignee?: { id: string; name: string; email: string } | null;
}

/** The position after which a page starts: the sort key of the last item of the previous page. */
export interface WorkQueueCursor {
  dueOn: CalendarDate;
  receivedAt: string;
  kind: string;
  id: string;
}

export interface WorkQueueSource {
  kind: string;
  /** The staff roles that can open and work these items; the queue shows a role only its own. */
  roles: readonly Role[];
  /**
   * Up to `limit` items whose (dueOn, receivedAt, kind, id) comes after `after` (all when null), in
   * that order. `overdue` is decided by the queue, not the source.
   */
  list(
    db: Kysely<Database>,
    page: { after: WorkQueueCursor | null; limit: number },
  ): Promise<Omit<WorkItem, 'overdue'>[]>;
}

export function encodeCursor(item: WorkQueueCursor): string {
  return Buffer.from(JSON.stringify([item.dueOn, item.receivedAt, item.kind, item.id])).toString('base64url');
}

export function decodeCursor(value: string): WorkQueueCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 4 && parsed.every((part) => typeof part === 'string')) {
      const [dueOn, receivedAt, kind, id] = parsed as [string, string, string, string];
      if (/^\d{4}-\d{2}-\d{2}$/.test(dueOn) && !Number.isNaN(Date.parse(receivedAt))) {
        return { dueOn, receivedAt, kind, id };
      }
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new AppError('validation_failed', 'startingAfter is not a cursor this queue gave out.', {
    param: 'startingAfter',
  });
}

export function compareItems(a: WorkQueueCursor, b: WorkQueueCursor): number {
  return (
    compareDates(a.dueOn, b.dueOn) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Which items of the queue to show: of some kinds only, and by owner. */
export interface WorkQueueFilter {
  kinds?: readonly string[] | undefined;
  /** 'mine' = owned by `userId`; 'unassigned' = nobody's; 'anyone' (default) = all. */
  owner?: 'mine' | 'unassigned' | 'anyone' | undefined;
  userId?: string | undefined;
}

type Owners = (
  items: readonly { kind: string; id: string }[],
) => Promise<Map<string, { assignee: { id: string; name: string; email: string } }>>;

/** At most this many source reads fill one filtered page (a sparse filter may end a page early). */
const MAX_ROUNDS = 20;

export function createWorkQueue(deps: {
  db: Kysely<Database>;
  sources: readonly WorkQueueSource[];
  /** The owners of a page of items (work assignments); everyone is unassigned without it. */
  ownersFor?: Owners;
}) {
  async function list(page: {
    limit: number;
    startingAfter?: string | undefined;
    today: CalendarDate;
    /** Whose queue: items this role cannot open are not on it. */
    role: Role;
    filter?: WorkQueueFilter;
  }) {
    const filter = page.filter ?? {};
    let after = page.startingAfter ? decodeCursor(page.startingAfter) : null;
    const sources = deps.sources.filter(
      (source) => source.roles.includes(page.role) && (!filter.kinds || filter.kinds.includes(source.kind)),
    );
    const owner = filter.owner ?? 'anyone';
    const out: WorkItem[] = [];
    let exhausted = sources.length === 0;
    let lastScanned: WorkQueueCursor | null = null;
    for (let round = 0; round < MAX_ROUNDS && !exhausted && out.length <= page.limit; round++) {
      // Each source gives at most limit + 1, so the merged list knows whether more remain.
      const lists = await Promise.all(
        sources.map((source) => source.list(deps.db, { after, limit: page.limit + 1 })),
      );
      const merged = lists.flat().sort(compareItems);
      const chunk = merged.slice(0, page.limit + 1);
      exhausted = merged.length === chunk.length && lists.every((list) => list.length < page.limit + 1);
      const owners = deps.ownersFor ? await deps.ownersFor(chunk) : new Map();
      for (const item of chunk) {
        const assignee = owners.get(`${item.kind}:${item.id}`)?.assignee ?? null;
        const keep =
          owner === 'anyone' ||
          (owner === 'unassigned' && assignee === null) ||
          (owner === 'mine' && assignee !== null && assignee.id === filter.userId);
        if (keep) out.push({ ...item, assignee, overdue: compareDates(page.today, item.dueOn) > 0 });
      }
      const tail = chunk.at(-1);
      if (!tail) break;
      lastScanned = tail;
      after = tail;
    }
    const data = out.slice(0, page.limit);
    const hasMore = out.length > page.limit || !exhausted;
    const cursorItem = out.length > page.limit ? data.at(-1) : lastScanned;
    return {
      data,
      hasMore,
      nextCursor: hasMore && cursorItem ? encodeCursor(cursorItem) : null,
    };
  }
  return { list };
}

export type WorkQueue = ReturnType<typeof createWorkQueue>;
