import { ApiError, type ApiSchema } from '../api.js';
import { FieldError } from '../form-errors.js';
import { formatCents } from '../format.js';
import { t } from '../i18n.js';

// What the repair-claim screens share: the claim as the API answers it, words for its codes, the
// per-line decision table and the authorization summary the shop and the adjuster both see.

/** A repair claim as the API answers it (GET /repair-claims/{id}). */
export type RepairClaim = ApiSchema<'RepairClaim'>;
export type RepairClaimLine = RepairClaim['lines'][number];

export const claimStatusLabels: Record<RepairClaim['status'], string> = {
  submitted: 'Waiting for a decision',
  information_requested: 'More information requested',
  authorized: 'Authorized',
  denied: 'Denied',
  paid: 'Paid and closed',
};

const reasonLabels: Record<string, string> = {
  component_not_covered: 'Component not covered by the plan',
  contract_not_in_force: 'Contract not in force',
  waiting_period: 'In the waiting period',
  labor_rate_above_cap: 'Labor paid at the plan’s rate cap',
  work_started_before_authorization: 'Work started before authorization',
  pre_existing_condition: 'Pre-existing condition',
  maintenance_not_proven: 'Maintenance not proven',
  not_a_failure: 'Not a failure',
  wear_item: 'Wear item (not covered)',
  maintenance_item: 'Maintenance item (not covered)',
  body_glass_trim: 'Glass, body or trim (not covered)',
  other: 'Other reason',
};

export function reasonLabel(code: string | null | undefined): string {
  if (!code) return '';
  return reasonLabels[code] ?? code;
}

export function errorMessage(error: unknown, fallback = 'That did not work. Try again in a moment.'): string {
  return error instanceof ApiError ? error.detail : fallback;
}

/** The stylesheet has no rule for text areas yet; these keep them as wide as the other inputs. */
export const textareaStyle = { width: '100%', font: 'inherit', padding: '0.5rem' } as const;

/**
 * A required, labelled text area of the claim forms (a complaint, a question, an answer). A form that
 * checks its fields itself (useFormErrors) passes the field's `fieldProps` and its `error` sentence, shown
 * beneath it.
 */
export function TextAreaField({
  id,
  label,
  value,
  onChange,
  error,
  fieldProps,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  fieldProps?: { 'aria-invalid'?: true; 'aria-describedby'?: string };
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        rows={3}
        style={textareaStyle}
        id={id}
        required
        maxLength={2000}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...fieldProps}
      />
      <FieldError id={id} message={error} />
    </div>
  );
}

export function LoadingNotice() {
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/** Each line with what the shop asked, whether it is eligible and why, and the adjuster's decision. */
export function ClaimLinesTable({ claim, captionId }: { claim: RepairClaim; captionId: string }) {
  return (
    <section
      className="table-scroll"
      aria-labelledby={captionId}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
      tabIndex={0}
      style={{ marginBottom: '1.5rem' }}
    >
      <table className="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Line</th>
            <th scope="col">Requested</th>
            <th scope="col">Eligibility</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {claim.lines.map((line) => (
            <tr key={line.id}>
              <td>{line.lineNumber}</td>
              <th scope="row">
                {line.description}
                <br />
                <span className="muted">
                  {line.componentGroupName} · parts {formatCents(line.partsCents)} · {line.laborHours} h at{' '}
                  {formatCents(line.laborRateCents)}
                </span>
              </th>
              <td className="nowrap">{formatCents(line.requestedCents)}</td>
              <td>
                {line.eligible ? `Eligible up to ${formatCents(line.eligibleCents)}` : 'Not eligible'}
                {line.reasonCode ? (
                  <>
                    <br />
                    <span className="muted">{reasonLabel(line.reasonCode)}</span>
                  </>
                ) : null}
              </td>
              <td>
                {line.decision === null
                  ? 'Not decided yet'
                  : line.decision.approved
                    ? `Approved ${formatCents(line.decision.approvedCents)}`
                    : line.decision.note
                      ? `Denied: ${line.decision.note}`
                      : `Denied: ${reasonLabel(line.decision.reasonCode)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The authorization number and the money: authorized, deductible, payable to the shop, owed by the holder. */
export function AuthorizationSummary({ claim }: { claim: RepairClaim }) {
  const a = claim.authorization;
  if (!a) return null;
  return (
    <section className="card card--wide" aria-labelledby="authorization-heading">
      <h2 id="authorization-heading">{a.authorizationNumber ? 'Authorization' : 'Decision'}</h2>
      <dl className="facts facts--wide">
        <div>
          <dt>Authorization number</dt>
          <dd>{a.authorizationNumber ?? 'None: no line was approved'}</dd>
        </div>
        <div>
          <dt>Authorized (the most that will be paid)</dt>
          <dd>{formatCents(a.authorizedCents)}</dd>
        </div>
        <div>
          <dt>Deductible</dt>
          <dd>
            {formatCents(a.deductibleCents)}
            {a.deductibleWaived ? ' (waived at the selling dealer)' : ''}
          </dd>
        </div>
        <div>
          <dt>Payable to the repair facility</dt>
          <dd>{formatCents(a.payableToFacilityCents)}</dd>
        </div>
        <div>
          <dt>Owed by the customer</dt>
          <dd>{formatCents(a.holderOwesCents)}</dd>
        </div>
        <div>
          <dt>Rental</dt>
          <dd>{a.rentalEligible ? 'Qualifies for rental reimbursement' : 'Does not qualify for rental'}</dd>
        </div>
      </dl>
    </section>
  );
}
