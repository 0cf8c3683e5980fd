import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from './locales/en.json' with { type: 'json' };

// The holder pages speak English and Spanish (i18next, messages in web/src/locales/*.json). The
// language is the one the holder chose with the switch (remembered in localStorage), else the
// browser's (navigator.language 'es*' → Spanish), else English. Staff pages stay English whatever
// the holder's choice: only the paths below are translated.

export const languages = ['en', 'es'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'coverwise.language';

/** The pages a holder (or anyone not signed in as staff) reads. */
export function isHolderPath(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname === '/my' ||
    pathname.startsWith('/my/') ||
    pathname === '/gap-claims' ||
    pathname.startsWith('/gap-claims/') ||
    pathname === '/help'
  );
}

function storedLanguage(): Language | null {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return stored === 'en' || stored === 'es' ? stored : null;
  } catch {
    return null;
  }
}

/** The holder's language: their choice, else the browser's. */
export function preferredLanguage(): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  const browser = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');
  return browser.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function languageFor(pathname: string): Language {
  return isHolderPath(pathname) ? preferredLanguage() : 'en';
}

/** The Intl locale money and dates are written in. */
export function intlLocale(language: string = i18next.language): string {
  return language === 'es' ? 'es-US' : 'en-US';
}

const initialLanguage = languageFor(typeof window === 'undefined' ? '/' : window.location.pathname);

function setDocumentLanguage(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
i18next.on('languageChanged', setDocumentLanguage);

// English is bundled, so the first render already has it (initAsync: false). Spanish is a chunk of its
// own, loaded before the first render when the holder reads Spanish (main.tsx waits for `i18nReady`) or
// when they switch to it: an English reader's phone does not download it (the initial JavaScript stays
// within its 150 kB budget, test/build/web-bundle.test.ts).
void i18next.use(initReactI18next).init({
  initAsync: false,
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

let spanish: Promise<void> | null = null;

/** The language's messages, loaded once (English is always there). */
function loadLanguage(language: Language): Promise<void> {
  if (language === 'en') return Promise.resolve();
  spanish ??= import('./locales/es.json').then(
    (messages) => {
      i18next.addResourceBundle('es', 'translation', messages.default, true, true);
    },
    (error: unknown) => {
      // A failed download (offline) is tried again at the next switch; English stays meanwhile.
      spanish = null;
      throw error;
    },
  );
  return spanish;
}

/** Loads `language` and speaks it; on a failed download the page stays in the language it was in. */
export async function speakLanguage(language: Language): Promise<void> {
  try {
    await loadLanguage(language);
  } catch {
    return;
  }
  if (i18next.language !== language) await i18next.changeLanguage(language);
}

/** Settles when the first page's language can be shown (main.tsx renders after it). */
export const i18nReady: Promise<void> = speakLanguage(initialLanguage).then(() =>
  setDocumentLanguage(i18next.language),
);
// The page says at once which language it will be drawn in (nothing is drawn before i18nReady).
setDocumentLanguage(initialLanguage);

/** The switch: remembers the holder's choice and speaks it at once. */
export function chooseLanguage(language: Language): void {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Private windows may refuse storage; the choice still holds for this visit.
  }
  void speakLanguage(language);
}

/** Keeps the language in step with the page: the holder's on holder pages, English on staff pages. */
export function syncLanguageWithPath(pathname: string): void {
  const wanted = languageFor(pathname);
  if (i18next.language !== wanted) void speakLanguage(wanted);
}

/**
 * The language the holder reads the page in, sent as `language` on the requests that lead to an
 * email (docs/languages.md), so the email is in it too.
 */
export function holderLanguage(): Language {
  return i18next.language === 'es' ? 'es' : 'en';
}

/**
 * Catalog words (a component group's name, a document type's, a plan's) in the reader's language. The
 * catalog is data in English; the locale files translate the default catalog's words under `key`. The
 * translation is used only while the catalog still says what it translates (the key's English text):
 * words an administrator changed or added since are shown as the catalog has them, never a stale
 * translation of something else.
 */
export function catalogWords(key: string, own: string): string {
  if (i18next.language === 'en') return own;
  if (i18next.t(key, { lng: 'en', defaultValue: '' }) !== own) return own;
  return i18next.t(key, { defaultValue: own });
}

/** A translation outside React (formatters, error sentences). */
export const t = i18next.t.bind(i18next);

export { i18next, useTranslation };
