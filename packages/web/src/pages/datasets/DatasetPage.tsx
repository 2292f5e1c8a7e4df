// One dataset: what it is (a live saved query, or an open dataset and whether it is still open),
// how many files it has now, its files a page at a time, and its snapshots. Who may write the
// catalog can freeze it as a snapshot and close an open dataset (after a confirmation).
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { CountedDataset, Snapshot } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { ActionButton, appUrl, useExperiment } from '../monitoring/shared.tsx';
import { CatalogFiles } from './CatalogFiles.tsx';
import { CatalogHistory } from './CatalogHistory.tsx';
import { StateBadge } from './DatasetsPage.tsx';
import { datasetFilesQuery, kindText } from './format.ts';
import { useMayWriteCatalog } from './may-write.ts';
import { SnapshotList } from './SnapshotList.tsx';
import './datasets.css';

export function DatasetPage() {
  const experiment = useExperiment();
  const name = useParams().name ?? '';
  const mayWrite = useMayWriteCatalog(experiment);
  const [taken, setTaken] = useState<Snapshot[]>([]);
  const [closed, setClosed] = useState(0);
  const dataset = useApi(
    () => api.get<CountedDataset>(path('experiments', experiment, 'datasets', name)),
    [experiment, name],
  );
  const [shownFor, setShownFor] = useState(name);
  if (shownFor !== name) {
    setShownFor(name);
    setTaken([]);
  }

  if (dataset.error) {
    return (
      <div className="monitoring">
        <h1>Dataset {name}</h1>
        <ErrorBox error={dataset.error} onRetry={dataset.reload} />
      </div>
    );
  }
  if (!dataset.data) return <Loading what="dataset" />;
  const d = dataset.data;
  const open = d.kind === 'open' && d.closed_at === null;
  const last = taken.at(-1);

  return (
    <div className="monitoring dataset-page">
      <div className="mon-title">
        <h1>
          <span className="muted">Dataset</span> {d.name}
        </h1>
        <Link to={appUrl(experiment, 'datasets')}>all datasets</Link>
      </div>
      <dl className="dataset-facts" aria-label="Dataset facts">
        <dt>Kind</dt>
        <dd data-testid="dataset-kind">{kindText(d.kind)}</dd>
        <dt>State</dt>
        <dd>
          <StateBadge dataset={d} />{' '}
          <span className="muted">
            {d.kind === 'query'
              ? 'selects what the catalog holds now'
              : open
                ? 'grows as files are added'
                : 'no more files may be added'}
          </span>
        </dd>
        {d.kind === 'query' ? (
          <>
            <dt>Query</dt>
            <dd>
              <code className="dataset-query">{d.query}</code>
            </dd>
          </>
        ) : (
          <>
            <dt>Description</dt>
            <dd>{d.description ?? <span className="muted">—</span>}</dd>
          </>
        )}
        <dt>Files now</dt>
        <dd data-testid="dataset-file-count">{d.file_count.toLocaleString('en-US')}</dd>
        <dt>Created</dt>
        <dd>
          <Time iso={d.created_at} />
        </dd>
        {d.closed_at ? (
          <>
            <dt>Closed</dt>
            <dd>
              <Time iso={d.closed_at} />
            </dd>
          </>
        ) : null}
      </dl>
      {mayWrite ? (
        <div className="dataset-actions toolbar">
          <ActionButton
            label="Take snapshot"
            run={() =>
              api.post<Snapshot>(path('experiments', experiment, 'snapshots'), { dataset: d.name })
            }
            onDone={(s) => {
              setTaken((before) => [...before, s as Snapshot]);
              dataset.reload();
            }}
          />
          {open ? (
            <ActionButton
              label="Close dataset"
              danger
              confirm={`Close ${d.name}? No more files can be added to it, and stages that add their outputs to it stop doing so. This cannot be undone.`}
              run={() =>
                api.post<CountedDataset>(
                  path('experiments', experiment, 'datasets', d.name, 'close'),
                )
              }
              onDone={() => {
                setClosed((n) => n + 1);
                dataset.reload();
              }}
            />
          ) : null}
          {last ? (
            <span role="status">
              Snapshot <Link to={appUrl(experiment, 'snapshots', last.id)}>{last.id}</Link> taken:{' '}
              {last.file_count.toLocaleString('en-US')} files.
            </span>
          ) : null}
        </div>
      ) : null}
      <SnapshotList experiment={experiment} dataset={d.name} generation={taken.length} />
      <CatalogFiles
        experiment={experiment}
        query={datasetFilesQuery(d.name)}
        total={d.file_count}
        label="Files"
      />
      <CatalogHistory
        experiment={experiment}
        objectType="dataset"
        objectId={d.name}
        generation={closed}
      />
    </div>
  );
}
