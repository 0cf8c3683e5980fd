import { type FormEvent, useId, useState } from 'react';
import { ApiError, type ApiSchema } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, formatCount, formatInstant } from '../format.js';
import { errorMessage, useApiMutation, useApiQuery } from '../queries.js';
import { useSession } from '../session.js';
import { TableScroll } from '../table-scroll.js';
import {
  type CancellationQuote,
  type CancellationReason,
  cancellationReasonLabels,
  QuoteDetails,
} from './holder-cancel.js';
import { transferStatusWords } from './holder-transfer.js';

type Transfer = ApiSchema<'Transfer'>;

// The staff contract page's money and ownership: every ledger entry (refunds, transfer fees, claim
// payments and reversals) and the contract's transfers, where an adjuster records a fee that was
// paid or rejects a transfer. After an action the contract, its trail, ledger and transfers are read
// again, so the page never shows a stale holder or total.

/**
 * What a change of the contract's money or owner makes stale: the contract (holder, status), its audit
 * trail, its ledger and its transfers, all on this page; they are read again rather than left stale.
 */
const contractChanged = [
  '/contracts/{id}',
  '/contracts/{id}/audit',
  '/contracts/{id}/ledger',
  '/contracts/{id}/transfers',
] as const;

const kindLabels: Record<string, string> = {
  cancellation_refund: 'Cancellation refund',
  transfer_fee: 'Transfer fee',
};

function kindLabel(kind: string): string {
  return kindLabels[kind] ?? kind.replaceAll('_', ' ');
}

export function ContractMoney({ contractId }: { contractId: string }) {
  const headingId = useId();
  const ledger = useApiQuery('/contracts/{id}/ledger', { params: { path: { id: contractId } } });

  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Payments ledger</h2>
      {ledger.isPending ? <p className="muted">Loading the ledger…</p> : null}
      {ledger.isError ? (
        <div className="notice notice--error">
          {errorMessage(ledger.error, 'The ledger could not be loaded.')}
        </div>
      ) : null}
      {ledger.data?.data.length === 0 ? <p>No money has moved on this contract.</p> : null}
      {ledger.data && ledger.data.data.length > 0 ? (
        <>
          <TableScroll labelledBy={headingId}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Entry</th>
                  <th scope="col">Paid out</th>
                  <th scope="col">Received</th>
                  <th scope="col">Payee / payer</th>
                  <th scope="col">Method</th>
                </tr>
              </thead>
              <tbody>
                {ledger.data.data.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">
                      <time dateTime={entry.occurredAt}>{formatInstant(entry.occurredAt)}</time>
                    </td>
                    <td>
                      {kindLabel(entry.kind)}
                      {entry.reversesEntryId ? ' (reversal)' : ''}
                    </td>
                    <td className="nowrap">
                      {entry.direction === 'payout' ? formatCents(entry.amountCents) : ''}
                    </td>
                    <td className="nowrap">
                      {entry.direction === 'receipt' ? formatCents(entry.amountCents) : ''}
                    </td>
                    <td>{entry.payee.name}</td>
                    <td>{[entry.method, entry.reference].filter(Boolean).join(' ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p className="muted">
            Paid out {formatCents(ledger.data.paidOutCents)} · received{' '}
            {formatCents(ledger.data.receivedCents)}
          </p>
        </>
      ) : null}
    </section>
  );
}

function FeePaymentForm({ transfer }: { transfer: Transfer }) {
  const fieldId = useId();
  const [method, setMethod] = useState<'card' | 'check' | 'ach'>('check');
  const [reference, setReference] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const feePayment = useApiMutation('post', '/transfers/{id}/fee-payment', { invalidates: contractChanged });
  const rejection = useApiMutation('post', '/transfers/{id}/rejection', { invalidates: contractChanged });
  // Busy from the click until the page is read again (the transfer then no longer waits for its fee).
  const busy = feePayment.isPending || feePayment.isSuccess || rejection.isPending || rejection.isSuccess;
  const failure = feePayment.error ?? rejection.error;
  const error = failure ? errorMessage(failure, 'That did not work. Try again.') : null;
  const path = { params: { path: { id: transfer.id } } };

  const recordFee = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    rejection.reset();
    feePayment.mutate({ ...path, body: { method, reference: reference.trim() } });
  };
  const reject = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    feePayment.reset();
    rejection.mutate({ ...path, body: { reason: rejectReason.trim() } });
  };

  return (
    <div className="staff-actions">
      <form className="form--inline" onSubmit={recordFee}>
        <div className="field">
          <label htmlFor={`${fieldId}-method`}>Fee paid by</label>
          <select
            id={`${fieldId}-method`}
            value={method}
            onChange={(e) => setMethod(e.target.value as typeof method)}
          >
            <option value="check">Check</option>
            <option value="card">Card</option>
            <option value="ach">Bank transfer (ACH)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-reference`}>Payment reference</label>
          <input
            id={`${fieldId}-reference`}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={busy || reference.trim() === ''}>
          Record {formatCents(transfer.feeCents)} fee
        </button>
      </form>
      <form className="form--inline" onSubmit={reject}>
        <div className="field">
          <label htmlFor={`${fieldId}-reason`}>Reason for rejecting</label>
          <input
            id={`${fieldId}-reason`}
            value={rejectReason}
            onChange={(e) => setRejectReason(e.target.value)}
          />
        </div>
        <button
          type="submit"
          className="button button--secondary"
          disabled={busy || rejectReason.trim() === ''}
        >
          Reject transfer
        </button>
      </form>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function ContractTransfers({
  contractId,
  canRecordFees,
}: {
  contractId: string;
  canRecordFees: boolean;
}) {
  const headingId = useId();
  const transfersQuery = useApiQuery('/contracts/{id}/transfers', { params: { path: { id: contractId } } });
  const transfers = transfersQuery.data?.data ?? null;
  const error = transfersQuery.isError
    ? errorMessage(transfersQuery.error, 'The transfers could not be loaded.')
    : null;

  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Transfers</h2>
      {error ? <div className="notice notice--error">{error}</div> : null}
      {transfers === null && !error ? <p className="muted">Loading transfers…</p> : null}
      {transfers?.length === 0 ? <p>This contract has not been transferred.</p> : null}
      {transfers?.map((transfer) => (
        <article key={transfer.id} className="transfer-item">
          <h3>
            To {transfer.buyer.firstName} {transfer.buyer.lastName}, sold{' '}
            {formatCalendarDate(transfer.ownershipTransferredOn)}
          </h3>
          <p>{transferStatusWords(transfer)}</p>
          <p className="muted">
            {transfer.buyer.address.line1}, {transfer.buyer.address.city}, {transfer.buyer.address.state}{' '}
            {transfer.buyer.address.zip} · odometer {formatCount(transfer.odometer)} · fee{' '}
            {formatCents(transfer.feeCents)} · {formatCount(transfer.documents.length)} record(s)
          </p>
          {transfer.status === 'pending_fee' && canRecordFees ? <FeePaymentForm transfer={transfer} /> : null}
        </article>
      ))}
    </section>
  );
}

/** The fields of the cancellation form a refusal can name (the API's `param`). */
const cancellationFields = new Set(['cancelOn', 'odometer', 'evidence']);

/**
 * Staff quote a cancellation as the holder would see it and, for an active contract, execute it. Staff
 * may date it before today (a holder cannot): the evidence of that date is then required and kept in
 * the contract's audit trail.
 */
function StaffCancellation({ contractId, today }: { contractId: string; today: string }) {
  const headingId = useId();
  const fieldId = useId();
  const form = useFormErrors();
  const [cancelOn, setCancelOn] = useState(today);
  const [odometer, setOdometer] = useState('');
  const [reason, setReason] = useState<CancellationReason>('customer_request');
  const [evidence, setEvidence] = useState('');
  const [quote, setQuote] = useState<CancellationQuote | null>(null);
  const showFailure = (failure: unknown) => {
    if (failure instanceof ApiError && failure.param && cancellationFields.has(failure.param))
      form.show({ [failure.param]: failure.detail });
    else form.show({}, errorMessage(failure, 'That did not work. Try again.'));
  };
  const quoting = useApiMutation('post', '/contracts/{id}/cancellation-quote', {
    onSuccess: setQuote,
    onError: showFailure,
  });
  const cancellation = useApiMutation('post', '/contracts/{id}/cancellation', {
    invalidates: contractChanged,
    onError: showFailure,
  });
  // Busy from the click until the contract is read again (a cancelled contract hides this section).
  const busy = quoting.isPending || cancellation.isPending || cancellation.isSuccess;
  // Calendar dates compare as text.
  const backdated = /^\d{4}-\d{2}-\d{2}$/.test(cancelOn) && cancelOn < today;

  const request = () => ({
    params: { path: { id: contractId } },
    body: {
      cancelOn,
      odometer: Number(odometer.replaceAll(',', '')),
      reason,
      ...(backdated && evidence.trim() ? { evidence: evidence.trim() } : {}),
    },
  });
  const getQuote = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    cancellation.reset();
    quoting.mutate(request());
  };
  const cancel = () => {
    if (backdated && !evidence.trim()) {
      form.show({
        evidence: `Say what proves the contract ended on ${formatCalendarDate(cancelOn)} (for example the lender's payoff letter and its date) to cancel as of a day before today.`,
      });
      return;
    }
    form.clear();
    quoting.reset();
    cancellation.mutate(request());
  };

  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Cancellation quote</h2>
      <form className="form--inline" onSubmit={getQuote} ref={form.formRef} noValidate>
        <FormSummary form={form} />
        <div className="field">
          <label htmlFor={`${fieldId}-date`}>Cancel on</label>
          <input
            id={`${fieldId}-date`}
            type="date"
            value={cancelOn}
            {...form.fieldProps('cancelOn', `${fieldId}-date`)}
            onChange={(e) => {
              setCancelOn(e.target.value);
              setQuote(null);
            }}
          />
          <FieldError id={`${fieldId}-date`} message={form.errors.cancelOn} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-odometer`}>Odometer</label>
          <input
            id={`${fieldId}-odometer`}
            inputMode="numeric"
            value={odometer}
            {...form.fieldProps('odometer', `${fieldId}-odometer`)}
            onChange={(e) => {
              setOdometer(e.target.value);
              setQuote(null);
            }}
          />
          <FieldError id={`${fieldId}-odometer`} message={form.errors.odometer} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-reason`}>Reason</label>
          <select
            id={`${fieldId}-reason`}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value as CancellationReason);
              setQuote(null);
            }}
          >
            {Object.entries(cancellationReasonLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {backdated ? (
          <div className="field">
            <label htmlFor={`${fieldId}-evidence`}>Evidence of the earlier date</label>
            <p className="hint" id={`${fieldId}-evidence-hint`}>
              Needed to cancel as of a day before today: what proves that date (for example "payoff letter
              dated {cancelOn}"). It is kept in the contract's audit trail.
            </p>
            <textarea
              id={`${fieldId}-evidence`}
              rows={2}
              maxLength={1000}
              value={evidence}
              {...form.fieldProps('evidence', `${fieldId}-evidence`)}
              aria-describedby={
                form.errors.evidence
                  ? `${fieldId}-evidence-hint ${fieldId}-evidence-error`
                  : `${fieldId}-evidence-hint`
              }
              onChange={(e) => setEvidence(e.target.value)}
            />
            <FieldError id={`${fieldId}-evidence`} message={form.errors.evidence} />
          </div>
        ) : null}
        <button
          type="submit"
          className="button button--secondary"
          disabled={busy || !/^\d{1,7}$/.test(odometer.replaceAll(',', ''))}
        >
          Get quote
        </button>
      </form>
      {quote ? (
        <>
          <QuoteDetails quote={quote} audience="staff" />
          <p className="muted">Rules: {quote.ruleIds.join(', ')}</p>
          <button type="button" className="button" disabled={busy} onClick={cancel}>
            Cancel the contract for {formatCents(quote.refundCents)}
          </button>
        </>
      ) : null}
    </section>
  );
}

/**
 * Both sections for the staff contract page. Recording a fee changes the holder and the audit trail
 * shown higher up the page, so the whole page is loaded again rather than leaving parts of it stale.
 */
export function StaffContractMoney({
  contractId,
  active,
  today,
}: {
  contractId: string;
  active: boolean;
  today: string;
}) {
  const { session } = useSession();
  const role = session.status === 'signed_in' ? session.user.role : null;
  return (
    <>
      {active ? <StaffCancellation contractId={contractId} today={today} /> : null}
      <ContractMoney contractId={contractId} />
      <ContractTransfers contractId={contractId} canRecordFees={role === 'admin' || role === 'adjuster'} />
    </>
  );
}
