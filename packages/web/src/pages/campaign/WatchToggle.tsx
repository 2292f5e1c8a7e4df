// Watching a campaign or one of its stages (docs/notifications.md): what happens there is sent to
// the caller by e-mail and webhook. The campaign page and the stage page share one read of the
// caller's watches of the campaign, so the page can also mark the watched stages.
import { useState } from 'react';
import { allPages, api, path } from '../../api/client.ts';
import type { Watch } from '../../api/types.ts';
import { useApi, type Loaded } from '../../api/use-api.ts';
import { ErrorBox } from '../../ui/feedback.tsx';

/** The caller's watches of one campaign (the whole campaign and its stages). */
export function useCampaignWatches(experiment: string, campaign: string): Loaded<Watch[]> {
  return useApi(
    () => allPages<Watch>(path('experiments', experiment, 'watches'), { campaign }),
    [experiment, campaign],
  );
}

/** Whether the caller watches the campaign itself (`stage` undefined) or that stage. */
export function watching(watches: readonly Watch[], stage?: string): boolean {
  return watches.some((w) => w.stage === (stage ?? null));
}

export function WatchToggle({
  experiment,
  campaign,
  stage,
  watches,
}: {
  experiment: string;
  campaign: string;
  /** A stage of the campaign; the whole campaign when undefined. */
  stage?: string;
  watches: Loaded<Watch[]>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const on = watches.data !== undefined && watching(watches.data, stage);
  const url = path('experiments', experiment, 'campaigns', campaign, 'watch');
  const what = stage === undefined ? 'this campaign' : 'this stage';
  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (on)
        await api.delete(stage === undefined ? url : `${url}?stage=${encodeURIComponent(stage)}`);
      else await api.put(url, stage === undefined ? {} : { stage });
      watches.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        aria-pressed={on}
        disabled={watches.data === undefined || busy}
        title={
          on
            ? `You are notified of what happens in ${what}; click to stop`
            : `Be notified of what happens in ${what} (e-mail, webhook: see your notification settings)`
        }
        onClick={() => void toggle()}
      >
        {on ? 'Watching ✓' : stage === undefined ? 'Watch' : 'Watch stage'}
      </button>
      {watches.error ? <ErrorBox error={watches.error} onRetry={watches.reload} /> : null}
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}
