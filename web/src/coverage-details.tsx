import { useId } from 'react';
import { coverageStatus, rentalWords, roadsideWords, tripInterruptionWords } from './contract-words.js';
import type { Contract } from './contracts.js';

// The coverage block of a contract (status, what is covered, benefits, notes), as the holder and
// staff both see it. Headings start at h3: each page puts it under its own h2.

export function CoverageStatusBadge({ contract }: { contract: Contract }) {
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
  const { coverage } = contract;
  const notIncluded = audience === 'holder' ? 'Not included in your plan' : 'Not included in this plan';
  const { roadside, rental, tripInterruption } = coverage.benefits;

  return (
    <>
      <section aria-labelledby={`${headingId}-covered`}>
        <h3 id={`${headingId}-covered`}>What's covered</h3>
        {contract.product === 'gap' ? (
          <p>
            If the vehicle is stolen or written off, GAP pays the lender the difference between what is still
            owed on the loan and what the insurer pays, within the limits of the addendum.
          </p>
        ) : coverage.componentGroups.length === 0 ? (
          <p>No component groups are listed for this plan.</p>
        ) : (
          <ul className="component-groups">
            {coverage.componentGroups.map((group) => (
              <li key={group.code}>
                <strong>{group.name}</strong>
                {group.description ? <span className="muted">: {group.description}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {contract.product === 'vsc' ? (
        <section aria-labelledby={`${headingId}-benefits`}>
          <h3 id={`${headingId}-benefits`}>Benefits</h3>
          <dl className="facts facts--wide">
            <div>
              <dt>Roadside help</dt>
              <dd>{roadside ? roadsideWords(roadside) : notIncluded}</dd>
            </div>
            <div>
              <dt>Rental car</dt>
              <dd>{rental ? rentalWords(rental) : notIncluded}</dd>
            </div>
            <div>
              <dt>Trip interruption</dt>
              <dd>{tripInterruption ? tripInterruptionWords(tripInterruption) : notIncluded}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      {coverage.notes.length > 0 ? (
        <section aria-labelledby={`${headingId}-notes`}>
          <h3 id={`${headingId}-notes`}>Notes</h3>
          <ul className="coverage-notes">
            {coverage.notes.map((note) => (
              <li key={note.ruleId}>{note.sentence}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
