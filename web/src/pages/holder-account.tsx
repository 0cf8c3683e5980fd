import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, Redirect } from '../router.js';
import { useSession } from '../session.js';

// Holder accounts (issue 19): create one from "My coverage" (an email verified by a link), sign in by
// an emailed link, "Forgot which contract?", and the notification centre. Links carry their token in
// the URL's fragment, which never reaches a server log; the page posts it and then reloads "My
// coverage" so the session is read afresh.

const emailSentence = 'Enter your email address, such as name@example.com.';
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface HolderAccount {
  email: string;
  verified: boolean;
}

/** One email field and a button: the shape of every form on these pages. */
function EmailForm({
  label,
  hint,
  button,
  busyButton,
  onSubmit,
}: {
  label: string;
  hint: string;
  button: string;
  busyButton: string;
  onSubmit(email: string): Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const form = useFormErrors();
  const id = useId();
  const hintId = `${id}-hint`;
  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    if (!emailPattern.test(email.trim())) {
      form.show({ email: emailSentence });
      return;
    }
    setSubmitting(true);
    form.clear();
    try {
      await onSubmit(email.trim());
    } catch (error) {
      form.showProblem(error, { email: emailSentence });
    } finally {
      setSubmitting(false);
    }
  };
  const errorProps = form.fieldProps('email', `${id}-email`);
  return (
    <form className="form" onSubmit={handleSubmit} noValidate ref={form.formRef}>
      <FormSummary form={form} />
      <div className="field">
        <label htmlFor={`${id}-email`}>{label}</label>
        <p id={hintId} className="hint">
          {hint}
        </p>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={errorProps['aria-invalid']}
          aria-describedby={[hintId, errorProps['aria-describedby']].filter(Boolean).join(' ')}
        />
        <FieldError id={`${id}-email`} message={form.errors.email} />
      </div>
      <button type="submit" className="button" disabled={submitting}>
        {submitting ? busyButton : button}
      </button>
    </form>
  );
}

/** The sentence shown after a request whose answer must not tell whether the email is known. */
function SentNotice({ message }: { message: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p className="notice notice--success" role="status" tabIndex={-1} ref={ref}>
      {message}
    </p>
  );
}

/** "My coverage": create an account (facts session), or the account's email and notifications. */
export function HolderAccountPanel() {
  const headingId = useId();
  const [account, setAccount] = useState<HolderAccount | null | 'loading'>('loading');
  const [sentTo, setSentTo] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api
      .get<{ account: HolderAccount | null }>('/holder-account', { signal: controller.signal })
      .then((answer) => setAccount(answer.account))
      .catch(() => {
        if (!controller.signal.aborted) setAccount(null);
      });
    return () => controller.abort();
  }, []);
  if (account === 'loading') return null;
  if (account) {
    return (
      <section className="card card--wide" aria-labelledby={headingId}>
        <h2 id={headingId}>My account</h2>
        <p>
          Signed in as <strong>{account.email}</strong>. Every contract on file for you is listed below.
        </p>
        <p>
          <Link href="/my/notifications">Emails we sent you</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Create an account</h2>
      {sentTo ? (
        <SentNotice
          message={`We sent a link to ${sentTo}. Open it within 15 minutes to finish: after that, you sign in with your email, and all your contracts are in one place.`}
        />
      ) : (
        <>
          <p>
            Next time, sign in with a link sent to your email instead of your VIN, and see all your contracts
            together.
          </p>
          <EmailForm
            label="Email address"
            hint="We send a link to confirm it is yours."
            button="Send me the link"
            busyButton="Sending…"
            onSubmit={async (email) => {
              const answer = await api.post<{ email: string }>('/holder-account', { email });
              setSentTo(answer.email);
            }}
          />
        </>
      )}
    </section>
  );
}

/** Follows an emailed link (`#token=…`): verify the email or sign in, then open "My coverage". */
function LinkLandingPage({ purpose }: { purpose: 'verify' | 'sign-in' }) {
  const [failure, setFailure] = useState<string | null>(null);
  const title = purpose === 'verify' ? 'Confirming your email' : 'Signing you in';
  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
    // The token leaves the address bar at once (history, screenshots, shoulder surfers).
    window.history.replaceState(window.history.state, '', window.location.pathname);
    api.post(purpose === 'verify' ? '/holder-account/verify' : '/holder-account/sign-in', { token }).then(
      () => window.location.assign('/my'),
      () =>
        setFailure(
          'This link has expired or was already used. Links work once, for 15 minutes. Ask for a new one below.',
        ),
    );
  }, [purpose]);
  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      {failure ? (
        <>
          <div className="notice notice--error" role="alert">
            {failure}
          </div>
          <p>
            <Link href="/my/account/sign-in-link">Email me a new sign-in link</Link>
          </p>
        </>
      ) : (
        <p className="muted" role="status">
          One moment…
        </p>
      )}
    </>
  );
}

export function HolderVerifyEmailPage() {
  return <LinkLandingPage purpose="verify" />;
}

export function HolderLinkSignInPage() {
  return <LinkLandingPage purpose="sign-in" />;
}

export function HolderSignInLinkPage() {
  const [sent, setSent] = useState<string | null>(null);
  return (
    <>
      <PageHeading title="Sign in with your email">Sign in with your email</PageHeading>
      {sent ? (
        <SentNotice message={sent} />
      ) : (
        <EmailForm
          label="Email address"
          hint="The email of your Coverwise account. We send a link that signs you in; it works once, for 15 minutes."
          button="Email me a sign-in link"
          busyButton="Sending…"
          onSubmit={async (email) => {
            const answer = await api.post<{ message: string }>('/holder-account/sign-in-link', { email });
            setSent(answer.message);
          }}
        />
      )}
      <p>
        <Link href="/my/sign-in">Sign in with your last name, ZIP code and VIN instead</Link>
      </p>
    </>
  );
}

export function HolderForgotContractPage() {
  const [sent, setSent] = useState<string | null>(null);
  return (
    <>
      <PageHeading title="Forgot which contract?">Forgot which contract?</PageHeading>
      <p>
        Enter the email address on your contract. We email you the list of your contracts, with their numbers
        and the last six characters of each VIN.
      </p>
      {sent ? (
        <SentNotice message={sent} />
      ) : (
        <EmailForm
          label="Email address"
          hint="The email you gave when you bought the contract."
          button="Email me my contracts"
          busyButton="Sending…"
          onSubmit={async (email) => {
            const answer = await api.post<{ message: string }>('/holder-account/forgot-contract', { email });
            setSent(answer.message);
          }}
        />
      )}
      <p>
        <Link href="/my/sign-in">Back to sign-in</Link>
      </p>
    </>
  );
}

interface Notification {
  id: string;
  subject: string;
  body: string;
  sentAt: string;
}

export function HolderNotificationsPage() {
  const { session } = useSession();
  const [notifications, setNotifications] = useState<Notification[] | 'loading' | 'failed'>('loading');
  const signedIn = session.status === 'holder_signed_in';
  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    api
      .get<{ data: Notification[] }>('/holder-account/notifications', { signal: controller.signal })
      .then((answer) => setNotifications(answer.data))
      .catch(() => {
        if (!controller.signal.aborted) setNotifications('failed');
      });
    return () => controller.abort();
  }, [signedIn]);
  if (session.status === 'loading') return null;
  if (!signedIn) return <Redirect to="/my/sign-in" />;
  return (
    <>
      <PageHeading title="Emails we sent you">Emails we sent you</PageHeading>
      {notifications === 'loading' ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : notifications === 'failed' ? (
        <div className="notice notice--error" role="alert">
          Your emails are shown to account holders. Create an account from My coverage to see them here.
        </div>
      ) : notifications.length === 0 ? (
        <p>We have not sent you any emails yet.</p>
      ) : (
        <ul className="card-stack notification-list">
          {notifications.map((notification) => (
            <li key={notification.id} className="card card--wide">
              <h2>{notification.subject}</h2>
              <p className="muted">Sent {formatInstant(notification.sentAt)}</p>
              <p className="preserve-lines">{notification.body}</p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/my">Back to my coverage</Link>
      </p>
    </>
  );
}
