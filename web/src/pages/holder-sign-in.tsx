import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { type Sentence, said } from '../holder-messages.js';
import { useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

// Contract holders sign in with three facts printed on their contract: last name, ZIP code and VIN.
// The server answers the same way whichever fact is wrong, so the page cannot say which one it was.

/** Navigation state this page understands; "My coverage" sends it after signing out. */
export interface HolderSignInPageState {
  notice: 'signed_out';
}

/** Where to go after signing in: the page that sent the holder here, if it was a holder page. */
function nextPath(state: unknown): string | null {
  const next = (state as { next?: unknown } | null)?.next;
  return typeof next === 'string' && next.startsWith('/my') ? next : null;
}

function isHolderSignInPageState(state: unknown): state is HolderSignInPageState {
  return (
    typeof state === 'object' && state !== null && (state as HolderSignInPageState).notice === 'signed_out'
  );
}

type FieldName = 'lastName' | 'zip' | 'vin';

const vinLength = 17;
// A U.S. ZIP or ZIP+4, or a Canadian postal code (contracts are sold in both countries).
const postalCodePattern = /^(\d{5}(-?\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$/;

/** The sentence per field, said in the holder's language whenever it is shown. */
function fieldSentences(): Record<FieldName, Sentence> {
  return {
    lastName: said('signIn.errors.lastName'),
    zip: said('signIn.errors.zip'),
    vin: said('signIn.errors.vin', { length: vinLength }),
  };
}

/** VINs are printed in groups and read aloud with spaces; the API wants the 17 characters only. */
function normalizeVin(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** Every problem at once, before one of the holder's limited attempts is spent on a typo. */
function checkFacts(lastName: string, zip: string, vin: string): Partial<Record<FieldName, Sentence>> {
  const errors: Partial<Record<FieldName, Sentence>> = {};
  const sentences = fieldSentences();
  if (lastName === '') errors.lastName = sentences.lastName;
  if (!postalCodePattern.test(zip)) errors.zip = sentences.zip;
  if (vin.length !== vinLength)
    errors.vin = said('signIn.errors.vinLength', { length: vinLength, entered: vin.length });
  return errors;
}

export function HolderSignInPage() {
  const { holderSignIn } = useSession();
  const { t } = useTranslation();
  const { state } = useLocation();
  const [lastName, setLastName] = useState('');
  const [zip, setZip] = useState('');
  const [vin, setVin] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const form = useFormErrors();
  const fieldId = useId();
  const vinHintId = `${fieldId}-vin-hint`;

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const facts = { lastName: lastName.trim(), zip: zip.trim(), vin: normalizeVin(vin) };
    const problems = checkFacts(facts.lastName, facts.zip, facts.vin);
    if (Object.keys(problems).length > 0) {
      form.show(problems);
      return;
    }
    setSubmitting(true);
    form.clear();
    try {
      await holderSignIn(facts);
      navigate(nextPath(state) ?? '/my');
    } catch (error) {
      // The server answers the same whichever fact is wrong, so no one field is marked.
      if (error instanceof ApiError && error.code === 'verification_failed')
        form.show({}, said('signIn.errors.notFound'));
      else form.showProblem(error, fieldSentences());
      setSubmitting(false);
    }
  };

  const describedBy = (field: FieldName, hintId?: string) =>
    [hintId, form.errors[field] ? `${fieldId}-${field}-error` : undefined].filter(Boolean).join(' ') ||
    undefined;
  const invalid = (field: FieldName) => (form.errors[field] ? true : undefined);

  return (
    <>
      <PageHeading title={t('signIn.title')}>{t('signIn.title')}</PageHeading>
      <p>{t('signIn.intro')}</p>
      {isHolderSignInPageState(state) && !form.summary ? (
        <p className="notice notice--success" role="status">
          {t('signIn.signedOut')}
        </p>
      ) : null}
      <form className="form" onSubmit={handleSubmit} noValidate ref={form.formRef}>
        <FormSummary form={form} />
        <div className="field">
          <label htmlFor={`${fieldId}-last-name`}>{t('signIn.lastName')}</label>
          <input
            id={`${fieldId}-last-name`}
            name="lastName"
            type="text"
            autoComplete="family-name"
            required
            maxLength={100}
            value={lastName}
            onChange={(event) => setLastName(event.target.value)}
            aria-invalid={invalid('lastName')}
            aria-describedby={describedBy('lastName')}
          />
          <FieldError id={`${fieldId}-lastName`} message={form.errors.lastName} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-zip`}>{t('signIn.zip')}</label>
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
            aria-invalid={invalid('zip')}
            aria-describedby={describedBy('zip')}
          />
          <FieldError id={`${fieldId}-zip`} message={form.errors.zip} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-vin`}>{t('signIn.vin')}</label>
          <p id={vinHintId} className="hint">
            {t('signIn.vinHint')}
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
            aria-invalid={invalid('vin')}
            aria-describedby={describedBy('vin', vinHintId)}
          />
          <FieldError id={`${fieldId}-vin`} message={form.errors.vin} />
        </div>
        <button type="submit" className="button" disabled={submitting}>
          {submitting ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <ul className="link-list">
        <li>
          <Link href="/my/account/sign-in-link">{t('signIn.accountLink')}</Link>
        </li>
        <li>
          <Link href="/my/forgot-contract">{t('signIn.forgotLink')}</Link>
        </li>
      </ul>
    </>
  );
}
