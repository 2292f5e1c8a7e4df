// The dataset pages (the list, a dataset, a snapshot), loaded when first visited.
export { DatasetPage } from './DatasetPage.tsx';
export { DatasetsPage } from './DatasetsPage.tsx';
export { SnapshotPage } from './SnapshotPage.tsx';
