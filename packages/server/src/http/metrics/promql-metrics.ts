// The metric names a PromQL expression reads, for the dashboards' test: everything that is not a
// string, a label matcher, a range, a label list (by, without, on, …), a function or a keyword.
// Enough for the expressions dashboards hold; not a PromQL parser.

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'offset', 'bool', 'and', 'or']);
const LABEL_LISTS = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const IDENTIFIER = /(?<![\w$.:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:])(?!\s*\()/g;

export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(LABEL_LISTS, ' ');
  const names = [...bare.matchAll(IDENTIFIER)]
    .map((m) => m[0])
    .filter((name) => !KEYWORDS.has(name.toLowerCase()) && !/^(?:inf|nan|unless)$/i.test(name));
  return [...new Set(names)];
}

/** `label_values(metric, label)` of a Grafana query variable: the metric, if any. */
export function variableMetric(query: string): string | undefined {
  return /label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(query)?.[1];
}
