import { type FormEvent, lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { type ApiBody, ApiError, type ApiResponse, type ApiSchema } from '../api.js';
import type { StaffUser } from '../auth.js';
import { contractStatusInSentence, contractStatusLabel } from '../contract-words.js';
import { formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The statement (with its Chart.js chart) loads on demand.
const DealerStatementView = lazy(() => import('../dealer-statement-view.js'));

// The dealer portal: a dealer's F&I person rates a vehicle, books the chosen offer for the customer,
// downloads the contract form to sign, voids a deal that unwound, and lists the dealer's contracts.

type RateAnswer = ApiResponse<'post', '/rates'>;
type Offer = RateAnswer['offers'][number];
type RateVehicle = ApiBody<'post', '/rates'>['vehicle'];
type Contract = ApiSchema<'Contract'>;

/** What a booking or a void changes: the dealer's contracts and statement. */
const dealerLists = ['/dealers/{id}/contracts', '/dealers/{id}/statement'] as const;

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.detail} (${error.code})`;
  return 'Something went wrong; try again.';
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

function Field(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  required?: boolean;
  hint?: string;
}) {
  const id = useId();
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
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required ?? true}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

function RateForm({ onRated }: { onRated: (answer: RateAnswer) => void }) {
  const [vehicle, setVehicle] = useState({
    vin: '',
    year: '',
    make: '',
    model: '',
    odometer: '',
    saleDate: todayInBrowser(),
    purchaseState: '',
    driveType: '2wd',
    fuel: 'gas',
  });
  const [turbo, setTurbo] = useState(false);
  const [commercialUse, setCommercialUse] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rate = useApiMutation('post', '/rates');
  const busy = rate.isPending;
  const set = (key: keyof typeof vehicle) => (value: string) => setVehicle((v) => ({ ...v, [key]: value }));
  const driveId = useId();
  const fuelId = useId();
  const turboId = useId();
  const commercialId = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await rate.mutateAsync({
        body: {
          vin: vehicle.vin.trim(),
          odometer: Number(vehicle.odometer),
          saleDate: vehicle.saleDate,
          purchaseState: vehicle.purchaseState.trim().toUpperCase(),
          vehicle: {
            year: Number(vehicle.year),
            make: vehicle.make.trim(),
            model: vehicle.model.trim(),
            // The selects offer only the API's values.
            driveType: vehicle.driveType as RateVehicle['driveType'],
            fuel: vehicle.fuel as RateVehicle['fuel'],
            turbo,
            commercialUse,
          },
        },
      });
      onRated(answer);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <form className="form form--wide" onSubmit={submit} aria-label="Rate a vehicle">
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <Field label="VIN" name="vin" value={vehicle.vin} onChange={set('vin')} />
      <Field label="Model year" name="year" type="number" value={vehicle.year} onChange={set('year')} />
      <Field label="Make" name="make" value={vehicle.make} onChange={set('make')} />
      <Field label="Model" name="model" value={vehicle.model} onChange={set('model')} />
      <Field
        label="Odometer (miles)"
        name="odometer"
        type="number"
        value={vehicle.odometer}
        onChange={set('odometer')}
      />
      <Field
        label="Sale date"
        name="saleDate"
        type="date"
        value={vehicle.saleDate}
        onChange={set('saleDate')}
      />
      <Field
        label="State of sale"
        name="purchaseState"
        value={vehicle.purchaseState}
        onChange={set('purchaseState')}
        hint="Two letters, e.g. MO"
      />
      <div className="field">
        <label htmlFor={driveId}>Drive</label>
        <select id={driveId} value={vehicle.driveType} onChange={(e) => set('driveType')(e.target.value)}>
          <option value="2wd">2WD</option>
          <option value="4wd">4WD</option>
          <option value="awd">AWD</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={fuelId}>Fuel</label>
        <select id={fuelId} value={vehicle.fuel} onChange={(e) => set('fuel')(e.target.value)}>
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
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Rating…' : 'Get rates'}
      </button>
    </form>
  );
}

function BookForm({ offer, onBooked }: { offer: Offer; onBooked: (contract: Contract) => void }) {
  const [holder, setHolder] = useState({
    firstName: '',
    lastName: '',
    line1: '',
    city: '',
    state: '',
    zip: '',
  });
  const [retail, setRetail] = useState(String(offer.dealerCostCents / 100));
  const [error, setError] = useState<string | null>(null);
  const book = useApiMutation('post', '/econtracts', { invalidates: dealerLists });
  // Still busy once booked: the booked contract replaces this form.
  const busy = book.isPending || book.isSuccess;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const set = (key: keyof typeof holder) => (value: string) => setHolder((h) => ({ ...h, [key]: value }));
  // One key per attempt at this offer: a retried click replays instead of booking twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      const contract = await book.mutateAsync({
        params: { header: { 'idempotency-key': idempotencyKey } },
        body: {
          rateId: offer.rateId,
          retailPriceCents: Math.round(Number(retail) * 100),
          holder: {
            firstName: holder.firstName,
            lastName: holder.lastName,
            address: {
              line1: holder.line1,
              city: holder.city,
              state: holder.state.toUpperCase(),
              zip: holder.zip,
            },
          },
        },
      });
      onBooked(contract);
    } catch (caught) {
      setError(messageOf(caught));
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
      <form className="form form--wide" onSubmit={submit} aria-label="Book the offer">
        {error ? (
          <div className="notice notice--error" role="alert">
            {error}
          </div>
        ) : null}
        <Field
          label="Customer first name"
          name="firstName"
          value={holder.firstName}
          onChange={set('firstName')}
        />
        <Field
          label="Customer last name"
          name="lastName"
          value={holder.lastName}
          onChange={set('lastName')}
        />
        <Field label="Street address" name="line1" value={holder.line1} onChange={set('line1')} />
        <Field label="City" name="city" value={holder.city} onChange={set('city')} />
        <Field label="State" name="state" value={holder.state} onChange={set('state')} hint="Two letters" />
        <Field label="ZIP code" name="zip" value={holder.zip} onChange={set('zip')} />
        <Field
          label="Retail price (dollars)"
          name="retail"
          type="number"
          value={retail}
          onChange={setRetail}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Booking…' : 'Book contract'}
        </button>
      </form>
    </section>
  );
}

function BookedContract({
  contract,
  onVoided,
}: {
  contract: Contract;
  onVoided: (contract: Contract) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const voiding = useApiMutation('post', '/contracts/{id}/void', { invalidates: dealerLists });
  const busy = voiding.isPending;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const reasonId = useId();
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      onVoided(await voiding.mutateAsync({ params: { path: { id: contract.id } }, body: { reason } }));
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <section className="card card--wide" aria-labelledby="booked-heading">
      <h2 id="booked-heading" ref={headingRef} tabIndex={-1}>
        Contract {contract.contractNumber} is {contractStatusInSentence(contract.status)}
      </h2>
      <p>
        {contract.planName} for {contract.holder.firstName} {contract.holder.lastName}, retail{' '}
        {formatCents(contract.priceCents)}.
      </p>
      <p>
        <a href={`/api/v1/contracts/${contract.id}/form`} target="_blank" rel="noreferrer">
          Download the contract form (PDF)
        </a>
      </p>
      {contract.status === 'active' ? (
        <form className="form" onSubmit={submit} aria-label="Void the contract">
          {error ? (
            <div className="notice notice--error" role="alert">
              {error}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={reasonId}>Reason for the void</label>
            <input id={reasonId} required value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="submit" className="button button--secondary" disabled={busy}>
            {busy ? 'Voiding…' : 'Void contract'}
          </button>
        </form>
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

function DealerContracts({ dealerId }: { dealerId: string }) {
  const contractsQuery = useApiQuery('/dealers/{id}/contracts', {
    params: { path: { id: dealerId }, query: { limit: 100 } },
  });
  const contracts: Contract[] | null = contractsQuery.data?.data ?? null;
  const failed = contractsQuery.isError;
  return (
    <div className="card card--wide">
      <h2 id="contracts-heading">Your contracts</h2>
      {failed ? <p className="muted">The contracts could not be read just now.</p> : null}
      {contracts === null ? null : contracts.length === 0 ? (
        <p className="muted">No contracts booked yet.</p>
      ) : (
        <TableScroll labelledBy="contracts-heading">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Contract</th>
                <th scope="col">Customer</th>
                <th scope="col">Plan</th>
                <th scope="col">Status</th>
                <th scope="col">Form</th>
              </tr>
            </thead>
            <tbody>
              {contracts.map((contract) => (
                <tr key={contract.id}>
                  <td>{contract.contractNumber}</td>
                  <td>
                    {contract.holder.firstName} {contract.holder.lastName}
                  </td>
                  <td>{contract.planName}</td>
                  <td>{contractStatusLabel(contract.status)}</td>
                  <td>
                    <a href={`/api/v1/contracts/${contract.id}/form`} target="_blank" rel="noreferrer">
                      PDF<span className="visually-hidden"> of contract {contract.contractNumber}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}

function Portal({ user }: { user: StaffUser }) {
  const [answer, setAnswer] = useState<RateAnswer | null>(null);
  const [chosen, setChosen] = useState<Offer | null>(null);
  const [contract, setContract] = useState<Contract | null>(null);

  return (
    <>
      <PageHeading title="Dealer portal">Dealer portal</PageHeading>
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
      {chosen && !contract ? (
        <BookForm
          offer={chosen}
          onBooked={(booked) => {
            setContract(booked);
          }}
        />
      ) : null}
      {contract ? (
        <BookedContract
          key={`${contract.id}-${contract.status}`}
          contract={contract}
          onVoided={(voided) => {
            setContract(voided);
          }}
        />
      ) : null}
      {user.dealerId ? <DealerContracts dealerId={user.dealerId} /> : null}
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
