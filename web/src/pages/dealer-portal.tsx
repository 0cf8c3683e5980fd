import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { type ApiBody, ApiError, type ApiResponse, type ApiSchema, apiClient } from '../api.js';
import type { StaffUser } from '../auth.js';
import { contractStatusInSentence, contractStatusLabel } from '../contract-words.js';
import { FieldError, type FieldErrors, type FormErrors, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, maskVin } from '../format.js';
import type { FieldSentences } from '../holder-messages.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiMutation } from '../queries.js';
import { SignInAlerts } from '../sign-in-alerts.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The statement (with its Chart.js chart) loads on demand.
const DealerStatementView = lazy(() => import('../dealer-statement-view.js'));

// The dealer portal: a dealer's F&I person rates a vehicle (with the loan, for GAP), books the chosen
// offer for the customer (with the lender, whose payoff and repossession events find the contract by
// its lienholder name), downloads the contract form to sign, and lists the dealer's contracts newest
// sale first, voiding one whose deal unwound while the void window is open (the server decides).

type RateAnswer = ApiResponse<'post', '/rates'>;
type Offer = RateAnswer['offers'][number];
type RateBody = ApiBody<'post', '/rates'>;
type RateVehicle = RateBody['vehicle'];
type BookingBody = ApiBody<'post', '/econtracts'>;
type Contract = ApiSchema<'Contract'>;

/** What a booking or a void changes: the dealer's contracts and statement. */
const dealerLists = ['/dealers/{id}/contracts', '/dealers/{id}/statement'] as const;

/** Contracts read at a time; "Show more" reads the next ones. */
const CONTRACTS_PAGE_SIZE = 20;

/**
 * What showProblem says next to the field an API refusal names (by its `param`): the API's own
 * sentence, written for the person at the desk (the VIN's check digit, the ZIP's shape, the dealer
 * cost). The house default, one sentence per field for any malformed value, is worded for holders;
 * these forms check blanks and number shapes themselves before sending.
 */
function apiSentences(caught: unknown, params: readonly string[]): FieldSentences {
  const detail = caught instanceof ApiError ? caught.detail : '';
  return Object.fromEntries(params.map((param) => [param, detail]));
}

function offerName(offer: Offer): string {
  const term = offer.termMiles
    ? `${offer.termMonths} months/${offer.termMiles.toLocaleString('en-US')} miles`
    : `${offer.termMonths}-month loan`;
  const deductible = offer.product === 'vsc' ? `, ${formatCents(offer.deductibleCents)} deductible` : '';
  return `${offer.planCode.replaceAll('_', ' ')}, ${term}${deductible}`;
}

function todayInBrowser(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A whole number as typed ('12000'), or null. */
function wholeNumberOf(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : null;
}

/** Dollars as typed ('25,000', '$1,795.50') in cents, or null when it is not an amount. */
function centsOf(text: string): number | null {
  const cleaned = text.trim().replace(/^\$/, '').replaceAll(',', '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

const TWO_LETTERS = /^[A-Za-z]{2}$/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A text input whose errors are kept under `param`, the API's name for what it holds. */
function Field(props: {
  form: FormErrors;
  label: string;
  param: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'tel';
  autoComplete?: string;
  optional?: boolean;
  hint?: string;
}) {
  const id = useId();
  const errorProps = props.form.fieldProps(props.param, id);
  const describedBy =
    [props.hint ? `${id}-hint` : null, errorProps['aria-describedby'] ?? null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={props.param}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        value={props.value}
        required={!props.optional}
        aria-invalid={errorProps['aria-invalid']}
        aria-describedby={describedBy}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <FieldError id={id} message={props.form.errors[props.param]} />
    </div>
  );
}

/** Every field of the rate form by the API's name for it: a refusal naming one is said next to it. */
const RATE_PARAMS = [
  'vin',
  'vehicle.year',
  'vehicle.make',
  'vehicle.model',
  'odometer',
  'saleDate',
  'purchaseState',
  'loan.amountFinancedCents',
  'loan.msrpCents',
  'loan.termMonths',
] as const;

type RateFields = {
  vin: string;
  year: string;
  make: string;
  model: string;
  odometer: string;
  saleDate: string;
  purchaseState: string;
  driveType: string;
  fuel: string;
  amountFinanced: string;
  msrp: string;
  loanTermMonths: string;
};

/** The rate request of the form, or what to fix first (by the API's field names). */
function rateRequestOf(
  fields: RateFields,
  flags: { turbo: boolean; commercialUse: boolean },
): { body: RateBody } | { errors: FieldErrors } {
  const errors: Record<string, string> = {};
  const year = wholeNumberOf(fields.year);
  const odometer = wholeNumberOf(fields.odometer);
  if (!fields.vin.trim()) errors.vin = 'Enter the VIN.';
  if (year === null) errors['vehicle.year'] = 'Enter the model year, e.g. 2024.';
  if (!fields.make.trim()) errors['vehicle.make'] = 'Enter the make.';
  if (!fields.model.trim()) errors['vehicle.model'] = 'Enter the model.';
  if (odometer === null) errors.odometer = 'Enter the odometer reading in whole miles.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fields.saleDate)) errors.saleDate = 'Enter the sale date.';
  if (!TWO_LETTERS.test(fields.purchaseState.trim()))
    errors.purchaseState = 'Enter the state of sale as two letters, e.g. MO.';
  // The loan is optional, but GAP is rated from all three figures: some without the others is a slip.
  const loanGiven = [fields.amountFinanced, fields.msrp, fields.loanTermMonths].some((v) => v.trim());
  const amountFinancedCents = centsOf(fields.amountFinanced);
  const msrpCents = centsOf(fields.msrp);
  const termMonths = wholeNumberOf(fields.loanTermMonths);
  if (loanGiven) {
    const orNone = 'or leave the three loan fields empty';
    if (amountFinancedCents === null)
      errors['loan.amountFinancedCents'] = `Enter the amount financed in dollars, ${orNone}.`;
    if (msrpCents === null) errors['loan.msrpCents'] = `Enter the vehicle's value in dollars, ${orNone}.`;
    if (termMonths === null || termMonths < 1)
      errors['loan.termMonths'] = `Enter the loan term in months, ${orNone}.`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      vin: fields.vin.trim(),
      odometer: odometer!,
      saleDate: fields.saleDate,
      purchaseState: fields.purchaseState.trim().toUpperCase(),
      vehicle: {
        year: year!,
        make: fields.make.trim(),
        model: fields.model.trim(),
        // The selects offer only the API's values.
        driveType: fields.driveType as RateVehicle['driveType'],
        fuel: fields.fuel as RateVehicle['fuel'],
        turbo: flags.turbo,
        commercialUse: flags.commercialUse,
      },
      ...(loanGiven
        ? {
            loan: {
              amountFinancedCents: amountFinancedCents!,
              msrpCents: msrpCents!,
              termMonths: termMonths!,
            },
          }
        : {}),
    },
  };
}

function RateForm({ onRated }: { onRated: (answer: RateAnswer) => void }) {
  const [fields, setFields] = useState<RateFields>({
    vin: '',
    year: '',
    make: '',
    model: '',
    odometer: '',
    saleDate: todayInBrowser(),
    purchaseState: '',
    driveType: '2wd',
    fuel: 'gas',
    amountFinanced: '',
    msrp: '',
    loanTermMonths: '',
  });
  const [turbo, setTurbo] = useState(false);
  const [commercialUse, setCommercialUse] = useState(false);
  const form = useFormErrors();
  const rate = useApiMutation('post', '/rates');
  const busy = rate.isPending;
  const set = (key: keyof RateFields) => (value: string) => setFields((v) => ({ ...v, [key]: value }));
  const driveId = useId();
  const fuelId = useId();
  const turboId = useId();
  const commercialId = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const request = rateRequestOf(fields, { turbo, commercialUse });
    if ('errors' in request) return form.show(request.errors);
    form.clear();
    try {
      onRated(await rate.mutateAsync({ body: request.body }));
    } catch (caught) {
      form.showProblem(caught, apiSentences(caught, RATE_PARAMS));
    }
  };

  return (
    <form
      className="form form--wide"
      onSubmit={submit}
      aria-label="Rate a vehicle"
      ref={form.formRef}
      noValidate
    >
      <FormSummary form={form} />
      <Field form={form} label="VIN" param="vin" value={fields.vin} onChange={set('vin')} />
      <Field
        form={form}
        label="Model year"
        param="vehicle.year"
        inputMode="numeric"
        value={fields.year}
        onChange={set('year')}
      />
      <Field form={form} label="Make" param="vehicle.make" value={fields.make} onChange={set('make')} />
      <Field form={form} label="Model" param="vehicle.model" value={fields.model} onChange={set('model')} />
      <Field
        form={form}
        label="Odometer (miles)"
        param="odometer"
        inputMode="numeric"
        value={fields.odometer}
        onChange={set('odometer')}
      />
      <Field
        form={form}
        label="Sale date"
        param="saleDate"
        type="date"
        value={fields.saleDate}
        onChange={set('saleDate')}
      />
      <Field
        form={form}
        label="State of sale"
        param="purchaseState"
        value={fields.purchaseState}
        onChange={set('purchaseState')}
        hint="Two letters, e.g. MO"
      />
      <div className="field">
        <label htmlFor={driveId}>Drive</label>
        <select id={driveId} value={fields.driveType} onChange={(e) => set('driveType')(e.target.value)}>
          <option value="2wd">2WD</option>
          <option value="4wd">4WD</option>
          <option value="awd">AWD</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={fuelId}>Fuel</label>
        <select id={fuelId} value={fields.fuel} onChange={(e) => set('fuel')(e.target.value)}>
          <option value="gas">Gas</option>
          <option value="diesel">Diesel</option>
          <option value="hybrid">Hybrid</option>
          <option value="electric">Electric</option>
        </select>
      </div>
      <div className="field field--checkbox">
        <input id={turboId} type="checkbox" checked={turbo} onChange={(e) => setTurbo(e.target.checked)} />
        <label htmlFor={turboId}>Turbo or supercharged</label>
      </div>
      <div className="field field--checkbox">
        <input
          id={commercialId}
          type="checkbox"
          checked={commercialUse}
          onChange={(e) => setCommercialUse(e.target.checked)}
        />
        <label htmlFor={commercialId}>Commercial use</label>
      </div>
      <fieldset>
        <legend>Loan (for GAP)</legend>
        <p className="hint">
          GAP is offered for the loan's term when all three are given; leave them empty otherwise.
        </p>
        <Field
          form={form}
          label="Amount financed (dollars)"
          param="loan.amountFinancedCents"
          inputMode="decimal"
          optional
          value={fields.amountFinanced}
          onChange={set('amountFinanced')}
        />
        <Field
          form={form}
          label="Vehicle value, MSRP or retail book (dollars)"
          param="loan.msrpCents"
          inputMode="decimal"
          optional
          value={fields.msrp}
          onChange={set('msrp')}
        />
        <Field
          form={form}
          label="Loan term (months)"
          param="loan.termMonths"
          inputMode="numeric"
          optional
          value={fields.loanTermMonths}
          onChange={set('loanTermMonths')}
        />
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Rating…' : 'Get rates'}
      </button>
    </form>
  );
}

/** Every field of the booking form by the API's name for it. */
const BOOKING_PARAMS = [
  'holder.firstName',
  'holder.lastName',
  'holder.email',
  'holder.phone',
  'holder.address.line1',
  'holder.address.city',
  'holder.address.state',
  'holder.address.zip',
  'lienholder.name',
  'retailPriceCents',
] as const;

type BookingFields = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  line1: string;
  city: string;
  state: string;
  zip: string;
  lienholder: string;
  retail: string;
};

/** The booking of the form, or what to fix first (by the API's field names). */
function bookingOf(offer: Offer, fields: BookingFields): { body: BookingBody } | { errors: FieldErrors } {
  const errors: Record<string, string> = {};
  const retailPriceCents = centsOf(fields.retail);
  const email = fields.email.trim();
  const phone = fields.phone.trim();
  const lienholder = fields.lienholder.trim();
  if (!fields.firstName.trim()) errors['holder.firstName'] = "Enter the customer's first name.";
  if (!fields.lastName.trim()) errors['holder.lastName'] = "Enter the customer's last name.";
  // GAP covers a loan: its benefit is paid to the lender, so the lender must be named.
  if (offer.product === 'gap' && !lienholder)
    errors['lienholder.name'] = 'Enter the lender of the loan: a GAP addendum pays its benefit to them.';
  if (email && !EMAIL_SHAPE.test(email))
    errors['holder.email'] = 'Enter an email address like name@example.com, or leave it empty.';
  if (!fields.line1.trim()) errors['holder.address.line1'] = 'Enter the street address.';
  if (!fields.city.trim()) errors['holder.address.city'] = 'Enter the city.';
  if (!TWO_LETTERS.test(fields.state.trim()))
    errors['holder.address.state'] = 'Enter the state as two letters, e.g. MO.';
  if (!fields.zip.trim()) errors['holder.address.zip'] = 'Enter the ZIP code.';
  if (retailPriceCents === null) errors.retailPriceCents = 'Enter the retail price in dollars.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      rateId: offer.rateId,
      retailPriceCents: retailPriceCents!,
      holder: {
        firstName: fields.firstName.trim(),
        lastName: fields.lastName.trim(),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        address: {
          line1: fields.line1.trim(),
          city: fields.city.trim(),
          state: fields.state.trim().toUpperCase(),
          zip: fields.zip.trim(),
        },
      },
      ...(lienholder ? { lienholder: { name: lienholder } } : {}),
    },
  };
}

function BookForm({ offer, onBooked }: { offer: Offer; onBooked: (contract: Contract) => void }) {
  const [fields, setFields] = useState<BookingFields>({
    firstName: '',
    lastName: '',
    email: '',
    phone: '',
    line1: '',
    city: '',
    state: '',
    zip: '',
    lienholder: '',
    retail: String(offer.dealerCostCents / 100),
  });
  const form = useFormErrors();
  const book = useApiMutation('post', '/econtracts', { invalidates: dealerLists });
  // Still busy once booked: the booked contract replaces this form.
  const busy = book.isPending || book.isSuccess;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const set = (key: keyof BookingFields) => (value: string) => setFields((h) => ({ ...h, [key]: value }));
  // One key per attempt at this offer: a retried click replays instead of booking twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const booking = bookingOf(offer, fields);
    if ('errors' in booking) return form.show(booking.errors);
    form.clear();
    try {
      onBooked(
        await book.mutateAsync({
          params: { header: { 'idempotency-key': idempotencyKey } },
          body: booking.body,
        }),
      );
    } catch (caught) {
      form.showProblem(caught, apiSentences(caught, BOOKING_PARAMS));
    }
  };

  return (
    <section className="card card--wide" aria-labelledby="book-heading">
      <h2 id="book-heading" ref={headingRef} tabIndex={-1}>
        Book {offerName(offer)}
      </h2>
      <p>
        Dealer cost {formatCents(offer.dealerCostCents)}; the retail price may be up to{' '}
        {formatCents(offer.maxRetailCents)}.
      </p>
      <form
        className="form form--wide"
        onSubmit={submit}
        aria-label="Book the offer"
        ref={form.formRef}
        noValidate
      >
        <FormSummary form={form} />
        <Field
          form={form}
          label="Customer first name"
          param="holder.firstName"
          autoComplete="given-name"
          value={fields.firstName}
          onChange={set('firstName')}
        />
        <Field
          form={form}
          label="Customer last name"
          param="holder.lastName"
          autoComplete="family-name"
          value={fields.lastName}
          onChange={set('lastName')}
        />
        <Field
          form={form}
          label="Customer email (optional)"
          param="holder.email"
          type="email"
          inputMode="email"
          autoComplete="email"
          optional
          value={fields.email}
          onChange={set('email')}
        />
        <Field
          form={form}
          label="Customer phone (optional)"
          param="holder.phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          optional
          value={fields.phone}
          onChange={set('phone')}
        />
        <Field
          form={form}
          label="Street address"
          param="holder.address.line1"
          autoComplete="address-line1"
          value={fields.line1}
          onChange={set('line1')}
        />
        <Field
          form={form}
          label="City"
          param="holder.address.city"
          autoComplete="address-level2"
          value={fields.city}
          onChange={set('city')}
        />
        <Field
          form={form}
          label="State"
          param="holder.address.state"
          autoComplete="address-level1"
          value={fields.state}
          onChange={set('state')}
          hint="Two letters"
        />
        <Field
          form={form}
          label="ZIP code"
          param="holder.address.zip"
          autoComplete="postal-code"
          value={fields.zip}
          onChange={set('zip')}
        />
        <Field
          form={form}
          label={offer.product === 'gap' ? 'Lienholder' : 'Lienholder (optional)'}
          param="lienholder.name"
          optional={offer.product !== 'gap'}
          value={fields.lienholder}
          onChange={set('lienholder')}
          hint="The lender financing the vehicle, named as on the loan: its payoff or repossession notices find the contract by this name."
        />
        <Field
          form={form}
          label="Retail price (dollars)"
          param="retailPriceCents"
          inputMode="decimal"
          value={fields.retail}
          onChange={set('retail')}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Booking…' : 'Book contract'}
        </button>
      </form>
    </section>
  );
}

/**
 * The void form of one contract: a reason, then the server's word (the void window, a claim), focused
 * where the form is. `label` names the form as a landmark; the list's forms, one a row, go unnamed.
 */
function VoidForm({
  contract,
  label,
  onVoided,
}: {
  contract: Contract;
  label?: string;
  onVoided: (contract: Contract) => void;
}) {
  const [reason, setReason] = useState('');
  const form = useFormErrors();
  const voiding = useApiMutation('post', '/contracts/{id}/void', { invalidates: dealerLists });
  const busy = voiding.isPending;
  const reasonId = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!reason.trim()) return form.show({ reason: 'Write why the contract is voided.' });
    form.clear();
    try {
      onVoided(
        await voiding.mutateAsync({ params: { path: { id: contract.id } }, body: { reason: reason.trim() } }),
      );
    } catch (caught) {
      form.showProblem(caught, apiSentences(caught, ['reason']));
    }
  };

  const reasonInput = (
    <input
      id={reasonId}
      required
      value={reason}
      onChange={(e) => setReason(e.target.value)}
      {...form.fieldProps('reason', reasonId)}
    />
  );
  const reasonLabel = (
    <label htmlFor={reasonId}>
      Reason for the void
      <span className="visually-hidden"> of contract {contract.contractNumber}</span>
    </label>
  );

  // In a row of the list: the reason and the button on one line, wide enough to read a refusal.
  if (label === undefined)
    return (
      <form onSubmit={submit} ref={form.formRef} noValidate style={{ minWidth: '18rem' }}>
        <FormSummary form={form} />
        {reasonLabel}
        <div style={{ display: 'flex', gap: '0.5rem' }}>
          {reasonInput}
          <button type="submit" className="button button--secondary" disabled={busy}>
            {busy ? 'Voiding…' : 'Void'}
            <span className="visually-hidden"> contract {contract.contractNumber}</span>
          </button>
        </div>
        <FieldError id={reasonId} message={form.errors.reason} />
      </form>
    );
  return (
    <form className="form" onSubmit={submit} aria-label={label} ref={form.formRef} noValidate>
      <FormSummary form={form} />
      <div className="field">
        {reasonLabel}
        {reasonInput}
        <FieldError id={reasonId} message={form.errors.reason} />
      </div>
      <button type="submit" className="button button--secondary" disabled={busy}>
        {busy ? 'Voiding…' : 'Void contract'}
        <span className="visually-hidden"> {contract.contractNumber}</span>
      </button>
    </form>
  );
}

function BookedContract({
  contract,
  onVoided,
}: {
  contract: Contract;
  onVoided: (contract: Contract) => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Focus on the heading when the contract is booked, and again once it is voided here (the void
  // form that had focus is gone then); a void from the list leaves focus in the list.
  const voidedHere = useRef(false);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the status is what the focus follows.
  useEffect(() => {
    if (!voidedHere.current) return;
    voidedHere.current = false;
    headingRef.current?.focus();
  }, [contract.status]);

  return (
    <section className="card card--wide" aria-labelledby="booked-heading">
      <h2 id="booked-heading" ref={headingRef} tabIndex={-1}>
        Contract {contract.contractNumber} is {contractStatusInSentence(contract.status)}
      </h2>
      <p>
        {contract.planName} for {contract.holder.firstName} {contract.holder.lastName}, retail{' '}
        {formatCents(contract.priceCents)}
        {contract.lienholder ? `, financed by ${contract.lienholder.name}` : ''}.
      </p>
      <p>
        <a href={`/api/v1/contracts/${contract.id}/form`} target="_blank" rel="noreferrer">
          Download the contract form (PDF)
        </a>
      </p>
      {contract.status === 'active' ? (
        <VoidForm
          contract={contract}
          label="Void the contract"
          onVoided={(voided) => {
            voidedHere.current = true;
            onVoided(voided);
          }}
        />
      ) : null}
    </section>
  );
}

function Offers({ answer, onChoose }: { answer: RateAnswer; onChoose: (offer: Offer) => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    // A plain box: the table's scrolling region already carries the heading's name as a landmark.
    <div className="card card--wide">
      <h2 id="offers-heading" ref={headingRef} tabIndex={-1}>
        {answer.offers.length} offers{answer.vehicleClass ? ` (vehicle class ${answer.vehicleClass})` : ''}
      </h2>
      {answer.ineligible.length > 0 ? (
        <ul>
          {answer.ineligible.map((item) => (
            <li key={item.planCode}>
              {item.planCode.replaceAll('_', ' ')} is not offered: {item.detail} (
              <code>{item.reasonCode}</code>)
            </li>
          ))}
        </ul>
      ) : null}
      <TableScroll labelledBy="offers-heading">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Offer</th>
              <th scope="col">Priced lines</th>
              <th scope="col" className="numeric">
                Dealer cost
              </th>
              <th scope="col" className="numeric">
                Max retail
              </th>
              <th scope="col">Book</th>
            </tr>
          </thead>
          <tbody>
            {answer.offers.map((offer) => (
              <tr key={offer.rateId}>
                <td>{offerName(offer)}</td>
                <td>
                  {offer.lines.map((line) => (
                    <div key={line.label}>
                      {line.label}: {formatCents(line.amountCents)}
                    </div>
                  ))}
                </td>
                <td className="numeric">{formatCents(offer.dealerCostCents)}</td>
                <td className="numeric">{formatCents(offer.maxRetailCents)}</td>
                <td>
                  <button
                    type="button"
                    className="button button--secondary"
                    aria-label={`Book ${offerName(offer)}`}
                    onClick={() => onChoose(offer)}
                  >
                    Book
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}

/** A row's Void cell: the form while the contract is active, then a word that it was voided here. */
function VoidCell({ contract, onVoided }: { contract: Contract; onVoided: (contract: Contract) => void }) {
  const [voidedHere, setVoidedHere] = useState(false);
  const doneRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (voidedHere) doneRef.current?.focus();
  }, [voidedHere]);
  if (voidedHere)
    return (
      <p ref={doneRef} role="status" tabIndex={-1}>
        Voided
      </p>
    );
  if (contract.status !== 'active') return null;
  return (
    <VoidForm
      contract={contract}
      onVoided={(voided) => {
        setVoidedHere(true);
        onVoided(voided);
      }}
    />
  );
}

async function fetchDealerContracts(dealerId: string, startingAfter: string | null, signal: AbortSignal) {
  return apiClient.GET('/dealers/{id}/contracts', {
    params: {
      path: { id: dealerId },
      query: { limit: CONTRACTS_PAGE_SIZE, ...(startingAfter ? { startingAfter } : {}) },
    },
    signal,
  });
}

function DealerContracts({
  dealerId,
  onVoided,
}: {
  dealerId: string;
  onVoided: (contract: Contract) => void;
}) {
  // Newest sale first; "Show more" reads the page after the last contract listed. The key starts with
  // the path, so a booking or a void (dealerLists) refetches every page read.
  const contractsQuery = useInfiniteQuery({
    queryKey: ['/dealers/{id}/contracts', { path: { id: dealerId }, query: { limit: CONTRACTS_PAGE_SIZE } }],
    queryFn: ({ pageParam, signal }) => fetchDealerContracts(dealerId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => (page.hasMore ? (page.data.at(-1)?.id ?? null) : null),
  });
  const contracts: Contract[] | null = contractsQuery.data?.pages.flatMap((page) => page.data) ?? null;
  const tableRef = useRef<HTMLTableElement>(null);
  // After "Show more", focus goes to the first contract read (the button may be gone).
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    const header = tableRef.current?.querySelectorAll<HTMLElement>('tbody > tr > th')[focusRow];
    if (!header) return;
    header.focus();
    setFocusRow(null);
  });
  const showMore = async () => {
    const read = contracts?.length ?? 0;
    await contractsQuery.fetchNextPage();
    setFocusRow(read);
  };

  return (
    <div className="card card--wide">
      <h2 id="contracts-heading">Your contracts</h2>
      {contractsQuery.isError && !contractsQuery.data ? (
        <p className="muted">The contracts could not be read just now.</p>
      ) : null}
      {contracts === null ? null : contracts.length === 0 ? (
        <p className="muted">No contracts booked yet.</p>
      ) : (
        <>
          <p className="muted">
            Newest sale first. A contract may be voided within the void window after its sale.
          </p>
          <TableScroll labelledBy="contracts-heading">
            <table className="table" ref={tableRef}>
              <thead>
                <tr>
                  <th scope="col">Contract</th>
                  <th scope="col">Sale date</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Plan</th>
                  <th scope="col">VIN</th>
                  <th scope="col" className="numeric">
                    Retail price
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Form</th>
                  <th scope="col">Void</th>
                </tr>
              </thead>
              <tbody>
                {contracts.map((contract) => (
                  <tr key={contract.id}>
                    <th scope="row" tabIndex={-1}>
                      {contract.contractNumber}
                    </th>
                    <td className="nowrap">{formatCalendarDate(contract.purchaseDate)}</td>
                    <td>
                      {contract.holder.firstName} {contract.holder.lastName}
                    </td>
                    <td>{contract.planName}</td>
                    <td className="nowrap">
                      <span title={contract.vehicle.vin}>
                        <span aria-hidden="true">{maskVin(contract.vehicle.vin)}</span>
                        <span className="visually-hidden">{contract.vehicle.vin}</span>
                      </span>
                    </td>
                    <td className="numeric">{formatCents(contract.priceCents)}</td>
                    <td>{contractStatusLabel(contract.status)}</td>
                    <td>
                      <a href={`/api/v1/contracts/${contract.id}/form`} target="_blank" rel="noreferrer">
                        PDF<span className="visually-hidden"> of contract {contract.contractNumber}</span>
                      </a>
                    </td>
                    <td>
                      <VoidCell contract={contract} onVoided={onVoided} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {contractsQuery.isFetchNextPageError ? (
            <div className="notice notice--error" role="alert">
              {errorMessage(contractsQuery.error, 'More contracts could not be read. Try again.')}
            </div>
          ) : null}
          {contractsQuery.hasNextPage ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => void showMore()}
              disabled={contractsQuery.isFetchingNextPage}
            >
              {contractsQuery.isFetchingNextPage ? 'Loading…' : 'Show more'}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}

function Portal({ user }: { user: StaffUser }) {
  const [answer, setAnswer] = useState<RateAnswer | null>(null);
  const [chosen, setChosen] = useState<Offer | null>(null);
  const [contract, setContract] = useState<Contract | null>(null);
  // A void from the list of the contract just booked shows on its card too.
  const voided = (changed: Contract) =>
    setContract((current) => (current?.id === changed.id ? changed : current));

  return (
    <>
      <PageHeading title="Dealer portal">Dealer portal</PageHeading>
      <SignInAlerts />
      <p className="lead">
        Rate a vehicle, book the customer's choice, print the form, void a deal that unwound.
      </p>
      <section className="card card--wide" aria-labelledby="rate-heading">
        <h2 id="rate-heading">Rate a vehicle</h2>
        <RateForm
          onRated={(rated) => {
            setAnswer(rated);
            setChosen(null);
            setContract(null);
          }}
        />
      </section>
      {answer && !chosen && !contract ? <Offers answer={answer} onChoose={setChosen} /> : null}
      {chosen && !contract ? <BookForm offer={chosen} onBooked={setContract} /> : null}
      {contract ? <BookedContract key={contract.id} contract={contract} onVoided={voided} /> : null}
      {user.dealerId ? <DealerContracts dealerId={user.dealerId} onVoided={voided} /> : null}
      {user.dealerId ? (
        <section aria-labelledby="own-statement-heading">
          <h2 id="own-statement-heading">Your statement</h2>
          <Suspense
            fallback={
              <p className="muted" role="status">
                Loading…
              </p>
            }
          >
            <DealerStatementView dealerId={user.dealerId} asDealer />
          </Suspense>
        </section>
      ) : null}
    </>
  );
}

export function DealerPortalPage() {
  return (
    <StaffOnly roles={['dealer_user']} refusal="The dealer portal is for people who sell for a dealer.">
      {(user) => <Portal user={user} />}
    </StaffOnly>
  );
}
