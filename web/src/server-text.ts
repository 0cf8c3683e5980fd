// Texts the server writes in English but also sends as stable codes with parameters (docs/languages.md
// "Texts the server writes, translated by code"): cancellation quote lines and explanations, benefit
// expense lines, GAP benefit calculation lines and state rules' sentences (coverage, cancellation,
// transfer and help pages). Each is said from the locale files in the page's language;
// a code the files do not know keeps the server's English words.
import { formatCalendarDate, formatCents, formatCount } from './format.js';
import { i18next, intlLocale, t } from './i18n.js';

type Params = Record<string, string | number>;

/**
 * Parameters as a person reads them: money from cents, shares from basis points, dates, counts. A share
 * is named so anywhere in the name, not only at its end (a state rule's
 * `cancellationAdminFeeMaxBasisPointsOfPrice` is 10%, not "1,000").
 */
export function readable(params: Params | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'number' && name.endsWith('Cents')) out[name] = formatCents(value);
    else if (typeof value === 'number' && name.includes('BasisPoints'))
      out[name] = new Intl.NumberFormat(intlLocale(), {
        style: 'percent',
        maximumFractionDigits: 2,
        minimumFractionDigits: name === 'shareBasisPoints' ? 2 : 0,
      }).format(value / 10_000);
    else if (typeof value === 'number') out[name] = formatCount(value);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) out[name] = formatCalendarDate(value);
    else out[name] = value;
  }
  return out;
}

/**
 * The message for `key` in the page's language. English pages keep the server's words exactly (en.json
 * holds the same sentences, so both files have the same keys); an unknown key keeps them too.
 */
function say(key: string, params: Params | undefined, english: string): string {
  if (i18next.language === 'en' || !i18next.exists(key)) return english;
  // Interpolated values are already formatted for people; nothing in them is markup (React escapes).
  return t(key, { ...readable(params), interpolation: { escapeValue: false } });
}

/** A cancellation quote line. */
export function quoteLineText(line: { label: string; code?: string; params?: Params }): string {
  return line.code ? say(`cancel.line.${line.code}`, line.params, line.label) : line.label;
}

/** A sentence of a cancellation quote's explanation (`explanationItems[i]` beside `explanation[i]`). */
export function explanationText(item: { code: string; params: Params } | undefined, english: string): string {
  if (!item) return english;
  if (item.code === 'state_rule')
    return stateRuleText({
      ruleId: String(item.params.ruleId ?? ''),
      sentence: english,
      params: item.params,
    });
  return say(`cancel.explain.${item.code}`, item.params, english);
}

/**
 * A state rule's note. In English the catalog's own sentence (an administrator may reword it); in
 * another language the locale files' sentence for the rule id, with the rule's own numbers.
 */
export function stateRuleText(note: { ruleId: string; sentence: string; params?: Params }): string {
  return say(`stateRule.${note.ruleId}`, note.params, note.sentence);
}

/** A rental, trip-interruption or towing line: the expense, then each limit that cut it. */
export function benefitLineText(line: {
  label: string;
  code?: string;
  params?: Params;
  limitsApplied?: string[];
}): string {
  if (i18next.language === 'en' || !line.code || !i18next.exists(`benefitLine.${line.code}`))
    return line.label;
  const params = line.params ?? {};
  const kind = String(params.kind ?? params.category ?? '');
  const base = say(
    `benefitLine.${line.code}`,
    { ...params, what: kind ? t(`benefitLine.kind.${kind}`, { defaultValue: kind }) : '' },
    line.label,
  );
  const limits = (line.limitsApplied ?? (params.capped === 1 ? ['per_event_limit'] : [])).map((limit) =>
    say(`benefitLine.limit.${line.code}.${limit}`, params, limit),
  );
  return limits.length === 0 ? base : `${base} (${limits.join('; ')})`;
}

/** A line of a GAP benefit calculation; a line calculated before the codes keeps its English label. */
export function gapLineText(line: { label: string; code?: string; params?: Params }): string {
  return line.code ? say(`gapLine.${line.code}`, line.params, line.label) : line.label;
}
