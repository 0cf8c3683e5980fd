import { PageHeading } from '../page-heading.js';
import { Link, useLocation } from '../router.js';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <>
      <PageHeading title="Page not found">Page not found</PageHeading>
      <p>
        There is no page at <code>{pathname}</code>. Check the address, or start again from the{' '}
        <Link href="/">Coverwise home page</Link>.
      </p>
    </>
  );
}
