// Recovery file sets (POMS-REFERENCE §5): for a finished submission and a recovery type, the input
// files that still need work. Each set is computed from the submission's own ledger and jobs, or
// from the catalog for the two types that look beyond them (added_files, pending_files).
import type { Catalog, Query, RecoveryType } from '@poms/core';
import { parseQuery } from '@poms/core/query';
import type { SubmissionRecord, SubmissionRepository } from '../../ports/submissions.ts';
import { allFileNames as allFiles } from './catalog-names.ts';
import type { SubmissionConfig } from './config.ts';

const PAGE = 10_000;

export interface RecoveryContext {
  submissions: SubmissionRepository;
  catalog: Catalog;
}

async function allLedger(ctx: RecoveryContext, id: string) {
  const entries = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await ctx.submissions.ledger(id, { limit: PAGE, offset });
    entries.push(...page.items);
    if (entries.length >= page.total || page.items.length === 0) return entries;
  }
}

function likeAny(patterns: readonly string[]): Query {
  const likes: Query[] = patterns.map((pattern) => ({ type: 'like', field: 'file_name', pattern }));
  return likes.reduce((left, right) => ({ type: 'or', left, right }));
}

/** The files a recovery of `type` would relaunch for `submission`, in name order. */
export async function recoveryFiles(
  ctx: RecoveryContext,
  submission: SubmissionRecord,
  config: SubmissionConfig,
  type: RecoveryType,
): Promise<string[]> {
  switch (type) {
    case 'consumed_status': {
      const ledger = await allLedger(ctx, submission.id);
      return ledger.filter((e) => e.state !== 'consumed').map((e) => e.file);
    }
    case 'process_status': {
      const [ledger, jobs] = await Promise.all([
        allLedger(ctx, submission.id),
        ctx.submissions.jobs(submission.id),
      ]);
      const failedJobs = new Set(
        jobs.filter((j) => j.state === 'failed' || j.state === 'cancelled').map((j) => j.index),
      );
      return ledger
        .filter((e) => e.state !== 'consumed' || failedJobs.has(e.job_index))
        .map((e) => e.file);
    }
    case 'delivered_not_consumed': {
      const ledger = await allLedger(ctx, submission.id);
      return ledger
        .filter((e) => e.state === 'delivered' || e.state === 'skipped')
        .map((e) => e.file);
    }
    case 'pending_files': {
      const ledger = await allLedger(ctx, submission.id);
      if (ledger.length === 0) return [];
      const patterns = config.job_type?.output_patterns ?? ['%'];
      const inputs: Query = {
        type: 'in',
        field: 'file_name',
        values: ledger.map((e) => ({ kind: 'string', value: e.file })),
      };
      return allFiles(ctx.catalog, submission.experiment, {
        type: 'minus',
        left: inputs,
        right: { type: 'parents', depth: 1, of: likeAny(patterns) },
      });
    }
    case 'added_files': {
      if (submission.dataset_query === null) return [];
      const parsed = parseQuery(submission.dataset_query);
      if (!parsed.ok) return [];
      // Files of the dataset that its split has not delivered (or, without a split, that this
      // submission's snapshot did not hold).
      const delivered: Query | undefined =
        config.split !== null
          ? { type: 'delivered', owner: config.split.owner }
          : submission.input_snapshot_id !== null
            ? { type: 'snapshot', ref: submission.input_snapshot_id }
            : undefined;
      if (delivered === undefined) return [];
      return allFiles(ctx.catalog, submission.experiment, {
        type: 'minus',
        left: parsed.query,
        right: delivered,
      });
    }
  }
}
