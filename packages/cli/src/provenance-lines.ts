// A provenance walk as lines a person reads: one file per line, indented by its depth, with what
// produced it (campaign @ revision, stage, submission and job), nearest files first.
import type { Provenance } from '@poms/core';

export function provenanceLines(walked: Provenance): string[] {
  const arrow = walked.direction === 'ancestors' ? '←' : '→';
  const lines = walked.nodes.map((node) => {
    const by = node.produced_by;
    const made =
      by === null
        ? 'declared'
        : `${by.campaign}@r${by.campaign_revision} ${by.stage}, ${by.submission_id} job ${by.job_index}`;
    const indent = '  '.repeat(node.depth);
    return `${indent}${node.depth === 0 ? '' : `${arrow} `}${node.name}  (${made})`;
  });
  if (walked.truncated) lines.push('… more beyond: raise --depth to walk further');
  return lines;
}
