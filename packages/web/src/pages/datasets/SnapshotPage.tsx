// One snapshot: a frozen list of files. What it froze (a dataset, or a query), when, by whom when
// a split made it, how many files, and its files a page at a time.
import { Link, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { Snapshot } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { appUrl, useExperiment } from '../monitoring/shared.tsx';
import { CatalogFiles } from './CatalogFiles.tsx';
import { CatalogHistory } from './CatalogHistory.tsx';
import { snapshotFilesQuery } from './format.ts';
import './datasets.css';

export function SnapshotPage() {
  const experiment = useExperiment();
  const id = useParams().id ?? '';
  const snapshot = useApi(
    () => api.get<Snapshot>(path('experiments', experiment, 'snapshots', id)),
    [experiment, id],
  );
  if (snapshot.error) {
    return (
      <div className="monitoring">
        <h1>Snapshot {id}</h1>
        <ErrorBox error={snapshot.error} onRetry={snapshot.reload} />
      </div>
    );
  }
  if (!snapshot.data) return <Loading what="snapshot" />;
  const s = snapshot.data;
  return (
    <div className="monitoring snapshot-page">
      <div className="mon-title">
        <h1>
          <span className="muted">Snapshot</span> {s.id}
        </h1>
        {s.dataset ? (
          <Link to={appUrl(experiment, 'datasets', s.dataset)}>dataset {s.dataset}</Link>
        ) : null}
      </div>
      <dl className="dataset-facts" aria-label="Snapshot facts">
        <dt>Froze</dt>
        <dd>
          {s.dataset ? (
            <>
              dataset <Link to={appUrl(experiment, 'datasets', s.dataset)}>{s.dataset}</Link>
              {' · '}
            </>
          ) : null}
          <code className="dataset-query">{s.query}</code>
        </dd>
        <dt>Taken</dt>
        <dd>
          <Time iso={s.created_at} />
        </dd>
        {s.owner ? (
          <>
            <dt>Made by</dt>
            <dd>
              a split (<code>{s.owner}</code>): one slice of a stage&apos;s input
            </dd>
          </>
        ) : null}
        <dt>Files</dt>
        <dd data-testid="snapshot-file-count">{s.file_count.toLocaleString('en-US')}</dd>
      </dl>
      <p className="muted hint">
        Frozen: files declared later are not in it. In a query,{' '}
        <code>{snapshotFilesQuery(s.id)}</code> selects its files.
      </p>
      <CatalogFiles
        experiment={experiment}
        query={snapshotFilesQuery(s.id)}
        total={s.file_count}
        label="Files"
      />
      <CatalogHistory
        experiment={experiment}
        objectType="snapshot"
        objectId={s.id}
        generation={0}
      />
    </div>
  );
}
