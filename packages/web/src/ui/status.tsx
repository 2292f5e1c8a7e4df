// A submission status as a coloured badge, and times as "3 min ago" with the exact time on hover.
import type { SubmissionStatus } from '../api/types.ts';

const TONE: Record<SubmissionStatus, string> = {
  New: 'neutral',
  LaunchFailed: 'bad',
  Idle: 'waiting',
  Running: 'active',
  Held: 'waiting',
  Completed: 'active',
  Located: 'good',
  Failed: 'bad',
  Cancelled: 'muted',
  Removed: 'muted',
  'Awaiting Approval': 'waiting',
  Approved: 'active',
};

export function StatusBadge({ status }: { status: SubmissionStatus }) {
  return <span className={`badge badge-${TONE[status]}`}>{status}</span>;
}

export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ago(iso)}
    </time>
  );
}
