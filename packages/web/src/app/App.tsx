// The app: the session first (the login page until someone is logged in), then the routes. Every
// view has its own URL, so any page can be bookmarked and shared.
import { Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { HomePage } from '../pages/HomePage.tsx';
import { LoginPage } from '../pages/LoginPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { Loading } from '../ui/feedback.tsx';
import { Layout } from './Layout.tsx';
import { SessionProvider, useSession } from './session.tsx';

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </SessionProvider>
  );
}

function Gate() {
  const { me } = useSession();
  if (me === undefined) return <Loading />;
  if (me === null) return <LoginPage />;
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          {/* monitoring routes */}
          {/* campaign routes */}
          {/* editor routes */}
          {/* template routes */}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
