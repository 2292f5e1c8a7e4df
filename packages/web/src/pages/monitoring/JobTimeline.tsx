// A submission's jobs over time: one row per job, a pale bar while queued (given to the engine →
// started) and a solid one while running (started → ended, or now), coloured by how the job
// ended. Past TIMELINE_MAX_JOBS rows are unreadable: the jobs running and queued over time instead.
import { useMemo } from 'react';
import {
  EChart,
  chartColours,
  type ChartColours,
  type ChartOption,
  type RenderItem,
} from '../../charts/index.ts';
import type { HistoryEntry, Job, Submission } from '../../api/types.ts';
import {
  BAR_STATES,
  occupancy,
  queuedSince,
  timelineRows,
  type BarState,
  type TimelineRow,
} from './job-stats.ts';

export const TIMELINE_MAX_JOBS = 500;

function stateColour(c: ChartColours): Record<BarState, string> {
  return { done: c.good, failed: c.bad, cancelled: c.gone, running: c.accent, waiting: c.waiting };
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

export function JobTimeline({
  jobs,
  submission,
  history,
}: {
  jobs: readonly Job[];
  submission: Submission;
  history: readonly HistoryEntry[];
}) {
  const rows = useMemo(
    () => timelineRows(jobs, queuedSince(submission.created_at, history), Date.now()),
    [jobs, submission.created_at, history],
  );
  if (rows.length === 0) return <p className="muted">No jobs yet.</p>;
  return rows.length > TIMELINE_MAX_JOBS ? <Occupancy rows={rows} /> : <Bars rows={rows} />;
}

/** Data of the custom series: [row, from, to, state index, running?]. */
type BarDatum = [number, number, number, number, 0 | 1];

const renderBar: RenderItem = (_params, api) => {
  const row = Number(api.value(0));
  const from = api.coord([api.value(1), row]);
  const to = api.coord([api.value(2), row]);
  const size = api.size?.([0, 1]) as number[] | undefined;
  const running = api.value(4) === 1;
  const height = Math.max(2, (size?.[1] ?? 10) * (running ? 0.7 : 0.35));
  return {
    type: 'rect',
    shape: {
      x: from[0]!,
      y: from[1]! - height / 2,
      width: Math.max(1, to[0]! - from[0]!),
      height,
    },
    style: api.style(),
  };
};

function Bars({ rows }: { rows: readonly TimelineRow[] }) {
  const option = useMemo((): ChartOption => {
    const c = chartColours();
    const colours = stateColour(c);
    const data = rows.flatMap((r, row) => {
      const colour = colours[r.state];
      const bars: { value: BarDatum; itemStyle: { color: string; opacity: number } }[] = [];
      const queuedEnd = r.started ?? r.end;
      if (queuedEnd > r.queued) {
        bars.push({
          value: [row, r.queued, queuedEnd, BAR_STATES.indexOf(r.state), 0],
          itemStyle: { color: colour, opacity: 0.35 },
        });
      }
      if (r.started !== null) {
        bars.push({
          value: [row, r.started, r.end, BAR_STATES.indexOf(r.state), 1],
          itemStyle: { color: colour, opacity: 1 },
        });
      }
      return bars;
    });
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: {
        formatter: (p: unknown) => {
          const v = (p as { value: BarDatum }).value;
          const r = rows[v[0]]!;
          return `job ${r.index}: ${r.state}<br>${v[4] === 1 ? 'running' : 'queued'} ${clock(v[1])} → ${clock(v[2])} (${Math.round((v[2] - v[1]) / 1000)} s)`;
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => `#${r.index}`),
        axisLabel: { color: c.muted },
      },
      dataZoom: rows.length > 40 ? [{ type: 'inside', yAxisIndex: 0 }] : [],
      series: [{ type: 'custom', renderItem: renderBar, encode: { x: [1, 2], y: 0 }, data }],
    };
  }, [rows]);
  const table = {
    columns: ['Job', 'State', 'Queued', 'Started', 'Ended'],
    rows: rows.map((r) => [
      r.index,
      r.state,
      clock(r.queued),
      r.started === null ? '—' : clock(r.started),
      r.state === 'running' || r.state === 'waiting' ? '—' : clock(r.end),
    ]),
  };
  const counts = BAR_STATES.map((s) => [s, rows.filter((r) => r.state === s).length] as const);
  return (
    <>
      <Legend counts={counts} />
      <EChart
        label="Jobs over time"
        option={option}
        table={table}
        height={Math.min(480, Math.max(160, rows.length * 14 + 56))}
      />
    </>
  );
}

function Occupancy({ rows }: { rows: readonly TimelineRow[] }) {
  const points = useMemo(() => occupancy(rows, 120), [rows]);
  const option = useMemo((): ChartOption => {
    const c = chartColours();
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      legend: { textStyle: { color: c.text } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', axisLabel: { color: c.muted } },
      yAxis: {
        type: 'value',
        name: 'jobs',
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
      },
      series: [
        {
          name: 'running',
          type: 'line',
          stack: 'jobs',
          showSymbol: false,
          areaStyle: {},
          color: c.accent,
          data: points.map((p) => [p.at, p.running]),
        },
        {
          name: 'queued',
          type: 'line',
          stack: 'jobs',
          showSymbol: false,
          areaStyle: { opacity: 0.4 },
          color: c.waiting,
          data: points.map((p) => [p.at, p.queued]),
        },
      ],
    };
  }, [points]);
  const counts = BAR_STATES.map((s) => [s, rows.filter((r) => r.state === s).length] as const);
  return (
    <>
      <Legend counts={counts} />
      <p className="muted">
        {rows.length} jobs: too many for a bar each, so the jobs running and queued over time.
      </p>
      <EChart
        label="Jobs over time"
        option={option}
        table={{
          columns: ['Time', 'Running', 'Queued'],
          rows: points.map((p) => [clock(p.at), p.running, p.queued]),
        }}
      />
    </>
  );
}

function Legend({ counts }: { counts: readonly (readonly [BarState, number])[] }) {
  const colours = stateColour(chartColours());
  return (
    <p className="chart-headline" aria-label="Jobs by outcome">
      {counts
        .filter(([, n]) => n > 0)
        .map(([state, n]) => (
          <span key={state}>
            <span aria-hidden="true" style={{ color: colours[state] }}>
              ■
            </span>{' '}
            {n} {state}
          </span>
        ))}
    </p>
  );
}
