// What a launch setup and a job type become in the engine's submit request: the launch host and
// account substituted, partition/QOS/allocation/group/role, resources (the job type's winning key
// by key) and the labels engines tag jobs with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CampaignSpec, effectiveCampaign, renderLaunch } from '@poms/core';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import type { SubmissionConfig } from './config.ts';
import { submitContext } from './executor.ts';

describe('submitContext', () => {
  it('carries the launch setup and resources of the frozen config to the engine', () => {
    const campaign = effectiveCampaign(
      CampaignSpec.parse({
        campaign: 'reco',
        keywords: { site: 'login01' },
        job_types: {
          reco: {
            command: 'reco.sh',
            max_running: 50,
            resources: { memory: '4GB', cpus: 2 },
          },
        },
        launch_setups: {
          cluster: {
            engine: 'slurm',
            host: '%(site)s.example.org:2222',
            account: '%(experimenter)s',
            partition: 'cpu',
            qos: 'prod',
            batch_account: 'reco_2026',
            group: 'dune',
            role: 'Production',
            resources: { memory: '2GB', time: '8h' },
          },
        },
        stages: { s: { job_type: 'reco', launch_setup: 'cluster' } },
      }),
    );
    const rendered = renderLaunch({
      campaign,
      stage: 's',
      kind: { test: false },
      values: { dataset: 'd', experimenter: 'alice', experiment: 'dune' },
    });
    assert.ok(rendered.ok);
    const config = {
      launch: rendered.launch,
      job_type: campaign.job_types[0] ?? null,
      launch_setup: campaign.launch_setups[0] ?? null,
    } as SubmissionConfig;
    const submission = {
      experiment: 'dune',
      campaign: 'reco',
      campaign_id: 'c1',
      stage: 's',
    } as SubmissionRecord;
    assert.deepEqual(submitContext(submission, config), {
      resources: { memory_mb: 4096, time_s: 8 * 3600, cpus: 2 },
      placement: {
        host: 'login01.example.org:2222',
        account: 'alice',
        partition: 'cpu',
        qos: 'prod',
        batch_account: 'reco_2026',
        group: 'dune',
        role: 'Production',
      },
      labels: { experiment: 'dune', campaign: 'reco', campaign_id: 'c1', stage: 's' },
    });
  });
});
