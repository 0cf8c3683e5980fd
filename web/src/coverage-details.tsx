import { useId } from 'react';
import {
  componentGroupWords,
  coverageEnded,
  coverageStatus,
  rentalWords,
  roadsideWords,
  tripInterruptionWords,
} from './contract-words.js';
import type { Contract } from './contracts.js';
import { useTranslation } from './i18n.js';
import { stateRuleText } from './server-text.js';

// The coverage block of a contract (status, what is covered, benefits, notes), as the holder and
// staff both see it. Headings start at h3: each page puts it under its own h2.

export function CoverageStatusBadge({ contract }: { contract: Contract }) {
  useTranslation();
  const status = coverageStatus(contract, contract.coverage);
  return (
    <p className={`coverage-status ${status.inForce ? 'coverage-status--in-force' : 'coverage-status--not'}`}>
      {status.text}
    </p>
  );
}

interface CoverageDetailsProps {
  contract: Contract;
  /** Whose page it is: the holder reads "your plan", staff read "this plan". */
  audience: 'holder' | 'staff';
}

export function CoverageDetails({ contract, audience }: CoverageDetailsProps) {
  const headingId = useId();
  const { t } = useTranslation();
  const { coverage } = contract;
  const notIncluded = t(audience === 'holder' ? 'details.notIncludedHolder' : 'details.notIncludedStaff');
  const { roadside, rental, tripInterruption } = coverage.benefits;
  // An ended contract's page tells what it covered, not what it covers.
  const ended = coverageEnded(coverage);

  return (
    <>
      <section aria-labelledby={`${headingId}-covered`}>
        <h3 id={`${headingId}-covered`}>{t(ended ? 'details.coveredEnded' : 'details.covered')}</h3>
        {ended && audience === 'holder' ? <p className="muted">{t('details.endedNote')}</p> : null}
        {contract.product === 'gap' ? (
          <p>{t('details.gapExplained')}</p>
        ) : coverage.componentGroups.length === 0 ? (
          <p>{t('details.noGroups')}</p>
        ) : (
          <ul className="component-groups">
            {coverage.componentGroups.map((group) => {
              const words = componentGroupWords(group);
              return (
                <li key={group.code}>
                  <strong>{words.name}</strong>
                  {words.description ? <span className="muted">: {words.description}</span> : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {contract.product === 'vsc' ? (
        <section aria-labelledby={`${headingId}-benefits`}>
          <h3 id={`${headingId}-benefits`}>{t(ended ? 'details.benefitsEnded' : 'details.benefits')}</h3>
          <dl className="facts facts--wide">
            <div>
              <dt>{t('details.roadside')}</dt>
              <dd>{roadside ? roadsideWords(roadside) : notIncluded}</dd>
            </div>
            <div>
              <dt>{t('details.rental')}</dt>
              <dd>{rental ? rentalWords(rental) : notIncluded}</dd>
            </div>
            <div>
              <dt>{t('details.trip')}</dt>
              <dd>{tripInterruption ? tripInterruptionWords(tripInterruption) : notIncluded}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      {coverage.notes.length > 0 ? (
        <section aria-labelledby={`${headingId}-notes`}>
          <h3 id={`${headingId}-notes`}>{t('details.notes')}</h3>
          <ul className="coverage-notes">
            {coverage.notes.map((note) => (
              <li key={note.ruleId}>{stateRuleText(note)}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
