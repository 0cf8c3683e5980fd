import { PageHeading } from '../page-heading.js';
import { Link } from '../router.js';

export function LandingPage() {
  return (
    <>
      <PageHeading title="Coverwise">Coverwise</PageHeading>
      <p className="lead">
        Coverwise administers vehicle service contracts and GAP addenda: it sells and records contracts,
        handles repair and benefit claims, and quotes transfers and cancellations.
      </p>
      <ul className="link-list">
        <li>
          <Link className="button-link" href="/my/sign-in">
            Contract holders: see your coverage
          </Link>
        </li>
        <li>
          <Link className="button-link button--secondary" href="/gap-claims">
            GAP Claims Center: vehicle totaled or stolen?
          </Link>
        </li>
        <li>
          <Link className="button-link button--secondary" href="/staff/sign-in">
            Staff and repair facility sign-in
          </Link>
        </li>
        <li>
          <a href="/docs">API documentation</a>
        </li>
      </ul>
    </>
  );
}
