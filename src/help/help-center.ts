// The help center's answers with their figures filled in: articles (articles.ts) × values from the
// catalog and settings (help-facts.ts). A placeholder without a value is a programmer error.
import type { Catalog } from '../catalog/catalog.schema.js';
import type { StateRuleNote } from '../catalog/effective-terms.js';
import type { HolderLanguage } from '../shared/language.js';
import { HELP_ARTICLES_ES } from './articles.es.js';
import { HELP_ARTICLES, type HelpArticleSource } from './articles.js';
import {
  type HelpSettings,
  type HelpValues,
  helpValues,
  stateRuleNotes,
  stateRuleSentences,
} from './help-facts.js';
import { formatSupportHours } from './support-hours.js';

export interface HelpArticle {
  id: string;
  question: string;
  topic: HelpArticleSource['topic'];
  paragraphs: string[];
  keywords: string[];
  stateRules: string[];
  /** The same rules, each with its id and parameters, to be said in the reader's language. */
  stateRuleNotes: StateRuleNote[];
  action: { label: string; href: string } | null;
}

export interface HelpCenter {
  catalogVersion: number;
  contact: { supportPhone: string; supportHours: string; roadsidePhone: string };
  articles: HelpArticle[];
}

export function fillPlaceholders(text: string, values: HelpValues): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (_whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Help text names "${key}", which has no value`);
    return value;
  });
}

/** The articles in a holder's language (English unless Spanish is asked for). */
export function helpArticlesIn(language: HolderLanguage): readonly HelpArticleSource[] {
  return language === 'es' ? HELP_ARTICLES_ES : HELP_ARTICLES;
}

export function renderHelpCenter(
  catalog: Catalog,
  catalogVersion: number,
  settings: HelpSettings,
  articles: readonly HelpArticleSource[] = HELP_ARTICLES,
  language: HolderLanguage = 'en',
): HelpCenter {
  const values = helpValues(catalog, settings, language);
  const stateRules = stateRuleSentences(catalog);
  const notes = stateRuleNotes(catalog);
  return {
    catalogVersion,
    contact: {
      supportPhone: settings.supportPhone,
      // Said in the reader's language, as the contact answer says it.
      supportHours: formatSupportHours(settings.supportHours, language),
      roadsidePhone: settings.roadsidePhone,
    },
    articles: articles.map((article) => ({
      id: article.id,
      question: article.question,
      topic: article.topic,
      paragraphs: article.paragraphs.map((paragraph) => fillPlaceholders(paragraph, values)),
      keywords: [...article.keywords],
      stateRules: article.includesStateRules ? stateRules : [],
      stateRuleNotes: article.includesStateRules ? notes : [],
      action: article.action ?? null,
    })),
  };
}
