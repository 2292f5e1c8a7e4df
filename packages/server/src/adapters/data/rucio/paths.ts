// URL paths of Rucio's REST API. Scope and name are each percent-encoded as one path segment:
// Rucio's own client does the same (quote_plus), and the server splits `/dids/<scope>/<name>` at the
// first slash and decodes the rest, so a name holding `/` (common: `run1/file.root`) travels
// as `%2F` and arrives whole. encodeURIComponent is used rather than `+` for spaces because `%20`
// decodes the same under every server configuration Rucio documents.
import type { Did } from '@poms/core';

export function didText(did: Did): string {
  return `${did.scope}:${did.name}`;
}

/** `/dids/<scope>/<name>` plus an optional sub-resource (`dids`, `rules`). */
export function didPath(did: Did, sub?: 'dids' | 'rules'): string {
  const base = `/dids/${encodeURIComponent(did.scope)}/${encodeURIComponent(did.name)}`;
  return sub === undefined ? base : `${base}/${sub}`;
}

export function rulePath(ruleId: string): string {
  return `/rules/${encodeURIComponent(ruleId)}`;
}

/** The server's base URL without trailing slashes, so paths can be appended as they are. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
