import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, type ApiResponse, type ApiSchema, apiClient } from '../api.js';
import { planNameWords } from '../contract-words.js';
import { type Contract, contractQueryOptions } from '../contracts.js';
import { FieldError, type FormErrors, FormSummary, useFormErrors } from '../form-errors.js';
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
  if (transfer.status === 'closed') {
    const buyer = `${transfer.buyer.firstName} ${transfer.buyer.lastName}`;
    return transfer.closedReason === 'contract_voided'
      ? t('transfer.closedVoided', { buyer })
      : t('transfer.closedCancelled', { buyer });
  }
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
      {transfer.status !== 'rejected' && transfer.status !== 'closed' ? (
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
  name,
  form,
  label,
  value,
  onChange,
  className,
  autoComplete,
  inputMode,
  hint,
}: {
  id: string;
  /** The field's name as the API's `param` says it (`buyer.firstName`): its error goes beneath it. */
  name: string;
  form: FormErrors;
  label: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'email';
  hint?: string;
}) {
  const error = form.errors[name];
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
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
        {...form.fieldProps(name, id)}
        aria-describedby={describedBy || undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      <FieldError id={id} message={error} />
    </div>
  );
}

/** The sentence beside each field, by the API's `param` for it. */
const transferSentences = {
  ownershipTransferredOn: said('transfer.errors.date'),
  saleType: said('transfer.errors.saleType'),
  odometer: said('transfer.errors.odometer'),
  'buyer.firstName': said('transfer.errors.firstName'),
  'buyer.lastName': said('transfer.errors.lastName'),
  'buyer.email': said('transfer.errors.email'),
  'buyer.address.line1': said('transfer.errors.street'),
  'buyer.address.city': said('transfer.errors.city'),
  'buyer.address.state': said('transfer.errors.state'),
  'buyer.address.zip': said('transfer.errors.zip'),
} as const satisfies Record<string, Sentence>;

type TransferField = keyof typeof transferSentences;

/** Every field the holder has to fix, before anything is sent. */
function checkTransfer(values: FormValues): Partial<Record<TransferField, Sentence>> {
  const wrong: [TransferField, boolean][] = [
    ['ownershipTransferredOn', !values.ownershipTransferredOn],
    ['odometer', !/^\d{1,7}$/.test(values.odometer.replaceAll(',', ''))],
    ['buyer.firstName', !values.firstName.trim()],
    ['buyer.lastName', !values.lastName.trim()],
    ['buyer.email', values.email.trim() !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())],
    ['buyer.address.line1', !values.line1.trim()],
    ['buyer.address.city', !values.city.trim()],
    ['buyer.address.state', !/^[A-Za-z]{2}$/.test(values.state.trim())],
    ['buyer.address.zip', !values.zip.trim()],
  ];
  const errors: Partial<Record<TransferField, Sentence>> = {};
  for (const [field, isWrong] of wrong) if (isWrong) errors[field] = transferSentences[field];
  return errors;
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
  const form = useFormErrors();
  const create = useApiMutation('post', '/contracts/{id}/transfers', {
    invalidates: ['/contracts/{id}/transfers'],
    onSuccess: onCreated,
    // A refusal about one field (the odometer below the sale's, a ZIP code) goes beside it.
    onError: (failure) => form.showProblem(failure, transferSentences),
  });
  const submitting = create.isPending;
  const set = (name: keyof FormValues) => (value: string) =>
    setValues((current) => ({ ...current, [name]: value }));

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.reset();
    const errors = checkTransfer(values);
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    const email = values.email.trim();
    create.mutate({
      params: { path: { id: contract.id } },
      body: {
        ownershipTransferredOn: values.ownershipTransferredOn,
        saleType: values.saleType,
        odometer: Number(values.odometer.replaceAll(',', '')),
        buyer: {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          ...(email ? { email } : {}),
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
    <form className="form form--wide" onSubmit={handleSubmit} noValidate ref={form.formRef}>
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
      <FormSummary form={form} />
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
            {...form.fieldProps('ownershipTransferredOn', `${fieldId}-date`)}
          />
          <FieldError id={`${fieldId}-date`} message={form.errors.ownershipTransferredOn} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-sale`}>{t('transfer.how')}</label>
          <select
            id={`${fieldId}-sale`}
            value={values.saleType}
            onChange={(event) => set('saleType')(event.target.value)}
            {...form.fieldProps('saleType', `${fieldId}-sale`)}
          >
            {saleTypes.map((value) => (
              <option key={value} value={value}>
                {t(`transfer.saleType.${value}`)}
              </option>
            ))}
          </select>
          <FieldError id={`${fieldId}-sale`} message={form.errors.saleType} />
        </div>
        <TextField
          id={`${fieldId}-odometer`}
          name="odometer"
          form={form}
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
          name="buyer.firstName"
          form={form}
          label={t('transfer.firstName')}
          value={values.firstName}
          onChange={set('firstName')}
        />
        <TextField
          id={`${fieldId}-last`}
          name="buyer.lastName"
          form={form}
          label={t('transfer.lastName')}
          value={values.lastName}
          onChange={set('lastName')}
        />
        <TextField
          id={`${fieldId}-email`}
          name="buyer.email"
          form={form}
          label={t('transfer.email')}
          inputMode="email"
          value={values.email}
          onChange={set('email')}
        />
        <TextField
          id={`${fieldId}-line1`}
          name="buyer.address.line1"
          form={form}
          label={t('transfer.street')}
          value={values.line1}
          onChange={set('line1')}
        />
        <TextField
          id={`${fieldId}-city`}
          name="buyer.address.city"
          form={form}
          label={t('transfer.city')}
          value={values.city}
          onChange={set('city')}
        />
        <TextField
          id={`${fieldId}-state`}
          name="buyer.address.state"
          form={form}
          label={t('transfer.state')}
          hint={t('transfer.stateHint')}
          className="input--short"
          value={values.state}
          onChange={set('state')}
        />
        <TextField
          id={`${fieldId}-zip`}
          name="buyer.address.zip"
          form={form}
          label={t('transfer.zip')}
          className="input--short"
          inputMode="numeric"
          value={values.zip}
          onChange={set('zip')}
        />
      </fieldset>
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
    // Newest first: the transfer the contract's end closed, said as such rather than "not in force".
    const closed = transfersQuery.data?.data.find((transfer) => transfer.status === 'closed');
    if (failure) state = { status: 'failed', message: errorText(failure) };
    else if (!contract || !terms || !transfersQuery.data) state = { status: 'loading' };
    else if (pending) state = { status: 'transfer', transfer: pending };
    else if (!terms.allowed)
      state = {
        status: 'failed',
        message: contract.product === 'gap' ? t('transfer.gapNotAllowed') : t('transfer.notAllowed'),
      };
    else if (contract.status !== 'active' && closed) state = { status: 'transfer', transfer: closed };
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
