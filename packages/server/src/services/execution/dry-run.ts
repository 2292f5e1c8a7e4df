// The dry run ("show me the commands", POMS-REFERENCE §3): everything a launch would do — the
// slice it would take, the files of every job, the exact commands each job would run, their
// environment — computed with reads only. POMS's dry run advanced the split cursor and left a
// phantom submission (§10); this one writes nothing: the next slice is computed, not recorded.
import type { Catalog } from '@poms/core';
import { allFileNames as allNames } from './catalog-names.ts';
import type { HoldRecord } from '../../ports/control.ts';
import type { Store } from '../../ports/store.ts';
import { jobEnv, type JobRuntime } from './executor.ts';
import type { LaunchRequest, LaunchService } from './launches.ts';
import { redactEnvironment } from '../logs/redact.ts';

/** Jobs listed in full; a larger launch is summarised past this. */
export const DRY_RUN_JOB_LIMIT = 100;
const UNKNOWN_ID = '(assigned at launch)';
const UNKNOWN_TOKEN = '(issued at launch)';

export interface DryRunJob {
  index: number;
  files: string[];
  /** What the engine starts: the job runtime. */
  runtime_argv: string[];
  /** The commands the runtime will run, in order (per file, or once). */
  runs: { argv: string[]; shell_setup: string[] }[];
  env: Record<string, string>;
}

export type DryRunResult =
  | {
      dry_run: true;
      outcome: 'would-launch';
      campaign: string;
      stage: string;
      test: boolean;
      status: 'New' | 'Awaiting Approval';
      input: { label: string; query: string | null; files: number };
      split: { spec: string; slice: number; label: string } | null;
      command_text: string | null;
      params: [string, string][];
      jobs_total: number;
      jobs: DryRunJob[];
    }
  | { dry_run: true; outcome: 'would-queue'; hold: HoldRecord }
  | { dry_run: true; outcome: 'nothing'; reason: string };

export async function dryRun(
  store: Store,
  launches: LaunchService,
  runtime: JobRuntime,
  location: string,
  request: LaunchRequest,
): Promise<DryRunResult> {
  const campaign = await store.campaigns.get(request.experiment, request.campaign);
  if (request.ignoreHolds !== true) {
    const hold = await store.control.holdFor(request.experiment, campaign.id, request.stage);
    if (hold) return { dry_run: true, outcome: 'would-queue', hold };
  }
  const plan = await launches.plan(campaign, request);
  if ('nothing' in plan) return { dry_run: true, outcome: 'nothing', reason: plan.nothing };

  const input = plan.input;
  let files: string[] = [];
  let query: string | null = null;
  if (input.kind === 'slice' && input.slice.kind === 'files') {
    files = await allNames(store.catalog, request.experiment, input.slice.query);
  } else if (input.kind === 'query') {
    files = await allNames(store.catalog, request.experiment, input.query);
    query = input.text;
  } else if (input.kind === 'files') {
    files = [...new Set(input.files)].sort();
    query = input.text;
  }
  const jobType = plan.config.job_type;
  const perJob = jobType?.files_per_job ?? 1;
  const isApproval = plan.stage.type === 'approval';
  const jobsTotal = isApproval
    ? 0
    : files.length > 0
      ? Math.ceil(files.length / perJob)
      : input.kind === 'none' || (input.kind === 'slice' && input.slice.kind === 'parameter')
        ? (jobType?.jobs ?? 1)
        : 0;
  const launch = plan.config.launch;
  const jobs: DryRunJob[] = [];
  for (let index = 0; index < Math.min(jobsTotal, DRY_RUN_JOB_LIMIT); index++) {
    const mine = files.slice(index * perJob, (index + 1) * perJob);
    const paths = await Promise.all(
      mine.map((name) => replicaPath(store.catalog, request.experiment, name, location)),
    );
    const command = launch?.command ?? [];
    const setup = launch?.setup ?? [];
    const runs =
      mine.length === 0
        ? [{ argv: command, shell_setup: setup }]
        : jobType?.invoke === 'once'
          ? [{ argv: [...command, ...paths], shell_setup: setup }]
          : paths.map((path) => ({ argv: [...command, path], shell_setup: setup }));
    jobs.push({
      index,
      files: mine,
      runtime_argv: [...runtime.argv],
      runs,
      // What a job would get, but not the secrets the launch setup hands it; the job token is
      // only made at launch.
      env: withIssuedToken(
        redactEnvironment(
          jobEnv(
            runtime,
            {
              id: UNKNOWN_ID,
              campaign: campaign.name,
              campaign_id: campaign.id,
              stage: plan.stage.name,
              stage_type: plan.stage.type,
              parent_id: request.parentId ?? null,
              test: plan.test,
              launcher: request.launcher,
              experiment: request.experiment,
              job_count: jobsTotal,
            },
            plan.config,
            index,
            UNKNOWN_TOKEN,
          ),
        ),
      ),
    });
  }
  return {
    dry_run: true,
    outcome: 'would-launch',
    campaign: campaign.name,
    stage: plan.stage.name,
    test: plan.test,
    status: isApproval ? 'Awaiting Approval' : 'New',
    input: { label: plan.label, query, files: files.length },
    split:
      plan.config.split === null
        ? null
        : {
            spec: plan.config.split.spec,
            slice: plan.config.split.seq ?? 0,
            label: plan.config.split.label,
          },
    command_text: launch?.command_text ?? null,
    params: launch?.params.map(([k, v]) => [k, v] as [string, string]) ?? [],
    jobs_total: jobsTotal,
    jobs,
  };
}

async function replicaPath(
  catalog: Catalog,
  experiment: string,
  name: string,
  location: string,
): Promise<string> {
  const file = await catalog.getFile(experiment, name);
  return (
    file.replicas.find((r) => r.location === location)?.path ??
    `(no replica of ${name} at ${location})`
  );
}

function withIssuedToken(env: Record<string, string>): Record<string, string> {
  return { ...env, POMS_JOB_TOKEN: UNKNOWN_TOKEN };
}
