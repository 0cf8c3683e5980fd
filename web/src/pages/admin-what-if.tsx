import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { StaffOnly } from '../staff-only.js';
import { WhatIfEffect, type WhatIfResult } from '../what-if-effect.js';

// Rule what-if: an administrator edits the current catalog (by hand or with a preset), sees what the
// draft would change in the portfolio and in last year's claims, and then publishes it.

type CatalogDocument = {
  plans: {
    product: string;
    code: string;
    name?: string;
    benefits?: { rental: { dailyLimitCents: number } | null };
  }[];
  stateRules: { id: string }[];
};

/** Plan names by code, read from the draft being edited (codes stay when it does not parse). */
function planNamesOf(text: string): Map<string, string> {
  try {
    const doc = JSON.parse(text) as CatalogDocument;
    return new Map(doc.plans.map((plan) => [plan.code, plan.name ?? plan.code]));
  } catch {
    return new Map();
  }
}

function rentalPreset(doc: CatalogDocument, fromCents: number, toCents: number): CatalogDocument {
  for (const plan of doc.plans) {
    const rental = plan.benefits?.rental;
    if (plan.product === 'vsc' && rental && rental.dailyLimitCents === fromCents)
      rental.dailyLimitCents = toCents;
  }
  return doc;
}

function freeLookPreset(doc: CatalogDocument, state: string, days: number): CatalogDocument {
  const id = `${state}-vsc-free-look-${days}`;
  doc.stateRules = doc.stateRules.filter((rule) => rule.id !== id);
  doc.stateRules.push({
    id,
    state,
    products: ['vsc'],
    sentence: `In ${state}, you may cancel for a full refund within ${days} days if no claim was filed.`,
    overrides: { cancellation: { freeLookDays: days } },
  } as { id: string });
  return doc;
}

function problemDetail(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.detail : fallback;
}

function WhatIfContent() {
  const [text, setText] = useState('');
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [state, setState] = useState('OH');
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [problem, setProblem] = useState<{
    detail: string;
    errors: { path: string; message: string }[];
  } | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const planNames = useMemo(() => planNamesOf(text), [text]);
  const catalog = useApiQuery('/catalog', undefined);
  const whatIf = useApiMutation('post', '/catalog/what-if');
  const publishing = useApiMutation('post', '/catalog/versions', {
    invalidates: ['/catalog', '/plans', '/catalog/draft'],
  });
  const busy = whatIf.isPending || publishing.isPending;

  // The draft starts as the current catalog, once: a later refetch never overwrites what is typed.
  const seeded = useRef(false);
  useEffect(() => {
    if (catalog.isError && !seeded.current)
      setProblem({ detail: problemDetail(catalog.error, 'The catalog could not be loaded.'), errors: [] });
    if (!catalog.data || seeded.current) return;
    seeded.current = true;
    setText(JSON.stringify(catalog.data.document, null, 2));
    setBaseVersion(catalog.data.version);
  }, [catalog.data, catalog.isError, catalog.error]);

  function parsed(): CatalogDocument | null {
    try {
      return JSON.parse(text) as CatalogDocument;
    } catch (error) {
      setProblem({ detail: `The draft is not valid JSON: ${(error as Error).message}`, errors: [] });
      return null;
    }
  }

  function applyPreset(change: (doc: CatalogDocument) => CatalogDocument) {
    const doc = parsed();
    if (!doc) return;
    setText(JSON.stringify(change(doc), null, 2));
    setResult(null);
    setPublished(null);
    setProblem(null);
  }

  function showProblem(caught: ApiError) {
    setProblem({ detail: problemDetail(caught, 'The request was refused.'), errors: [...caught.errors] });
  }

  function runWhatIf(event: FormEvent) {
    event.preventDefault();
    const doc = parsed();
    if (!doc) return;
    setProblem(null);
    setPublished(null);
    whatIf.mutate(
      { body: { document: doc } },
      {
        onSuccess: setResult,
        onError: (caught) => {
          setResult(null);
          showProblem(caught);
        },
      },
    );
  }

  function publish() {
    const doc = parsed();
    if (!doc) return;
    publishing.mutate(
      { body: { document: doc, note: 'Published after a what-if' } },
      { onSuccess: (answer) => setPublished(answer.version), onError: showProblem },
    );
  }

  return (
    <>
      <PageHeading title="Rule what-if">Rule what-if</PageHeading>
      <p>
        Change the current catalog{baseVersion ? ` (version ${baseVersion})` : ''} by hand or with a preset,
        then see what the draft would change before you publish it.
      </p>
      <section className="card card--wide" aria-labelledby="presets-heading">
        <h2 id="presets-heading">Presets</h2>
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => applyPreset((doc) => rentalPreset(doc, 3_500, 4_000))}
          >
            Rental $35/day → $40/day
          </button>
        </p>
        <p>
          <label htmlFor="free-look-state">State</label>{' '}
          <input
            id="free-look-state"
            value={state}
            maxLength={2}
            size={3}
            onChange={(event) => setState(event.target.value.toUpperCase())}
          />{' '}
          <button
            type="button"
            className="button button--secondary"
            onClick={() => applyPreset((doc) => freeLookPreset(doc, state, 30))}
          >
            Free look 60 → 30 days in this state
          </button>
        </p>
      </section>
      <form onSubmit={runWhatIf} className="card card--wide">
        <label htmlFor="draft-catalog">Draft catalog (JSON)</label>
        <textarea
          id="draft-catalog"
          value={text}
          onChange={(event) => setText(event.target.value)}
          rows={16}
          spellCheck={false}
          style={{ width: '100%', fontFamily: 'monospace', fontSize: '0.85rem' }}
        />
        <p>
          <button type="submit" className="button" disabled={busy || text === ''}>
            {busy ? 'Working…' : 'See the effect'}
          </button>
        </p>
      </form>
      {problem ? (
        <div className="notice notice--error" role="alert">
          <p>{problem.detail}</p>
          {problem.errors.length > 0 ? (
            <ul>
              {problem.errors.slice(0, 20).map((error) => (
                <li key={`${error.path}:${error.message}`}>
                  <code>{error.path || '/'}</code>: {error.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result ? (
        <section className="card card--wide" aria-labelledby="effect-heading">
          <h2 id="effect-heading">Effect of the draft</h2>
          <WhatIfEffect
            effect={result}
            planName={(code) => planNames.get(code) ?? code}
            currentLabel={`Version ${result.catalogVersion}`}
          />
          <p>
            <button type="button" className="button" onClick={publish} disabled={busy}>
              Publish this catalog
            </button>
          </p>
        </section>
      ) : null}
      {published ? (
        <div className="notice" role="status">
          Published catalog version {published}. New contracts are sold under it; existing contracts keep
          their version.
        </div>
      ) : null}
    </>
  );
}

export function AdminWhatIfPage() {
  return (
    <StaffOnly roles={['admin']} refusal="Trying catalog changes is for administrators only.">
      {() => <WhatIfContent />}
    </StaffOnly>
  );
}

export default AdminWhatIfPage;
