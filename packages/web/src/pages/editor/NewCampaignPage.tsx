// /e/:experiment/new-campaign — a new campaign in the editor, from a small starting text. Creating
// it (POST …/campaigns) shows the whole text as the change, then opens the stored campaign.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import { ErrorBox } from '../../ui/feedback.tsx';
import { CampaignEditor, type EditorHandle } from './CampaignEditor.tsx';
import { useLeaveWarning } from './leave-warning.ts';
import { SaveDialog } from './SaveDialog.tsx';

export function starterText(experiment: string): string {
  return `# A new campaign of ${experiment}. Stages are the graph's nodes; needs: are its edges.
campaign: new_campaign
job_types:
  work:
    command: /bin/true
launch_setups:
  here:
    engine: local
defaults:
  job_type: work
  launch_setup: here
stages:
  first:
    type: generator
`;
}

interface Created {
  campaign: { name: string };
  revision: { revision: number };
}

export function NewCampaignPage() {
  const { experiment = '' } = useParams();
  const navigate = useNavigate();
  const [initial] = useState(() => starterText(experiment));
  const [dirty, setDirty] = useState(true);
  const [saving, setSaving] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useLeaveWarning(dirty && !busy);

  const create = async (text: string, message: string | undefined) => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.post<Created>(path('experiments', experiment, 'campaigns'), {
        text,
        ...(message === undefined ? {} : { message }),
      });
      setDirty(false);
      void navigate(
        `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(created.campaign.name)}/edit`,
        { replace: true, flushSync: true },
      );
    } catch (e) {
      setError(e);
      setBusy(false);
      setSaving(undefined);
    }
  };

  const start = (h: EditorHandle) => setSaving(h.text());
  return (
    <div className="editor-page">
      <div className="editor-heading">
        <h1>
          New campaign <span className="muted">in {experiment}</span>
        </h1>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      <CampaignEditor
        initialText={initial}
        savedText=""
        onDirtyChange={setDirty}
        // As the Create… button: an invalid text cannot be created.
        onSaveKey={(h, parsed) => {
          if (parsed.ok) start(h);
        }}
        actions={(h, parsed) => (
          <button
            type="button"
            className="primary"
            disabled={!parsed.ok}
            title={parsed.ok ? undefined : 'fix the errors first'}
            onClick={() => start(h)}
          >
            Create…
          </button>
        )}
      />
      {saving !== undefined ? (
        <SaveDialog
          title="Create the campaign"
          before=""
          after={saving}
          busy={busy}
          onConfirm={(m) => void create(saving, m)}
          onCancel={() => setSaving(undefined)}
        />
      ) : null}
    </div>
  );
}
