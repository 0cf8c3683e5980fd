import type { ComponentType } from 'react';
import { Layout } from './layout.js';
import { AdminImportPage } from './pages/admin-import.js';
import { HolderSignInPage } from './pages/holder-sign-in.js';
import { LandingPage } from './pages/landing.js';
import { MyCoveragePage } from './pages/my-coverage.js';
import { NotFoundPage } from './pages/not-found.js';
import { StaffContractDetailPage } from './pages/staff-contract-detail.js';
import { StaffContractsPage } from './pages/staff-contracts.js';
import { StaffHomePage } from './pages/staff-home.js';
import { StaffSignInPage } from './pages/staff-sign-in.js';
import { matchPath, RouterProvider, useLocation } from './router.js';
import { SessionProvider } from './session.js';

// Every page the web app has, by path pattern (':name' segments become `params`). The server answers
// index.html for any unknown non-API path, so a path missing here shows the not-found page.

export interface RouteProps {
  params: Record<string, string>;
}

const routes: readonly (readonly [pattern: string, page: ComponentType<RouteProps>])[] = [
  ['/', LandingPage],
  ['/my/sign-in', HolderSignInPage],
  ['/my', MyCoveragePage],
  ['/staff/sign-in', StaffSignInPage],
  ['/staff', StaffHomePage],
  ['/staff/contracts', StaffContractsPage],
  ['/staff/contracts/:id', StaffContractDetailPage],
  ['/admin/import', AdminImportPage],
];

function CurrentPage() {
  const { pathname } = useLocation();
  for (const [pattern, Page] of routes) {
    const params = matchPath(pattern, pathname);
    // The key gives each contract its own page instance, so nothing of one shows on the next.
    if (params) return <Page key={pathname} params={params} />;
  }
  return <NotFoundPage />;
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Layout>
          <CurrentPage />
        </Layout>
      </SessionProvider>
    </RouterProvider>
  );
}
