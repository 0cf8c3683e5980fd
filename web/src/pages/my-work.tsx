import { type ReactNode, useId } from 'react';
import type { ApiSchema } from '../api.js';
import { formatCalendarDate, formatInstant } from '../format.js';
import { t } from '../i18n.js';
import { errorMessage, useApiQuery } from '../queries.js';
import { Link } from '../router.js';
import { LoadingNotice } from './shop-claim-parts.js';

// The staff home's "my work": counts of what is overdue, due today, assigned to me and recently changed,
// each count a link to its list, each item one click into its page (GET /api/v1/my-work).

type MyWork = ApiSchema<'MyWork'>;
type MyWorkItem = MyWork['overdue'][number];

function ItemList({ items, userId }: { items: MyWorkItem[]; userId: string }) {
  return (
    <ul className="work-list">
      {items.map((item) => (
        <li key={`${item.kind}:${item.id}`}>
          <Link href={item.href}>{item.title}</Link>
          <span className="muted">
            {item.dueOn ? ` · due ${formatCalendarDate(item.dueOn)}` : ''}
            {item.assignee
              ? ` · ${item.assignee.id === userId ? 'yours' : `owned by ${item.assignee.name}`}`
              : ' · nobody has taken it'}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Section({
  id,
  title,
  count,
  empty,
  children,
}: {
  id: string;
  title: string;
  count: number;
  empty: string;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section id={id} aria-labelledby={headingId} className="card">
      <h3 id={headingId}>
        {title} ({count})
      </h3>
      {count === 0 ? <p className="muted">{empty}</p> : children}
    </section>
  );
}

export function MyWorkPanel({ userId }: { userId: string }) {
  const work = useApiQuery('/my-work', undefined);
  if (work.isPending) return <LoadingNotice />;
  if (work.isError)
    return <p className="notice notice--error">{errorMessage(work.error, t('common.loadFailed'))}</p>;
  const value = work.data;
  const atLeast = value.complete ? '' : ' or more';
  const counts: [string, string, number][] = [
    ['my-work-overdue', 'Overdue', value.counts.overdue],
    ['my-work-due-today', 'Due today', value.counts.dueToday],
    ['my-work-assigned', 'Assigned to me', value.counts.assignedToMe],
    ['my-work-changed', 'Recently changed', value.counts.recentlyChanged],
  ];
  return (
    <section aria-labelledby="my-work-heading">
      <h2 id="my-work-heading">My work</h2>
      <ul className="count-tiles" aria-label="My work at a glance">
        {counts.map(([id, label, count]) => (
          <li key={id}>
            <a href={`#${id}`} className="count-tile">
              <span className="count-tile__number">{count}</span> {label.toLowerCase()}
              {atLeast}
            </a>
          </li>
        ))}
      </ul>
      <Section id="my-work-overdue" title="Overdue" count={value.counts.overdue} empty="Nothing is overdue.">
        <ItemList items={value.overdue} userId={userId} />
      </Section>
      <Section
        id="my-work-due-today"
        title="Due today"
        count={value.counts.dueToday}
        empty="Nothing else is due today."
      >
        <ItemList items={value.dueToday} userId={userId} />
      </Section>
      <Section
        id="my-work-assigned"
        title="Assigned to me"
        count={value.counts.assignedToMe}
        empty="Nothing is assigned to you. Take an item from the queue to make it yours."
      >
        <ItemList items={value.assignedToMe} userId={userId} />
      </Section>
      <Section
        id="my-work-changed"
        title="Recently changed"
        count={value.counts.recentlyChanged}
        empty="Nobody else changed your work in the last 14 days."
      >
        <ul className="work-list">
          {value.recentlyChanged.map((change) => (
            <li key={change.id}>
              <Link href={change.href}>{change.title}</Link>
              <span className="muted">
                {' '}
                · {change.by}, {formatInstant(change.occurredAt)}
              </span>
            </li>
          ))}
        </ul>
      </Section>
    </section>
  );
}
