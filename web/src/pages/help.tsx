import { type FormEvent, useMemo, useState } from 'react';
import { stemmer } from 'stemmer';
import type { ApiResponse } from '../api.js';
import { holderLanguage, t, useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery } from '../queries.js';
import { Link, navigate, useLocation } from '../router.js';
import { stateRuleText } from '../server-text.js';

// The help center: the questions holders ask, answered with figures the server fills from the
// current catalog and settings (GET /api/v1/help), and a search box that filters them in the browser.

type HelpArticle = ApiResponse<'get', '/help'>['articles'][number];

function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9$ ]+/g, ' ');
}

/** An article's state rules as the reader reads them: said from their ids in the page's language. */
function stateRuleSentences(article: HelpArticle): string[] {
  return article.stateRuleNotes.map(stateRuleText);
}

/**
 * Articles containing every word of the query (question, text, keywords or state rules), word forms
 * matched by their Porter stem: "cancellation", "cancelled" and "cancel" all find "cancel". A query
 * word also matches anywhere in the text, so an answer shows while the word is still being typed.
 */
export function searchArticles(articles: readonly HelpArticle[], query: string): HelpArticle[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...articles];
  return articles.filter((article) => {
    const text = normalize(
      [article.question, ...article.paragraphs, ...article.keywords, ...stateRuleSentences(article)].join(
        ' ',
      ),
    );
    const tokens = text.split(/\s+/).filter(Boolean);
    const stems = new Set(tokens.map(stemmer));
    return words.every((word) => stems.has(stemmer(word)) || text.includes(word));
  });
}

export function HelpPage() {
  const { search } = useLocation();
  const initialQuery = new URLSearchParams(search).get('q') ?? '';
  // The articles come in the reader's language; the language is part of the query's key, so
  // switching it asks for them again (useTranslation renders the page again on a switch).
  useTranslation();
  const language = holderLanguage();
  const helpQuery = useApiQuery(
    '/help',
    { params: { query: { language } } },
    { staleTime: Number.POSITIVE_INFINITY },
  );
  const help = helpQuery.data;
  const [query, setQuery] = useState(initialQuery);

  const matches = useMemo(() => (help ? searchArticles(help.articles, query) : []), [help, query]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // Keep the query in the address so a search can be shared or reloaded.
    navigate(query ? `/help?q=${encodeURIComponent(query)}` : '/help', { replace: true });
  }

  return (
    <>
      <PageHeading title={t('help.title')}>{t('help.title')}</PageHeading>
      <p className="lead">{t('help.lead')}</p>
      <search>
        <form className="form form--inline" onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor="help-search">{t('help.search')}</label>
            <input
              id="help-search"
              type="search"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              placeholder={t('help.placeholder')}
            />
          </div>
        </form>
      </search>
      {helpQuery.isError && (
        <p className="notice notice--error" role="alert">
          {t('help.failed')}
        </p>
      )}
      {help && (
        <>
          <p role="status" className="muted">
            {query.trim() === ''
              ? t('help.answers', { count: help.articles.length })
              : matches.length === 0
                ? t('help.noMatch', { query: query.trim(), phone: help.contact.supportPhone })
                : t('help.matches', { count: matches.length, query: query.trim() })}
          </p>
          <div className="card-stack">
            {matches.map((article) => (
              <section key={article.id} id={article.id} className="card" aria-labelledby={`${article.id}-q`}>
                <h2 id={`${article.id}-q`}>{article.question}</h2>
                {article.paragraphs.map((paragraph) => (
                  <p key={paragraph}>{paragraph}</p>
                ))}
                {article.stateRuleNotes.length > 0 && (
                  <details>
                    <summary>{t('help.stateRules')}</summary>
                    <ul className="coverage-notes">
                      {article.stateRuleNotes.map((note) => (
                        <li key={note.ruleId}>{stateRuleText(note)}</li>
                      ))}
                    </ul>
                  </details>
                )}
                {article.action && (
                  <p>
                    <Link href={article.action.href}>{article.action.label}</Link>
                  </p>
                )}
              </section>
            ))}
          </div>
          <section className="card" aria-labelledby="help-contact">
            <h2 id="help-contact">{t('help.contact')}</h2>
            <dl className="facts">
              <div>
                <dt>{t('help.customerService')}</dt>
                <dd>
                  <a href={`tel:${help.contact.supportPhone.replace(/[^0-9+]/g, '')}`}>
                    {help.contact.supportPhone}
                  </a>
                </dd>
              </div>
              <div>
                <dt>{t('help.hours')}</dt>
                <dd>{help.contact.supportHours}</dd>
              </div>
              <div>
                <dt>{t('help.roadside')}</dt>
                <dd>{t('help.roadsidePhone', { phone: help.contact.roadsidePhone })}</dd>
              </div>
            </dl>
          </section>
        </>
      )}
    </>
  );
}
