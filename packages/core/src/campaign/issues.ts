// A problem found in a campaign, located by its path in the document so that the text layer
// (campaign-file) can turn it into a line and column, and the API into a field name.

export type IssueSeverity = 'error' | 'warning';

/** Path into the campaign document: keys and list indices, as in the YAML. */
export type DocPath = readonly (string | number)[];

export interface CampaignIssue {
  /** Stable code, documented in docs/errors.md (e.g. `campaign.unknown-stage`). */
  code: string;
  severity: IssueSeverity;
  message: string;
  path: DocPath;
  /** Point at the key of the mapping entry at `path` rather than at its value. */
  at_key?: boolean;
  /** A span inside the string value at `path` (0-based offset into the value), when known. */
  span?: { offset: number; length: number };
}

export function issue(
  code: string,
  message: string,
  path: DocPath,
  extra: Partial<Pick<CampaignIssue, 'severity' | 'at_key' | 'span'>> = {},
): CampaignIssue {
  return { code, message, path, severity: extra.severity ?? 'error', ...extra };
}
