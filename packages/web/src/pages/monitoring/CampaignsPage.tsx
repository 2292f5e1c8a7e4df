// The experiment's campaigns: filtered on the server (part of the name, a tag), a page at a time
// by cursor, with tags, owner, held stages and the caller's watch; rows are picked for bulk
// actions (hold or release the stages' launches, hold/release/kill the jobs, launch).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { allPages, api, path } from '../../api/client.ts';
import type {
  CampaignListItem,
  CampaignPage,
  JobActionResult,
  LaunchOutcome,
  Released,
  Watch,
} from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { ActionButton, appUrl, inBatches, useExperiment } from './shared.tsx';

const PAGE_SIZE = 25;

interface Row extends CampaignListItem {
  watched: boolean;
}

type Bulk = 'hold' | 'release' | 'hold-jobs' | 'release-jobs' | 'kill' | 'launch';

const BULK: { verb: Bulk; label: string; confirm: string; danger?: boolean }[] = [
  { verb: 'hold', label: 'Hold launches', confirm: "Hold every stage's launches of" },
  { verb: 'release', label: 'Release launches', confirm: "Release every stage's hold of" },
  { verb: 'hold-jobs', label: 'Hold jobs', confirm: 'Hold the running jobs of' },
  { verb: 'release-jobs', label: 'Release jobs', confirm: 'Release the held jobs of' },
  { verb: 'kill', label: 'Kill jobs', confirm: 'Kill every live submission of', danger: true },
  { verb: 'launch', label: 'Launch', confirm: 'Launch the lead stages of' },
];

export function CampaignsPage() {
  const experiment = useExperiment();
  const [params, setParams] = useSearchParams();
  const name = params.get('name') ?? '';
  const tag = params.get('tag') ?? '';
  // The cursors of the pages before this one, so Previous can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<{ campaign: string; text: string; bad: boolean }[]>([]);

  const page = useApi(async () => {
    const base = path('experiments', experiment, 'campaigns');
    // Each item carries its tags, owner, stages and held stages: no request per campaign.
    const [list, watches] = await Promise.all([
      api.get<CampaignPage>(base, { name, tag, cursor, limit: PAGE_SIZE }),
      allPages<Watch>(path('experiments', experiment, 'watches')),
    ]);
    const watched = new Set(watches.filter((w) => w.stage === null).map((w) => w.campaign_id));
    const rows: Row[] = list.items.map((c) => ({ ...c, watched: watched.has(c.id) }));
    return { rows, next: list.next_cursor, total: list.total };
  }, [experiment, name, tag, cursor]);

  const setFilter = (key: 'name' | 'tag', value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
    setCursors([null]);
    setSelected(new Set());
  };

  const rows = page.data?.rows ?? [];
  const picked = rows.filter((r) => selected.has(r.name));
  const toggle = (campaign: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(campaign)) next.delete(campaign);
      else next.add(campaign);
      return next;
    });

  const runBulk = async (verb: Bulk) => {
    const out = await inBatches(picked, 4, async (c) => {
      try {
        return { campaign: c.name, text: await bulkOne(experiment, c, verb), bad: false };
      } catch (e) {
        return { campaign: c.name, text: e instanceof Error ? e.message : String(e), bad: true };
      }
    });
    setResults(out);
    page.reload();
  };

  return (
    <div className="monitoring">
      <div className="mon-title">
        <h1>Campaigns</h1>
        <Link className="button primary" to={appUrl(experiment, 'new-campaign')}>
          New campaign
        </Link>
      </div>
      <form className="toolbar" onSubmit={(e) => e.preventDefault()} role="search">
        <label>
          Name contains{' '}
          <input
            type="search"
            defaultValue={name}
            onChange={(e) => setFilter('name', e.target.value.trim())}
          />
        </label>
        <label>
          Tag{' '}
          <input
            type="search"
            defaultValue={tag}
            onChange={(e) => setFilter('tag', e.target.value.trim())}
          />
        </label>
      </form>
      <div className="toolbar" aria-label="Bulk actions">
        <span className="muted">{picked.length} selected</span>
        {BULK.map((b) => (
          <ActionButton
            key={b.verb}
            label={b.label}
            danger={b.danger ?? false}
            disabled={picked.length === 0}
            confirm={`${b.confirm} ${picked.map((p) => p.name).join(', ')}?`}
            run={() => runBulk(b.verb)}
          />
        ))}
      </div>
      {results.length > 0 ? (
        <ul className="mon-results" aria-label="Bulk results">
          {results.map((r) => (
            <li key={r.campaign} className={r.bad ? 'bad' : 'good'}>
              <strong>{r.campaign}</strong>: {r.text}
            </li>
          ))}
        </ul>
      ) : null}
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {!page.data && !page.error ? <Loading what="campaigns" /> : null}
      {page.data && rows.length === 0 ? <Empty>No campaign matches.</Empty> : null}
      {rows.length > 0 ? (
        <table className="mon-table" aria-label="Campaigns">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select all"
                  checked={picked.length === rows.length}
                  onChange={(e) =>
                    setSelected(e.target.checked ? new Set(rows.map((r) => r.name)) : new Set())
                  }
                />
              </th>
              <th>Campaign</th>
              <th>Tags</th>
              <th>Owner</th>
              <th>Rev.</th>
              <th>Stages</th>
              <th>Held</th>
              <th>Updated</th>
              <th>Watch</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name}`}
                    checked={selected.has(r.name)}
                    onChange={() => toggle(r.name)}
                  />
                </td>
                <td>
                  <Link to={appUrl(experiment, 'campaigns', r.name)}>{r.name}</Link>
                  {r.active ? null : <span className="badge badge-muted">inactive</span>}
                </td>
                <td>
                  {r.tags.map((t) => (
                    <button
                      key={t}
                      type="button"
                      className="tag"
                      title={`only campaigns tagged ${t}`}
                      onClick={() => setFilter('tag', t)}
                    >
                      {t}
                    </button>
                  ))}
                </td>
                <td>{r.owner}</td>
                <td>{r.current_revision}</td>
                <td>{r.stage_count}</td>
                <td>
                  {r.held_stages.length > 0 ? (
                    <span className="badge badge-waiting" title={r.held_stages.join(', ')}>
                      {r.held_stages.length} held
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <Time iso={r.updated_at} />
                </td>
                <td>
                  <ActionButton
                    label={r.watched ? 'Unwatch' : 'Watch'}
                    run={() =>
                      r.watched
                        ? api.delete(path('experiments', experiment, 'campaigns', r.name, 'watch'))
                        : api.put(path('experiments', experiment, 'campaigns', r.name, 'watch'))
                    }
                    onDone={page.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {page.data ? (
        <div className="pager">
          <button
            type="button"
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ‹ Previous
          </button>
          <span>
            page {cursors.length} · {page.data.total} campaigns
          </span>
          <button
            type="button"
            disabled={!page.data.next}
            onClick={() => setCursors((c) => [...c, page.data?.next ?? null])}
          >
            Next ›
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** One bulk action on one campaign, in words. */
async function bulkOne(experiment: string, c: CampaignListItem, verb: Bulk): Promise<string> {
  const base = path('experiments', experiment, 'campaigns', c.name);
  switch (verb) {
    case 'hold':
    case 'release': {
      const stages = c.stages;
      let launched = 0;
      for (const stage of stages) {
        const url = `${base}${path('stages', stage, 'hold')}`;
        if (verb === 'hold') await api.put(url, {});
        else launched += (await api.delete<Released>(url)).launched.length;
      }
      return verb === 'hold'
        ? `${stages.length} stages held`
        : `${stages.length} stages released, ${launched} queued launches let go`;
    }
    case 'hold-jobs':
    case 'release-jobs':
    case 'kill': {
      const done = await api.post<JobActionResult>(`${base}/${verb}`);
      return `${done.jobs} jobs of ${done.submissions.length} submissions`;
    }
    case 'launch': {
      const out = await api.post<{ stage: string; outcome: LaunchOutcome }[]>(`${base}/launch`);
      return out.map((o) => `${o.stage}: ${outcomeText(o.outcome)}`).join('; ');
    }
  }
}

export function outcomeText(o: LaunchOutcome): string {
  switch (o.kind) {
    case 'launched':
      return `submission ${o.submission.id}${o.created ? '' : ' (already launched)'}`;
    case 'held':
      return `queued behind a hold by ${o.hold.by}`;
    case 'nothing':
      return `nothing to launch: ${o.reason}`;
  }
}
