// The calendar day a server started from this environment calls "today": the day in its business time
// zone (COVERWISE_TIMEZONE, America/New_York by default), not the UTC day. Between midnight UTC and
// midnight in New York the two differ, and a date taken from `new Date().toISOString()` is tomorrow to
// the server (a cancellation dated then is refused as "after today").
import { loadConfig } from '../../src/config.js';
import { type CalendarDate, calendarDateInZone } from '../../src/shared/calendar-date.js';

export function serverToday(env: NodeJS.ProcessEnv = process.env): CalendarDate {
  return calendarDateInZone(new Date(), loadConfig(env).timeZone);
}
