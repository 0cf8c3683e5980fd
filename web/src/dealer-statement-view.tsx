import { keepPreviousData } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { ApiError, type ApiSchema, apiBasePath } from './api.js';
import { BarChart } from './charts/bar-chart.js';
import { formatCalendarDate, formatCents, formatCount } from './format.js';
import { useApiMutation, useApiQuery, useRefetch } from './queries.js';
import { TableScroll } from './table-scroll.js';

// A dealer's statement for a period (GET /dealers/:id/statement): the balances, the receivables aging as
// a chart with its table, the movements, CSV and PDF downloads. Admins also record remittances and
// match a dealer's notices; a dealer sends a remittance notice. Loaded on demand (Chart.js with it).

type Remittance = ApiSchema<'DealerRemittance'>;

const KIND_WORDS: Record<string, string> = {
  contract_booked: 'Contract booked',
  contract_voided: 'Contract voided',
  chargeback: 'Cancellation chargeback',
  remittance: 'Remittance',
};

/** A line summed by day (a period with too many movements to list): "12 contracts booked". */
const KIND_COUNT_WORDS: Record<string, [one: string, other: string]> = {
  contract_booked: ['contract booked', 'contracts booked'],
  contract_voided: ['contract voided', 'contracts voided'],
  chargeback: ['cancellation chargeback', 'cancellation chargebacks'],
  remittance: ['remittance', 'remittances'],
};

function countWords(kind: string, count: number): string {
  const [one, other] = KIND_COUNT_WORDS[kind] ?? [kind, kind];
  return `${formatCount(count)} ${count === 1 ? one : other}`;
}

const BUCKETS = [
  ['currentCents', 'Current (0–29 days)'],
  ['days30Cents', '30–59 days'],
  ['days60Cents', '60–89 days'],
  ['days90PlusCents', '90 days and over'],
] as const;

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

function todayIso(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function balanceWords(cents: number): string {
  return cents < 0 ? `${formatCents(-cents)} credit` : formatCents(cents);
}

function messageOf(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.detail : fallback;
}

function RemittanceForm({
  dealerId,
  asDealer,
  onDone,
}: {
  dealerId: string;
  asDealer: boolean;
  onDone: (message: string) => void;
}) {
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [receivedOn, setReceivedOn] = useState(todayIso());
  const [error, setError] = useState<{ param: string | undefined; detail: string } | null>(null);
  // One key per remittance being entered: sending it again (a double click, a retry after a lost
  // answer) records it once; a recorded remittance starts the next one with a new key.
  const idempotencyKey = useRef(crypto.randomUUID());
  const remit = useApiMutation('post', '/dealers/{id}/remittances');

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const cents = Math.round(Number(amount) * 100);
    if (!Number.isFinite(cents) || cents <= 0) {
      setError({ param: 'amountCents', detail: 'Enter the amount received, in dollars (e.g. 1250.00).' });
      return;
    }
    remit
      .mutateAsync({
        params: {
          path: { id: dealerId },
          header: { 'idempotency-key': idempotencyKey.current },
        },
        body: { amountCents: cents, reference, receivedOn },
      })
      .then((remittance) => {
        idempotencyKey.current = crypto.randomUUID();
        setAmount('');
        setReference('');
        onDone(
          remittance.status === 'pending'
            ? `Notice ${remittance.reference} sent: the administrator matches it when the money arrives.`
            : `Remittance ${remittance.reference} of ${formatCents(remittance.amountCents)} recorded.`,
        );
      })
      .catch((caught: unknown) =>
        setError({
          param: caught instanceof ApiError ? caught.param : undefined,
          detail: messageOf(caught, 'The remittance could not be saved.'),
        }),
      );
  }

  const fieldParams = ['amountCents', 'reference', 'receivedOn'];
  // An error that names no field of the form (or a field it does not show) is shown by the amount.
  const fieldError = (param: string) =>
    error &&
    (error.param === param ||
      (param === 'amountCents' && (!error.param || !fieldParams.includes(error.param)))) ? (
      <span id={`remit-${param}-error`} className="field-error">
        {error.detail}
      </span>
    ) : null;

  return (
    <form
      onSubmit={submit}
      className="form"
      aria-label={asDealer ? 'Send a remittance notice' : 'Record a remittance'}
    >
      <label>
        Amount ($)
        <input
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          required
          aria-invalid={error?.param === 'amountCents' || undefined}
          aria-describedby={error?.param === 'amountCents' ? 'remit-amountCents-error' : undefined}
        />
        {fieldError('amountCents')}
      </label>
      <label>
        Reference (check number, ACH trace)
        <input
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          required
          maxLength={100}
          aria-invalid={error?.param === 'reference' || undefined}
          aria-describedby={error?.param === 'reference' ? 'remit-reference-error' : undefined}
        />
        {fieldError('reference')}
      </label>
      <label>
        Received on
        <input
          type="date"
          value={receivedOn}
          onChange={(e) => setReceivedOn(e.target.value)}
          required
          aria-invalid={error?.param === 'receivedOn' || undefined}
          aria-describedby={error?.param === 'receivedOn' ? 'remit-receivedOn-error' : undefined}
        />
        {fieldError('receivedOn')}
      </label>
      <button type="submit">{asDealer ? 'Send notice' : 'Record remittance'}</button>
    </form>
  );
}

export function DealerStatementView({ dealerId, asDealer }: { dealerId: string; asDealer: boolean }) {
  const [to, setTo] = useState(todayIso());
  const [from, setFrom] = useState(`${todayIso().slice(0, 8)}01`);
  // The period shown: the one last asked for with "Show statement"; it stays while the next loads.
  const [period, setPeriod] = useState({ from, to });
  const statementQuery = useApiQuery(
    '/dealers/{id}/statement',
    { params: { path: { id: dealerId }, query: period } },
    { placeholderData: keepPreviousData },
  );
  const statement = statementQuery.data ?? null;
  const error = statementQuery.isError
    ? messageOf(statementQuery.error, 'The statement could not be loaded.')
    : null;
  const [message, setMessage] = useState<string | null>(null);
  const refetch = useRefetch();
  const reload = () => void refetch(['/dealers/{id}/statement']);
  const matchNotice = useApiMutation('post', '/dealers/{id}/remittances/{remittanceId}/match', {
    invalidates: ['/dealers/{id}/statement'],
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (from === period.from && to === period.to) reload();
    else setPeriod({ from, to });
  }

  function match(remittance: Remittance) {
    matchNotice.mutate(
      {
        params: {
          path: { id: dealerId, remittanceId: remittance.id },
          header: { 'idempotency-key': `web-match-${remittance.id}` },
        },
      },
      {
        onSuccess: () => setMessage(`Notice ${remittance.reference} matched.`),
        onError: (caught) => setMessage(messageOf(caught, 'The notice could not be matched.')),
      },
    );
  }

  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  return (
    <>
      <form onSubmit={submit} className="inline-form" aria-label="Statement period">
        <label>
          From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>{' '}
        <label>
          To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>{' '}
        <button type="submit">Show statement</button>
      </form>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {message ? <p role="status">{message}</p> : null}
      {statement ? (
        <>
          <section className="card card--wide" aria-labelledby="statement-heading">
            <h2 id="statement-heading">
              {statement.dealer.name} ({statement.dealer.code}): {formatCalendarDate(statement.from)} to{' '}
              {formatCalendarDate(statement.to)}
            </h2>
            <dl className="facts">
              <dt>Opening balance</dt>
              <dd>{balanceWords(statement.openingBalanceCents)}</dd>
              <dt>Bookings (dealer cost)</dt>
              <dd>{formatCents(statement.totals.bookedCents)}</dd>
              <dt>Voids</dt>
              <dd>{formatCents(-statement.totals.voidedCents)}</dd>
              <dt>Cancellation chargebacks</dt>
              <dd>{formatCents(statement.totals.chargebackCents)}</dd>
              <dt>Remittances</dt>
              <dd>{formatCents(-statement.totals.remittedCents)}</dd>
              <dt>Closing balance</dt>
              <dd>
                <strong>{balanceWords(statement.closingBalanceCents)}</strong>
                {statement.creditBalance ? ' (credit balance: more was remitted than owed)' : ''}
              </dd>
            </dl>
            <p>
              <a href={`${apiBasePath}/dealers/${dealerId}/statement.csv?${query}`} download>
                Download CSV
              </a>{' '}
              ·{' '}
              <a href={`${apiBasePath}/dealers/${dealerId}/statement.pdf?${query}`} download>
                Download PDF statement
              </a>
            </p>
          </section>
          <section className="card card--wide" aria-labelledby="aging-heading">
            <h2 id="aging-heading">Receivables aging</h2>
            <figure style={{ margin: '0 0 1rem' }}>
              <BarChart
                labels={BUCKETS.map(([, label]) => label)}
                series={[{ label: 'Owed', values: BUCKETS.map(([key]) => statement.aging[key] / 100) }]}
                description="Receivables aging: bar chart of what is owed by age. The same numbers are in the table below."
                formatValue={(value) => formatCents(Math.round(value * 100), { wholeDollars: true })}
              />
              <figcaption>
                As of {formatCalendarDate(statement.to)}; remittances pay the oldest amounts first. A credit
                balance shows as a negative current amount.
              </figcaption>
            </figure>
            <TableScroll labelledBy="aging-table">
              <table className="table">
                <caption id="aging-table">Receivables aging (table)</caption>
                <thead>
                  <tr>
                    <th scope="col">Age</th>
                    <th scope="col" style={numericCell}>
                      Owed
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {BUCKETS.map(([key, label]) => (
                    <tr key={key}>
                      <td>{label}</td>
                      <td style={numericCell}>{balanceWords(statement.aging[key])}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">Balance</th>
                    <td style={numericCell}>{balanceWords(statement.closingBalanceCents)}</td>
                  </tr>
                </tfoot>
              </table>
            </TableScroll>
          </section>
          <section className="card card--wide" aria-labelledby="movements-heading">
            <h2 id="movements-heading">Movements</h2>
            {statement.detail === 'days' ? (
              <p className="notice notice--info">
                This period has more than 10,000 movements; they are summed by day here. The CSV has every
                line.
              </p>
            ) : null}
            {statement.lines.length === 0 ? (
              <p className="muted">No movements in this period.</p>
            ) : (
              <TableScroll labelledBy="movements-table">
                <table className="table">
                  <caption id="movements-table">
                    {statement.detail === 'days'
                      ? 'Movements of the period, summed by day'
                      : 'Movements of the period'}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">What</th>
                      {statement.detail === 'days' ? null : <th scope="col">Contract or reference</th>}
                      <th scope="col" style={numericCell}>
                        Amount
                      </th>
                      <th scope="col" style={numericCell}>
                        Balance
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {statement.lines.map((line) => (
                      <tr
                        key={`${line.date}-${line.kind}-${line.contractNumber ?? line.reference}-${line.runningBalanceCents}`}
                      >
                        <td>{formatCalendarDate(line.date)}</td>
                        {statement.detail === 'days' ? (
                          <td>{countWords(line.kind, line.count)}</td>
                        ) : (
                          <>
                            <td>{KIND_WORDS[line.kind] ?? line.kind}</td>
                            <td>{line.contractNumber ?? line.reference ?? ''}</td>
                          </>
                        )}
                        <td style={numericCell}>{formatCents(line.amountCents)}</td>
                        <td style={numericCell}>{balanceWords(line.runningBalanceCents)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
          {statement.pendingRemittances.length > 0 ? (
            <section className="card card--wide" aria-labelledby="pending-heading">
              <h2 id="pending-heading">Remittance notices not yet matched</h2>
              <ul>
                {statement.pendingRemittances.map((notice) => (
                  <li key={notice.id}>
                    {formatCalendarDate(notice.receivedOn)} · {notice.reference} ·{' '}
                    {formatCents(notice.amountCents)}{' '}
                    {asDealer ? null : (
                      <button type="button" onClick={() => match(notice)}>
                        Match {notice.reference}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : error ? null : (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      <section className="card" aria-labelledby="remit-heading">
        <h2 id="remit-heading">{asDealer ? 'Tell us about a remittance' : 'Record a remittance'}</h2>
        <RemittanceForm
          dealerId={dealerId}
          asDealer={asDealer}
          onDone={(text) => {
            setMessage(text);
            reload();
          }}
        />
      </section>
    </>
  );
}

export default DealerStatementView;
