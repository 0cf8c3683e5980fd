import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import type { StaffUser } from '../auth.js';
import { useFocusWhen } from '../focus.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery } from '../queries.js';
import { navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

/** Navigation state the sign-in page understands; the staff home sends it after signing out. */
export interface SignInPageState {
  notice: 'signed_out';
}

/** The staff page that sent the user here to sign in (same-origin paths only), if any. */
export function nextPath(state: unknown): string | null {
  const next = (state as { next?: unknown } | null)?.next;
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//')) return null;
  return next.startsWith('/staff/sign-in') ? null : next;
}

function isSignInPageState(state: unknown): state is SignInPageState {
  return typeof state === 'object' && state !== null && (state as SignInPageState).notice === 'signed_out';
}

// The server's wording is written for API clients; a person at the form gets a sentence that
// says what to do next. Codes not listed here show the server's detail.
const messagesByCode: Record<string, string> = {
  invalid_credentials: 'The email or password is not right. Check both and try again.',
  too_many_attempts: 'Too many sign-in attempts. Wait a few minutes and try again.',
  mfa_code_invalid: 'That code is not right, or it was already used. Enter the current code from your app.',
  unauthenticated: 'The sign-in took too long. Enter your email and password again.',
};

function messageFor(error: unknown): string {
  if (error instanceof ApiError) return messagesByCode[error.code] ?? error.detail;
  return 'Something went wrong while signing in. Try again.';
}

type FieldName = 'email' | 'password';

interface FormError {
  message: string;
  /** Fields to mark invalid: the one the server named (validation_failed), or both for bad credentials. */
  invalidFields: readonly FieldName[];
}

function invalidFieldsFor(error: unknown): readonly FieldName[] {
  if (!(error instanceof ApiError)) return [];
  if (error.code === 'invalid_credentials') return ['email', 'password'];
  if (error.param === 'email' || error.param === 'password') return [error.param];
  return [];
}

export function StaffSignInPage() {
  const { signIn, completeMfaSignIn } = useSession();
  const [challengeToken, setChallengeToken] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { state } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<FormError | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const fieldId = useId();
  const alertId = `${fieldId}-alert`;

  useFocusWhen(alertRef, formError);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setFormError(null);
    try {
      let user: StaffUser;
      if (challengeToken) {
        user = await completeMfaSignIn(challengeToken, code.trim());
      } else {
        const answer = await signIn(email.trim(), password);
        if ('challengeToken' in answer) {
          setChallengeToken(answer.challengeToken);
          setPassword('');
          setSubmitting(false);
          return;
        }
        user = answer.user;
      }
      // People who sell for a dealer work in the dealer portal, unless a deep link asked for a page.
      navigate(nextPath(state) ?? (user.role === 'dealer_user' ? '/dealer' : '/staff'));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthenticated') setChallengeToken(null);
      setCode('');
      setPassword('');
      setFormError({ message: messageFor(error), invalidFields: invalidFieldsFor(error) });
      setSubmitting(false);
    }
  };

  const invalid = (field: FieldName) => formError?.invalidFields.includes(field) ?? false;

  return (
    <>
      <PageHeading title="Staff sign-in">Staff sign-in</PageHeading>
      <p>For claims staff, administrators and repair facilities.</p>
      {isSignInPageState(state) && !formError ? (
        <p className="notice notice--success" role="status">
          You have signed out.
        </p>
      ) : null}
      {formError ? (
        <div id={alertId} className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {formError.message}
        </div>
      ) : null}
      {challengeToken ? (
        <form className="form" onSubmit={handleSubmit}>
          <div className="field">
            <label htmlFor={`${fieldId}-code`}>Code from your authenticator app (or a recovery code)</label>
            <input
              id={`${fieldId}-code`}
              name="code"
              autoComplete="one-time-code"
              // biome-ignore lint/a11y/noAutofocus: the code field is the only thing this step asks for
              autoFocus
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
              aria-invalid={formError ? true : undefined}
              aria-describedby={formError ? alertId : undefined}
            />
          </div>
          <button type="submit" className="button" disabled={submitting}>
            {submitting ? 'Checking…' : 'Continue'}
          </button>
        </form>
      ) : (
        <form className="form" onSubmit={handleSubmit}>
          <div className="field">
            <label htmlFor={`${fieldId}-email`}>Email</label>
            <input
              id={`${fieldId}-email`}
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={invalid('email') || undefined}
              aria-describedby={invalid('email') ? alertId : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-password`}>Password</label>
            <input
              id={`${fieldId}-password`}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={invalid('password') || undefined}
              aria-describedby={invalid('password') ? alertId : undefined}
            />
          </div>
          <button type="submit" className="button" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      )}
      {!challengeToken ? <SingleSignOn returnTo={nextPath(state)} /> : null}
    </>
  );
}

/** "Sign in with <provider>" when staff single sign-on is set up (a plain link: the browser leaves). */
function SingleSignOn({ returnTo }: { returnTo: string | null }) {
  const oidc = useApiQuery('/auth/oidc', undefined);
  const provider = oidc.data?.enabled ? oidc.data.providerName : null;
  if (!provider) return null;
  const href = `/api/v1/auth/oidc/start${returnTo?.startsWith('/staff') ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`;
  return (
    <p className="single-sign-on">
      <a className="button button--secondary" href={href}>
        Sign in with {provider}
      </a>
    </p>
  );
}

const refusals: Record<string, string> = {
  sso_role_unmapped:
    'You signed in at your organization, but your account there is not in a group that gives a Coverwise role. Ask your administrator to add you to the right group, then try again.',
  sso_failed:
    'The sign-in did not complete: it took too long, was started in another browser, or the identity provider did not confirm it. Try again.',
};

/** Where a refused single sign-on lands: what happened and what to do. */
export function StaffSsoRefusedPage() {
  const { search } = useLocation();
  const code = new URLSearchParams(search).get('code') ?? 'sso_failed';
  return (
    <>
      <PageHeading title="Sign-in refused">We could not sign you in</PageHeading>
      <div className="notice notice--error" role="alert">
        {refusals[code] ?? refusals.sso_failed}
      </div>
      <p>
        <a href="/staff/sign-in">Back to staff sign-in</a>
      </p>
    </>
  );
}
