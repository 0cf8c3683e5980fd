import { useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { staffRoleLabel } from '../auth.js';
import { useFocusWhen } from '../focus.js';
import { PageHeading } from '../page-heading.js';
import { Redirect } from '../router.js';
import { useSession } from '../session.js';
import { SignInAlerts } from '../sign-in-alerts.js';
import { MyWorkPanel } from './my-work.js';
import type { SignInPageState } from './staff-sign-in.js';
import { TwoStepSignIn } from './two-step-sign-in.js';

const signedOutState: SignInPageState = { notice: 'signed_out' };

export function StaffHomePage() {
  const { session, signOut } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  useFocusWhen(alertRef, signOutError);

  if (session.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (session.status !== 'signed_in') {
    // The page that asked to sign out is the one that leaves, carrying the notice with it. A
    // contract holder's session is not a staff session, so it is sent to sign in as staff too.
    const signedOutByUser = session.status === 'signed_out' && session.signedOutByUser;
    return <Redirect to="/staff/sign-in" state={signedOutByUser ? signedOutState : undefined} />;
  }

  const { user } = session;

  const handleSignOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
    } catch (error) {
      setSignOutError(
        error instanceof ApiError ? error.detail : 'Signing out did not work. Try again in a moment.',
      );
      setSigningOut(false);
    }
  };

  return (
    <>
      <PageHeading title="Staff home">Welcome, {user.displayName}</PageHeading>
      <SignInAlerts />
      {signOutError ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {signOutError}
        </div>
      ) : null}
      {user.role === 'reviewer' || user.role === 'adjuster' || user.role === 'admin' ? (
        <MyWorkPanel userId={user.id} />
      ) : null}
      <section aria-labelledby="account-heading" className="card">
        <h2 id="account-heading">Your account</h2>
        <dl className="facts">
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{staffRoleLabel(user.role)}</dd>
          </div>
        </dl>
        <button
          type="button"
          className="button button--secondary"
          onClick={handleSignOut}
          disabled={signingOut}
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </section>
      <TwoStepSignIn />
    </>
  );
}
