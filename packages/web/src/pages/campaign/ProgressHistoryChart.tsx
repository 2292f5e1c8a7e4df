// A stage's progress over time: files processed and outputs located (cumulative) against the
// files expected, and the forecast of its end in words. Read again when the live progress moves.
import { useMemo } from 'react';
import { api, path } from '../../api/client.ts';
import type { ProgressHistory } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { EChart, chartColours, type ChartOption } from '../../charts/index.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { etaText } from './progress-eta.ts';

const clock = (iso: string) => new Date(iso).toLocaleString();

export function ProgressHistoryChart({
  experiment,
  campaign,
  stage,
  version,
}: {
  experiment: string;
  campaign: string;
  /** Undefined: every stage together. */
  stage?: string;
  /** Changes when the live progress does (its JSON, say): the history is read again. */
  version: string;
}) {
  const history = useApi(
    () =>
      api.get<ProgressHistory>(
        path('experiments', experiment, 'campaigns', campaign, 'progress', 'history'),
        { stage, buckets: 60 },
      ),
    [experiment, campaign, stage, version],
  );
  const data = history.data;
  const option = useMemo((): ChartOption | undefined => {
    if (!data) return undefined;
    const c = chartColours();
    const at = (iso: string) => Date.parse(iso);
    return {
      animation: false,
      textStyle: { color: c.text },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      legend: { textStyle: { color: c.text } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', axisLabel: { color: c.muted } },
      yAxis: {
        type: 'value',
        name: 'files',
        minInterval: 1,
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.line } },
      },
      series: [
        {
          name: 'processed',
          type: 'line',
          showSymbol: false,
          color: c.accent,
          areaStyle: { opacity: 0.15 },
          data: data.points.map((p) => [at(p.at), p.processed]),
        },
        {
          name: 'outputs located',
          type: 'line',
          showSymbol: false,
          color: c.good,
          data: data.points.map((p) => [at(p.at), p.located]),
        },
        {
          name: 'expected',
          type: 'line',
          showSymbol: false,
          color: c.muted,
          lineStyle: { type: 'dashed' },
          data: data.points.map((p) => [at(p.at), data.expected]),
        },
      ],
    };
  }, [data]);

  if (history.error) return <ErrorBox error={history.error} onRetry={history.reload} />;
  if (!data || !option) return <Loading what="progress over time" />;
  if (data.points.length === 0) return <p className="muted">No submissions yet.</p>;
  return (
    <>
      <p className="chart-headline" role="status" aria-label="Forecast">
        {etaText(data)}
      </p>
      <EChart
        label="Progress over time"
        option={option}
        table={{
          columns: ['Time', 'Processed', 'Outputs located', 'Expected'],
          rows: data.points.map((p) => [clock(p.at), p.processed, p.located, data.expected]),
        }}
      />
    </>
  );
}
