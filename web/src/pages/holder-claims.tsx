import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import { claimReference } from '../../../src/shared/claim-reference.js';
import { ApiError, type ApiResponse, apiClient } from '../api.js';
import { planNameWords, rentalWords, tripInterruptionWords } from '../contract-words.js';
import {
  type Contract,
  contractQueryOptions,
  type RentalBenefit,
  type TripInterruptionBenefit,
} from '../contracts.js';
import { useFocusWhen } from '../focus.js';
import { FieldError, type FormErrors, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { holderProblem, type Sentence, said, say } from '../holder-messages.js';
import { holderLanguage, t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiMutation, useApiQuery, useRefetch } from '../queries.js';
import { RoadsideAtHand, useRoadsideContracts } from '../roadside-at-hand.js';
import { Link, Redirect } from '../router.js';
import { benefitLineText } from '../server-text.js';
import { useSession } from '../session.js';
import { gapStatusWords } from './gap-shared.js';
import { claimStatusLabels, LoadingNotice } from './shop-claim-parts.js';

// The holder's claims: repair claims with their status, rental and trip-interruption claims with
// what is payable and which limit cut each line, roadside requests with their status; and the forms to
// claim rental, trip interruption (with receipts) and to ask for roadside help.

type Overview = ApiResponse<'get', '/contracts/{id}/claims'>;
type RepairClaim = Overview['repairClaims'][number];
type BenefitClaim = Overview['rentalClaims'][number] | Overview['tripInterruptionClaims'][number];
type RoadsideRequest = Overview['roadsideRequests'][number];

const roadsideServices = {
  tow: 'Tow',
  jump_start: 'Jump start',
  flat_tire: 'Flat tire',
  lockout: 'Lockout',
  fuel_delivery: 'Fuel delivery',
} as const;
/** The words for a roadside request's status, in the holder's language. */
function roadsideStatusWords(status: RoadsideRequest['status']): string {
  return t(`claims.roadsideStatus.${status}`);
}

/** '$1,234.50' → 123450; '' → undefined (nothing given is not zero); anything else → null. */
export function dollarsToCents(text: string): number | null | undefined {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (cleaned === '') return undefined;
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'];
const RECEIPT_ACCEPT = '.pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic';
const receiptSentence = () => said('claims.receiptSentence');

/** The receipt the holder chose is not one we take: said before anything is sent. */
function receiptProblem(files: readonly File[]): Sentence | null {
  const wrong = files.find((file) => file.type !== '' && !RECEIPT_TYPES.includes(file.type));
  if (wrong) return [said('claims.wrongReceipt', { name: wrong.name }), receiptSentence()];
  if (files.length > 5) return said('claims.tooManyReceipts');
  return null;
}

/** What a filed claim is said by: its reference and amounts, for the notice that it was filed. */
interface FiledClaim {
  id: string;
  payableCents: number;
  requestedCents: number;
}

/** Files a claim with its receipts in one request: the claim is filed with all of them, or not at all. */
async function fileWithReceipts(
  kind: 'rental' | 'trip',
  contractId: string,
  claim: unknown,
  receipts: readonly File[],
): Promise<FiledClaim> {
  const form = new FormData();
  form.append('claim', JSON.stringify({ ...(claim as object), language: holderLanguage() }));
  for (const file of receipts) form.append('file', file);
  const init = {
    params: {
      path: { id: contractId },
      // A second press of the button (or a retry after a lost answer) files the same claim once.
      header: { 'idempotency-key': submissionKey(claim, receipts) },
    },
    // The API document does not describe the multipart body, so the form is sent as it is.
    body: form as never,
    bodySerializer: (body: unknown) => body,
  };
  const filed =
    kind === 'rental'
      ? await apiClient.POST('/contracts/{id}/rental-claims/with-receipts', init)
      : await apiClient.POST('/contracts/{id}/trip-interruption-claims/with-receipts', init);
  return filed.claim;
}

/** The notice that a claim was filed: its reference, what is payable of what was asked. */
function filedNotice(kind: 'rental_claim' | 'trip_interruption_claim', claim: FiledClaim): Sentence {
  return said('claims.filedNotice', {
    reference: claimReference(kind, claim.id),
    payable: formatCents(claim.payableCents),
    asked: formatCents(claim.requestedCents),
  });
}

function submissionKey(claim: unknown, receipts: readonly File[]): string {
  const text = JSON.stringify([claim, receipts.map((f) => [f.name, f.size, f.lastModified])]);
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return `claim-${(hash >>> 0).toString(36)}-${text.length}`;
}

function FormCard(props: {
  /** The form's own id, for a link straight to it ("ask for help online"). */
  anchor?: string | undefined;
  title: string;
  button: string;
  form: FormErrors;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const id = useId();
  const handle = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await props.onSubmit();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      id={props.anchor}
      className="form card"
      onSubmit={handle}
      aria-labelledby={`${id}-title`}
      ref={props.form.formRef}
      noValidate
    >
      <h3 id={`${id}-title`}>{props.title}</h3>
      <FormSummary form={props.form} />
      {props.children}
      <button type="submit" className="button" disabled={busy}>
        {busy ? t('claims.sending') : props.button}
      </button>
    </form>
  );
}

function Field(props: {
  /** The input's id, when something else must find it (the new day's date takes focus). */
  id?: string;
  name: string;
  label: string;
  form: FormErrors;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  short?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'tel';
}) {
  const ownId = useId();
  const id = props.id ?? ownId;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        className={props.short ? 'input--short' : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        {...props.form.fieldProps(props.name, id)}
      />
      <FieldError id={id} message={props.form.errors[props.name]} />
    </div>
  );
}

function ReceiptField(props: {
  form: FormErrors;
  label: string;
  /** What happens to the receipts: filed with the claim (by default), or added to one already filed. */
  hint?: string;
  onChange: (files: File[]) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <p className="hint" id={`${id}-hint`}>
        {props.hint ?? t('claims.receiptHint')}
      </p>
      <input
        id={id}
        name="receipts"
        type="file"
        multiple
        accept={RECEIPT_ACCEPT}
        className="input--file"
        onChange={(e) => props.onChange([...(e.target.files ?? [])])}
        {...props.form.fieldProps('receipts', id)}
        aria-describedby={[`${id}-hint`, props.form.errors.receipts ? `${id}-error` : null]
          .filter(Boolean)
          .join(' ')}
      />
      <FieldError id={id} message={props.form.errors.receipts} />
    </div>
  );
}

function RoadsideForm({
  contractId,
  services,
  onDone,
  anchor,
}: {
  contractId: string;
  services: readonly string[];
  /** Told once the request is made, with the words that say so. */
  onDone: (notice: Sentence) => void;
  anchor?: string | undefined;
}) {
  const offered = services.filter((code): code is keyof typeof roadsideServices => code in roadsideServices);
  const [service, setService] = useState<keyof typeof roadsideServices>(offered[0] ?? 'tow');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const form = useFormErrors();
  const request = useApiMutation('post', '/roadside-requests');
  const id = useId();
  const sentences = {
    'location.address': said('claims.errors.address'),
    phone: said('claims.errors.phone'),
    service: said('claims.errors.service'),
  };
  return (
    <FormCard
      anchor={anchor}
      title={t('claims.roadsideTitle')}
      button={t('claims.roadsideButton')}
      form={form}
      onSubmit={async () => {
        const errors: Record<string, Sentence> = {};
        if (!address.trim()) errors['location.address'] = sentences['location.address'];
        if (phone.replace(/\D/g, '').length < 7) errors.phone = sentences.phone;
        if (Object.keys(errors).length > 0) return form.show(errors);
        try {
          await request.mutateAsync({ body: { contractId, service, location: { address }, phone } });
          form.clear();
          onDone(said('claims.requestedNotice', { service: t(`claims.service.${service}`) }));
        } catch (caught) {
          form.showProblem(caught, sentences);
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-service`}>{t('claims.service.label')}</label>
        <select
          id={`${id}-service`}
          value={service}
          onChange={(e) => setService(e.target.value as typeof service)}
        >
          {offered.map((code) => (
            <option key={code} value={code}>
              {t(`claims.service.${code}`)}
            </option>
          ))}
        </select>
      </div>
      <Field
        name="location.address"
        form={form}
        label={t('claims.where')}
        value={address}
        onChange={setAddress}
      />
      <Field
        name="phone"
        form={form}
        label={t('claims.phone')}
        value={phone}
        onChange={setPhone}
        type="tel"
        inputMode="tel"
      />
    </FormCard>
  );
}

/**
 * A failed filing shown beside the form's field it is about: the API names an expense by its place in
 * the claim's `expenses` (`expenses[3].date`), which `fieldFor` turns into the form's own field (the
 * day's date or amount); any other failure is said as showProblem says it.
 */
function showFilingProblem(
  form: FormErrors,
  caught: unknown,
  sentences: Readonly<Record<string, Sentence>>,
  fieldFor: (param: string) => string | null,
): void {
  const field = caught instanceof ApiError && caught.param ? fieldFor(caught.param) : null;
  const sentence = field ? sentences[field] : undefined;
  if (caught instanceof ApiError && caught.param && field && sentence)
    form.show({ [field]: { problem: caught, sentences: { [caught.param]: sentence } } });
  else form.showProblem(caught, sentences);
}

let nextDayKey = 1;

/** The days a form lists, each with its own inputs; adding one moves focus to its date. */
function useDays<Day extends { key: number }>(blank: () => Omit<Day, 'key'>, form: FormErrors) {
  const [days, setDays] = useState<Day[]>(() => [{ ...blank(), key: nextDayKey++ } as Day]);
  const [focusKey, setFocusKey] = useState<number | null>(null);
  const id = useId();
  const dateId = (key: number) => `${id}-day-${key}-date`;
  useLayoutEffect(() => {
    if (focusKey === null) return;
    document.getElementById(dateId(focusKey))?.focus();
    setFocusKey(null);
  });
  return {
    days,
    dateId,
    update: (key: number, change: Partial<Omit<Day, 'key'>>) =>
      setDays((current) => current.map((day) => (day.key === key ? { ...day, ...change } : day))),
    add: () => {
      const key = nextDayKey++;
      setDays((current) => [...current, { ...blank(), key } as Day]);
      setFocusKey(key);
    },
    remove: (key: number) => {
      // The errors name days by their place in the list: after a removal they would point at others.
      form.clear();
      const index = days.findIndex((day) => day.key === key);
      const rest = days.filter((day) => day.key !== key);
      setDays(rest);
      const neighbour = rest[Math.max(0, index - 1)];
      if (neighbour) setFocusKey(neighbour.key);
    },
  };
}

/** A day's inputs, under its own legend, with the button that takes it off the list. */
function DayFieldset(props: { index: number; count: number; onRemove: () => void; children: ReactNode }) {
  return (
    <fieldset className="card card--section">
      <legend>{t('claims.day', { n: props.index + 1 })}</legend>
      {props.children}
      {props.count > 1 ? (
        <button type="button" className="button button--secondary" onClick={props.onRemove}>
          {t('claims.removeDay', { n: props.index + 1 })}
        </button>
      ) : null}
    </fieldset>
  );
}

function AddDayButton({ onAdd, disabled }: { onAdd: () => void; disabled?: boolean }) {
  return (
    <p>
      <button type="button" className="button button--secondary" onClick={onAdd} disabled={disabled}>
        {t('claims.addDay')}
      </button>
    </p>
  );
}

interface RentalDay {
  key: number;
  date: string;
  kind: 'rental' | 'public_transport';
  amount: string;
}

function RentalForm({
  contractId,
  rule,
  repairs,
  filedFor,
  onDone,
}: {
  contractId: string;
  rule: RentalBenefit;
  repairs: RepairClaim[];
  /** The repair claims that have their rental claim already (one per repair visit). */
  filedFor: ReadonlySet<string>;
  /** Told once the claim is filed, with the words that say so. */
  onDone: (notice: Sentence) => void;
}) {
  const authorized = repairs.filter(
    (r) => (r.status === 'authorized' || r.status === 'paid') && !filedFor.has(r.id),
  );
  const [repairClaimId, setRepairClaimId] = useState(authorized[0]?.id ?? '');
  const [receipts, setReceipts] = useState<File[]>([]);
  const form = useFormErrors();
  const days = useDays<RentalDay>(() => ({ date: '', kind: 'rental', amount: '' }), form);
  const id = useId();
  if (authorized.length === 0)
    return (
      <p className="muted">
        {filedFor.size > 0 ? t('claims.rentalAllFiled') : t('claims.rentalAfterRepair')}
      </p>
    );
  // One claim covers the repair visit: each day of it is one of the claim's expenses, in list order.
  const sentences: Record<string, Sentence> = {
    repairClaimId: said('claims.errors.repair'),
    expenses: said('claims.errors.rentalExpenses'),
    receipts: receiptSentence(),
  };
  days.days.forEach((_day, index) => {
    sentences[`expenses[${index}].date`] = said('claims.errors.rentalDate');
    sentences[`expenses[${index}].amountCents`] = said('claims.errors.amount');
  });
  return (
    <FormCard
      title={t('claims.rentalTitle')}
      button={t('claims.rentalButton')}
      form={form}
      onSubmit={async () => {
        const errors: Record<string, Sentence> = {};
        const expenses = days.days.map((day, index) => {
          const amountCents = dollarsToCents(day.amount);
          if (!day.date) errors[`expenses[${index}].date`] = said('claims.errors.rentalDate');
          if (amountCents === undefined || amountCents === null || amountCents === 0)
            errors[`expenses[${index}].amountCents`] = said('claims.errors.amount');
          return { date: day.date, kind: day.kind, amountCents: amountCents ?? 0 };
        });
        const receiptError = receiptProblem(receipts);
        if (receiptError) errors.receipts = receiptError;
        if (Object.keys(errors).length > 0) return form.show(errors);
        try {
          const filed = await fileWithReceipts('rental', contractId, { repairClaimId, expenses }, receipts);
          form.clear();
          onDone(filedNotice('rental_claim', filed));
        } catch (caught) {
          showFilingProblem(form, caught, sentences, (param) => (param in sentences ? param : null));
        }
      }}
    >
      <p className="hint">{t('claims.paidUpTo', { limits: rentalWords(rule) })}</p>
      <div className="field">
        <label htmlFor={`${id}-repair`}>{t('claims.repair')}</label>
        <select
          id={`${id}-repair`}
          value={repairClaimId}
          onChange={(e) => setRepairClaimId(e.target.value)}
          {...form.fieldProps('repairClaimId', `${id}-repair`)}
        >
          {authorized.map((r) => (
            <option key={r.id} value={r.id}>
              {t('claims.repairAt', { number: r.claimNumber, facility: r.facility.name })}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-repair`} message={form.errors.repairClaimId} />
      </div>
      {days.days.map((day, index) => (
        <DayFieldset
          key={day.key}
          index={index}
          count={days.days.length}
          onRemove={() => days.remove(day.key)}
        >
          <Field
            id={days.dateId(day.key)}
            name={`expenses[${index}].date`}
            form={form}
            label={t('claims.date')}
            type="date"
            value={day.date}
            onChange={(date) => days.update(day.key, { date })}
          />
          <div className="field">
            <label htmlFor={`${id}-${day.key}-kind`}>{t('claims.kind')}</label>
            <select
              id={`${id}-${day.key}-kind`}
              value={day.kind}
              onChange={(e) => days.update(day.key, { kind: e.target.value as RentalDay['kind'] })}
            >
              <option value="rental">{t('details.rental')}</option>
              <option value="public_transport">{t('claims.publicTransport')}</option>
            </select>
          </div>
          <Field
            name={`expenses[${index}].amountCents`}
            form={form}
            label={t('claims.amount')}
            value={day.amount}
            onChange={(amount) => days.update(day.key, { amount })}
            short
            inputMode="decimal"
          />
        </DayFieldset>
      ))}
      <AddDayButton onAdd={days.add} />
      <ReceiptField form={form} label={t('claims.receipts')} onChange={setReceipts} />
    </FormCard>
  );
}

interface TripDay {
  key: number;
  date: string;
  lodging: string;
  meals: string;
}

function TripForm({
  contractId,
  rule,
  onDone,
}: {
  contractId: string;
  rule: TripInterruptionBenefit;
  /** Told once the claim is filed, with the words that say so. */
  onDone: (notice: Sentence) => void;
}) {
  const [breakdownOn, setBreakdownOn] = useState('');
  const [miles, setMiles] = useState('');
  const [receipts, setReceipts] = useState<File[]>([]);
  const form = useFormErrors();
  const days = useDays<TripDay>(() => ({ date: '', lodging: '', meals: '' }), form);
  const sentences: Record<string, Sentence> = {
    breakdownOn: said('claims.errors.breakdownOn'),
    milesFromHome: said('claims.errors.milesFromHome'),
    expenses: said('claims.errors.tripExpenses'),
    receipts: receiptSentence(),
  };
  days.days.forEach((_day, index) => {
    sentences[`days[${index}].date`] = said('claims.errors.tripDate');
    sentences[`days[${index}].lodging`] = said('claims.errors.lodging');
    sentences[`days[${index}].meals`] = said('claims.errors.meals');
  });
  return (
    <FormCard
      title={t('claims.tripTitle')}
      button={t('claims.tripButton')}
      form={form}
      onSubmit={async () => {
        const milesFromHome = Number(miles);
        const errors: Record<string, Sentence> = {};
        if (!breakdownOn) errors.breakdownOn = sentences.breakdownOn!;
        if (miles.trim() === '' || !Number.isInteger(milesFromHome) || milesFromHome < 0)
          errors.milesFromHome = sentences.milesFromHome!;
        // Each day is one or two of the claim's expenses (lodging, meals); `fields` says which day's
        // input each expense came from, to put the API's word on an expense beside it.
        const expenses: { date: string; category: 'lodging' | 'meals'; amountCents: number }[] = [];
        const fields: { date: string; amountCents: string }[] = [];
        days.days.forEach((day, index) => {
          const lodgingCents = dollarsToCents(day.lodging);
          const mealsCents = dollarsToCents(day.meals);
          if (!day.date) errors[`days[${index}].date`] = said('claims.errors.tripDate');
          if (lodgingCents === null) errors[`days[${index}].lodging`] = said('claims.errors.lodging');
          if (mealsCents === null) errors[`days[${index}].meals`] = said('claims.errors.meals');
          if (!lodgingCents && !mealsCents && lodgingCents !== null && mealsCents !== null)
            errors[`days[${index}].lodging`] = sentences.expenses!;
          for (const [category, amountCents] of [
            ['lodging', lodgingCents],
            ['meals', mealsCents],
          ] as const) {
            if (!amountCents) continue;
            expenses.push({ date: day.date, category, amountCents });
            fields.push({ date: `days[${index}].date`, amountCents: `days[${index}].${category}` });
          }
        });
        const receiptError = receiptProblem(receipts);
        if (receiptError) errors.receipts = receiptError;
        // Trip interruption is paid against receipts: a claim without one could only be denied.
        else if (receipts.length === 0) errors.receipts = said('claims.errors.tripReceiptsRequired');
        if (Object.keys(errors).length > 0) return form.show(errors);
        try {
          const filed = await fileWithReceipts(
            'trip',
            contractId,
            { breakdownOn, milesFromHome, expenses },
            receipts,
          );
          form.clear();
          onDone(filedNotice('trip_interruption_claim', filed));
        } catch (caught) {
          showFilingProblem(form, caught, sentences, (param) => {
            const expense = /^expenses\[(\d+)\]\.(date|amountCents)$/.exec(param);
            if (!expense) return param in sentences ? param : null;
            const field = fields[Number(expense[1])];
            return field ? field[expense[2] as 'date' | 'amountCents'] : null;
          });
        }
      }}
    >
      <p className="hint">{t('claims.paidUpTo', { limits: tripInterruptionWords(rule) })}</p>
      <Field
        name="breakdownOn"
        form={form}
        label={t('claims.breakdownDate')}
        type="date"
        value={breakdownOn}
        onChange={setBreakdownOn}
      />
      <Field
        name="milesFromHome"
        form={form}
        label={t('claims.milesFromHome')}
        value={miles}
        onChange={setMiles}
        short
        inputMode="numeric"
      />
      {days.days.map((day, index) => (
        <DayFieldset
          key={day.key}
          index={index}
          count={days.days.length}
          onRemove={() => days.remove(day.key)}
        >
          <Field
            id={days.dateId(day.key)}
            name={`days[${index}].date`}
            form={form}
            label={t('claims.date')}
            type="date"
            value={day.date}
            onChange={(date) => days.update(day.key, { date })}
          />
          <Field
            name={`days[${index}].lodging`}
            form={form}
            label={t('claims.lodging')}
            value={day.lodging}
            onChange={(lodging) => days.update(day.key, { lodging })}
            short
            inputMode="decimal"
          />
          <Field
            name={`days[${index}].meals`}
            form={form}
            label={t('claims.meals')}
            value={day.meals}
            onChange={(meals) => days.update(day.key, { meals })}
            short
            inputMode="decimal"
          />
        </DayFieldset>
      ))}
      {/* Days after the covered ones pay nothing: the list stops at the plan's number of days. */}
      <AddDayButton onAdd={days.add} disabled={days.days.length >= rule.maxDays} />
      <ReceiptField form={form} label={t('claims.receipts')} onChange={setReceipts} />
    </FormCard>
  );
}

const benefitStatuses = new Set(['submitted', 'approved', 'paid', 'denied']);

/**
 * Receipts for a trip claim that waits for them: each file sent to the claim, then the list read again.
 * A claim decided meanwhile (by claims staff, while the page was open) takes no receipt: its refusal is
 * handed to the claim's line, which keeps saying it once the list, read again, shows the new status.
 */
function SendReceipts({
  claimId,
  onSent,
  onDecided,
}: {
  claimId: string;
  /** Told once the receipts are with the claim (with the words that say so), or it was decided meanwhile. */
  onSent: (notice: Sentence | null) => void;
  onDecided: (refusal: ApiError) => void;
}) {
  const form = useFormErrors();
  const [receipts, setReceipts] = useState<File[]>([]);
  const reference = claimReference('trip_interruption_claim', claimId);
  return (
    <FormCard
      // Each waiting claim has this form: its name says which claim, so no two forms are named alike.
      title={t('claims.sendReceiptsTitle', { reference })}
      button={t('claims.sendReceiptsButton')}
      form={form}
      onSubmit={async () => {
        const problem =
          receiptProblem(receipts) ??
          (receipts.length === 0 ? said('claims.errors.tripReceiptsRequired') : null);
        if (problem) return form.show({ receipts: problem });
        try {
          for (const file of receipts) {
            const body = new FormData();
            body.append('file', file);
            await apiClient.POST('/trip-interruption-claims/{id}/receipts', {
              params: { path: { id: claimId } },
              // The API document does not describe the multipart body, so the form is sent as it is.
              body: body as never,
              bodySerializer: (sent: unknown) => sent,
            });
          }
          form.clear();
          onSent(said('claims.receiptsAddedNotice', { reference }));
        } catch (caught) {
          if (caught instanceof ApiError && caught.code === 'benefit_claim_decided') {
            onDecided(caught);
            onSent(null);
            return;
          }
          form.showProblem(caught, { receipts: receiptSentence() });
        }
      }}
    >
      <ReceiptField
        form={form}
        label={t('claims.receipts')}
        hint={t('claims.receiptHintAdd')}
        onChange={setReceipts}
      />
    </FormCard>
  );
}

/**
 * A refusal said on a claim's line, taking focus as it appears (the form it came from is gone). It is
 * kept as the failed request and said at each render, in the page's language of the moment.
 */
function ClaimRefusal({ refusal }: { refusal: ApiError }) {
  const ref = useRef<HTMLParagraphElement | null>(null);
  useFocusWhen(ref, refusal);
  return (
    <p ref={ref} className="notice notice--error" role="alert" tabIndex={-1}>
      {holderProblem(refusal).sentence}
    </p>
  );
}

function BenefitList({
  title,
  kind,
  claims,
  onChanged,
}: {
  title: string;
  kind: 'rental_claim' | 'trip_interruption_claim';
  claims: BenefitClaim[];
  onChanged: (notice: Sentence | null) => void;
}) {
  // Refusals of receipts sent to a claim decided meanwhile, by claim id.
  const [refusals, setRefusals] = useState<Readonly<Record<string, ApiError>>>({});
  if (claims.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="link-list">
        {claims.map((claim) => (
          <li key={claim.id}>
            <strong>
              {claimReference('breakdownOn' in claim ? 'trip_interruption_claim' : 'rental_claim', claim.id)}
            </strong>{' '}
            · {t(`claims.benefitStatus.${benefitStatuses.has(claim.status) ? claim.status : 'received'}`)} ·{' '}
            {claim.status === 'denied'
              ? t('claims.filedNotPaid', {
                  at: formatInstant(claim.createdAt),
                  asked: formatCents(claim.requestedCents),
                })
              : t('claims.filed', {
                  at: formatInstant(claim.createdAt),
                  payable: formatCents(claim.payableCents),
                  asked: formatCents(claim.requestedCents),
                })}
            {claim.status === 'denied' && claim.decision?.reasonCode ? (
              <p>
                {t('claims.deniedBecause', {
                  why: t(`claims.benefitDenial.${claim.decision.reasonCode}`, {
                    defaultValue: claim.decision.reasonCode,
                  }),
                })}
                {claim.decision.reason ? ` ${claim.decision.reason}` : ''}
              </p>
            ) : null}
            {refusals[claim.id] ? <ClaimRefusal refusal={refusals[claim.id]!} /> : null}
            {/* Only a claim waiting for a decision takes receipts: a decided one is not offered the form. */}
            {claim.status === 'submitted' && 'breakdownOn' in claim && claim.receipts.length === 0 ? (
              <>
                <p>{t('claims.receiptsNeeded')}</p>
                <SendReceipts
                  claimId={claim.id}
                  onSent={onChanged}
                  onDecided={(refusal) => setRefusals((shown) => ({ ...shown, [claim.id]: refusal }))}
                />
              </>
            ) : null}
            <ul>
              {claim.lines.map((line) => (
                <li key={line.label}>{benefitLineText(line)}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A GAP addendum's claims, each a link to its own page, or the way to start one. */
function GapContractClaims({ contract }: { contract: Contract }) {
  const claims = useApiQuery('/gap-claims', { params: { query: { limit: 20 } } });
  const title = `${planNameWords(contract)} · ${contract.contractNumber}`;
  const mine = claims.data?.data.filter((c) => c.contractNumber === contract.contractNumber) ?? [];
  return (
    <section className="card card--wide" aria-label={title}>
      <h2>{title}</h2>
      <h3>{t('claims.gapClaims')}</h3>
      {claims.isPending ? <LoadingNotice /> : null}
      {claims.isError ? (
        <p className="notice notice--error">{errorMessage(claims.error, t('common.loadFailed'))}</p>
      ) : null}
      {claims.isSuccess && mine.length === 0 ? (
        <p>
          {t('claims.noGapClaim')} <Link href="/gap-claims">{t('claims.startGapClaim')}</Link>.
        </p>
      ) : null}
      <ul className="link-list">
        {mine.map((claim) => (
          <li key={claim.id}>
            <Link href={`/gap-claims/${encodeURIComponent(claim.id)}`}>{claim.claimNumber}</Link> ·{' '}
            {gapStatusWords(claim)} · {t('claims.lossOn', { date: formatCalendarDate(claim.dateOfLoss) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ContractClaims({ contractId, roadsideAnchor }: { contractId: string; roadsideAnchor: boolean }) {
  // A filed claim or request refetches the lists and starts its form afresh.
  const [version, setVersion] = useState(0);
  // What the last filing did, said where the form was and focused (the form it came from starts afresh).
  const [notice, setNotice] = useState<{ sentence: Sentence } | null>(null);
  const noticeRef = useRef<HTMLParagraphElement | null>(null);
  useFocusWhen(noticeRef, notice);
  const refetch = useRefetch();
  const reload = (words: Sentence | null = null) => {
    setVersion((v) => v + 1);
    setNotice(words === null ? null : { sentence: words });
    void refetch(['/contracts/{id}/claims']);
  };
  const contractQuery = useQuery(contractQueryOptions(contractId));
  const isVsc = contractQuery.data?.product === 'vsc';
  const overview = useApiQuery(
    '/contracts/{id}/claims',
    { params: { path: { id: contractId } } },
    { enabled: isVsc },
  );
  const contract = contractQuery.data;
  if (contractQuery.isError)
    return (
      <p className="notice notice--error">{errorMessage(contractQuery.error, t('common.loadFailed'))}</p>
    );
  if (!contract) return <LoadingNotice />;
  if (contract.product === 'gap') return <GapContractClaims contract={contract} />;
  if (overview.isError)
    return <p className="notice notice--error">{errorMessage(overview.error, t('common.loadFailed'))}</p>;
  if (!overview.data) return <LoadingNotice />;
  const value = overview.data;
  const { benefits, inForce } = contract.coverage;
  const title = `${planNameWords(contract)} · ${contract.contractNumber}`;
  const notIncluded = [
    benefits.roadside ? null : t('claims.notIncluded.roadside'),
    benefits.rental ? null : t('claims.notIncluded.rental'),
    benefits.tripInterruption ? null : t('claims.notIncluded.trip'),
  ].filter(Boolean);
  return (
    <section className="card card--wide" aria-label={title}>
      <h2>{title}</h2>
      <h3>{t('claims.repairClaims')}</h3>
      {value.repairClaims.length === 0 ? <p>{t('claims.noRepairClaims')}</p> : null}
      <ul className="link-list">
        {value.repairClaims.map((claim) => (
          <li key={claim.id}>
            <strong>{claim.claimNumber}</strong> {t('claims.atFacility', { facility: claim.facility.name })}:{' '}
            {t(`claims.repairStatus.${claim.status}`, { defaultValue: claimStatusLabels[claim.status] })}
            {/* A denied repair says denied: its authorization (of nothing) has no amount to tell. */}
            {claim.authorization && (claim.status === 'authorized' || claim.status === 'paid')
              ? ` · ${t('claims.authorized', {
                  authorized: formatCents(claim.authorization.authorizedCents),
                  owes: formatCents(claim.authorization.holderOwesCents),
                })}`
              : ''}
          </li>
        ))}
      </ul>
      <BenefitList
        title={t('claims.rentalClaims')}
        kind="rental_claim"
        claims={value.rentalClaims}
        onChanged={reload}
      />
      <BenefitList
        title={t('claims.tripClaims')}
        kind="trip_interruption_claim"
        claims={value.tripInterruptionClaims}
        onChanged={reload}
      />
      <h3>{t('claims.roadsideRequests')}</h3>
      {value.roadsideRequests.length === 0 ? <p>{t('claims.noRoadsideRequests')}</p> : null}
      <ul className="link-list">
        {value.roadsideRequests.map((request) => (
          <li key={request.id}>
            {request.service in roadsideServices ? t(`claims.service.${request.service}`) : request.service}
            {request.location.address
              ? ` ${t('claims.atAddress', { address: request.location.address })}`
              : ''}
            : <strong>{roadsideStatusWords(request.status)}</strong>
            {request.towing?.lines[0] ? ` · ${benefitLineText(request.towing.lines[0])}` : ''}
          </li>
        ))}
      </ul>
      {notice ? (
        <p className="notice notice--success" role="status" tabIndex={-1} ref={noticeRef}>
          {say(notice.sentence)}
        </p>
      ) : null}
      {inForce ? (
        <>
          {notIncluded.length > 0 ? (
            <p className="muted">{t('claims.notIncludedList', { list: notIncluded.join(', ') })}</p>
          ) : null}
          <div className="section-grid">
            {benefits.roadside ? (
              <RoadsideForm
                key={`roadside-${version}`}
                contractId={contractId}
                services={benefits.roadside.services}
                onDone={reload}
                anchor={roadsideAnchor ? 'roadside' : undefined}
              />
            ) : null}
            {benefits.rental ? (
              <RentalForm
                key={`rental-${version}`}
                contractId={contractId}
                rule={benefits.rental}
                repairs={value.repairClaims}
                filedFor={new Set(value.rentalClaims.map((claim) => claim.repairClaimId))}
                onDone={reload}
              />
            ) : null}
            {benefits.tripInterruption ? (
              <TripForm
                key={`trip-${version}`}
                contractId={contractId}
                rule={benefits.tripInterruption}
                onDone={reload}
              />
            ) : null}
          </div>
        </>
      ) : (
        <p className="muted">{t('claims.notInForce')}</p>
      )}
    </section>
  );
}

export function HolderClaimsPage() {
  const { session } = useSession();
  // "Ask for help online" leads to the roadside form of the first contract that offers help now.
  const roadsideContracts = useRoadsideContracts();
  if (session.status === 'loading') return <LoadingNotice />;
  if (session.status !== 'holder_signed_in')
    return <Redirect to="/my/sign-in" state={{ next: '/my/claims' }} />;
  return (
    <>
      <PageHeading title={t('claims.title')}>{t('claims.title')}</PageHeading>
      <RoadsideAtHand requestHref="#roadside" />
      <p className="lead">
        {t('claims.lead')} <Link href="/my">{t('claims.back')}</Link>
      </p>
      {session.holder.contractIds.map((contractId) => (
        <ContractClaims
          key={contractId}
          contractId={contractId}
          roadsideAnchor={contractId === roadsideContracts?.[0]}
        />
      ))}
    </>
  );
}
