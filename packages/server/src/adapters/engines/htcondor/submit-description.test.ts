import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmitRequest } from '@poms/core';
import { submissionFiles, submitDescription } from './submit-description.ts';
import { SubmitValueError } from './submit-value.ts';

const job = (index: number) => ({
  index,
  argv: ['/bin/true'],
  env: { POMS_JOB_INDEX: String(index) },
});

const request: SubmitRequest = {
  submission_id: 'sub_42',
  jobs: [job(0), job(1), job(5)],
  throttle: 10,
  resources: { memory_mb: 2048, disk_mb: 1000, time_s: 3600, cpus: 2, gpus: 1 },
  placement: { batch_account: 'group_dune.prod' },
  labels: { experiment: 'dune', campaign: 'Reco "pass1"', campaign_id: 'cmp_7', stage: 'reco' },
};

describe('submitDescription', () => {
  it('writes the golden description of a submission', () => {
    const text = submitDescription(request, submissionFiles('/var/lib/poms/condor/', 'sub_42'));
    assert.equal(
      text,
      [
        '# POMS submission sub_42',
        'universe = vanilla',
        'executable = /var/lib/poms/condor/sub_42/poms-task',
        'arguments = $(poms_index)',
        'output = /var/lib/poms/condor/sub_42/job-$(poms_index).out',
        'error = /var/lib/poms/condor/sub_42/job-$(poms_index).err',
        'log = /var/lib/poms/condor/sub_42/cluster.log',
        'getenv = false',
        'should_transfer_files = YES',
        'when_to_transfer_output = ON_EXIT',
        'batch_name = sub_42',
        'request_cpus = 2',
        'request_memory = 2048',
        'request_disk = 1024000',
        'request_gpus = 1',
        'periodic_remove = (JobStatus == 2) && (time() - JobCurrentStartDate > 3600)',
        '+PomsWallLimit = 3600',
        'max_materialize = 10',
        'accounting_group = group_dune.prod',
        '+PomsSubmissionId = "sub_42"',
        '+PomsCampaignId = "cmp_7"',
        '+PomsCampaign = "Reco \\"pass1\\""',
        '+PomsStage = "reco"',
        '+PomsExperiment = "dune"',
        '+PomsJobIndex = $(poms_index)',
        'queue poms_index from (',
        '0',
        '1',
        '5',
        ')',
        '',
      ].join('\n'),
    );
  });

  it('leaves out what the request does not ask for', () => {
    const text = submitDescription(
      { submission_id: 'sub_1', jobs: [job(0)] },
      submissionFiles('/w', 'sub_1'),
    );
    for (const absent of [
      'request_',
      'periodic_remove',
      'max_materialize',
      'accounting_group',
      '+PomsStage',
    ]) {
      assert.ok(!text.includes(absent), absent);
    }
    assert.match(text, /\+PomsSubmissionId = "sub_1"\n/);
  });

  it('refuses a label with a line break, which could add submit commands', () => {
    const labels = { experiment: 'dune', campaign: 'x\nqueue 1000', campaign_id: 'c', stage: 's' };
    assert.throws(
      () => submitDescription({ ...request, labels }, submissionFiles('/w', 'sub_42')),
      SubmitValueError,
    );
  });

  it('refuses an accounting group that is not a bare word', () => {
    assert.throws(
      () =>
        submitDescription(
          { ...request, placement: { batch_account: 'group_dune prod' } },
          submissionFiles('/w', 'sub_42'),
        ),
      SubmitValueError,
    );
  });

  it('rounds fractional figures up and refuses non-positive ones', () => {
    const files = submissionFiles('/w', 'sub_42');
    assert.match(
      submitDescription({ ...request, resources: { memory_mb: 1500.2 } }, files),
      /request_memory = 1501\n/,
    );
    assert.throws(() => submitDescription({ ...request, throttle: 0 }, files), RangeError);
  });
});
