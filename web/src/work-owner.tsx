import { useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { errorMessage, useApiGet } from './pages/shop-claim-parts.js';

// Who owns a piece of queued work, with "Take it" and "Release" (src/work-queue/work-assignment). A
// refusal (someone else took it first) is said in words next to the button and takes focus.

interface Assignment {
  kind: string;
  id: string;
  assignee: { id: string; name: string; email: string } | null;
  assignedAt: string | null;
}

export function WorkOwner({
  kind,
  id,
  userId,
  noun,
}: {
  kind: string;
  id: string;
  userId: string;
  noun: string;
}) {
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const alertRef = useRef<HTMLParagraphElement>(null);
  const path = `/work-items/${kind}/${encodeURIComponent(id)}`;
  const assignment = useApiGet<Assignment>(`${path}/assignment`, version);

  useEffect(() => {
    if (error) alertRef.current?.focus();
  }, [error]);

  async function act(action: 'take' | 'release') {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await api.post(`${path}/${action}`, undefined, { headers: { 'idempotency-key': crypto.randomUUID() } });
      setDone(action === 'take' ? `You have taken this ${noun}.` : `You released this ${noun}.`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
      setVersion((value) => value + 1);
    }
  }

  if (assignment.status !== 'loaded') return null;
  const owner = assignment.value.assignee;
  const mine = owner?.id === userId;
  return (
    <section className="card" aria-labelledby="work-owner-heading">
      <h2 id="work-owner-heading">Owner</h2>
      <p>
        {owner ? (mine ? 'You own this.' : `${owner.name} owns this.`) : `Nobody has taken this ${noun} yet.`}
      </p>
      {done ? <p role="status">{done}</p> : null}
      {error ? (
        <p className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {error}
        </p>
      ) : null}
      {owner === null ? (
        <button type="button" className="button" disabled={busy} onClick={() => act('take')}>
          Take this {noun}
        </button>
      ) : mine ? (
        <button
          type="button"
          className="button button--secondary"
          disabled={busy}
          onClick={() => act('release')}
        >
          Release
        </button>
      ) : null}
    </section>
  );
}
