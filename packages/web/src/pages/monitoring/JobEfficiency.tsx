// How well a submission's jobs used what they asked for, at a glance: CPU efficiency (CPU time
// over wall time × CPUs requested) overall and per job, peak memory against the request, and the
// wall-time and exit-code histograms.
import { useMemo } from 'react';
import { EChart, chartColours, type ChartOption } from '../../charts/index.ts';
import type { Job } from '../../api/types.ts';
import {
  cpuEfficiency,
  exitCodes,
  histogram,
  megabytes,
  memoryUse,
  percent,
  wallTimes,
  type Bin,
  type Requested,
} from './job-stats.ts';
import { seconds } from './shared.tsx';

export function JobEfficiency({ jobs, requested }: { jobs: readonly Job[]; requested: Requested }) {
  const efficiency = useMemo(() => cpuEfficiency(jobs, requested.cpus), [jobs, requested.cpus]);
  const mem = useMemo(() => memoryUse(jobs, requested.memory_mb), [jobs, requested.memory_mb]);
  const walls = useMemo(() => wallTimes(jobs), [jobs]);
  const exits = useMemo(() => exitCodes(jobs), [jobs]);
  const peakMb = mem.peakKb === null ? null : mem.peakKb / 1024;
  const medianWall =
    walls.length === 0 ? null : [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)]!;
  return (
    <>
      <p className="chart-headline" aria-label="Efficiency numbers">
        <span>
          CPU efficiency <strong>{percent(efficiency.overall)}</strong>
          {requested.cpus > 1 ? ` of ${requested.cpus} CPUs` : ''}
        </span>
        <span>
          peak memory <strong>{megabytes(peakMb)}</strong>
          {mem.requestedMb === null
            ? ' (no request)'
            : ` of ${megabytes(mem.requestedMb)} requested`}
          {mem.over > 0 ? `, ${mem.over} jobs over` : ''}
        </span>
        <span>
          median wall time <strong>{seconds(medianWall)}</strong>
        </span>
      </p>
      <div className="chart-grid">
        <BinChart
          label="CPU efficiency per job"
          unit="%"
          bins={histogram(
            efficiency.perJob.map((e) => e.value * 100),
            10,
          )}
          format={(v) => `${Math.round(v)} %`}
        />
        <MemoryChart perJob={mem.perJob} requestedMb={mem.requestedMb} />
        <BinChart label="Wall time" unit="s" bins={histogram(walls, 12)} format={seconds} />
        <ExitChart exits={exits} />
      </div>
    </>
  );
}

function BinChart({
  label,
  unit,
  bins,
  format,
}: {
  label: string;
  unit: string;
  bins: readonly Bin[];
  format: (v: number) => string;
}) {
  const option = useMemo((): ChartOption => {
    const c = chartColours();
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 40, right: 8, top: 24, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        name: unit,
        data: bins.map((b) => format(b.from)),
        axisLabel: { color: c.muted, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: 'jobs',
        minInterval: 1,
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
      },
      series: [
        { type: 'bar', color: c.accent, barCategoryGap: '8%', data: bins.map((b) => b.count) },
      ],
    };
  }, [bins, unit, format]);
  if (bins.length === 0) return <p className="muted">{label}: no job reported it yet.</p>;
  return (
    <div>
      <h3 className="chart-title">{label}</h3>
      <EChart
        label={label}
        option={option}
        height={180}
        table={{
          columns: ['From', 'To', 'Jobs'],
          rows: bins.map((b) => [format(b.from), format(b.to), b.count]),
        }}
      />
    </div>
  );
}

function MemoryChart({
  perJob,
  requestedMb,
}: {
  perJob: readonly { index: number; kb: number }[];
  requestedMb: number | null;
}) {
  const option = useMemo((): ChartOption => {
    const c = chartColours();
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 48, right: 8, top: 24, bottom: 32 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: 'job', minInterval: 1, axisLabel: { color: c.muted } },
      yAxis: {
        type: 'value',
        name: 'MB',
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
        // The request line stays in view even when every job is far below it.
        ...(requestedMb === null
          ? {}
          : { max: (v: { max: number }) => Math.max(v.max, requestedMb) * 1.05 }),
      },
      series: [
        {
          type: 'scatter',
          color: c.accent,
          symbolSize: perJob.length > 500 ? 3 : 6,
          data: perJob.map((p) => [p.index, Math.round(p.kb / 1024)]),
          markLine:
            requestedMb === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { color: c.bad, type: 'dashed' },
                  label: { formatter: `requested ${megabytes(requestedMb)}`, color: c.bad },
                  data: [{ yAxis: requestedMb }],
                },
        },
      ],
    };
  }, [perJob, requestedMb]);
  if (perJob.length === 0) return <p className="muted">Peak memory: no job reported it yet.</p>;
  return (
    <div>
      <h3 className="chart-title">Peak memory per job</h3>
      <EChart
        label="Peak memory per job"
        option={option}
        height={180}
        table={{
          columns: ['Job', 'Peak memory', 'Requested'],
          rows: perJob.map((p) => [p.index, megabytes(p.kb / 1024), megabytes(requestedMb)]),
        }}
      />
    </div>
  );
}

function ExitChart({ exits }: { exits: readonly { label: string; count: number }[] }) {
  const option = useMemo((): ChartOption => {
    const c = chartColours();
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 40, right: 8, top: 24, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: exits.map((e) => e.label), axisLabel: { color: c.muted } },
      yAxis: {
        type: 'value',
        name: 'jobs',
        minInterval: 1,
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
      },
      series: [
        {
          type: 'bar',
          data: exits.map((e) => ({
            value: e.count,
            itemStyle: {
              color: e.label === 'exit 0' ? c.good : e.label === 'not ended' ? c.gone : c.bad,
            },
          })),
        },
      ],
    };
  }, [exits]);
  if (exits.length === 0) return null;
  return (
    <div>
      <h3 className="chart-title">Exit codes</h3>
      <EChart
        label="Exit codes"
        option={option}
        height={180}
        table={{ columns: ['Exit', 'Jobs'], rows: exits.map((e) => [e.label, e.count]) }}
      />
    </div>
  );
}
