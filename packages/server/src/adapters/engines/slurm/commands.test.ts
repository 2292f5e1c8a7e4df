import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arraySpec, sbatchArgv, scontrolArgv, slurmTime, squeueArgv } from './commands.ts';

describe('Slurm commands', () => {
  it('writes job indexes as an array spec', () => {
    assert.equal(arraySpec([0, 1, 2, 3]), '0-3');
    assert.equal(arraySpec([5, 0, 1, 2, 7, 9, 10]), '0-2,5,7,9-10');
    assert.equal(arraySpec([4]), '4');
  });

  it('rounds time limits up to whole minutes, as days-hours:minutes:seconds', () => {
    assert.equal(slurmTime(30), '0-00:01:00');
    assert.equal(slurmTime(8 * 3600), '0-08:00:00');
    assert.equal(slurmTime(36 * 3600 + 61), '1-12:02:00');
  });

  it('builds sbatch from the submission, its resources and its placement, each value one word', () => {
    const argv = sbatchArgv({
      submissionId: 'sub_1',
      indexes: [0, 1, 2],
      throttle: 2,
      dir: '/work/poms/sub_1',
      resources: { memory_mb: 2048, time_s: 3600, cpus: 4, gpus: 1, disk_mb: 10240 },
      placement: {
        partition: 'cpu long',
        qos: 'prod; rm -rf /',
        batch_account: '$(whoami)',
        host: 'ignored-here',
      },
      labels: { experiment: 'dune', campaign: 'mc', campaign_id: 'c1', stage: 'gen' },
    });
    assert.deepEqual(argv, [
      'sbatch',
      '--parsable',
      '--array=0-2%2',
      '--job-name=poms-sub_1',
      '--chdir=/work/poms/sub_1',
      '--output=/work/poms/sub_1/%a.out',
      '--error=/work/poms/sub_1/%a.err',
      '--no-requeue',
      '--comment=poms experiment=dune campaign=mc stage=gen submission=sub_1',
      '--partition=cpu long',
      '--qos=prod; rm -rf /',
      '--account=$(whoami)',
      '--mem=2048M',
      '--time=0-01:00:00',
      '--cpus-per-task=4',
      '--gres=gpu:1',
      '--tmp=10240M',
    ]);
  });

  it('polls in one squeue per batch of arrays, with epoch times', () => {
    assert.deepEqual(squeueArgv(['12', '13']), [
      'env',
      'SLURM_TIME_FORMAT=%s',
      'squeue',
      '-h',
      '-r',
      '-t',
      'all',
      '-j',
      '12,13',
      '-o',
      '%i|%T|%r|%N|%S|%e',
    ]);
    assert.deepEqual(scontrolArgv('hold', ['12_1', '12_2']), ['scontrol', 'hold', '12_1,12_2']);
  });
});
