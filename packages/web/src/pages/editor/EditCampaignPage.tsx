// /e/:experiment/campaigns/:campaign/edit — a stored campaign in the editor. Saving shows the diff
// against the stored revision first and sends the revision it started from, so a save over
// someone else's newer revision is refused (409 store.stale-revision) and the text is kept.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, path } from '../../api/client.ts';
import type { CampaignDetail } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { CampaignEditor, type EditorHandle } from './CampaignEditor.tsx';
import { DiffView } from './DiffView.tsx';
import { useLeaveWarning } from './leave-warning.ts';
import { SaveDialog } from './SaveDialog.tsx';

export const STALE_CODE = 'store.stale-revision';

interface Saved {
  revision: { revision: number };
}

export function EditCampaignPage() {
  const { experiment = '', campaign = '' } = useParams();
  const loaded = useApi(
    () => api.get<CampaignDetail>(path('experiments', experiment, 'campaigns', campaign)),
    [experiment, campaign],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading what="the campaign" />;
  return (
    <StoredCampaignEditor
      key={`${experiment}/${campaign}/${loaded.data.id}`}
      experiment={experiment}
      campaign={campaign}
      detail={loaded.data}
    />
  );
}

function StoredCampaignEditor(props: {
  experiment: string;
  campaign: string;
  detail: CampaignDetail;
}) {
  const { experiment, campaign, detail } = props;
  const [stored, setStored] = useState({ text: detail.text, revision: detail.current_revision });
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState<{ text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | undefined>(undefined);
  const [stale, setStale] = useState<{ latest: CampaignDetail; mine: string } | undefined>();
  const [error, setError] = useState<unknown>(undefined);
  const [showLatest, setShowLatest] = useState(false);
  useLeaveWarning(dirty);
  const base = `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(campaign)}`;

  const startSave = (h: EditorHandle) => {
    setResult(undefined);
    setSaving({ text: h.text() });
  };

  const confirm = async (message: string | undefined) => {
    if (!saving) return;
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.put<Saved>(path('experiments', experiment, 'campaigns', campaign), {
        text: saving.text,
        expected_revision: stored.revision,
        ...(message === undefined ? {} : { message }),
      });
      setStored({ text: saving.text, revision: saved.revision.revision });
      setStale(undefined);
      setResult(`Saved as revision ${saved.revision.revision}.`);
    } catch (e) {
      if (e instanceof ApiError && e.code === STALE_CODE) {
        const latest = await api
          .get<CampaignDetail>(path('experiments', experiment, 'campaigns', campaign))
          .catch(() => undefined);
        if (latest) setStale({ latest, mine: saving.text });
        else setError(e);
      } else setError(e);
    } finally {
      setBusy(false);
      setSaving(undefined);
    }
  };

  return (
    <div className="editor-page">
      <div className="editor-heading">
        <h1>
          {campaign} <span className="muted">· editing revision {stored.revision}</span>
          {dirty ? <span className="unsaved"> · unsaved changes</span> : null}
        </h1>
      </div>
      {result ? (
        <div className="editor-saved" role="status">
          {result}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {stale ? (
        <div className="editor-stale" role="alert">
          <strong>Not saved: the campaign changed meanwhile.</strong> Revision{' '}
          {stale.latest.current_revision} was saved by someone else after revision {stored.revision}
          , which you are editing. Your text is kept here, unsaved. Look at what changed, then apply
          your changes to the latest revision (or copy your text and reload).{' '}
          <button type="button" className="link" onClick={() => setShowLatest(!showLatest)}>
            {showLatest ? 'hide' : 'show'} differences from the latest revision
          </button>{' '}
          <Link to={`${base}/history`}>history</Link>
          {showLatest ? <DiffView before={stale.latest.text} after={stale.mine} /> : null}
        </div>
      ) : null}
      <CampaignEditor
        initialText={detail.text}
        savedText={stored.text}
        onDirtyChange={setDirty}
        // As the Save… button: nothing to save without changes.
        onSaveKey={(h) => {
          if (h.text() !== stored.text) startSave(h);
        }}
        actions={(h) => (
          <>
            <Link to={`${base}/history`} className="button-link">
              History
            </Link>
            <button
              type="button"
              className="primary"
              onClick={() => startSave(h)}
              disabled={!dirty}
            >
              Save…
            </button>
          </>
        )}
      />
      {saving ? (
        <SaveDialog
          title={`Save ${campaign} as revision ${stored.revision + 1}`}
          before={stored.text}
          after={saving.text}
          busy={busy}
          onConfirm={(m) => void confirm(m)}
          onCancel={() => setSaving(undefined)}
        />
      ) : null}
    </div>
  );
}
