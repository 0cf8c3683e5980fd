import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { PageHeading } from '../page-heading.js';
import { navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

// Contract holders sign in with three facts printed on their contract: last name, ZIP code and VIN.
// The server answers the same way whichever fact is wrong, so the page cannot say which one it was.

/** Navigation state this page understands; "My coverage" sends it after signing out. */
export interface HolderSignInPageState {
  notice: 'signed_out';
}

function isHolderSignInPageState(state: unknown): state is HolderSignInPageState {
  return (
    typeof state === 'object' && state !== null && (state as HolderSignInPageState).notice === 'signed_out'
  );
}

type FieldName = 'lastName' | 'zip' | 'vin';

interface FormError {
  message: string;
  invalidFields: readonly FieldName[];
}

const vinLength = 17;
// A U.S. ZIP or ZIP+4, or a Canadian postal code (contracts are sold in both countries).
const postalCodePattern = /^(\d{5}(-?\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$/;

// Messages a person can act on; the 429 answer's own detail says when to try again, so it is kept.
function formErrorFor(error: unknown): FormError {
  if (error instanceof ApiError) {
    if (error.code === 'verification_failed') {
      return {
        message: "We couldn't find a contract with those details. Check the last name, ZIP code and VIN.",
        invalidFields: ['lastName', 'zip', 'vin'],
      };
    }
    const param = error.param;
    const invalidFields: FieldName[] =
      param === 'lastName' || param === 'zip' || param === 'vin' ? [param] : [];
    return { message: error.detail, invalidFields };
  }
  return { message: 'Something went wrong while signing in. Try again.', invalidFields: [] };
}

/** VINs are printed in groups and read aloud with spaces; the API wants the 17 characters only. */
function normalizeVin(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** Checks that would otherwise spend one of the holder's limited attempts on a typo. */
function checkFacts(lastName: string, zip: string, vin: string): FormError | null {
  if (lastName === '') return { message: 'Enter your last name.', invalidFields: ['lastName'] };
  if (!postalCodePattern.test(zip))
    return {
      message: 'Enter the ZIP code from your contract, such as 64105 or 64105-1234.',
      invalidFields: ['zip'],
    };
  if (vin.length !== vinLength)
    return {
      message: `A VIN has ${vinLength} letters and numbers; the one entered has ${vin.length}.`,
      invalidFields: ['vin'],
    };
  return null;
}

export function HolderSignInPage() {
  const { holderSignIn } = useSession();
  const { state } = useLocation();
  const [lastName, setLastName] = useState('');
  const [zip, setZip] = useState('');
  const [vin, setVin] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<FormError | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const fieldId = useId();
  const alertId = `${fieldId}-alert`;
  const vinHintId = `${fieldId}-vin-hint`;

  useEffect(() => {
    if (formError) alertRef.current?.focus();
  }, [formError]);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const facts = { lastName: lastName.trim(), zip: zip.trim(), vin: normalizeVin(vin) };
    const problem = checkFacts(facts.lastName, facts.zip, facts.vin);
    if (problem) {
      setFormError(problem);
      return;
    }
    setSubmitting(true);
    setFormError(null);
    try {
      await holderSignIn(facts);
      navigate('/my');
    } catch (error) {
      setFormError(formErrorFor(error));
      setSubmitting(false);
    }
  };

  const invalid = (field: FieldName) => formError?.invalidFields.includes(field) ?? false;
  const describedBy = (field: FieldName, hintId?: string) =>
    [hintId, invalid(field) ? alertId : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <>
      <PageHeading title="Sign in to see your coverage">Sign in to see your coverage</PageHeading>
      <p>Enter the details from your contract. We use them only to find your contract.</p>
      {isHolderSignInPageState(state) && !formError ? (
        <p className="notice notice--success" role="status">
          You have signed out.
        </p>
      ) : null}
      {formError ? (
        <div id={alertId} className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {formError.message}
        </div>
      ) : null}
      <form className="form" onSubmit={handleSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${fieldId}-last-name`}>Last name</label>
          <input
            id={`${fieldId}-last-name`}
            name="lastName"
            type="text"
            autoComplete="family-name"
            required
            maxLength={100}
            value={lastName}
            onChange={(event) => setLastName(event.target.value)}
            aria-invalid={invalid('lastName') || undefined}
            aria-describedby={describedBy('lastName')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-zip`}>ZIP code</label>
          <input
            id={`${fieldId}-zip`}
            name="zip"
            type="text"
            autoComplete="postal-code"
            required
            maxLength={10}
            className="input--short"
            value={zip}
            onChange={(event) => setZip(event.target.value)}
            aria-invalid={invalid('zip') || undefined}
            aria-describedby={describedBy('zip')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-vin`}>VIN</label>
          <p id={vinHintId} className="hint">
            The 17-character vehicle identification number. It is on your contract, your insurance card and
            registration, and on the dashboard where it meets the windshield on the driver's side.
          </p>
          <input
            id={`${fieldId}-vin`}
            name="vin"
            type="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
            maxLength={24}
            className="input--vin"
            value={vin}
            onChange={(event) => setVin(event.target.value)}
            aria-invalid={invalid('vin') || undefined}
            aria-describedby={describedBy('vin', vinHintId)}
          />
        </div>
        <button type="submit" className="button" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}
