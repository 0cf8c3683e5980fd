// The staff home ("my work"): what is overdue, what is due today, what is assigned to me and what
// changed lately on my work, with counts and links. It reads the same work queue a role sees (so
// nobody is shown work their role cannot open), the assignments and the audit trail.
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database, Role } from '../platform/db/schema.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { openClaimAssignmentsOf, recentChangesFor } from './my-work.repository.js';
import { type AssignableKind, canWork, isAssignableKind, KIND_ENTITY } from './work-assignment.js';
import type { WorkItem, WorkQueue } from './work-queue.js';

/** How much of the queue one home page reads (pages of 100); beyond it counts say "at least". */
const QUEUE_PAGES = 10;
const QUEUE_PAGE_SIZE = 100;
/** How many items each section lists (the counts cover all). */
export const SECTION_ITEMS = 10;
const RECENT_DAYS = 14;

export interface MyWorkItem {
  kind: string;
  id: string;
  title: string;
  dueOn: string | null;
  overdue: boolean;
  href: string;
  assignee: { id: string; name: string; email: string } | null;
}

const ENTITY_KIND: Record<string, AssignableKind> = {
  repair_claim: 'repair_claim_decision',
  gap_claim: 'gap_claim',
  document: 'gap_document_review',
  rental_claim: 'rental_claim',
  trip_interruption_claim: 'trip_interruption_claim',
};

const ENTITY_WORDS: Record<string, string> = {
  repair_claim: 'Repair claim',
  gap_claim: 'GAP claim',
  document: 'Document',
  rental_claim: 'Rental claim',
  trip_interruption_claim: 'Trip interruption claim',
};

/** "repair_claim.information_requested" → "Information requested" (pure). */
export function changeWords(action: string): string {
  const verb = action.includes('.') ? action.slice(action.indexOf('.') + 1) : action;
  const words = verb.replace(/[._]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : action;
}

/** The sections of the home page from a scan of the role's queue (pure). */
export function sortIntoSections(items: readonly WorkItem[], today: CalendarDate, userId: string) {
  const overdue = items.filter((item) => compareDates(today, item.dueOn) > 0);
  const dueToday = items.filter((item) => compareDates(today, item.dueOn) === 0);
  const mine = items.filter((item) => item.assignee?.id === userId);
  return { overdue, dueToday, mine };
}

function toMyWorkItem(item: WorkItem): MyWorkItem {
  return {
    kind: item.kind,
    id: item.id,
    title: item.title,
    dueOn: item.dueOn,
    overdue: item.overdue,
    href: item.href,
    assignee: item.assignee ?? null,
  };
}

export function createMyWorkService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  workQueue: WorkQueue;
  today: () => CalendarDate;
}) {
  async function scanQueue(role: Role, today: CalendarDate) {
    const items: WorkItem[] = [];
    let startingAfter: string | undefined;
    for (let page = 0; page < QUEUE_PAGES; page++) {
      const answer = await deps.workQueue.list({ limit: QUEUE_PAGE_SIZE, startingAfter, today, role });
      items.push(...answer.data);
      if (!answer.hasMore || !answer.nextCursor) return { items, complete: true };
      startingAfter = answer.nextCursor;
    }
    return { items, complete: false };
  }

  async function forPrincipal(principal: Principal) {
    if (principal.kind !== 'user') throw new AppError('forbidden', 'The staff home is for staff.');
    const { userId, role } = principal;
    const today = deps.today();
    const scan = await scanQueue(role, today);
    const sections = sortIntoSections(scan.items, today, userId);
    const others = (await openClaimAssignmentsOf(deps.db, userId, 50)).filter((row) =>
      canWork(role, row.kind),
    );
    const assignedToMe: MyWorkItem[] = [
      ...sections.mine.map(toMyWorkItem),
      ...others.map((row) => ({
        kind: row.kind,
        id: row.id,
        title: `${ENTITY_WORDS[KIND_ENTITY[row.kind].entityType]} ${row.reference}`,
        dueOn: null,
        overdue: false,
        href: KIND_ENTITY[row.kind].href(row.id),
        // Assigned to the caller, by definition of the list.
        assignee: { id: userId, name: principal.displayName, email: principal.email },
      })),
    ];
    const since = new Date(deps.clock.now().getTime() - RECENT_DAYS * 86_400_000);
    const changes = (await recentChangesFor(deps.db, userId, since, 50)).filter((change) => {
      const kind = ENTITY_KIND[change.entityType];
      return kind !== undefined && isAssignableKind(kind) && canWork(role, kind);
    });
    const recentlyChanged = changes.slice(0, SECTION_ITEMS).map((change) => {
      const kind = ENTITY_KIND[change.entityType]!;
      return {
        id: String(change.id),
        kind,
        itemId: change.entityId,
        title: `${ENTITY_WORDS[change.entityType]}: ${changeWords(change.action)}`,
        by: change.actorLabel,
        occurredAt: change.occurredAt.toISOString(),
        href: KIND_ENTITY[kind].href(change.entityId),
      };
    });
    return {
      today,
      complete: scan.complete,
      counts: {
        overdue: sections.overdue.length,
        dueToday: sections.dueToday.length,
        assignedToMe: assignedToMe.length,
        recentlyChanged: changes.length,
      },
      overdue: sections.overdue.slice(0, SECTION_ITEMS).map(toMyWorkItem),
      dueToday: sections.dueToday.slice(0, SECTION_ITEMS).map(toMyWorkItem),
      assignedToMe: assignedToMe.slice(0, SECTION_ITEMS),
      recentlyChanged,
    };
  }

  return { forPrincipal };
}

export type MyWorkService = ReturnType<typeof createMyWorkService>;
