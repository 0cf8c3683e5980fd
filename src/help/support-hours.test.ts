import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { formatSupportHours, parseSupportHours, type SupportHours } from './support-hours.js';

/** Intl puts narrow and thin no-break spaces around times and dashes; the tests read them as spaces. */
function spaced(text: string): string {
  return text.replace(/[\u00a0\u2009\u202f]/g, ' ');
}

function hours(text: string, timeZone = 'America/New_York'): SupportHours {
  const parsed = parseSupportHours(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return { timeZone, rules: parsed.rules };
}

describe('support hours', () => {
  it.each([
    [
      'Mo-Fr 08:00-20:00; Sa 09:00-13:00',
      'en',
      'Monday – Friday 8:00 AM – 8:00 PM and Saturday 9:00 AM – 1:00 PM (Eastern Time)',
    ],
    [
      'Mo-Fr 08:00-20:00; Sa 09:00-13:00',
      'es',
      'lunes – viernes 8:00 a.m. – 8:00 p.m. y sábado 9:00 a.m. – 1:00 p.m. (hora oriental)',
    ],
    ['Mo,We 09:00-17:00', 'en', 'Monday and Wednesday 9:00 AM – 5:00 PM (Eastern Time)'],
    ['Mo,We 09:00-17:00', 'es', 'lunes y miércoles 9:00 a.m. – 5:00 p.m. (hora oriental)'],
    [
      'Mo-Su 08:00-12:00,13:30-17:00',
      'en',
      'Monday – Sunday 8:00 AM – 12:00 PM, 1:30 – 5:00 PM (Eastern Time)',
    ],
  ] as const)('says "%s" in %s as the reader writes it', (text, language, said) => {
    expect(spaced(formatSupportHours(hours(text), language))).toBe(said);
  });

  it('names the time zone the times are in', () => {
    expect(spaced(formatSupportHours(hours('Sa 10:00-14:00', 'America/Chicago'), 'en'))).toBe(
      'Saturday 10:00 AM – 2:00 PM (Central Time)',
    );
  });

  it.each([
    ['Monday–Friday 8 a.m.–8 p.m. Eastern', 'is not days then times'],
    ['', 'a rule is empty'],
    ['Mo-Fr 08:00-20:00;', 'a rule is empty'],
    ['Mo-Fri 08:00-20:00', '"Mo-Fri" is not a day'],
    ['Fr-Mo 08:00-20:00', 'runs backwards'],
    ['Mo-Fr 8:00-20:00', '"8:00-20:00" is not a time range'],
    ['Mo-Fr 08:00-24:00', 'is not a time range'],
    ['Mo-Fr 20:00-08:00', 'closes before it opens'],
    ['Mo-Fr 08:00-12:00,11:00-17:00', 'overlaps'],
    ['Mo-Fr 08:00-20:00; Fr 09:00-13:00', 'Fr is named more than once'],
    ['Mo 01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00', 'at most 4'],
  ])('refuses "%s" (%s)', (text, reason) => {
    const parsed = parseSupportHours(text);
    expect('error' in parsed && parsed.error).toContain(reason);
  });

  it('stops start-up on a bad COVERWISE_SUPPORT_HOURS, naming the variable, the form it wants and the value', () => {
    const load = () => loadConfig({ COVERWISE_SUPPORT_HOURS: 'weekdays 9 to 5' }, '/tmp');
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      'COVERWISE_SUPPORT_HOURS: must be days and 24-hour times such as "Mo-Fr 08:00-20:00; Sa 09:00-13:00"',
    );
    expect(load).toThrow('got "weekdays 9 to 5"');
  });

  it('defaults to weekdays 8 to 8 and Saturday morning in the business time zone', () => {
    const config = loadConfig({ COVERWISE_TIMEZONE: 'America/Denver' }, '/tmp');
    expect(spaced(formatSupportHours(config.supportHours, 'en'))).toBe(
      'Monday – Friday 8:00 AM – 8:00 PM and Saturday 9:00 AM – 1:00 PM (Mountain Time)',
    );
  });
});
