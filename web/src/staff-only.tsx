import type { ReactNode } from 'react';
import type { StaffRole, StaffUser } from './auth.js';
import { PageHeading } from './page-heading.js';
import { Link, Redirect } from './router.js';
import { useSession } from './session.js';

// The gate in front of staff pages: no staff session → the staff sign-in page; a staff role the page
// is not for → a plain explanation (the server refuses the requests anyway, this only says why).

interface StaffOnlyProps {
  /** Roles allowed to see the page; any staff role when omitted. */
  roles?: readonly StaffRole[];
  /** The refusal's sentence for other roles: "Importing dealer files is for administrators only." */
  refusal?: string;
  children: (user: StaffUser) => ReactNode;
}

export function StaffOnly({ roles, refusal, children }: StaffOnlyProps) {
  const { session } = useSession();
  if (session.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  // The page asked for rides along, so signing in lands on it rather than on the staff home.
  if (session.status !== 'signed_in')
    return (
      <Redirect
        to="/staff/sign-in"
        state={{ next: `${window.location.pathname}${window.location.search}` }}
      />
    );
  if (roles && !roles.includes(session.user.role)) {
    return (
      <>
        <PageHeading title="Not available to your role">Not available to your role</PageHeading>
        <p>
          {refusal ?? 'This page is for other staff roles.'} Go back to the{' '}
          <Link href="/staff">staff home page</Link>.
        </p>
      </>
    );
  }
  return <>{children(session.user)}</>;
}
