// The shapes of the API's answers that the app reads (docs/api.md and /api/v1/openapi.json are
// the reference); only the fields the pages use.

import type { Role, SubmissionStatus } from '@poms/core';

export type { Role, SubmissionStatus };

export interface Me {
  username: string;
  display_name: string;
  root: boolean;
  via: string;
  must_change_password: boolean;
  memberships: { experiment: string; role: Role }[];
  csrf?: string;
}

export interface Experiment {
  name: string;
  display_name: string;
  active: boolean;
  role: Role | null;
}

export interface CampaignSummary {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface CampaignDetail {
  id: string;
  experiment: string;
  name: string;
  current_revision: number;
  active: boolean;
  created_at: string;
  updated_at: string;
  text: string;
  tags: string[];
  role: Role;
  owner: string;
}

export interface Submission {
  id: string;
  experiment: string;
  campaign: string;
  campaign_id: string;
  campaign_revision: number;
  stage: string;
  stage_type: string;
  engine: string;
  status: SubmissionStatus;
  held_by_person: boolean;
  test: boolean;
  origin: string;
  launcher: string;
  parent_id: string | null;
  chain_root_id: string;
  upstream_ids: string[];
  recovery_type: string | null;
  input_query: string | null;
  parameter: string | null;
  split_seq: number | null;
  job_count: number;
  file_count: number;
  created_at: string;
  updated_at: string;
  status_at: string;
}
