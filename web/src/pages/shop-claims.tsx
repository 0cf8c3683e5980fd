import { type FormEvent, useId, useState } from 'react';
import { ApiError, type ApiResponse, apiClient } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, formatInstant, formatMiles } from '../format.js';
import { t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, navigate } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { claimStatusLabels, errorMessage, LoadingNotice, TextAreaField } from './shop-claim-parts.js';

// The repair facility's desk: look up coverage by VIN and odometer, write an estimate with lines and
// submit it; the claim's page then shows the decision per line, the authorization number and the
// amount payable. The shop's own claims are listed below, newest decisions first in status order.

/** What the shop learns about a VIN at an odometer (no personal data of the holder). */
type Coverage = ApiResponse<'get', '/coverage'>;
type ComponentGroupOption = Pick<NonNullable<Coverage['componentGroups']>[number], 'code' | 'name'>;

const coverageReasons: Record<string, string> = {
  not_found: 'No service contract covers this VIN.',
  expired_by_date: 'The contract has expired.',
  expired_by_miles: 'The contract has run out of miles.',
  cancelled: 'The contract was cancelled.',
  void: 'The contract is void.',
  claimed: 'The GAP addendum has paid its benefit.',
  waiting_period: 'The contract is still in its waiting period.',
};

interface LineDraft {
  key: number;
  componentGroup: string;
  description: string;
  parts: string;
  hours: string;
  rate: string;
}

/** '$1,234.50' or '1234.5' → 123450 cents; null when it is not an amount. */
function dollarsToCents(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function CoverageLookup({
  onCoverage,
}: {
  onCoverage: (vin: string, odometer: number, coverage: Coverage) => void;
}) {
  const [vin, setVin] = useState('');
  const [odometer, setOdometer] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const id = useId();

  // Each problem beside its field (the shop's checks and the API's alike), the first one focused.
  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const cleanVin = vin.replace(/[\s-]+/g, '').toUpperCase();
    const digits = odometer.replace(/[,\s]/g, '');
    const errors: Record<string, string> = {};
    if (!cleanVin) errors.vin = 'Enter the VIN (17 characters, on the dashboard or the door jamb).';
    if (!/^\d+$/.test(digits)) errors.odometer = 'Enter the odometer reading in whole miles, e.g. 25000.';
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    setBusy(true);
    try {
      // A one-off read the button asks for: the answer goes to the page, not to a cache.
      const coverage = await apiClient.GET('/coverage', {
        params: { query: { vin: cleanVin, odometer: Number(digits) } },
      });
      onCoverage(cleanVin, Number(digits), coverage);
    } catch (caught) {
      const detail = caught instanceof ApiError ? caught.detail : '';
      form.showProblem(caught, { vin: detail, odometer: detail });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="form form--inline"
      onSubmit={handleSubmit}
      aria-label="Look up coverage"
      ref={form.formRef}
      noValidate
    >
      <FormSummary form={form} />
      <div className="field">
        <label htmlFor={`${id}-vin`}>VIN</label>
        <input
          id={`${id}-vin`}
          className="input--vin"
          autoComplete="off"
          spellCheck={false}
          maxLength={24}
          value={vin}
          onChange={(e) => setVin(e.target.value)}
          {...form.fieldProps('vin', `${id}-vin`)}
        />
        <FieldError id={`${id}-vin`} message={form.errors.vin} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-odometer`}>Odometer (miles)</label>
        <input
          id={`${id}-odometer`}
          className="input--short"
          inputMode="numeric"
          value={odometer}
          onChange={(e) => setOdometer(e.target.value)}
          {...form.fieldProps('odometer', `${id}-odometer`)}
        />
        <FieldError id={`${id}-odometer`} message={form.errors.odometer} />
      </div>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Looking up…' : 'Look up coverage'}
      </button>
    </form>
  );
}

function CoverageResult({ coverage }: { coverage: Coverage }) {
  return (
    <section className="card card--wide" aria-labelledby="coverage-result-heading">
      <h2 id="coverage-result-heading">
        {coverage.inForce ? `Covered: ${coverage.planName}` : 'Not covered today'}
      </h2>
      {coverage.inForce ? null : <p>{coverageReasons[coverage.reasonCode ?? ''] ?? coverage.reasonCode}</p>}
      {coverage.contractNumber ? (
        <dl className="facts facts--wide">
          <div>
            <dt>Contract</dt>
            <dd>{coverage.contractNumber}</dd>
          </div>
          {coverage.vehicle ? (
            <div>
              <dt>Vehicle</dt>
              <dd>
                {coverage.vehicle.year} {coverage.vehicle.make} {coverage.vehicle.model}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Deductible per visit</dt>
            <dd>
              {formatCents(coverage.deductibleCents ?? 0)}
              {coverage.disappearingDeductible
                ? ' (disappearing: waived when the selling dealer repairs it)'
                : ''}
            </dd>
          </div>
          <div>
            <dt>Covered through</dt>
            <dd>
              {coverage.expiresOn ? formatCalendarDate(coverage.expiresOn) : '—'} or{' '}
              {coverage.expiresAtMiles != null ? formatMiles(coverage.expiresAtMiles) : '—'}
            </dd>
          </div>
          <div>
            <dt>{coverage.inForce ? 'Covered component groups' : 'Component groups in the plan'}</dt>
            <dd>{coverage.componentGroups?.map((g) => g.name).join(', ') || 'None'}</dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}

let nextLineKey = 1;
const emptyLine = (componentGroup: string): LineDraft => ({
  key: nextLineKey++,
  componentGroup,
  description: '',
  parts: '',
  hours: '',
  rate: '',
});

/** The sentence beside each estimate field, by the API's `param` (said again when the API refuses it). */
function estimateSentences(lineCount: number): Record<string, string> {
  const sentences: Record<string, string> = {
    complaint: 'Write what the customer reports.',
    cause: 'Write what the diagnosis found.',
    correction: 'Write the repair you propose.',
  };
  for (let index = 0; index < lineCount; index++) {
    const line = `Line ${index + 1}`;
    sentences[`lines[${index}].componentGroup`] = `${line}: choose a component group.`;
    sentences[`lines[${index}].description`] = `${line}: describe the part or the work.`;
    sentences[`lines[${index}].partsCents`] =
      `${line}: give the parts in dollars, such as 400 or 89.95 (blank or 0 for none).`;
    sentences[`lines[${index}].laborHours`] =
      `${line}: give the labor-guide hours as a number, such as 2.5 (at most two decimals; blank or 0 for none).`;
    sentences[`lines[${index}].laborRateCents`] =
      `${line}: give the hourly rate in dollars, such as 120, or leave it blank for your posted rate.`;
  }
  return sentences;
}

/** Hours as a shop writes them: a number of hours with at most two decimals; null when it is not one. */
function hoursOf(text: string): number | null {
  const cleaned = text.trim();
  if (cleaned === '') return 0;
  return /^(\d+(\.\d{1,2})?|\.\d{1,2})$/.test(cleaned) ? Number(cleaned) : null;
}

function EstimateForm({ vin, odometer, coverage }: { vin: string; odometer: number; coverage: Coverage }) {
  const groups = coverage.componentGroups ?? [];
  const [complaint, setComplaint] = useState('');
  const [cause, setCause] = useState('');
  const [correction, setCorrection] = useState('');
  const [keptOvernight, setKeptOvernight] = useState(false);
  const [lines, setLines] = useState<LineDraft[]>(() => [emptyLine(groups[0]?.code ?? '')]);
  const form = useFormErrors();
  const id = useId();
  const plans = useApiQuery('/plans', undefined);
  // Any catalog group may be written on an estimate; the answer says which are covered.
  const groupOptions = plans.data
    ? uniqueGroups(plans.data.data.flatMap((plan) => plan.componentGroups))
    : groups;
  const submit = useApiMutation('post', '/repair-claims', {
    invalidates: ['/repair-claims'],
    onSuccess: (claim) => navigate(`/shop/claims/${encodeURIComponent(claim.id)}`),
  });
  // Busy until the claim's page opens.
  const busy = submit.isPending || submit.isSuccess;

  const update = (key: number, change: Partial<LineDraft>) =>
    setLines((current) => current.map((line) => (line.key === key ? { ...line, ...change } : line)));

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit.reset();
    const sentences = estimateSentences(lines.length);
    const errors: Record<string, string> = {};
    for (const [name, value] of [
      ['complaint', complaint],
      ['cause', cause],
      ['correction', correction],
    ] as const)
      if (!value.trim()) errors[name] = sentences[name]!;
    const body = lines.map((line, index) => {
      const field = (name: string) => `lines[${index}].${name}`;
      const partsCents = line.parts.trim() ? dollarsToCents(line.parts) : 0;
      const laborHours = hoursOf(line.hours);
      const rateCents = line.rate.trim() ? dollarsToCents(line.rate) : undefined;
      for (const [name, wrong] of [
        ['componentGroup', !line.componentGroup],
        ['description', !line.description.trim()],
        ['partsCents', partsCents === null],
        ['laborHours', laborHours === null],
        ['laborRateCents', rateCents === null],
      ] as const)
        if (wrong) errors[field(name)] = sentences[field(name)]!;
      return {
        componentGroup: line.componentGroup,
        description: line.description.trim(),
        partsCents: partsCents ?? 0,
        laborHours: laborHours ?? 0,
        ...(rateCents !== undefined && rateCents !== null ? { laborRateCents: rateCents } : {}),
      };
    });
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    submit.mutate(
      { body: { vin, odometer, complaint, cause, correction, keptOvernight, lines: body } },
      // A refusal about one field goes beside it (the API's param is the field's name here).
      { onError: (error) => form.showProblem(error, sentences) },
    );
  };

  return (
    <form
      className="form form--wide card card--wide"
      onSubmit={handleSubmit}
      aria-labelledby={`${id}-heading`}
      ref={form.formRef}
      noValidate
    >
      <h2 id={`${id}-heading`}>Estimate</h2>
      <FormSummary form={form} />
      {(['complaint', 'cause', 'correction'] as const).map((name) => (
        <TextAreaField
          key={name}
          id={`${id}-${name}`}
          label={{ complaint: 'Complaint', cause: 'Cause', correction: 'Correction' }[name]}
          value={{ complaint, cause, correction }[name]}
          onChange={{ complaint: setComplaint, cause: setCause, correction: setCorrection }[name]}
          error={form.errors[name]}
          fieldProps={form.fieldProps(name, `${id}-${name}`)}
        />
      ))}
      <div className="field field--checkbox">
        <input
          id={`${id}-overnight`}
          type="checkbox"
          checked={keptOvernight}
          onChange={(e) => setKeptOvernight(e.target.checked)}
        />
        <label htmlFor={`${id}-overnight`}>The vehicle stays overnight</label>
      </div>
      {lines.map((line, index) => {
        // The field's error by the API's name for it, and the input it goes beside.
        const at = (name: string, suffix: string) => {
          const inputId = `${id}-${line.key}-${suffix}`;
          const field = `lines[${index}].${name}`;
          return {
            inputId,
            message: form.errors[field],
            props: { id: inputId, ...form.fieldProps(field, inputId) },
          };
        };
        const group = at('componentGroup', 'group');
        const description = at('description', 'description');
        const parts = at('partsCents', 'parts');
        const hours = at('laborHours', 'hours');
        const rate = at('laborRateCents', 'rate');
        return (
          <fieldset key={line.key} className="card card--section">
            <legend>Line {index + 1}</legend>
            <div className="field">
              <label htmlFor={group.inputId}>Component group</label>
              <select
                {...group.props}
                value={line.componentGroup}
                onChange={(e) => update(line.key, { componentGroup: e.target.value })}
              >
                {groupOptions.map((option) => (
                  <option key={option.code} value={option.code}>
                    {option.name}
                  </option>
                ))}
              </select>
              <FieldError id={group.inputId} message={group.message} />
            </div>
            <div className="field">
              <label htmlFor={description.inputId}>Description</label>
              <input
                {...description.props}
                value={line.description}
                maxLength={500}
                onChange={(e) => update(line.key, { description: e.target.value })}
              />
              <FieldError id={description.inputId} message={description.message} />
            </div>
            <div className="field">
              <label htmlFor={parts.inputId}>Parts ($)</label>
              <input
                {...parts.props}
                className="input--short"
                inputMode="decimal"
                value={line.parts}
                onChange={(e) => update(line.key, { parts: e.target.value })}
              />
              <FieldError id={parts.inputId} message={parts.message} />
            </div>
            <div className="field">
              <label htmlFor={hours.inputId}>Labor-guide hours</label>
              <input
                {...hours.props}
                className="input--short"
                inputMode="decimal"
                value={line.hours}
                onChange={(e) => update(line.key, { hours: e.target.value })}
              />
              <FieldError id={hours.inputId} message={hours.message} />
            </div>
            <div className="field">
              <label htmlFor={rate.inputId}>Hourly rate ($, blank for your posted rate)</label>
              <input
                {...rate.props}
                className="input--short"
                inputMode="decimal"
                value={line.rate}
                onChange={(e) => update(line.key, { rate: e.target.value })}
              />
              <FieldError id={rate.inputId} message={rate.message} />
            </div>
            {lines.length > 1 ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  // The errors name lines by position: after a removal they would point at other lines.
                  form.clear();
                  setLines((current) => current.filter((l) => l.key !== line.key));
                }}
              >
                Remove line {index + 1}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => setLines((current) => [...current, emptyLine(groupOptions[0]?.code ?? '')])}
          disabled={lines.length >= 50}
        >
          Add a line
        </button>
      </p>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Submitting…' : 'Submit estimate'}
      </button>
    </form>
  );
}

function uniqueGroups(groups: ComponentGroupOption[]): ComponentGroupOption[] {
  const seen = new Map<string, ComponentGroupOption>();
  for (const group of groups) if (!seen.has(group.code)) seen.set(group.code, group);
  return [...seen.values()];
}

function MyClaims() {
  const claims = useApiQuery('/repair-claims', { params: { query: { limit: 50 } } });
  return (
    <section className="card card--wide" aria-labelledby="my-claims-heading">
      <h2 id="my-claims-heading">Your claims</h2>
      {claims.isPending ? <LoadingNotice /> : null}
      {claims.isError ? (
        <p className="notice notice--error">{errorMessage(claims.error, t('common.loadFailed'))}</p>
      ) : null}
      {claims.data?.data.length === 0 ? <p>No claims yet.</p> : null}
      {claims.data && claims.data.data.length > 0 ? (
        <ul className="link-list">
          {[...claims.data.data].reverse().map((claim) => (
            <li key={claim.id}>
              <Link href={`/shop/claims/${encodeURIComponent(claim.id)}`}>{claim.claimNumber}</Link> ·{' '}
              {claimStatusLabels[claim.status]} · {formatInstant(claim.submittedAt)}
              {claim.authorization?.authorizationNumber
                ? ` · ${claim.authorization.authorizationNumber}`
                : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function ShopClaimsPage() {
  const [lookup, setLookup] = useState<{ vin: string; odometer: number; coverage: Coverage } | null>(null);
  return (
    <StaffOnly roles={['repair_facility']} refusal="Writing estimates is for repair facilities.">
      {() => (
        <>
          <PageHeading title="Repair claims">Repair claims</PageHeading>
          <p className="lead">
            Look up coverage, then write the estimate. Authorization must come before work starts.
          </p>
          <CoverageLookup onCoverage={(vin, odometer, coverage) => setLookup({ vin, odometer, coverage })} />
          {lookup ? <CoverageResult coverage={lookup.coverage} /> : null}
          {lookup?.coverage.contractNumber ? (
            lookup.coverage.inForce ? (
              <EstimateForm key={`${lookup.vin}-${lookup.odometer}`} {...lookup} />
            ) : (
              // Not in force: no estimate is needed, but a shop may still ask for a written decision
              // (a customer who disputes the answer), so the form is there, folded away.
              <details className="card card--wide">
                <summary>Submit an estimate anyway, for a written decision</summary>
                <p>
                  This contract does not cover repairs at this odometer reading today, so the estimate will be
                  recorded and declined as not covered.
                </p>
                <EstimateForm key={`${lookup.vin}-${lookup.odometer}`} {...lookup} />
              </details>
            )
          ) : null}
          <MyClaims />
        </>
      )}
    </StaffOnly>
  );
}
