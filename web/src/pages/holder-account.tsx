import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { apiClient } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatInstant } from '../format.js';
import { type Sentence, said, say } from '../holder-messages.js';
import { holderLanguage, t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, Redirect } from '../router.js';
import { useSession } from '../session.js';

// Holder accounts (issue 19): create one from "My coverage" (an email verified by a link), sign in by
// an emailed link, "Forgot which contract?", and the notification centre. Links carry their token in
// the URL's fragment, which never reaches a server log; the page posts it and then reloads "My
// coverage" so the session is read afresh.

const emailSentence = () => said('account.errors.email');
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
      form.show({ email: emailSentence() });
      return;
    }
    setSubmitting(true);
    form.clear();
    try {
      await onSubmit(email.trim());
    } catch (error) {
      form.showProblem(error, { email: emailSentence() });
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
  const accountQuery = useApiQuery('/holder-account', undefined);
  const create = useApiMutation('post', '/holder-account');
  const [sentTo, setSentTo] = useState<string | null>(null);
  if (accountQuery.isPending) return null;
  // A session that cannot have an account (or an answer that failed) is offered to create one.
  const account = accountQuery.data?.account ?? null;
  if (account) {
    return (
      <section className="card card--wide" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('account.myAccount')}</h2>
        <p>
          {t('account.signedInAs')} <strong>{account.email}</strong>. {t('account.allListed')}
        </p>
        <p>
          <Link href="/my/notifications">{t('account.emailsSent')}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('account.create')}</h2>
      {sentTo ? (
        <SentNotice message={t('account.linkSent', { email: sentTo })} />
      ) : (
        <>
          <p>{t('account.createLead')}</p>
          <EmailForm
            label={t('account.email')}
            hint={t('account.createHint')}
            button={t('account.createButton')}
            busyButton={t('claims.sending')}
            onSubmit={async (email) => {
              const answer = await create.mutateAsync({ body: { email, language: holderLanguage() } });
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
  const [failure, setFailure] = useState<Sentence | null>(null);
  const title = purpose === 'verify' ? t('account.confirming') : t('account.signingIn');
  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
    // The token leaves the address bar at once (history, screenshots, shoulder surfers).
    window.history.replaceState(window.history.state, '', window.location.pathname);
    const init = { body: { token } };
    const followed =
      purpose === 'verify'
        ? apiClient.POST('/holder-account/verify', init)
        : apiClient.POST('/holder-account/sign-in', init);
    followed.then(
      () => window.location.assign('/my'),
      () => setFailure(said('account.linkExpired')),
    );
  }, [purpose]);
  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      {failure ? (
        <>
          <div className="notice notice--error" role="alert">
            {say(failure)}
          </div>
          <p>
            <Link href="/my/account/sign-in-link">{t('account.newLink')}</Link>
          </p>
        </>
      ) : (
        <p className="muted" role="status">
          {t('account.oneMoment')}
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
  const requestLink = useApiMutation('post', '/holder-account/sign-in-link');
  return (
    <>
      <PageHeading title={t('account.linkTitle')}>{t('account.linkTitle')}</PageHeading>
      {sent ? (
        // The API's sentence is the same whatever the email; the page says it in the reader's language.
        <SentNotice message={t('account.sameAnswer')} />
      ) : (
        <EmailForm
          label={t('account.email')}
          hint={t('account.linkHint')}
          button={t('account.linkButton')}
          busyButton={t('claims.sending')}
          onSubmit={async (email) => {
            const answer = await requestLink.mutateAsync({ body: { email, language: holderLanguage() } });
            setSent(answer.message);
          }}
        />
      )}
      <p>
        <Link href="/my/sign-in">{t('account.factsInstead')}</Link>
      </p>
    </>
  );
}

export function HolderForgotContractPage() {
  const [sent, setSent] = useState<string | null>(null);
  const forgot = useApiMutation('post', '/holder-account/forgot-contract');
  return (
    <>
      <PageHeading title={t('account.forgotTitle')}>{t('account.forgotTitle')}</PageHeading>
      <p>{t('account.forgotLead')}</p>
      {sent ? (
        // The API's sentence is the same whatever the email; the page says it in the reader's language.
        <SentNotice message={t('account.sameAnswer')} />
      ) : (
        <EmailForm
          label={t('account.email')}
          hint={t('account.forgotHint')}
          button={t('account.forgotButton')}
          busyButton={t('claims.sending')}
          onSubmit={async (email) => {
            const answer = await forgot.mutateAsync({ body: { email, language: holderLanguage() } });
            setSent(answer.message);
          }}
        />
      )}
      <p>
        <Link href="/my/sign-in">{t('account.backToSignIn')}</Link>
      </p>
    </>
  );
}

export function HolderNotificationsPage() {
  const { session } = useSession();
  const signedIn = session.status === 'holder_signed_in';
  const notificationsQuery = useApiQuery('/holder-account/notifications', undefined, { enabled: signedIn });
  if (session.status === 'loading') return null;
  if (!signedIn) return <Redirect to="/my/sign-in" />;
  return (
    <>
      <PageHeading title={t('account.emailsSent')}>{t('account.emailsSent')}</PageHeading>
      {notificationsQuery.isPending ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : notificationsQuery.isError ? (
        <div className="notice notice--error" role="alert">
          {t('account.notificationsNeedAccount')}
        </div>
      ) : notificationsQuery.data.data.length === 0 ? (
        <p>{t('account.noEmails')}</p>
      ) : (
        <ul className="card-stack notification-list">
          {notificationsQuery.data.data.map((notification) => (
            <li key={notification.id} className="card card--wide">
              <h2>{notification.subject}</h2>
              <p className="muted">{t('account.sentAt', { at: formatInstant(notification.sentAt) })}</p>
              <p className="preserve-lines">{notification.body}</p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/my">{t('claims.back')}</Link>
      </p>
    </>
  );
}
