// The monitoring pages, each loaded when first visited (App.tsx mounts them under /e/:experiment).
import { lazyPage } from '../../app/lazy-page.ts';

export const monitoringPages = {
  DashboardPage: lazyPage(() => import('./DashboardPage.tsx'), 'DashboardPage'),
  CampaignsPage: lazyPage(() => import('./CampaignsPage.tsx'), 'CampaignsPage'),
  SubmissionsPage: lazyPage(() => import('./SubmissionsPage.tsx'), 'SubmissionsPage'),
  SubmissionPage: lazyPage(() => import('./SubmissionPage.tsx'), 'SubmissionPage'),
  HeldLaunchesPage: lazyPage(() => import('./HeldLaunchesPage.tsx'), 'HeldLaunchesPage'),
  AuditPage: lazyPage(() => import('./AuditPage.tsx'), 'AuditPage'),
};
