import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api.js';
import { mfaApi } from '../auth.js';
import { useApiQuery, useRefetch } from '../queries.js';

// The staff home's "Two-step sign-in" section: turn TOTP on (password again, then a code from the
// app), see the recovery codes once, turn it off with a code.

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'mfa_code_invalid') return 'That code is not right, or it was already used.';
    if (error.code === 'invalid_credentials') return 'The password is not right.';
    return error.detail;
  }
  return 'Something went wrong. Try again.';
}

export function TwoStepSignIn() {
  const statusQuery = useApiQuery('/auth/mfa', undefined);
  const status = statusQuery.data ?? null;
  const refetch = useRefetch();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const load = () => void refetch(['/auth/mfa']);

  const run = (work: () => Promise<void>) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setCode('');
      setPassword('');
      setBusy(false);
    }
  };

  const start = run(async () => setEnrolment(await mfaApi.start(password)));
  const confirm = run(async () => {
    const answer = await mfaApi.confirm(code.trim());
    setRecoveryCodes(answer.recoveryCodes);
    setEnrolment(null);
    load();
  });
  const disable = run(async () => {
    await mfaApi.disable(code.trim());
    setRecoveryCodes(null);
    load();
  });

  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Two-step sign-in</h2>
      {error || statusQuery.isError ? (
        <div className="notice notice--error" role="alert">
          {error ?? messageOf(statusQuery.error)}
        </div>
      ) : null}
      {statusQuery.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
      {status?.required && !status.enabled ? (
        <p className="notice">Administrators must turn on two-step sign-in before using Coverwise.</p>
      ) : null}
      {recoveryCodes ? (
        <div role="status">
          <p>
            Two-step sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if you
            lose your phone. They are shown only now.
          </p>
          <ul className="recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {status?.enabled ? (
        <form className="form" onSubmit={disable}>
          <p>
            On. {status.recoveryCodesLeft} recovery code{status.recoveryCodesLeft === 1 ? '' : 's'} left.
          </p>
          <div className="field">
            <label htmlFor={`${id}-off-code`}>Current code (or a recovery code)</label>
            <input
              id={`${id}-off-code`}
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <button type="submit" className="button button--secondary" disabled={busy}>
            Turn off two-step sign-in
          </button>
        </form>
      ) : null}
      {status && !status.enabled && !enrolment ? (
        <form className="form" onSubmit={start}>
          <p>Off. Turn it on to ask for a code from an authenticator app at each sign-in.</p>
          <div className="field">
            <label htmlFor={`${id}-password`}>Your password</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Set up two-step sign-in
          </button>
        </form>
      ) : null}
      {enrolment ? (
        <form className="form" onSubmit={confirm}>
          <p>Add this key to your authenticator app (or open the link on your phone), then enter its code.</p>
          <dl className="facts">
            <div>
              <dt>Key</dt>
              <dd>
                <code>{enrolment.secret}</code>
              </dd>
            </div>
            <div>
              <dt>Link</dt>
              <dd>
                <a href={enrolment.uri}>Add to authenticator app</a>
              </dd>
            </div>
          </dl>
          <div className="field">
            <label htmlFor={`${id}-code`}>Code from the app</label>
            <input
              id={`${id}-code`}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Turn on
          </button>
        </form>
      ) : null}
    </section>
  );
}
