// A campaign text to read: monospace, with line numbers, never editable. `changed` marks lines
// (1-based) that differ from another text, e.g. a clone from its template.
import './templates.css';

export function CodeView({
  text,
  label,
  changed,
}: {
  text: string;
  label: string;
  changed?: ReadonlySet<number>;
}) {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return (
    <pre className="tpl-code" aria-label={label} tabIndex={0}>
      {lines.map((line, i) => (
        <span
          key={i}
          className={`tpl-code-line${changed?.has(i + 1) ? ' changed' : ''}`}
          data-line={i + 1}
        >
          <span className="tpl-code-no" aria-hidden="true">
            {i + 1}
          </span>
          <code>{line === '' ? ' ' : line}</code>
        </span>
      ))}
    </pre>
  );
}

/** The line numbers of `after` whose line is not the same line of `before`. */
export function changedLines(before: string, after: string): Set<number> {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  const out = new Set<number>();
  b.forEach((line, i) => {
    if (a[i] !== line) out.add(i + 1);
  });
  return out;
}
