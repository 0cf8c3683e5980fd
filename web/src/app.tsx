import type { ComponentType } from 'react';
import { Layout } from './layout.js';
import { LandingPage } from './pages/landing.js';
import { NotFoundPage } from './pages/not-found.js';
import { StaffHomePage } from './pages/staff-home.js';
import { StaffSignInPage } from './pages/staff-sign-in.js';
import { RouterProvider, useLocation } from './router.js';
import { SessionProvider } from './session.js';

// Every page the web app has, by path. The server answers index.html for any unknown non-API
// path, so a path missing here shows the not-found page.
const routes: ReadonlyMap<string, ComponentType> = new Map([
  ['/', LandingPage],
  ['/staff/sign-in', StaffSignInPage],
  ['/staff', StaffHomePage],
]);

function CurrentPage() {
  const { pathname } = useLocation();
  const Page = routes.get(pathname) ?? NotFoundPage;
  return <Page />;
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
