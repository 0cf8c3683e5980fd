// The queries behind the gauges read at scrape time; each is served by a partial index
// (pg-boss's job_i5 on waiting jobs, documents_review_queue_idx, contract_imports_running_idx).
import { type Kysely, sql } from 'kysely';
import { AWAITS_REVIEW } from '../../documents/document.repository.js';
import type { CalendarDate } from '../../shared/calendar-date.js';
import type { Database } from '../db/schema.js';

export async function jobQueueWaiting(db: Kysely<Database>) {
  // Jobs in state created or retry whose start time has come: ready and waiting for a worker.
  const result = await sql<{ queue: string; waiting: number; oldest_waiting_seconds: number }>`
    select q.name as queue, count(j.id)::int as waiting,
      coalesce(extract(epoch from now() - min(j.start_after)), 0)::float8 as oldest_waiting_seconds
    from pgboss.queue q
    left join pgboss.job j on j.name = q.name and j.state < 'active' and j.start_after <= now()
    group by q.name`.execute(db);
  return result.rows.map((row) => ({
    queue: row.queue,
    waiting: row.waiting,
    oldestWaitingSeconds: Math.max(0, row.oldest_waiting_seconds),
  }));
}

export async function overdueDocumentReviews(db: Kysely<Database>, today: CalendarDate) {
  const row = await db
    .selectFrom('documents')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('escalated_at', 'is', null).as('waiting'),
      eb.fn.countAll<number>().filterWhere('escalated_at', 'is not', null).as('escalated'),
    ])
    .where(AWAITS_REVIEW)
    .where('review_due_on', '<', today)
    .executeTakeFirstOrThrow();
  return { notEscalated: Number(row.waiting), escalated: Number(row.escalated) };
}

export async function runningImports(db: Kysely<Database>) {
  const row = await db
    .selectFrom('contract_imports')
    .select((eb) => [
      eb.fn.countAll<number>().as('runs'),
      eb.fn.coalesce(eb.fn.sum<number>('rows_read'), sql<number>`0`).as('rows_read'),
    ])
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return { runs: Number(row.runs), rowsRead: Number(row.rows_read) };
}
