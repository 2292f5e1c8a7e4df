// Semantic diff of two campaigns (effective models; layout reported apart) and its text report.
export { diffCampaigns, diffEffective, isEmptyDiff, compareText } from './diff.ts';
export { JOB_TYPE_DIFF_FIELDS, LAUNCH_SETUP_DIFF_FIELDS, STAGE_DIFF_FIELDS } from './diff.ts';
export type {
  CampaignDiff,
  DiffEdge,
  DiffOptions,
  EdgeChange,
  EdgeChanges,
  EntityChange,
  EntityChanges,
  FieldChange,
  KeywordChanges,
  LayoutChanges,
} from './diff.ts';
export { formatDiff, formatDiffLines, formatValue, NO_CHANGES } from './format.ts';
export type { FormatDiffOptions } from './format.ts';
