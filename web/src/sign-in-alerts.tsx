import { formatCount, formatInstant } from './format.js';
import { useApiQuery } from './queries.js';
import { useSession } from './session.js';

// Alerts that someone is guessing at a password (GET /auth/sign-in-alerts): the signed-in person's own
// account, or every account for an administrator. Shown first on the page each role lands on after
// signing in (the staff home; the dealer portal for a dealer user) and on the staff dashboard, because
// the person may need to change their password. Every role that signs in with a password is alerted:
// dealer users and lenders as much as staff.

export function SignInAlerts() {
  const { session } = useSession();
  const userId = session.status === 'signed_in' ? session.user.id : null;
  // The alerts are an extra: the page works without them (a failure shows nothing).
  const alerts =
    useApiQuery('/auth/sign-in-alerts', undefined, { enabled: userId !== null }).data?.data ?? [];
  if (alerts.length === 0) return null;
  const ownOnly = alerts.every((alert) => alert.userId === userId);
  return (
    <section className="notice notice--error" role="alert" aria-labelledby="sign-in-alerts-heading">
      <h2 id="sign-in-alerts-heading">
        {ownOnly
          ? 'Someone is trying to sign in to your account'
          : 'Someone is trying to sign in to an account'}
      </h2>
      <ul>
        {alerts.map((alert) => (
          <li key={`${alert.userId}-${alert.occurredAt}`}>
            {formatInstant(alert.occurredAt)}: {formatCount(alert.failedAttempts)} failed sign-ins to{' '}
            {alert.userId === userId ? 'your account' : (alert.email ?? 'an account')} within{' '}
            {Math.round(alert.windowSeconds / 60)} minutes. Sign-ins from other addresses are not blocked; if
            the password may be known, change it.
          </li>
        ))}
      </ul>
    </section>
  );
}
