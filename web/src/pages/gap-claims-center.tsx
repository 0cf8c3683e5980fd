import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, type ApiResponse, apiClient } from '../api.js';
import { useFocusWhen } from '../focus.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate } from '../format.js';
import { type Sentence, said } from '../holder-messages.js';
import { holderLanguage, useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation } from '../queries.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { useSupportContact } from '../support-contact.js';
import { lossTypeWords } from './gap-shared.js';

// The public GAP Claims Center: a holder whose vehicle was totaled or stolen starts a claim with the
// three facts on the contract (last name, ZIP code, VIN), or continues the claim they started.

/** The claim the start answered: a new one, or the open one (`detailsDiffer` names what it holds otherwise). */
type StartedClaim = ApiResponse<'post', '/gap-claims'>;

function normalizeVin(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** The sentence per field, said in the holder's language whenever it is shown. */
function fieldSentences() {
  return {
    lastName: said('gapCenter.errors.lastName'),
    zip: said('gapCenter.errors.zip'),
    vin: said('gapCenter.errors.vin'),
    dateOfLoss: said('gapCenter.errors.dateOfLoss'),
  };
}

/** Every problem with the three facts at once, before one of the limited attempts is spent. */
function checkFacts(facts: { lastName: string; zip: string; vin: string }): Record<string, Sentence> {
  const errors: Record<string, Sentence> = {};
  const sentences = fieldSentences();
  if (!facts.lastName) errors.lastName = sentences.lastName;
  if (!/^(\d{5}(-?\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$/.test(facts.zip)) errors.zip = sentences.zip;
  if (facts.vin.length !== 17) errors.vin = sentences.vin;
  return errors;
}

export function GapClaimsCenterPage() {
  const { holderSignIn } = useSession();
  const { t } = useTranslation();
  const id = useId();
  const [facts, setFacts] = useState({ lastName: '', zip: '', vin: '' });
  const [dateOfLoss, setDateOfLoss] = useState('');
  const [lossType, setLossType] = useState<'total_loss' | 'theft'>('total_loss');
  const [recovered, setRecovered] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const start = useApiMutation('post', '/gap-claims');
  const contact = useSupportContact();
  // An open claim the start answered with other details than those entered: said, not opened as if new.
  const [openClaim, setOpenClaim] = useState<StartedClaim | null>(null);
  const openClaimRef = useRef<HTMLDivElement>(null);
  useFocusWhen(openClaimRef, openClaim);

  const cleanFacts = () => ({
    lastName: facts.lastName.trim(),
    zip: facts.zip.trim(),
    vin: normalizeVin(facts.vin),
  });

  const showFailure = (caught: unknown) => {
    if (caught instanceof ApiError && caught.code === 'verification_failed')
      form.show({}, said('gapCenter.errors.notFound'));
    else form.showProblem(caught, fieldSentences());
  };

  const startClaim = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const errors = checkFacts(cleanFacts());
    if (!dateOfLoss) errors.dateOfLoss = said('gapCenter.errors.dateOfLoss');
    if (Object.keys(errors).length > 0) return form.show(errors);
    setBusy(true);
    form.clear();
    setOpenClaim(null);
    try {
      const claim = await start.mutateAsync({
        body: {
          ...cleanFacts(),
          dateOfLoss,
          lossType,
          ...(lossType === 'theft' ? { vehicleRecovered: recovered } : {}),
          language: holderLanguage(),
        },
      });
      if (claim.detailsDiffer.length > 0) {
        setOpenClaim(claim);
        setBusy(false);
        return;
      }
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
    setOpenClaim(null);
    try {
      await holderSignIn(cleanFacts());
      const claims = await apiClient.GET('/gap-claims', { params: { query: { limit: 1 } } });
      const latest = claims.data[0];
      if (!latest) {
        form.show({}, said('gapCenter.errors.noClaim'));
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
      <PageHeading title={t('gapCenter.title')}>{t('gapCenter.title')}</PageHeading>
      <p className="lead">{t('gapCenter.lead')}</p>
      {openClaim ? (
        <div className="notice notice--info notice--wide" role="alert" tabIndex={-1} ref={openClaimRef}>
          <p>
            <strong>{t('gapCenter.openClaim.title', { number: openClaim.claimNumber })}</strong>
          </p>
          <p>
            {t('gapCenter.openClaim.holds', {
              loss: lossTypeWords(openClaim.lossType),
              date: formatCalendarDate(openClaim.dateOfLoss),
            })}
          </p>
          <p>
            {contact?.supportPhone
              ? t('gapCenter.openClaim.fixCall', { phone: contact.supportPhone })
              : t('gapCenter.openClaim.fix')}
          </p>
          <p>
            {/* A full load: the answer set the holder's session cookie. */}
            <a href={`/gap-claims/${openClaim.id}`}>
              {t('gapCenter.openClaim.go', { number: openClaim.claimNumber })}
            </a>
          </p>
        </div>
      ) : null}
      <form className="form" onSubmit={startClaim} noValidate ref={form.formRef}>
        <FormSummary form={form} />
        <h2>{t('gapCenter.yourContract')}</h2>
        {field('lastName', t('signIn.lastName'), { autoComplete: 'family-name', maxLength: 100 })}
        {field('zip', t('signIn.zip'), {
          autoComplete: 'postal-code',
          maxLength: 10,
          className: 'input--short',
        })}
        {field('vin', t('signIn.vin'), {
          autoComplete: 'off',
          maxLength: 24,
          className: 'input--vin',
          spellCheck: false,
        })}
        <p>
          <button type="button" className="button button--secondary" onClick={continueClaim} disabled={busy}>
            {t('gapCenter.continue')}
          </button>
        </p>
        <h2>{t('gapCenter.yourLoss')}</h2>
        <div className="field">
          <label htmlFor={`${id}-date`}>{t('gapCenter.dateOfLoss')}</label>
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
          <legend>{t('gapCenter.whatHappened')}</legend>
          <label>
            <input
              type="radio"
              name="lossType"
              checked={lossType === 'total_loss'}
              onChange={() => setLossType('total_loss')}
            />{' '}
            {t('gapCenter.totaled')}
          </label>
          <label>
            <input
              type="radio"
              name="lossType"
              checked={lossType === 'theft'}
              onChange={() => setLossType('theft')}
            />{' '}
            {t('gapCenter.stolen')}
          </label>
          {lossType === 'theft' ? (
            <label>
              <input
                type="checkbox"
                checked={recovered}
                onChange={(event) => setRecovered(event.target.checked)}
              />{' '}
              {t('gapCenter.recovered')}
            </label>
          ) : null}
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('gapCenter.wait') : t('gapCenter.start')}
        </button>
      </form>
    </>
  );
}
