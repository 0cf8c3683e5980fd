import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, type ApiResponse, type ApiSchema, apiClient } from '../api.js';
import { planNameWords } from '../contract-words.js';
import { type Contract, contractQueryOptions } from '../contracts.js';
import { useFocusWhen } from '../focus.js';
import { formatCalendarDate, formatCents, maskVin } from '../format.js';
import { type FieldSentences, holderProblem, type Sentence, said, say } from '../holder-messages.js';
import { holderLanguage, t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiMutation, useDebounced } from '../queries.js';
import { Link, Redirect } from '../router.js';
import { explanationText, quoteLineText } from '../server-text.js';
import { useSession } from '../session.js';
import { useSupportContact } from '../support-contact.js';

// "Cancel my contract": the holder gives the odometer reading and why, and sees the refund quote change
// as they type — every line that makes it up, who is paid, and the proof we need — before they
// confirm. A cancellation made here is dated today (the server refuses another date): an earlier date
// needs proof, so the page says to call customer service, whose staff can date it back. The server
// computes the quote with the contract's own catalog version and state rules; this page only shows it.

export type CancellationQuote = ApiSchema<'CancellationQuote'>;
export type CancellationReason = CancellationQuote['reason'];

export const cancellationReasonLabels: Record<CancellationReason, string> = {
  customer_request: 'I no longer want the contract',
  payoff: 'I paid off my car loan',
  trade_in: 'I traded the vehicle in',
  total_loss: 'The vehicle was written off (total loss)',
  repossession: 'The vehicle was repossessed',
};

type CancellationResult = ApiResponse<'post', '/contracts/{id}/cancellation'>;

type QuoteState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; quote: CancellationQuote }
  | { status: 'refused'; message: string };

/** Waits this long after the last keystroke before asking for a new quote. */
const quoteDelayMs = 350;

export function QuoteDetails({
  quote,
  audience,
}: {
  quote: CancellationQuote;
  audience: 'holder' | 'staff';
}) {
  const headingId = useId();
  return (
    <>
      <p className="refund-total">
        {t('cancel.refund')} <strong>{formatCents(quote.refundCents)}</strong>
      </p>
      <table className="table quote-lines" aria-labelledby={headingId}>
        <caption id={headingId} className="visually-hidden">
          {t('cancel.howWorkedOut')}
        </caption>
        <tbody>
          {quote.lines.map((line) => (
            <tr key={line.label}>
              <th scope="row">{quoteLineText(line)}</th>
              <td className="nowrap quote-lines__amount">{formatCents(line.amountCents)}</td>
            </tr>
          ))}
          <tr className="quote-lines__total">
            <th scope="row">{audience === 'holder' ? t('cancel.yourRefund') : 'Refund'}</th>
            <td className="nowrap quote-lines__amount">{formatCents(quote.refundCents)}</td>
          </tr>
        </tbody>
      </table>
      {quote.explanation.map((sentence, index) => (
        <p key={sentence}>{explanationText(quote.explanationItems[index], sentence)}</p>
      ))}
      <h3>{audience === 'holder' ? t('cancel.weNeed') : 'Proof needed'}</h3>
      <ul>
        {quote.requiredProof.map((proof) => (
          <li key={proof.type}>{t(`cancel.proof.${proof.type}`, { defaultValue: proof.label })}</li>
        ))}
      </ul>
    </>
  );
}

function todayFrom(contract: Contract): string {
  // The server's business date (coverage.asOf), so the default is never tomorrow in another zone.
  return contract.coverage.asOf;
}

/**
 * The refund quote for what the holder typed, asked for once they stop typing for a moment; a
 * new question shows "working" until its answer arrives.
 */
function useQuote(contractId: string, odometer: number | null, reason: CancellationReason): QuoteState {
  // No date is sent: the server dates the holder's quote today, in its business time zone.
  const typed = odometer !== null ? { odometer, reason } : null;
  const asked = useDebounced(typed, quoteDelayMs);
  const query = useQuery<CancellationQuote, ApiError>({
    queryKey: ['/contracts/{id}/cancellation-quote', { path: { id: contractId } }, asked],
    queryFn: ({ signal }) =>
      apiClient.POST('/contracts/{id}/cancellation-quote', {
        params: { path: { id: contractId } },
        // Only enabled once `asked` is set.
        body: asked as NonNullable<typeof asked>,
        signal,
      }),
    enabled: asked !== null,
    // A quote is a question about what was typed: asking again would give the same refusal.
    retry: false,
  });
  if (!typed) return { status: 'idle' };
  if (JSON.stringify(typed) !== JSON.stringify(asked) || query.isPending) return { status: 'loading' };
  if (query.isError) return { status: 'refused', message: cancelProblem(query.error) };
  return { status: 'ready', quote: query.data };
}

const cancelSentences: FieldSentences = {
  odometer: said('cancel.odometerInvalid'),
  cancelOn: said('cancel.dateInvalid'),
};

/** A refused quote or cancellation as the holder reads it, in the page's language. */
function cancelProblem(error: ApiError): string {
  return holderProblem(error, cancelSentences).sentence;
}

function CancelForm({ contract }: { contract: Contract }) {
  const contact = useSupportContact();
  const [odometer, setOdometer] = useState('');
  const [reason, setReason] = useState<CancellationReason>('customer_request');
  const [confirmed, setConfirmed] = useState(false);
  // Kept as what it means and said at each render, so it follows a switch of language.
  const [error, setError] = useState<Sentence | null>(null);
  const [result, setResult] = useState<CancellationResult | null>(null);
  const cancel = useApiMutation('post', '/contracts/{id}/cancellation');
  const errorRef = useRef<HTMLDivElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const fieldId = useId();
  const quoteHeadingId = useId();

  const odometerNumber = /^\d{1,7}$/.test(odometer.replaceAll(',', ''))
    ? Number(odometer.replaceAll(',', ''))
    : null;

  // Something typed that is not a reading in whole miles: said at once, not left as "enter the reading".
  const odometerUnreadable = odometer.trim() !== '' && odometerNumber === null;
  const quote = useQuote(contract.id, odometerNumber, reason);

  useFocusWhen(errorRef, error);
  useFocusWhen(doneRef, result);

  if (result) {
    const { refund } = result;
    return (
      <div className="notice notice--success notice--wide" role="status" tabIndex={-1} ref={doneRef}>
        <p>
          <strong>{t('cancel.doneContract', { number: contract.contractNumber })}</strong>{' '}
          {t('cancel.doneAsOf', { date: formatCalendarDate(refund.cancelOn) })}
        </p>
        <p>
          {refund.refundCents > 0
            ? t('cancel.refundPaid', { amount: formatCents(refund.refundCents), payee: refund.payee.name })
            : t('cancel.noRefund')}
        </p>
        <p>
          <a href="/my">{t('claims.back')}</a>
        </p>
      </div>
    );
  }

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (quote.status !== 'ready' || !confirmed || odometerNumber === null) return;
    setError(null);
    try {
      setResult(
        await cancel.mutateAsync({
          params: { path: { id: contract.id } },
          body: { odometer: odometerNumber, reason, language: holderLanguage() },
        }),
      );
    } catch (failure) {
      setError(
        failure instanceof ApiError
          ? { problem: failure, sentences: cancelSentences }
          : said('cancel.failed'),
      );
    }
  };

  return (
    <form className="form form--wide" onSubmit={handleSubmit} noValidate>
      <div className="field">
        <p>
          <strong>{t('cancel.date')}:</strong>{' '}
          {t('cancel.dateToday', { date: formatCalendarDate(todayFrom(contract)) })}
        </p>
        <p className="hint">
          {contact?.supportPhone
            ? t('cancel.earlierDateCall', { phone: contact.supportPhone })
            : t('cancel.earlierDate')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${fieldId}-odometer`}>{t('cancel.odometer')}</label>
        <p className="hint" id={`${fieldId}-odometer-hint`}>
          {t('cancel.odometerHint')}
        </p>
        <input
          id={`${fieldId}-odometer`}
          className="input--short"
          inputMode="numeric"
          autoComplete="off"
          aria-describedby={
            odometerUnreadable
              ? `${fieldId}-odometer-hint ${fieldId}-odometer-error`
              : `${fieldId}-odometer-hint`
          }
          {...(odometerUnreadable ? { 'aria-invalid': true } : {})}
          value={odometer}
          onChange={(event) => setOdometer(event.target.value)}
        />
        {odometerUnreadable ? (
          <p id={`${fieldId}-odometer-error`} className="field-error">
            {t('cancel.odometerInvalid')}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${fieldId}-reason`}>{t('cancel.why')}</label>
        <select
          id={`${fieldId}-reason`}
          value={reason}
          onChange={(event) => setReason(event.target.value as CancellationReason)}
        >
          {Object.entries(cancellationReasonLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {t(`cancel.reason.${value}`, { defaultValue: label })}
            </option>
          ))}
        </select>
      </div>

      <section className="quote" aria-labelledby={quoteHeadingId} aria-live="polite">
        <h2 id={quoteHeadingId}>{t('cancel.quoteHeading')}</h2>
        {quote.status === 'idle' ? <p className="muted">{t('cancel.enterOdometer')}</p> : null}
        {quote.status === 'loading' ? <p className="muted">{t('cancel.working')}</p> : null}
        {quote.status === 'refused' ? <div className="notice notice--error">{quote.message}</div> : null}
        {quote.status === 'ready' ? <QuoteDetails quote={quote.quote} audience="holder" /> : null}
      </section>

      {error ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={errorRef}>
          {say(error)}
        </div>
      ) : null}
      <div className="field field--checkbox">
        <input
          id={`${fieldId}-confirm`}
          type="checkbox"
          checked={confirmed}
          onChange={(event) => setConfirmed(event.target.checked)}
        />
        <label htmlFor={`${fieldId}-confirm`}>{t('cancel.understand')}</label>
      </div>
      <button
        type="submit"
        className="button"
        disabled={cancel.isPending || quote.status !== 'ready' || !confirmed}
      >
        {cancel.isPending ? t('cancel.cancelling') : t('coverage.cancel')}
      </button>
    </form>
  );
}

export function HolderCancelPage({ params }: { params: Record<string, string> }) {
  const { session } = useSession();
  const contractId = params.id ?? '';
  const contractQuery = useQuery({
    ...contractQueryOptions(contractId),
    enabled: session.status === 'holder_signed_in',
  });
  const state:
    | { status: 'loading' }
    | { status: 'loaded'; contract: Contract }
    | { status: 'failed'; message: string } = contractQuery.data
    ? { status: 'loaded', contract: contractQuery.data }
    : contractQuery.isError
      ? { status: 'failed', message: errorMessage(contractQuery.error, t('cancel.loadFailed')) }
      : { status: 'loading' };

  if (session.status === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (session.status !== 'holder_signed_in') return <Redirect to="/my/sign-in" />;

  return (
    <>
      <p className="breadcrumb">
        <Link href="/my">{t('coverage.title')}</Link>
      </p>
      <PageHeading title={t('coverage.cancel')}>{t('coverage.cancel')}</PageHeading>
      {state.status === 'loading' ? <p className="muted">{t('cancel.loadingContract')}</p> : null}
      {state.status === 'failed' ? <div className="notice notice--error">{state.message}</div> : null}
      {state.status === 'loaded' ? (
        <>
          <p className="lead">
            {planNameWords(state.contract)} ·{' '}
            {t('coverage.contractNumber', { number: state.contract.contractNumber })} ·{' '}
            {t('coverage.vehicleWords', {
              year: state.contract.vehicle.year,
              make: state.contract.vehicle.make,
              model: state.contract.vehicle.model,
            })}{' '}
            <span className="nowrap" translate="no">
              {maskVin(state.contract.vehicle.vin)}
            </span>
          </p>
          {state.contract.status === 'active' ? (
            <CancelForm contract={state.contract} />
          ) : (
            <p>{t('cancel.notInForce')}</p>
          )}
        </>
      ) : null}
    </>
  );
}
