import { type ComponentType, lazy, Suspense } from 'react';
import { useTranslation } from './i18n.js';
import { Layout } from './layout.js';
import { GapClaimPage } from './pages/gap-claim.js';
import { GapClaimsCenterPage } from './pages/gap-claims-center.js';
import { HelpPage } from './pages/help.js';
import {
  HolderForgotContractPage,
  HolderLinkSignInPage,
  HolderNotificationsPage,
  HolderSignInLinkPage,
  HolderVerifyEmailPage,
} from './pages/holder-account.js';
import { HolderCancelPage } from './pages/holder-cancel.js';
import { HolderClaimsPage } from './pages/holder-claims.js';
import { HolderSignInPage } from './pages/holder-sign-in.js';
import { HolderTransferPage } from './pages/holder-transfer.js';
import { LandingPage } from './pages/landing.js';
import { MyCoveragePage } from './pages/my-coverage.js';
import { NotFoundPage } from './pages/not-found.js';
import { StaffSignInPage, StaffSsoRefusedPage } from './pages/staff-sign-in.js';
import { QueryProvider } from './queries.js';
import { matchPath, type RouteProps, RouterProvider, useLocation } from './router.js';
import { SessionProvider } from './session.js';

// Every page the web app has, by path pattern (':name' segments become `params`). The server answers
// index.html for any unknown non-API path, so a path missing here shows the not-found page.

// Staff pages with charts or a large editor load on demand, so holders never download Chart.js.
// The claims staff's pages too: a holder's first page carries only the holder pages.
const AdjusterClaimPage = lazy(() =>
  import('./pages/adjuster-claim.js').then((m) => ({ default: m.AdjusterClaimPage })),
);
const AdjusterGapClaimPage = lazy(() =>
  import('./pages/adjuster-gap-claim.js').then((m) => ({ default: m.AdjusterGapClaimPage })),
);
const AdjusterGapClaimsPage = lazy(() =>
  import('./pages/adjuster-gap-claims.js').then((m) => ({ default: m.AdjusterGapClaimsPage })),
);
const AdjusterQueuePage = lazy(() =>
  import('./pages/adjuster-queue.js').then((m) => ({ default: m.AdjusterQueuePage })),
);
const ReviewerDocumentPage = lazy(() =>
  import('./pages/reviewer-document.js').then((m) => ({ default: m.ReviewerDocumentPage })),
);
const ReviewerQueuePage = lazy(() =>
  import('./pages/reviewer-queue.js').then((m) => ({ default: m.ReviewerQueuePage })),
);
const StaffHomePage = lazy(() => import('./pages/staff-home.js').then((m) => ({ default: m.StaffHomePage })));
const StaffSearchPage = lazy(() =>
  import('./pages/staff-search.js').then((m) => ({ default: m.StaffSearchPage })),
);
const StaffDashboardPage = lazy(() => import('./pages/staff-dashboard.js'));
const AdminWhatIfPage = lazy(() => import('./pages/admin-what-if.js'));
const AdminCatalogPage = lazy(() => import('./pages/admin-catalog.js'));
const AdminTrialBalancePage = lazy(() => import('./pages/admin-trial-balance.js'));
const AdminMonthEndPage = lazy(() => import('./pages/admin-month-end.js'));
const LenderRefundsPage = lazy(() => import('./pages/lender-refunds.js'));
const AdminPaymentRunsPage = lazy(() => import('./pages/admin-payment-runs.js'));
const AdminJournalPage = lazy(() => import('./pages/admin-journal.js'));
const AdminDealerStatementPage = lazy(() => import('./pages/admin-dealer-statement.js'));
const AdminFundingPage = lazy(() => import('./pages/admin-funding.js'));
// Staff pages used by one role each (and their data plumbing) load on demand too, so the first page a
// holder opens stays within its budget (test/build/web-bundle.test.ts).
const AdminImportPage = lazy(() =>
  import('./pages/admin-import.js').then((m) => ({ default: m.AdminImportPage })),
);
const AdminDealersPage = lazy(() =>
  import('./pages/admin-dealers.js').then((m) => ({ default: m.AdminDealersPage })),
);
const DealerPortalPage = lazy(() =>
  import('./pages/dealer-portal.js').then((m) => ({ default: m.DealerPortalPage })),
);
const ShopClaimsPage = lazy(() =>
  import('./pages/shop-claims.js').then((m) => ({ default: m.ShopClaimsPage })),
);
const ShopClaimDetailPage = lazy(() =>
  import('./pages/shop-claim-detail.js').then((m) => ({ default: m.ShopClaimDetailPage })),
);
const StaffContractsPage = lazy(() =>
  import('./pages/staff-contracts.js').then((m) => ({ default: m.StaffContractsPage })),
);
const StaffRentalClaimPage = lazy(() =>
  import('./pages/staff-benefit-claim.js').then((m) => ({ default: m.StaffRentalClaimPage })),
);
const StaffTripClaimPage = lazy(() =>
  import('./pages/staff-benefit-claim.js').then((m) => ({ default: m.StaffTripClaimPage })),
);
const StaffContractDetailPage = lazy(() =>
  import('./pages/staff-contract-detail.js').then((m) => ({ default: m.StaffContractDetailPage })),
);

const routes: readonly (readonly [pattern: string, page: ComponentType<RouteProps>])[] = [
  ['/', LandingPage],
  ['/my/sign-in', HolderSignInPage],
  ['/my', MyCoveragePage],
  ['/my/account/verify', HolderVerifyEmailPage],
  ['/my/account/sign-in', HolderLinkSignInPage],
  ['/my/account/sign-in-link', HolderSignInLinkPage],
  ['/my/forgot-contract', HolderForgotContractPage],
  ['/my/notifications', HolderNotificationsPage],
  ['/my/claims', HolderClaimsPage],
  ['/my/contracts/:id/cancel', HolderCancelPage],
  ['/my/contracts/:id/transfer', HolderTransferPage],
  ['/staff/sign-in', StaffSignInPage],
  ['/staff/sign-in/refused', StaffSsoRefusedPage],
  ['/shop', ShopClaimsPage],
  ['/shop/claims/:id', ShopClaimDetailPage],
  ['/adjuster/claims', AdjusterQueuePage],
  ['/adjuster/claims/:id', AdjusterClaimPage],
  ['/staff', StaffHomePage],
  ['/staff/search', StaffSearchPage],
  ['/staff/contracts', StaffContractsPage],
  ['/staff/contracts/:id', StaffContractDetailPage],
  ['/admin/import', AdminImportPage],
  ['/admin/dealers', AdminDealersPage],
  ['/admin/dealers/:id/statement', AdminDealerStatementPage],
  ['/dealer', DealerPortalPage],
  ['/staff/dashboard', StaffDashboardPage],
  ['/admin/what-if', AdminWhatIfPage],
  ['/admin/catalog', AdminCatalogPage],
  ['/admin/trial-balance', AdminTrialBalancePage],
  ['/admin/month-end', AdminMonthEndPage],
  ['/lender/refunds', LenderRefundsPage],
  ['/admin/payment-runs', AdminPaymentRunsPage],
  ['/admin/journal', AdminJournalPage],
  ['/admin/funding', AdminFundingPage],
  ['/gap-claims', GapClaimsCenterPage],
  ['/gap-claims/:id', GapClaimPage],
  ['/help', HelpPage],
  ['/staff/reviews', ReviewerQueuePage],
  ['/staff/reviews/:id', ReviewerDocumentPage],
  ['/staff/gap-claims', AdjusterGapClaimsPage],
  ['/staff/gap-claims/:id', AdjusterGapClaimPage],
  ['/staff/rental-claims/:id', StaffRentalClaimPage],
  ['/staff/trip-interruption-claims/:id', StaffTripClaimPage],
];

function CurrentPage() {
  const { pathname } = useLocation();
  // Subscribes the page to the language: switching it re-renders the page in the new language.
  useTranslation();
  for (const [pattern, Page] of routes) {
    const params = matchPath(pattern, pathname);
    // The key gives each contract its own page instance, so nothing of one shows on the next.
    if (params)
      return (
        <Suspense
          fallback={
            <p className="muted" role="status">
              Loading…
            </p>
          }
        >
          <Page key={pathname} params={params} />
        </Suspense>
      );
  }
  return <NotFoundPage />;
}

export function App() {
  return (
    <QueryProvider>
      <RouterProvider>
        <SessionProvider>
          <Layout>
            <CurrentPage />
          </Layout>
        </SessionProvider>
      </RouterProvider>
    </QueryProvider>
  );
}
