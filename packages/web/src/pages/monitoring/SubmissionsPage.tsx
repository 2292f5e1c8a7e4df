// Every submission of the experiment, newest first: filtered and paged on the server (status,
// campaign, stage, test or production, chain), shown in a virtualized table so a page of a
// thousand rows scrolls as fast as ten.
import { Link, useSearchParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { Page } from '../../api/client.ts';
import type { Submission, SubmissionStatus } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { DataTable, Pager, type Column } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { StatusBadge, Time } from '../../ui/status.tsx';
import { appUrl, useCampaignNames, useExperiment } from './shared.tsx';

export const STATUSES: SubmissionStatus[] = [
  'New',
  'LaunchFailed',
  'Idle',
  'Running',
  'Held',
  'Awaiting Approval',
  'Approved',
  'Completed',
  'Located',
  'Failed',
  'Cancelled',
  'Removed',
];

const SIZES = [100, 500, 1000];

export function submissionColumns(experiment: string): Column<Submission>[] {
  return [
    {
      key: 'id',
      header: 'Id',
      width: '6rem',
      cell: (s) => <Link to={appUrl(experiment, 'submissions', s.id)}>#{s.id}</Link>,
    },
    {
      key: 'campaign',
      header: 'Campaign',
      width: 'minmax(8rem, 1.2fr)',
      cell: (s) => <Link to={appUrl(experiment, 'campaigns', s.campaign)}>{s.campaign}</Link>,
    },
    { key: 'stage', header: 'Stage', width: 'minmax(6rem, 1fr)', cell: (s) => s.stage },
    {
      key: 'status',
      header: 'Status',
      width: '10rem',
      cell: (s) => (
        <>
          <StatusBadge status={s.status} />
          {s.test ? <span className="badge badge-neutral">test</span> : null}
        </>
      ),
    },
    {
      key: 'recovery',
      header: 'Recovery',
      width: '7rem',
      cell: (s) => s.recovery_type ?? <span className="muted">—</span>,
    },
    { key: 'jobs', header: 'Jobs', width: '4rem', cell: (s) => s.job_count },
    { key: 'files', header: 'Files', width: '5rem', cell: (s) => s.file_count },
    { key: 'launcher', header: 'By', width: '6rem', cell: (s) => s.launcher },
    { key: 'created', header: 'Launched', width: '7rem', cell: (s) => <Time iso={s.created_at} /> },
    { key: 'status_at', header: 'Since', width: '7rem', cell: (s) => <Time iso={s.status_at} /> },
  ];
}

export function SubmissionsPage() {
  const experiment = useExperiment();
  const [params, setParams] = useSearchParams();
  const names = useCampaignNames(experiment);
  const status = params.get('status') ?? '';
  const campaign = params.get('campaign') ?? '';
  const stage = params.get('stage') ?? '';
  const test = params.get('test') ?? '';
  const chain = params.get('chain') ?? '';
  const limit = Number(params.get('limit') ?? 100) || 100;
  const offset = Number(params.get('offset') ?? 0) || 0;
  const statuses = new Set(status === '' ? [] : status.split(','));

  const list = useApi(
    () =>
      api.get<Page<Submission>>(path('experiments', experiment, 'submissions'), {
        status,
        campaign,
        stage,
        test,
        chain,
        limit,
        offset,
      }),
    [experiment, status, campaign, stage, test, chain, limit, offset],
  );

  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('offset' in changes)) next.delete('offset');
    setParams(next, { replace: true });
  };
  const toggleStatus = (s: string) => {
    const next = new Set(statuses);
    if (next.has(s)) next.delete(s);
    else next.add(s);
    set({ status: STATUSES.filter((x) => next.has(x)).join(',') });
  };

  return (
    <div className="monitoring">
      <h1>Submissions</h1>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Campaign{' '}
          <select
            aria-label="Campaign"
            value={campaign}
            onChange={(e) => set({ campaign: e.target.value, stage: '' })}
          >
            <option value="">any</option>
            {[...names.values()].sort().map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Stage{' '}
          <input
            aria-label="Stage"
            key={stage}
            type="search"
            defaultValue={stage}
            onBlur={(e) => set({ stage: e.target.value.trim() })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') set({ stage: e.currentTarget.value.trim() });
            }}
          />
        </label>
        <label>
          Kind{' '}
          <select aria-label="Kind" value={test} onChange={(e) => set({ test: e.target.value })}>
            <option value="">test and production</option>
            <option value="false">production only</option>
            <option value="true">test only</option>
          </select>
        </label>
        {chain ? (
          <span className="badge badge-neutral">
            chain {chain}{' '}
            <button type="button" className="link" onClick={() => set({ chain: '' })}>
              ✕
            </button>
          </span>
        ) : null}
        <label>
          Page size{' '}
          <select
            aria-label="Page size"
            value={limit}
            onChange={(e) => set({ limit: e.target.value })}
          >
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </form>
      <fieldset className="toolbar status-filter">
        <legend className="visually-hidden">Status</legend>
        {STATUSES.map((s) => (
          <label key={s} className={statuses.has(s) ? 'chip on' : 'chip'}>
            <input type="checkbox" checked={statuses.has(s)} onChange={() => toggleStatus(s)} />
            {s}
          </label>
        ))}
        {statuses.size > 0 ? (
          <button type="button" className="link" onClick={() => set({ status: '' })}>
            all statuses
          </button>
        ) : null}
      </fieldset>
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading what="submissions" /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>No submission matches.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <DataTable
            label="Submissions"
            rows={list.data.items}
            columns={submissionColumns(experiment)}
            rowKey={(s) => s.id}
            height={600}
          />
          <Pager
            offset={offset}
            limit={limit}
            total={list.data.total}
            onChange={(o) => set({ offset: String(o) })}
          />
        </>
      ) : null}
    </div>
  );
}
