import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  duration,
  parseJobcomp,
  parseRef,
  parseSacct,
  parseSbatch,
  parseScontrol,
  parseSqueue,
} from './parse.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('Slurm output parsing (recorded on Slurm 22.05)', () => {
  it('reads squeue -r lines: every task, its state, reason, node and epoch times', () => {
    const rows = parseSqueue(fixture('squeue-mixed.txt'));
    assert.equal(rows.length, 7);
    const byRef = new Map(rows.map((r) => [r.ref, r]));
    assert.deepEqual(byRef.get('49_6'), { ref: '49_6', state: 'PENDING', reason: 'JobHeldAdmin' });
    assert.deepEqual(byRef.get('49_5'), {
      ref: '49_5',
      state: 'PENDING',
      reason: 'JobArrayTaskLimit',
    });
    const running = byRef.get('49_4');
    assert.equal(running?.state, 'RUNNING');
    assert.equal(running?.node, 'localhost');
    assert.equal(running?.started_at, new Date(1795932559 * 1000).toISOString());
    assert.equal(running?.ended_at, undefined, "a running task's end is NONE");
    assert.equal(byRef.get('49_1')?.state, 'COMPLETING');
  });

  it('reads scontrol show job -o: exit codes and the signal that ended a task', () => {
    const rows = new Map(parseScontrol(fixture('scontrol-mixed.txt')).map((r) => [r.ref, r]));
    assert.equal(rows.size, 7);
    assert.equal(rows.get('49_1')?.exit_code, 3);
    assert.equal(rows.get('49_1')?.state, 'FAILED');
    assert.equal(rows.get('49_2')?.signal, 'SIGKILL');
    assert.equal(rows.get('49_2')?.exit_code, undefined);
    assert.equal(rows.get('49_6')?.reason, 'JobHeldAdmin');
    assert.equal(rows.get('49_0')?.node, 'localhost');
    assert.equal(typeof rows.get('49_0')?.wall_s, 'number');
  });

  it('reads the jobcomp log that outlives squeue', () => {
    const rows = new Map(parseJobcomp(fixture('jobcomp.txt')).map((r) => [r.ref, r]));
    assert.deepEqual([...rows.keys()].sort(), [
      '49_0',
      '49_1',
      '49_2',
      '49_3',
      '49_4',
      '49_5',
      '49_6',
    ]);
    assert.equal(rows.get('49_0')?.state, 'COMPLETED');
    assert.equal(rows.get('49_0')?.exit_code, 0);
    assert.equal(rows.get('49_1')?.exit_code, 3);
    assert.equal(rows.get('49_2')?.signal, 'SIGKILL');
    assert.equal(rows.get('49_3')?.state, 'CANCELLED');
    assert.ok(rows.get('49_0')?.started_at?.endsWith('Z'));
  });

  it('reads sacct -P with steps: peak memory from the steps, CPU from the allocation', () => {
    const rows = new Map(parseSacct(fixture('sacct-accounting.txt')).map((r) => [r.ref, r]));
    assert.equal(rows.size, 7);
    assert.deepEqual(rows.get('812_0'), {
      ref: '812_0',
      state: 'COMPLETED',
      exit_code: 0,
      node: 'node01',
      started_at: new Date(1795930000 * 1000).toISOString(),
      ended_at: new Date(1795930012 * 1000).toISOString(),
      wall_s: 12,
      cpu_s: 1.234,
      max_rss_kb: 10240,
    });
    assert.equal(rows.get('812_1')?.max_rss_kb, 2560);
    assert.equal(rows.get('812_2')?.max_rss_kb, Math.round(1.95 * 1024 * 1024));
    assert.equal(rows.get('812_2')?.signal, undefined, '0:125 is no signal');
    assert.equal(rows.get('812_3')?.cpu_s, 86400 + 3598);
    assert.equal(rows.get('812_4')?.state, 'CANCELLED by 1234');
    assert.equal(rows.get('812_4')?.node, undefined);
    assert.equal(rows.get('812_6')?.started_at, undefined);
  });

  it('reads sbatch --parsable, task ids and durations', () => {
    assert.equal(parseSbatch('4242\n'), '4242');
    assert.equal(parseSbatch('4242;cluster2\n'), '4242');
    assert.equal(parseSbatch('Submitted batch job 4242'), undefined);
    assert.deepEqual(parseRef('4242_7'), { job: '4242', task: 7 });
    assert.deepEqual(parseRef('4242'), { job: '4242', task: undefined });
    assert.equal(parseRef('4242_[1-3]'), undefined);
    assert.equal(duration('01:02.500'), 62.5);
    assert.equal(duration('1-00:59:58'), 86400 + 3598);
    assert.equal(duration('00:00:01'), 1);
    assert.equal(duration('INVALID'), undefined);
  });
});
