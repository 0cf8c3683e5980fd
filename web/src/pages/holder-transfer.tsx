import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, type ApiResponse, type ApiSchema, apiClient } from '../api.js';
import { planNameWords } from '../contract-words.js';
import { type Contract, contractQueryOptions } from '../contracts.js';
import { useFocusWhen } from '../focus.js';
import { formatCalendarDate, formatCents, formatCount, maskVin } from '../format.js';
import { holderProblem, type Sentence, said, say } from '../holder-messages.js';
import { holderLanguage, t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { apiQueryKey, useApiMutation, useApiQuery } from '../queries.js';
import { Link, navigate, Redirect, useLocation } from '../router.js';
import { stateRuleText } from '../server-text.js';
import { useSession } from '../session.js';
import { useSupportContact } from '../support-contact.js';

// "Transfer my contract": after selling the vehicle privately, the holder tells us who bought it. The
// page shows the fee and the reporting window before they send the request, then the transfer's
// status and the maintenance records they attach for the buyer. Once the transfer completes the
// contract belongs to the buyer; this session can still follow the transfer, not the contract.

export type TransferTerms = ApiResponse<'get', '/contracts/{id}/transfer-terms'>;
export type TransferDocument = ApiSchema<'TransferDocument'>;
export type Transfer = ApiSchema<'Transfer'>;

const saleTypes = ['private', 'dealer', 'trade_in'] as const;
type SaleType = (typeof saleTypes)[number];

/** The transfer's state in words; `supportPhone` (from the settings) is the number to call to pay. */
export function transferStatusWords(transfer: Transfer, supportPhone?: string): string {
  if (transfer.status === 'completed') {
    return t('transfer.completed', { buyer: `${transfer.buyer.firstName} ${transfer.buyer.lastName}` });
  }
  if (transfer.status === 'rejected')
    return t('transfer.rejected', { reason: transfer.rejectionReason ?? t('transfer.noReason') });
  return supportPhone
    ? t('transfer.waitingCall', { fee: formatCents(transfer.feeCents), phone: supportPhone })
    : t('transfer.waiting', { fee: formatCents(transfer.feeCents) });
}

/** Sends one record as multipart (fields first, then the file). */
function uploadRecord(transferId: string, file: File): Promise<TransferDocument> {
  const form = new FormData();
  form.append('type', 'maintenance_record');
  form.append('file', file);
  return apiClient.POST('/transfers/{id}/documents', {
    params: { path: { id: transferId } },
    // The API document does not describe the multipart body, so the form is sent as it is.
    body: form as never,
    bodySerializer: (body: unknown) => body,
  });
}

function RecordsUpload({
  transfer,
  onUploaded,
}: {
  transfer: Transfer;
  onUploaded: (doc: TransferDocument) => void;
}) {
  const fieldId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: Sentence } | null>(null);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = inputRef.current?.files?.[0];
    if (!file) {
      setMessage({ kind: 'error', text: said('transfer.chooseFile') });
      return;
    }
    setUploading(true);
    setMessage(null);
    try {
      const document = await uploadRecord(transfer.id, file);
      onUploaded(document);
      setMessage({ kind: 'success', text: t('transfer.recordReceived', { name: file.name }) });
      if (inputRef.current) inputRef.current.value = '';
    } catch (failure) {
      setMessage({
        kind: 'error',
        text: failure instanceof ApiError ? { problem: failure } : said('transfer.uploadFailed'),
      });
    } finally {
      setUploading(false);
    }
  };

  return (
    <form className="form--records" onSubmit={handleSubmit}>
      <div className="field">
        <label htmlFor={`${fieldId}-file`}>{t('transfer.addRecord')}</label>
        <p className="hint" id={`${fieldId}-hint`}>
          {t('transfer.addRecordHint')}
        </p>
        <input
          id={`${fieldId}-file`}
          ref={inputRef}
          type="file"
          className="input--file"
          accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
          aria-describedby={`${fieldId}-hint`}
        />
      </div>
      {message ? (
        <div
          className={`notice notice--${message.kind}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {say(message.text)}
        </div>
      ) : null}
      <button type="submit" className="button button--secondary" disabled={uploading}>
        {uploading ? t('transfer.uploading') : t('transfer.upload')}
      </button>
    </form>
  );
}

function TransferStatus({ initial }: { initial: Transfer }) {
  const [transfer, setTransfer] = useState(initial);
  const contact = useSupportContact();
  const headingId = useId();
  const { buyer } = transfer;
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('transfer.yours')}</h2>
      <p className={`transfer-status transfer-status--${transfer.status}`} role="status">
        {transferStatusWords(transfer, contact?.supportPhone)}
      </p>
      <dl className="facts facts--wide">
        <div>
          <dt>{t('transfer.buyer')}</dt>
          <dd>
            {buyer.firstName} {buyer.lastName}, {buyer.address.line1}, {buyer.address.city},{' '}
            {buyer.address.state} {buyer.address.zip}
          </dd>
        </div>
        <div>
          <dt>{t('transfer.soldOn')}</dt>
          <dd>{formatCalendarDate(transfer.ownershipTransferredOn)}</dd>
        </div>
        <div>
          <dt>{t('transfer.odometer')}</dt>
          <dd>
            {t('format.miles', { count: transfer.odometer, formatted: formatCount(transfer.odometer) })}
          </dd>
        </div>
        <div>
          <dt>{t('transfer.fee')}</dt>
          <dd>{transfer.feeCents === 0 ? t('transfer.noFee') : formatCents(transfer.feeCents)}</dd>
        </div>
      </dl>
      <h3>{t('transfer.records')}</h3>
      {transfer.documents.length === 0 ? (
        <p>{t('transfer.noRecords')}</p>
      ) : (
        <ul>
          {transfer.documents.map((document) => (
            <li key={document.id}>
              {document.originalName ?? t('transfer.record')}{' '}
              <span className="muted">{t('transfer.received')}</span>
            </li>
          ))}
        </ul>
      )}
      {transfer.status !== 'rejected' ? (
        <RecordsUpload
          transfer={transfer}
          onUploaded={(document) =>
            setTransfer((current) => ({ ...current, documents: [...current.documents, document] }))
          }
        />
      ) : null}
      {transfer.status === 'completed' ? (
        <p>
          <a href="/my">{t('claims.back')}</a>
        </p>
      ) : null}
    </section>
  );
}

interface FormValues {
  ownershipTransferredOn: string;
  saleType: SaleType;
  odometer: string;
  firstName: string;
  lastName: string;
  email: string;
  line1: string;
  city: string;
  state: string;
  zip: string;
}

function TextField({
  id,
  label,
  value,
  onChange,
  className,
  autoComplete,
  inputMode,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'email';
  hint?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        className={className}
        value={value}
        autoComplete={autoComplete ?? 'off'}
        inputMode={inputMode}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

function TransferForm({
  contract,
  terms,
  onCreated,
}: {
  contract: Contract;
  terms: TransferTerms;
  onCreated: (transfer: Transfer) => void;
}) {
  const today = contract.coverage.asOf;
  const fieldId = useId();
  const [values, setValues] = useState<FormValues>({
    ownershipTransferredOn: today,
    saleType: 'private',
    odometer: '',
    firstName: '',
    lastName: '',
    email: '',
    line1: '',
    city: '',
    state: '',
    zip: '',
  });
  const [invalid, setInvalid] = useState<Sentence | null>(null);
  const create = useApiMutation('post', '/contracts/{id}/transfers', {
    invalidates: ['/contracts/{id}/transfers'],
    onSuccess: onCreated,
  });
  const submitting = create.isPending;
  const error = invalid
    ? say(invalid)
    : create.error
      ? create.error instanceof ApiError
        ? holderProblem(create.error).sentence
        : t('transfer.failed')
      : null;
  const errorRef = useRef<HTMLDivElement>(null);
  const set = (name: keyof FormValues) => (value: string) =>
    setValues((current) => ({ ...current, [name]: value }));

  // Focus follows a new failure, not its words: a switch of language says the same one again in place.
  useFocusWhen(errorRef, invalid ?? create.error);

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.reset();
    const odometer = values.odometer.replaceAll(',', '');
    if (!/^\d{1,7}$/.test(odometer)) {
      setInvalid(said('transfer.errors.odometer'));
      return;
    }
    setInvalid(null);
    create.mutate({
      params: { path: { id: contract.id } },
      body: {
        ownershipTransferredOn: values.ownershipTransferredOn,
        saleType: values.saleType,
        odometer: Number(odometer),
        buyer: {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          ...(values.email.trim() ? { email: values.email.trim() } : {}),
          address: {
            line1: values.line1.trim(),
            city: values.city.trim(),
            state: values.state.trim().toUpperCase(),
            zip: values.zip.trim(),
          },
        },
        language: holderLanguage(),
      },
    });
  };

  return (
    <form className="form form--wide" onSubmit={handleSubmit} noValidate>
      <div className="notice notice--info">
        <p>
          {t('transfer.feeLabel')}{' '}
          <strong>{terms.feeCents === 0 ? t('transfer.feeNone') : formatCents(terms.feeCents)}</strong>.
          {terms.notes.map((note) => ` ${stateRuleText(note)}`)}
        </p>
        <p>
          {terms.privateSaleOnly
            ? t('transfer.windowPrivate', { count: terms.windowDays })
            : t('transfer.window', { count: terms.windowDays })}
        </p>
      </div>
      <fieldset>
        <legend>{t('transfer.sale')}</legend>
        <div className="field">
          <label htmlFor={`${fieldId}-date`}>{t('transfer.date')}</label>
          <input
            id={`${fieldId}-date`}
            type="date"
            className="input--short"
            value={values.ownershipTransferredOn}
            min={contract.purchaseDate}
            max={today}
            onChange={(event) => set('ownershipTransferredOn')(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-sale`}>{t('transfer.how')}</label>
          <select
            id={`${fieldId}-sale`}
            value={values.saleType}
            onChange={(event) => set('saleType')(event.target.value)}
          >
            {saleTypes.map((value) => (
              <option key={value} value={value}>
                {t(`transfer.saleType.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id={`${fieldId}-odometer`}
          label={t('transfer.odometerAtSale')}
          className="input--short"
          inputMode="numeric"
          value={values.odometer}
          onChange={set('odometer')}
        />
      </fieldset>
      <fieldset>
        <legend>{t('transfer.theBuyer')}</legend>
        <TextField
          id={`${fieldId}-first`}
          label={t('transfer.firstName')}
          value={values.firstName}
          onChange={set('firstName')}
        />
        <TextField
          id={`${fieldId}-last`}
          label={t('transfer.lastName')}
          value={values.lastName}
          onChange={set('lastName')}
        />
        <TextField
          id={`${fieldId}-email`}
          label={t('transfer.email')}
          inputMode="email"
          value={values.email}
          onChange={set('email')}
        />
        <TextField
          id={`${fieldId}-line1`}
          label={t('transfer.street')}
          value={values.line1}
          onChange={set('line1')}
        />
        <TextField
          id={`${fieldId}-city`}
          label={t('transfer.city')}
          value={values.city}
          onChange={set('city')}
        />
        <TextField
          id={`${fieldId}-state`}
          label={t('transfer.state')}
          hint={t('transfer.stateHint')}
          className="input--short"
          value={values.state}
          onChange={set('state')}
        />
        <TextField
          id={`${fieldId}-zip`}
          label={t('transfer.zip')}
          className="input--short"
          inputMode="numeric"
          value={values.zip}
          onChange={set('zip')}
        />
      </fieldset>
      {error ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={errorRef}>
          {error}
        </div>
      ) : null}
      <button type="submit" className="button" disabled={submitting}>
        {submitting ? t('transfer.sending') : t('transfer.submit')}
      </button>
    </form>
  );
}

type PageState =
  | { status: 'loading' }
  | { status: 'transfer'; transfer: Transfer }
  | { status: 'form'; contract: Contract; terms: TransferTerms }
  | { status: 'failed'; message: string };

function errorText(failure: unknown): string {
  return failure instanceof ApiError ? holderProblem(failure).sentence : t('transfer.loadFailed');
}

/** The contract line above the page: its plan and vehicle, or (once passed on) its number. */
function contractLine(contract: Contract | undefined, transfer: Transfer | undefined): string | null {
  if (!contract) return transfer ? t('transfer.contractLine', { number: transfer.contractNumber }) : null;
  return t('transfer.contractVehicle', {
    plan: planNameWords(contract),
    number: contract.contractNumber,
    year: contract.vehicle.year,
    make: contract.vehicle.make,
    model: contract.vehicle.model,
    vin: maskVin(contract.vehicle.vin),
  });
}

export function HolderTransferPage({ params }: { params: Record<string, string> }) {
  const { session } = useSession();
  const { search } = useLocation();
  const queryClient = useQueryClient();
  const contractId = params.id ?? '';
  const transferId = new URLSearchParams(search).get('transfer');
  const signedIn = session.status === 'holder_signed_in';
  // A transfer this session asked for stays visible after the contract has passed to the buyer.
  const transferQuery = useApiQuery(
    '/transfers/{id}',
    { params: { path: { id: transferId ?? '' } } },
    { enabled: signedIn && transferId !== null },
  );
  const forContract = signedIn && transferId === null;
  const contractPath = { params: { path: { id: contractId } } };
  const contractQuery = useQuery({ ...contractQueryOptions(contractId), enabled: forContract });
  const termsQuery = useApiQuery('/contracts/{id}/transfer-terms', contractPath, { enabled: forContract });
  const transfersQuery = useApiQuery('/contracts/{id}/transfers', contractPath, { enabled: forContract });

  let state: PageState = { status: 'loading' };
  if (transferId !== null) {
    if (transferQuery.data) state = { status: 'transfer', transfer: transferQuery.data };
    else if (transferQuery.isError) state = { status: 'failed', message: errorText(transferQuery.error) };
  } else {
    const failure = contractQuery.error ?? termsQuery.error ?? transfersQuery.error;
    const contract = contractQuery.data;
    const terms = termsQuery.data;
    const pending = transfersQuery.data?.data.find((transfer) => transfer.status === 'pending_fee');
    if (failure) state = { status: 'failed', message: errorText(failure) };
    else if (!contract || !terms || !transfersQuery.data) state = { status: 'loading' };
    else if (pending) state = { status: 'transfer', transfer: pending };
    else if (!terms.allowed) state = { status: 'failed', message: t('transfer.notAllowed') };
    else if (contract.status !== 'active') state = { status: 'failed', message: t('transfer.notInForce') };
    else state = { status: 'form', contract, terms };
  }
  // The line's words are chosen at render, so the language switch re-words it at once.
  const line = contractLine(contractQuery.data, transferQuery.data);

  if (session.status === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (session.status !== 'holder_signed_in') return <Redirect to="/my/sign-in" />;

  return (
    <>
      <p className="breadcrumb">
        <Link href="/my">{t('coverage.title')}</Link>
      </p>
      <PageHeading title={t('coverage.transfer')}>{t('coverage.transfer')}</PageHeading>
      {line ? <p className="lead">{line}</p> : null}
      {state.status === 'loading' ? <p className="muted">{t('common.loading')}</p> : null}
      {state.status === 'failed' ? <div className="notice notice--error">{state.message}</div> : null}
      {state.status === 'transfer' ? (
        <TransferStatus key={state.transfer.id} initial={state.transfer} />
      ) : null}
      {state.status === 'form' ? (
        <TransferForm
          contract={state.contract}
          terms={state.terms}
          onCreated={(transfer) => {
            // The transfer's id goes into the address so a reload still finds it once it completed;
            // the answer is the transfer's first reading, so the page shows it at once.
            queryClient.setQueryData(
              apiQueryKey('/transfers/{id}', { params: { path: { id: transfer.id } } }),
              transfer,
            );
            navigate(`/my/contracts/${encodeURIComponent(contractId)}/transfer?transfer=${transfer.id}`, {
              replace: true,
            });
          }}
        />
      ) : null}
    </>
  );
}
