// /e/:experiment/campaigns/:campaign/history — the revisions of a campaign, newest first: what
// changed between two of them (the server's stage-by-stage diff and the line diff of their texts),
// any revision's text, and restoring an old revision (as a new one, refused when stale).
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, path } from '../../api/client.ts';
import type { CampaignDetail } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import '../../editor/editor.css';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { DiffView } from './DiffView.tsx';

interface Revision {
  revision: number;
  author: string;
  message: string | null;
  created_at: string;
}

interface RevisionText extends Revision {
  text: string;
}

export function CampaignHistoryPage() {
  const { experiment = '', campaign = '' } = useParams();
  const campaignPath = path('experiments', experiment, 'campaigns', campaign);
  const detail = useApi(() => api.get<CampaignDetail>(campaignPath), [campaignPath]);
  const revisions = useApi(
    () =>
      api.get<{ items: Revision[]; total: number }>(`${campaignPath}/revisions`, { limit: 1000 }),
    [campaignPath],
  );
  const [pair, setPair] = useState<{ from: number; to: number } | undefined>(undefined);
  const [viewing, setViewing] = useState<number | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const base = `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(campaign)}`;

  if (detail.error) return <ErrorBox error={detail.error} onRetry={detail.reload} />;
  if (revisions.error) return <ErrorBox error={revisions.error} onRetry={revisions.reload} />;
  if (!detail.data || !revisions.data) return <Loading what="the revisions" />;
  const current = detail.data.current_revision;
  const items = revisions.data.items;

  const restore = async (revision: number) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const saved = await api.post<{ revision: { revision: number } }>(`${campaignPath}/restore`, {
        revision,
        expected_revision: current,
      });
      setNotice(`Revision ${revision} restored as revision ${saved.revision.revision}.`);
      detail.reload();
      revisions.reload();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'store.stale-revision') {
        setNotice('Not restored: someone saved a newer revision meanwhile. The list is reloaded.');
        detail.reload();
        revisions.reload();
      } else setError(e);
    }
  };

  return (
    <div className="history-page">
      <h1>
        {campaign} <span className="muted">· history (current revision {current})</span>
      </h1>
      <p>
        <Link to={`${base}/edit`}>Edit the current revision</Link>
      </p>
      {notice ? (
        <div role="status" className="editor-saved">
          {notice}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      <table className="revisions">
        <thead>
          <tr>
            <th>Revision</th>
            <th>Author</th>
            <th>When</th>
            <th>Message</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.revision} className={r.revision === current ? 'current' : undefined}>
              <td>
                {r.revision}
                {r.revision === current ? ' (current)' : ''}
              </td>
              <td>{r.author}</td>
              <td>{new Date(r.created_at).toLocaleString()}</td>
              <td>{r.message ?? ''}</td>
              <td className="row">
                <button type="button" className="link" onClick={() => setViewing(r.revision)}>
                  view
                </button>
                {r.revision > 1 ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => setPair({ from: r.revision - 1, to: r.revision })}
                  >
                    changes
                  </button>
                ) : null}
                {r.revision !== current ? (
                  <>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setPair({ from: r.revision, to: current })}
                    >
                      compare with current
                    </button>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        if (window.confirm(`Restore revision ${r.revision} as a new revision?`))
                          void restore(r.revision);
                      }}
                    >
                      restore
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pair ? <RevisionDiff campaignPath={campaignPath} from={pair.from} to={pair.to} /> : null}
      {viewing !== undefined ? (
        <RevisionView campaignPath={campaignPath} revision={viewing} />
      ) : null}
    </div>
  );
}

function RevisionDiff(props: { campaignPath: string; from: number; to: number }) {
  const { campaignPath, from, to } = props;
  const loaded = useApi(
    () =>
      Promise.all([
        api.get<{ changes: string[] }>(`${campaignPath}/diff`, { from, to }),
        api.get<RevisionText>(`${campaignPath}/revisions/${from}`),
        api.get<RevisionText>(`${campaignPath}/revisions/${to}`),
      ]),
    [campaignPath, from, to],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading what="the changes" />;
  const [diff, a, b] = loaded.data;
  return (
    <section className="revision-diff" aria-label={`Changes from ${from} to ${to}`}>
      <h2>
        Revision {from} → {to}
      </h2>
      {diff.changes.length > 0 ? (
        <ul className="model-changes">
          {diff.changes.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No change to the campaign model.</p>
      )}
      <DiffView before={a.text} after={b.text} />
    </section>
  );
}

function RevisionView(props: { campaignPath: string; revision: number }) {
  const { campaignPath, revision } = props;
  const loaded = useApi(
    () => api.get<RevisionText>(`${campaignPath}/revisions/${revision}`),
    [campaignPath, revision],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading what={`revision ${revision}`} />;
  return (
    <section className="revision-text" aria-label={`Revision ${revision}`}>
      <h2>
        Revision {revision}{' '}
        <span className="muted">
          by {loaded.data.author}
          {loaded.data.message ? ` — ${loaded.data.message}` : ''}
        </span>
      </h2>
      <pre>{loaded.data.text}</pre>
    </section>
  );
}
