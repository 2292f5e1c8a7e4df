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
import { lazyPage } from './lazy-page.ts';
import { monitoringPages as Mon } from '../pages/monitoring/routes.ts';

const TriagePage = lazyPage(() => import('../pages/triage/TriagePage.tsx'), 'TriagePage');
const NotificationSettingsPage = lazyPage(
  () => import('../pages/settings/NotificationSettingsPage.tsx'),
  'NotificationSettingsPage',
);
const CampaignPage = lazyPage(() => import('../pages/campaign/CampaignPage.tsx'), 'CampaignPage');
const StagePage = lazyPage(() => import('../pages/campaign/StagePage.tsx'), 'StagePage');

// The editor's pages (CodeMirror, React Flow, elkjs) load when first visited.
const loadEditorPages = () => import('../pages/editor/index.ts');
const EditCampaignPage = lazyPage(loadEditorPages, 'EditCampaignPage');
const NewCampaignPage = lazyPage(loadEditorPages, 'NewCampaignPage');
const CampaignHistoryPage = lazyPage(loadEditorPages, 'CampaignHistoryPage');

// The template library (its preview draws the graph) loads when first visited.
const loadTemplatePages = () => import('../pages/templates/index.ts');
const TemplateLibraryPage = lazyPage(loadTemplatePages, 'TemplateLibraryPage');
const TemplatePage = lazyPage(loadTemplatePages, 'TemplatePage');

// The file pages (the provenance graph uses React Flow and elkjs) load when first visited.
const loadFilePages = () => import('../pages/files/index.ts');
const FilePage = lazyPage(loadFilePages, 'FilePage');
const FileSearchPage = lazyPage(loadFilePages, 'FileSearchPage');

// The dataset pages (datasets, snapshots and their files) load when first visited.
const loadDatasetPages = () => import('../pages/datasets/index.ts');
const DatasetsPage = lazyPage(loadDatasetPages, 'DatasetsPage');
const DatasetPage = lazyPage(loadDatasetPages, 'DatasetPage');
const SnapshotPage = lazyPage(loadDatasetPages, 'SnapshotPage');

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
          <Route path="e/:experiment" element={<Mon.DashboardPage />} />
          <Route path="e/:experiment/campaigns" element={<Mon.CampaignsPage />} />
          <Route path="e/:experiment/submissions" element={<Mon.SubmissionsPage />} />
          <Route path="e/:experiment/submissions/:id" element={<Mon.SubmissionPage />} />
          <Route path="e/:experiment/held-launches" element={<Mon.HeldLaunchesPage />} />
          <Route path="e/:experiment/audit" element={<Mon.AuditPage />} />
          <Route path="e/:experiment/triage" element={<TriagePage />} />
          {/* campaign routes */}
          <Route path="e/:experiment/campaigns/:campaign" element={<CampaignPage />} />
          <Route path="e/:experiment/campaigns/:campaign/stages/:stage" element={<StagePage />} />
          {/* editor routes */}
          <Route path="e/:experiment/campaigns/:campaign/edit" element={<EditCampaignPage />} />
          <Route path="e/:experiment/new-campaign" element={<NewCampaignPage />} />
          <Route
            path="e/:experiment/campaigns/:campaign/history"
            element={<CampaignHistoryPage />}
          />
          {/* template routes */}
          <Route path="templates" element={<TemplateLibraryPage />} />
          <Route path="e/:experiment/templates" element={<TemplateLibraryPage />} />
          <Route path="e/:experiment/templates/:name" element={<TemplatePage />} />
          {/* file routes */}
          <Route path="e/:experiment/files" element={<FileSearchPage />} />
          <Route path="e/:experiment/files/:name" element={<FilePage />} />
          {/* dataset routes */}
          <Route path="e/:experiment/datasets" element={<DatasetsPage />} />
          <Route path="e/:experiment/datasets/:name" element={<DatasetPage />} />
          <Route path="e/:experiment/snapshots/:id" element={<SnapshotPage />} />
          {/* the user's own settings */}
          <Route path="settings/notifications" element={<NotificationSettingsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
