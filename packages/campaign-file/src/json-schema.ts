// The JSON Schema of the campaign file, generated from the zod schema so the two cannot disagree.
// Editors (VS Code's YAML extension, CodeMirror) use it for completion and hover help.
import { z } from 'zod';
import { CampaignSpec } from '@poms/core';

export const CAMPAIGN_SCHEMA_ID = 'https://poms-ts.invalid/schema/campaign.schema.json';

export function campaignJsonSchema(): Record<string, unknown> {
  // draft-07: the draft editors' YAML tooling (yaml-language-server) supports best.
  // `input` mode: describe what a person writes (a size may be 2048 or "2GB"), not what we keep.
  const schema = z.toJSONSchema(CampaignSpec, { io: 'input', target: 'draft-7' });
  return {
    $id: CAMPAIGN_SCHEMA_ID,
    title: 'POMS-TS campaign file',
    description:
      'A campaign: stages, their job types and launch setups, and the edges between them.',
    ...schema,
  };
}
