// A line diff as hunks: removed lines red, added lines green, a few lines of context around them.
import { diffHunks, diffStats } from '../../editor/text-diff.ts';

export function DiffView({ before, after }: { before: string; after: string }) {
  const hunks = diffHunks(before, after);
  const stats = diffStats(hunks);
  if (hunks.length === 0) return <p className="muted">No changes.</p>;
  return (
    <div className="text-diff" aria-label="Changes">
      <p className="diff-stats">
        <span className="added">+{stats.added}</span>{' '}
        <span className="removed">−{stats.removed}</span> lines
      </p>
      {hunks.map((hunk, h) => (
        <pre key={h} className="diff-hunk">
          {hunk.lines.map((line, i) => (
            <div key={i} className={`diff-line ${line.kind}`}>
              <span className="diff-no">{line.old ?? ''}</span>
              <span className="diff-no">{line.new ?? ''}</span>
              <span className="diff-mark">
                {line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' '}
              </span>
              <span className="diff-text">{line.text}</span>
            </div>
          ))}
        </pre>
      ))}
    </div>
  );
}
