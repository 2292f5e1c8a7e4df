// A chart drawn by echarts into a div: created once, given new options as they change, resized
// with its container, disposed on unmount. Canvas pixels say nothing to a screen reader or a
// test, so every chart carries an aria-label and its numbers as a table in a <details>.
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { echarts, type ChartOption } from './echarts.ts';
import './charts.css';

/** The numbers behind a chart, as a table: a header row and one row per value. */
export interface ChartTable {
  columns: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}

export function EChart({
  label,
  option,
  table,
  height = 240,
  summary,
}: {
  /** What the chart shows, for screen readers (and tests): "Jobs over time". */
  label: string;
  option: ChartOption;
  table: ChartTable;
  height?: number;
  /** Shown on the <details> toggle; "Numbers" by default. */
  summary?: ReactNode;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    // The container's width is the layout's (grid columns, window): follow it.
    const observer =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => instance.resize());
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // notMerge: a chart whose kind changes (timeline to area) keeps none of the old series.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <figure className="chart" aria-label={label}>
      <div ref={host} className="chart-canvas" role="img" aria-label={label} style={{ height }} />
      <details className="chart-numbers">
        <summary>{summary ?? 'Numbers'}</summary>
        <table aria-label={`${label}: numbers`}>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => (
                  <td key={j}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
