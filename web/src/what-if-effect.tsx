import type { ApiResponse } from './api.js';
import { BarChart } from './charts/bar-chart.js';
import { formatCents, formatCount } from './format.js';
import { RatingChanges } from './rating-changes.js';
import { fieldLabel, regionCountWords } from './screen-words.js';
import { TableScroll } from './table-scroll.js';

// What a draft catalog would do (POST /catalog/what-if), as the catalog editor and the rule what-if
// page both show it: the totals, money by area and plan (a chart where asked), the terms that change
// and the rating changes. One component, so the two pages read the answer the same way.

export type WhatIfResult = ApiResponse<'post', '/catalog/what-if'>;

const AREA_WORDS: Record<WhatIfResult['details'][number]['area'], string> = {
  contract_terms: 'Contract terms',
  cancellation_refunds: 'Cancellation refunds',
  rental_claims: 'Rental claims',
};

/** One line per plan and set of changed fields, naming the states, instead of one per state. */
function groupChangedTerms(changed: WhatIfResult['changedTerms']) {
  const groups = new Map<string, { key: string; planCode: string; fields: string[]; states: string[] }>();
  for (const term of changed) {
    const key = `${term.planCode}:${term.fields.join(',')}`;
    const group = groups.get(key) ?? { key, planCode: term.planCode, fields: term.fields, states: [] };
    group.states.push(term.state);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function WhatIfEffect({
  effect,
  planName,
  currentLabel,
  chart = false,
}: {
  effect: WhatIfResult;
  planName: (code: string) => string;
  /** How the current catalog is named in the columns ("Version 4"). */
  currentLabel: string;
  /** Money under the current version and the draft as a bar chart above the table. */
  chart?: boolean;
}) {
  const money = effect.details.filter((d) => d.area !== 'contract_terms');
  return (
    <>
      <dl className="facts facts--wide">
        <div>
          <dt>Contracts affected</dt>
          <dd>{formatCount(effect.contractsAffected)}</dd>
        </div>
        <div>
          <dt>Claims affected</dt>
          <dd>{formatCount(effect.claimsAffected)}</dd>
        </div>
        <div>
          <dt>Money difference</dt>
          <dd data-testid="money-difference">
            {effect.moneyDifferenceCents > 0 ? '+' : ''}
            {formatCents(effect.moneyDifferenceCents)}
          </dd>
        </div>
      </dl>
      <p className="muted">
        Draft minus current, as if the draft applied to every contract: positive means more paid out.
      </p>
      {chart && money.length > 0 ? (
        <BarChart
          labels={money.map((d) => `${AREA_WORDS[d.area]}, ${planName(d.planCode)}`)}
          series={[
            { label: currentLabel, values: money.map((d) => d.currentCents / 100) },
            { label: 'Draft', values: money.map((d) => d.draftCents / 100) },
          ]}
          description="Money paid under the current version and under the draft, by area and plan; the table below has the figures."
          formatValue={(v) => formatCents(Math.round(v * 100))}
        />
      ) : null}
      <TableScroll labelledBy="effect-caption">
        <table className="table">
          <caption id="effect-caption">Effect by area and plan</caption>
          <thead>
            <tr>
              <th scope="col">Area</th>
              <th scope="col">Plan</th>
              <th scope="col">What</th>
              <th scope="col">Contracts</th>
              <th scope="col">Claims</th>
              <th scope="col">{currentLabel}</th>
              <th scope="col">Draft</th>
              <th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody>
            {effect.details.map((d) => (
              <tr key={`${d.area}:${d.planCode}`}>
                <td>{AREA_WORDS[d.area]}</td>
                <td>{planName(d.planCode)}</td>
                <td>{d.description}</td>
                <td>{formatCount(d.contractsAffected)}</td>
                <td>{formatCount(d.claimsAffected)}</td>
                <td>{d.area === 'contract_terms' ? '' : formatCents(d.currentCents)}</td>
                <td>{d.area === 'contract_terms' ? '' : formatCents(d.draftCents)}</td>
                <td>{d.area === 'contract_terms' ? '' : formatCents(d.differenceCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {effect.changedTerms.length > 0 ? (
        <>
          <h3>Terms that change</h3>
          <ul>
            {groupChangedTerms(effect.changedTerms).map((group) => (
              <li key={group.key}>
                {planName(group.planCode)}: {group.fields.map(fieldLabel).join(', ')} — in{' '}
                {regionCountWords(group.states)} ({group.states.join(', ')})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <RatingChanges rating={effect.rating} currentLabel={currentLabel} planName={planName} />
    </>
  );
}
