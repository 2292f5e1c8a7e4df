// A table of many rows that stays fast: only the rows in view are in the DOM (virtualized), the
// header stays put, and rows can link somewhere. Paging of what is loaded is the server's job.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** CSS grid track, e.g. '8rem' or '1fr'. */
  width?: string;
  cell(row: T): ReactNode;
}

const ROW_HEIGHT = 34;

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  height = 520,
  label,
  rowClass,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** An extra class name for a row (e.g. `bad`), or none. */
  rowClass?: (row: T) => string | undefined;
  /** Largest height before the table scrolls, in px. */
  height?: number;
  label: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const template = columns.map((c) => c.width ?? '1fr').join(' ');
  return (
    <div className="data-table" role="table" aria-label={label} aria-rowcount={rows.length + 1}>
      <div className="data-table-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader">
            {c.header}
          </div>
        ))}
      </div>
      <div
        ref={scroller}
        className="data-table-body"
        style={{ maxHeight: height, height: Math.min(height, rows.length * ROW_HEIGHT + 2) }}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={rowKey(row)}
                role="row"
                className={['data-table-row', rowClass?.(row)].filter(Boolean).join(' ')}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                }}
              >
                {columns.map((c) => (
                  <div key={c.key} role="cell">
                    {c.cell(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Offset paging controls for a server-paged list. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        ‹ Previous
      </button>
      <span>{total === 0 ? 'none' : `${offset + 1}–${last} of ${total}`}</span>
      <button type="button" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next ›
      </button>
    </div>
  );
}
