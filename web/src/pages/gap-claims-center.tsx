import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { PageHeading } from '../page-heading.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

// The public GAP Claims Center: a holder whose vehicle was totaled or stolen starts a claim with the
// three facts on the contract (last name, ZIP code, VIN), or continues the claim they started.

function normalizeVin(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

const sentences = {
  lastName: 'Enter the last name on your contract.',
  zip: 'Enter the ZIP code on your contract, such as 78701.',
  vin: 'Enter the 17-character VIN from your contract or insurance card.',
  dateOfLoss: 'Enter the day the vehicle was totaled or stolen; it cannot be in the future.',
} as const;

const notFoundSentence =
  "We couldn't find a GAP addendum with those details. Check the last name, ZIP code and VIN.";

/** Every problem with the three facts at once, before one of the limited attempts is spent. */
function checkFacts(facts: { lastName: string; zip: string; vin: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!facts.lastName) errors.lastName = sentences.lastName;
  if (!/^(\d{5}(-?\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$/.test(facts.zip)) errors.zip = sentences.zip;
  if (facts.vin.length !== 17) errors.vin = sentences.vin;
  return errors;
}

export function GapClaimsCenterPage() {
  const { holderSignIn } = useSession();
  const id = useId();
  const [facts, setFacts] = useState({ lastName: '', zip: '', vin: '' });
  const [dateOfLoss, setDateOfLoss] = useState('');
  const [lossType, setLossType] = useState<'total_loss' | 'theft'>('total_loss');
  const [recovered, setRecovered] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();

  const cleanFacts = () => ({
    lastName: facts.lastName.trim(),
    zip: facts.zip.trim(),
    vin: normalizeVin(facts.vin),
  });

  const showFailure = (caught: unknown) => {
    if (caught instanceof ApiError && caught.code === 'verification_failed') form.show({}, notFoundSentence);
    else form.showProblem(caught, sentences);
  };

  const startClaim = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const errors = checkFacts(cleanFacts());
    if (!dateOfLoss) errors.dateOfLoss = sentences.dateOfLoss;
    if (Object.keys(errors).length > 0) return form.show(errors);
    setBusy(true);
    form.clear();
    try {
      const claim = await api.post<{ id: string }>('/gap-claims', {
        ...cleanFacts(),
        dateOfLoss,
        lossType,
        ...(lossType === 'theft' ? { vehicleRecovered: recovered } : {}),
      });
      // The answer set the holder's session cookie; a full load lets the whole app see it.
      window.location.assign(`/gap-claims/${claim.id}`);
    } catch (caught) {
      showFailure(caught);
      setBusy(false);
    }
  };

  const continueClaim = async () => {
    if (busy) return;
    const errors = checkFacts(cleanFacts());
    if (Object.keys(errors).length > 0) return form.show(errors);
    setBusy(true);
    form.clear();
    try {
      await holderSignIn(cleanFacts());
      const claims = await api.get<{ data: { id: string }[] }>('/gap-claims?limit=1');
      const latest = claims.data[0];
      if (!latest) {
        form.show({}, 'There is no GAP claim on this contract yet. Start one below.');
        setBusy(false);
        return;
      }
      navigate(`/gap-claims/${latest.id}`);
    } catch (caught) {
      showFailure(caught);
      setBusy(false);
    }
  };

  const field = (name: 'lastName' | 'zip' | 'vin', label: string, extra: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        type="text"
        required
        value={facts[name]}
        onChange={(event) => setFacts({ ...facts, [name]: event.target.value })}
        {...extra}
        {...form.fieldProps(name, `${id}-${name}`)}
      />
      <FieldError id={`${id}-${name}`} message={form.errors[name]} />
    </div>
  );

  return (
    <>
      <PageHeading title="GAP Claims Center">GAP Claims Center</PageHeading>
      <p className="lead">
        If your vehicle was totaled or stolen, your GAP addendum may pay the rest of your loan after your
        insurance settles. Start a claim with the details from your contract, then upload the documents we ask
        for. We review each document within two business days.
      </p>
      <form className="form" onSubmit={startClaim} noValidate ref={form.formRef}>
        <FormSummary form={form} />
        <h2>Your contract</h2>
        {field('lastName', 'Last name', { autoComplete: 'family-name', maxLength: 100 })}
        {field('zip', 'ZIP code', { autoComplete: 'postal-code', maxLength: 10, className: 'input--short' })}
        {field('vin', 'VIN', {
          autoComplete: 'off',
          maxLength: 24,
          className: 'input--vin',
          spellCheck: false,
        })}
        <p>
          <button type="button" className="button button--secondary" onClick={continueClaim} disabled={busy}>
            Continue my claim
          </button>
        </p>
        <h2>Your loss</h2>
        <div className="field">
          <label htmlFor={`${id}-date`}>Date of loss</label>
          <input
            id={`${id}-date`}
            type="date"
            required
            value={dateOfLoss}
            onChange={(event) => setDateOfLoss(event.target.value)}
            {...form.fieldProps('dateOfLoss', `${id}-date`)}
          />
          <FieldError id={`${id}-date`} message={form.errors.dateOfLoss} />
        </div>
        <fieldset className="field">
          <legend>What happened</legend>
          <label>
            <input
              type="radio"
              name="lossType"
              checked={lossType === 'total_loss'}
              onChange={() => setLossType('total_loss')}
            />{' '}
            The vehicle was totaled
          </label>
          <label>
            <input
              type="radio"
              name="lossType"
              checked={lossType === 'theft'}
              onChange={() => setLossType('theft')}
            />{' '}
            The vehicle was stolen
          </label>
          {lossType === 'theft' ? (
            <label>
              <input
                type="checkbox"
                checked={recovered}
                onChange={(event) => setRecovered(event.target.checked)}
              />{' '}
              The vehicle has been recovered
            </label>
          ) : null}
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Please wait…' : 'Start my claim'}
        </button>
      </form>
    </>
  );
}
