import { type FormEvent, useId, useState } from 'react';
import { ApiError, type ApiResponse, type ApiSchema } from '../api.js';
import { formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// Dealers and their API keys, for administrators: add a dealer, issue a key (shown once), see when
// each key was last used, and revoke one (it stops working at once).

type Dealer = ApiSchema<'Dealer'>;
type ApiKey = ApiResponse<'get', '/dealers/{id}/api-keys'>['data'][number];

function messageOf(error: unknown): string {
  return error instanceof ApiError ? `${error.detail} (${error.code})` : 'Something went wrong; try again.';
}

function DealerKeys({ dealer }: { dealer: Dealer }) {
  const path = { path: { id: dealer.id } };
  const keysQuery = useApiQuery('/dealers/{id}/api-keys', { params: path });
  const keys = keysQuery.data?.data ?? [];
  const issueKey = useApiMutation('post', '/dealers/{id}/api-keys', {
    invalidates: ['/dealers/{id}/api-keys'],
  });
  const revokeKey = useApiMutation('post', '/dealers/{id}/api-keys/{keyId}/revocation', {
    invalidates: ['/dealers/{id}/api-keys'],
  });
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const [changeError, setError] = useState<string | null>(null);
  const error = changeError ?? (keysQuery.isError ? messageOf(keysQuery.error) : null);
  const labelId = useId();
  const headingId = useId();

  const issue = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await issueKey.mutateAsync({ params: path, body: { label } });
      setIssued(answer.key);
      setLabel('');
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await revokeKey.mutateAsync({ params: { path: { id: dealer.id, keyId: key.id } } });
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    // A plain box: the keys table's scrolling region already carries the heading's name as a landmark.
    <div className="card card--wide">
      <h2 id={headingId}>
        {dealer.name} ({dealer.code}, {dealer.state})
      </h2>
      <p>
        <Link href={`/admin/dealers/${dealer.id}/statement`}>Statement of {dealer.code}</Link>
      </p>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {issued ? (
        <div className="notice notice--success" role="status">
          New API key (copy it now; it is not shown again): <code>{issued}</code>
        </div>
      ) : null}
      {keys.length > 0 ? (
        <TableScroll labelledBy={headingId}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Label</th>
                <th scope="col">Issued</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.label ?? '—'}</td>
                  <td>{formatInstant(key.createdAt)}</td>
                  <td>{key.lastUsedAt ? formatInstant(key.lastUsedAt) : 'never'}</td>
                  <td>
                    {key.revokedAt ? (
                      `revoked ${formatInstant(key.revokedAt)}`
                    ) : (
                      <button type="button" className="button button--secondary" onClick={() => revoke(key)}>
                        Revoke<span className="visually-hidden"> key {key.prefix}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : (
        <p className="muted">No API keys yet.</p>
      )}
      <form className="form form--inline" onSubmit={issue}>
        <div className="field">
          <label htmlFor={labelId}>Label of a new key</label>
          <input id={labelId} required value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Issue API key<span className="visually-hidden"> for {dealer.name}</span>
        </button>
      </form>
    </div>
  );
}

function Dealers() {
  const dealersQuery = useApiQuery('/dealers', { params: { query: { limit: 100 } } });
  const dealers = dealersQuery.data?.data ?? [];
  const addDealer = useApiMutation('post', '/dealers', { invalidates: ['/dealers'] });
  const [form, setForm] = useState({ code: '', name: '', state: '' });
  const [changeError, setError] = useState<string | null>(null);
  const error = changeError ?? (dealersQuery.isError ? messageOf(dealersQuery.error) : null);
  const ids = { code: useId(), name: useId(), state: useId() };

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      await addDealer.mutateAsync({ body: form });
      setForm({ code: '', name: '', state: '' });
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <>
      <PageHeading title="Dealers">Dealers</PageHeading>
      <section className="card card--wide" aria-labelledby="add-dealer">
        <h2 id="add-dealer">Add a dealer</h2>
        {error ? (
          <div className="notice notice--error" role="alert">
            {error}
          </div>
        ) : null}
        <form className="form form--inline" onSubmit={add}>
          {(['code', 'name', 'state'] as const).map((field) => (
            <div className="field" key={field}>
              <label htmlFor={ids[field]}>
                {{ code: 'Dealer code', name: 'Name', state: 'State' }[field]}
              </label>
              <input
                id={ids[field]}
                required
                value={form[field]}
                onChange={(e) => setForm((f) => ({ ...f, [field]: e.target.value }))}
              />
            </div>
          ))}
          <button type="submit" className="button">
            Add dealer
          </button>
        </form>
      </section>
      {dealers.map((dealer) => (
        <DealerKeys key={dealer.id} dealer={dealer} />
      ))}
    </>
  );
}

export function AdminDealersPage() {
  return (
    <StaffOnly roles={['admin']} refusal="Managing dealers is for administrators only.">
      {() => <Dealers />}
    </StaffOnly>
  );
}
