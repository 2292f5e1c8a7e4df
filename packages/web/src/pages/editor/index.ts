// The editor's pages, loaded lazily (App.tsx) so CodeMirror, React Flow and elkjs stay out of the
// first load.
export { EditCampaignPage } from './EditCampaignPage.tsx';
export { NewCampaignPage } from './NewCampaignPage.tsx';
export { CampaignHistoryPage } from './CampaignHistoryPage.tsx';
