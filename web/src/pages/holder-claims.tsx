import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { api } from '../api.js';
import { formatCents, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, Redirect } from '../router.js';
import { useSession } from '../session.js';
import {
  claimStatusLabels,
  errorMessage,
  LoadingNotice,
  type RepairClaim,
  useApiGet,
} from './shop-claim-parts.js';

// The holder's claims: repair claims with their status, rental and trip-interruption claims with
// what is payable and which limit cut each line, roadside requests with their status; and the forms to
// claim rental, trip interruption (with receipts) and to ask for roadside help.

interface BenefitLine {
  label: string;
  payableCents: number;
  limitsApplied: string[];
}
interface BenefitClaim {
  id: string;
  status: string;
  payableCents: number;
  requestedCents: number;
  lines: BenefitLine[];
  createdAt: string;
  breakdownOn?: string;
  repairClaimId?: string;
}
interface RoadsideRequest {
  id: string;
  service: string;
  status: 'requested' | 'dispatched' | 'completed' | 'cancelled';
  location: { address?: string };
  perEventLimitCents: number;
  towing: { requestedCents: number; payableCents: number; lines: { label: string }[] } | null;
  createdAt: string;
}
interface Overview {
  repairClaims: RepairClaim[];
  rentalClaims: BenefitClaim[];
  tripInterruptionClaims: BenefitClaim[];
  roadsideRequests: RoadsideRequest[];
}

const roadsideServices = {
  tow: 'Tow',
  jump_start: 'Jump start',
  flat_tire: 'Flat tire',
  lockout: 'Lockout',
  fuel_delivery: 'Fuel delivery',
} as const;
const roadsideStatuses: Record<RoadsideRequest['status'], string> = {
  requested: 'Requested: we are finding help',
  dispatched: 'Help is on the way',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

function dollarsToCents(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function FormCard(props: {
  title: string;
  button: string;
  onSubmit: () => Promise<string | null>;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const handle = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const problem = await props.onSubmit();
      if (problem) setError(problem);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form card" onSubmit={handle} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {props.children}
      <button type="submit" className="button" disabled={busy}>
        {props.button}
      </button>
    </form>
  );
}

function Field(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  short?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        className={props.short ? 'input--short' : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

async function attachReceipt(path: string, file: File | null): Promise<void> {
  if (!file) return;
  const form = new FormData();
  form.append('file', file);
  const csrf = document.cookie.match(/(?:^|; )cw_csrf=([^;]*)/)?.[1];
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {},
  });
  if (!response.ok) throw new Error('The receipt could not be attached.');
}

function RoadsideForm({ contractId, onDone }: { contractId: string; onDone: () => void }) {
  const [service, setService] = useState<keyof typeof roadsideServices>('tow');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const id = useId();
  return (
    <FormCard
      title="Ask for roadside help"
      button="Request help"
      onSubmit={async () => {
        if (!address.trim()) return 'Say where the vehicle is.';
        await api.post('/roadside-requests', { contractId, service, location: { address }, phone });
        onDone();
        return null;
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-service`}>Service</label>
        <select
          id={`${id}-service`}
          value={service}
          onChange={(e) => setService(e.target.value as typeof service)}
        >
          {Object.entries(roadsideServices).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <Field label="Where is the vehicle?" value={address} onChange={setAddress} />
      <Field label="Phone number to reach you" value={phone} onChange={setPhone} type="tel" />
    </FormCard>
  );
}

function RentalForm({
  contractId,
  repairs,
  onDone,
}: {
  contractId: string;
  repairs: RepairClaim[];
  onDone: () => void;
}) {
  const authorized = repairs.filter((r) => r.status === 'authorized' || r.status === 'paid');
  const [repairClaimId, setRepairClaimId] = useState(authorized[0]?.id ?? '');
  const [date, setDate] = useState('');
  const [amount, setAmount] = useState('');
  const [kind, setKind] = useState<'rental' | 'public_transport'>('rental');
  const [receipt, setReceipt] = useState<File | null>(null);
  const id = useId();
  if (authorized.length === 0)
    return <p className="muted">Rental can be claimed once a repair is authorized.</p>;
  return (
    <FormCard
      title="Claim rental reimbursement"
      button="Claim rental"
      onSubmit={async () => {
        const amountCents = dollarsToCents(amount);
        if (!date || amountCents === null) return 'Give the date and the amount in dollars.';
        const claim = await api.post<{ id: string }>(
          `/contracts/${encodeURIComponent(contractId)}/rental-claims`,
          {
            repairClaimId,
            expenses: [{ date, kind, amountCents }],
          },
        );
        await attachReceipt(`/rental-claims/${encodeURIComponent(claim.id)}/receipts`, receipt);
        onDone();
        return null;
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-repair`}>Repair</label>
        <select id={`${id}-repair`} value={repairClaimId} onChange={(e) => setRepairClaimId(e.target.value)}>
          {authorized.map((r) => (
            <option key={r.id} value={r.id}>
              {r.claimNumber} at {r.facility.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="rental">Rental car</option>
          <option value="public_transport">Public transport</option>
        </select>
      </div>
      <Field label="Date" type="date" value={date} onChange={setDate} />
      <Field label="Amount ($)" value={amount} onChange={setAmount} short />
      <div className="field">
        <label htmlFor={`${id}-receipt`}>Receipt (PDF, JPEG, PNG)</label>
        <input
          id={`${id}-receipt`}
          type="file"
          className="input--file"
          onChange={(e) => setReceipt(e.target.files?.[0] ?? null)}
        />
      </div>
    </FormCard>
  );
}

function TripForm({ contractId, onDone }: { contractId: string; onDone: () => void }) {
  const [breakdownOn, setBreakdownOn] = useState('');
  const [miles, setMiles] = useState('');
  const [lodging, setLodging] = useState('');
  const [meals, setMeals] = useState('');
  const [receipt, setReceipt] = useState<File | null>(null);
  const id = useId();
  return (
    <FormCard
      title="Claim trip interruption"
      button="Claim trip interruption"
      onSubmit={async () => {
        const lodgingCents = dollarsToCents(lodging || '0');
        const mealsCents = dollarsToCents(meals || '0');
        const milesFromHome = Number(miles);
        if (!breakdownOn || lodgingCents === null || mealsCents === null || !Number.isInteger(milesFromHome))
          return 'Give the breakdown date, the miles from home and the amounts in dollars.';
        const expenses = [
          ...(lodgingCents > 0
            ? [{ date: breakdownOn, category: 'lodging', amountCents: lodgingCents }]
            : []),
          ...(mealsCents > 0 ? [{ date: breakdownOn, category: 'meals', amountCents: mealsCents }] : []),
        ];
        if (expenses.length === 0) return 'Give at least one expense.';
        const claim = await api.post<{ id: string }>(
          `/contracts/${encodeURIComponent(contractId)}/trip-interruption-claims`,
          { breakdownOn, milesFromHome, expenses },
        );
        await attachReceipt(`/trip-interruption-claims/${encodeURIComponent(claim.id)}/receipts`, receipt);
        onDone();
        return null;
      }}
    >
      <Field label="Breakdown date" type="date" value={breakdownOn} onChange={setBreakdownOn} />
      <Field label="Miles from home" value={miles} onChange={setMiles} short />
      <Field label="Lodging that night ($)" value={lodging} onChange={setLodging} short />
      <Field label="Meals that day ($, no alcohol)" value={meals} onChange={setMeals} short />
      <div className="field">
        <label htmlFor={`${id}-receipt`}>Receipts (PDF, JPEG, PNG)</label>
        <input
          id={`${id}-receipt`}
          type="file"
          className="input--file"
          onChange={(e) => setReceipt(e.target.files?.[0] ?? null)}
        />
      </div>
    </FormCard>
  );
}

function BenefitList({ title, claims }: { title: string; claims: BenefitClaim[] }) {
  if (claims.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="link-list">
        {claims.map((claim) => (
          <li key={claim.id}>
            {formatInstant(claim.createdAt)}: {formatCents(claim.payableCents)} payable of{' '}
            {formatCents(claim.requestedCents)} asked
            <ul>
              {claim.lines.map((line) => (
                <li key={line.label}>{line.label}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}

function ContractClaims({ contractId }: { contractId: string }) {
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const overview = useApiGet<Overview>(`/contracts/${encodeURIComponent(contractId)}/claims`, version);
  const contract = useApiGet<{ contractNumber: string; planName: string; product: string }>(
    `/contracts/${encodeURIComponent(contractId)}`,
  );
  if (overview.status === 'loading' || contract.status === 'loading') return <LoadingNotice />;
  if (contract.status === 'loaded' && contract.value.product !== 'vsc') return null;
  if (overview.status === 'failed') return <p className="notice notice--error">{overview.message}</p>;
  const value = overview.value;
  const title =
    contract.status === 'loaded'
      ? `${contract.value.planName} · ${contract.value.contractNumber}`
      : 'Contract';
  return (
    <section className="card card--wide" aria-label={title}>
      <h2>{title}</h2>
      <h3>Repair claims</h3>
      {value.repairClaims.length === 0 ? <p>No repair claims.</p> : null}
      <ul className="link-list">
        {value.repairClaims.map((claim) => (
          <li key={claim.id}>
            {claim.claimNumber} at {claim.facility.name}: {claimStatusLabels[claim.status]}
            {claim.authorization
              ? ` · authorized ${formatCents(claim.authorization.authorizedCents)}, you pay the shop ${formatCents(
                  claim.authorization.holderOwesCents,
                )}`
              : ''}
          </li>
        ))}
      </ul>
      <BenefitList title="Rental claims" claims={value.rentalClaims} />
      <BenefitList title="Trip interruption claims" claims={value.tripInterruptionClaims} />
      <h3>Roadside requests</h3>
      {value.roadsideRequests.length === 0 ? <p>No roadside requests.</p> : null}
      <ul className="link-list">
        {value.roadsideRequests.map((request) => (
          <li key={request.id}>
            {roadsideServices[request.service as keyof typeof roadsideServices] ?? request.service}
            {request.location.address ? ` at ${request.location.address}` : ''}:{' '}
            <strong>{roadsideStatuses[request.status]}</strong>
            {request.towing ? ` · ${request.towing.lines[0]?.label ?? ''}` : ''}
          </li>
        ))}
      </ul>
      <div className="section-grid">
        <RoadsideForm contractId={contractId} onDone={reload} />
        <RentalForm
          key={`rental-${version}`}
          contractId={contractId}
          repairs={value.repairClaims}
          onDone={reload}
        />
        <TripForm key={`trip-${version}`} contractId={contractId} onDone={reload} />
      </div>
    </section>
  );
}

export function HolderClaimsPage() {
  const { session } = useSession();
  if (session.status === 'loading') return <LoadingNotice />;
  if (session.status !== 'holder_signed_in') return <Redirect to="/my/sign-in" />;
  return (
    <>
      <PageHeading title="My claims">My claims</PageHeading>
      <p className="lead">
        Repairs, rental, trip interruption and roadside help on your contracts.{' '}
        <Link href="/my">Back to my coverage</Link>
      </p>
      {session.holder.contractIds.map((contractId) => (
        <ContractClaims key={contractId} contractId={contractId} />
      ))}
    </>
  );
}
