// The languages a holder reads Coverwise in (docs/languages.md): the holder pages' switch sends its
// choice as `language` on the requests that lead to emails, and the emails are written in it.

export const HOLDER_LANGUAGES = ['en', 'es'] as const;
export type HolderLanguage = (typeof HOLDER_LANGUAGES)[number];

/** A stored or sent language as one Coverwise speaks: anything unknown (or none) is English. */
export function holderLanguageOf(value: unknown): HolderLanguage {
  return value === 'es' ? 'es' : 'en';
}

export function isHolderLanguage(value: unknown): value is HolderLanguage {
  return (HOLDER_LANGUAGES as readonly unknown[]).includes(value);
}
