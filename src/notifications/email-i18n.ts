// The words of the emails a holder receives, in English or Spanish (docs/languages.md): a server-side
// i18next instance of its own (not the web app's), with the messages in ./locales/{en,es}.json. The
// message builders (gap-claim-messages.ts, holder-account.rules.ts) take the holder's language and ask
// `emailWords(language)` for each sentence; an unknown language is English.
import i18next, { type TFunction } from 'i18next';
import { MONTH_NAMES } from '../shared/calendar-date.js';
import { type HolderLanguage, holderLanguageOf } from '../shared/language.js';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };

const instance = i18next.createInstance();
// The messages are bundled: initialised synchronously, before any email is written.
void instance.init({
  initAsync: false,
  resources: { en: { translation: en }, es: { translation: es } },
  lng: 'en',
  fallbackLng: 'en',
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translate function for one language. */
export function emailWords(language: HolderLanguage | null | undefined): TFunction {
  return instance.getFixedT(holderLanguageOf(language));
}

/**
 * '2026-11-30' → 'November 30, 2026' or '30 de noviembre de 2026', from its parts (never parsed as a
 * UTC midnight, which is the day before west of Greenwich).
 */
export function dateWords(date: string, language: HolderLanguage | null | undefined = 'en'): string {
  const [year, month, day] = date.split('-');
  if (holderLanguageOf(language) === 'es' && year && month && day) {
    const noon = Date.UTC(Number(year), Number(month) - 1, Number(day), 12);
    if (!Number.isNaN(noon))
      return new Intl.DateTimeFormat('es-US', { dateStyle: 'long', timeZone: 'UTC' }).format(noon);
  }
  return `${MONTH_NAMES[Number(month) - 1] ?? month} ${Number(day)}, ${year}`;
}

/**
 * A catalog document type's name in the holder's language: in English the catalog's own name (as an
 * administrator wrote it); in Spanish the locale file's name for the code, else the catalog's (a type
 * added to the catalog that the files do not know yet).
 */
export function documentName(
  code: string,
  catalogName: string,
  language: HolderLanguage | null | undefined,
): string {
  if (holderLanguageOf(language) === 'en') return catalogName;
  return emailWords(language)(`document.${code}`, { defaultValue: catalogName });
}

/**
 * A document's name inside a sentence starts in lower case: "su anexo GAP", "your retail installment
 * contract was accepted" (the catalog writes names in sentence case, for lists and headings). An acronym
 * ("VIN …", "GAP addendum") keeps its capitals, and in English so does a name that reads as a proper
 * name (another word of it capitalized: "Kelley Blue Book valuation").
 */
export function nameInSentence(name: string, language: HolderLanguage | null | undefined): string {
  if (name.length === 0) return name;
  const second = name.charAt(1);
  if (second && second === second.toUpperCase() && second !== second.toLowerCase()) return name;
  if (holderLanguageOf(language) !== 'es') {
    const [first = '', ...rest] = name.split(/\s+/);
    if (!/^[A-Z][a-z]*(?![A-Za-z])/.test(first)) return name;
    if (rest.some((word) => /^[^A-Za-z]*[A-Z][a-z]/.test(word))) return name;
  }
  return name.charAt(0).toLowerCase() + name.slice(1);
}
