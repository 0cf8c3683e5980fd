// The staff dashboard as of a day: each chart's totals read through dashboard.repository.ts and shaped
// by dashboard.ts. Read-only.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import {
  CANCELLATION_MONTHS,
  CHART_IDS,
  type Chart,
  type ChartId,
  cancellationsByMonthChart,
  claimsByStatusChart,
  type Dashboard,
  documentReviewsSlaChart,
  lossRatioByPlanChart,
  portfolioByTierStateChart,
  slaWindowStart,
} from './dashboard.js';
import {
  activeContractsByPlanAndState,
  cancellationsPerMonth,
  claimCountsByStatusAndAge,
  countReviewsDue,
  reviewsDueByWeek,
  writtenAndPaidByPlan,
} from './dashboard.repository.js';

/** One chart, by id. */
export async function dashboardChart(
  db: Kysely<Database>,
  id: ChartId,
  today: CalendarDate,
  timeZone: string,
): Promise<Chart> {
  switch (id) {
    case 'claims_by_status':
      return claimsByStatusChart(await claimCountsByStatusAndAge(db, today, timeZone));
    case 'document_reviews_sla':
      return documentReviewsSlaChart(
        await reviewsDueByWeek(db, { from: slaWindowStart(today), today }, timeZone),
      );
    case 'loss_ratio_by_plan':
      return lossRatioByPlanChart(await writtenAndPaidByPlan(db));
    case 'cancellations_by_month':
      return cancellationsByMonthChart(await cancellationsPerMonth(db, today, CANCELLATION_MONTHS));
    case 'portfolio_by_tier_state':
      return portfolioByTierStateChart(await activeContractsByPlanAndState(db));
  }
}

/** Every chart and the review counters, as of `today` in the business time zone. */
export async function buildDashboard(
  db: Kysely<Database>,
  today: CalendarDate,
  timeZone: string,
): Promise<Dashboard> {
  // Concurrent: on a server each chart's query takes a pool connection of its own, so the page waits
  // for the slowest one, not the sum; PGlite's single-connection pool simply queues them.
  const [due, ...charts] = await Promise.all([
    countReviewsDue(db, today),
    ...CHART_IDS.map((id) => dashboardChart(db, id, today, timeZone)),
  ]);
  return { asOf: today, reviewsDueToday: due.dueToday, reviewsOverdue: due.overdue, charts };
}
