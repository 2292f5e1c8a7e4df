import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJobAds, procKey, type JobAd } from './classads.ts';
import { fixture } from './fixture-runner-testing.ts';
import { reportOf } from './job-report.ts';

const active = new Map(
  parseJobAds(fixture('condor_q-active.json.txt')).map((ad) => [procKey(ad), ad]),
);
const finished = new Map(
  parseJobAds(fixture('condor_history-finished.json.txt')).map((ad) => [procKey(ad), ad]),
);

function ad(from: Map<string, JobAd>, key: string): JobAd {
  const found = from.get(key);
  assert.ok(found, key);
  return found;
}

describe('reportOf', () => {
  it('idle → queued', () => {
    assert.deepEqual(reportOf('4242.0', ad(active, '4242.0')), {
      engine_id: '4242.0',
      state: 'queued',
      cpu_s: 0,
    });
  });

  it('running → running, with the host and start, wall time not yet known', () => {
    assert.deepEqual(reportOf('4242.1', ad(active, '4242.1')), {
      engine_id: '4242.1',
      state: 'running',
      cpu_s: 120,
      max_rss_kb: 51200,
      host: 'wn042.fnal.gov',
      started_at: '2024-11-29T09:03:20.000Z',
    });
  });

  it('held (memory exceeded) → held with the hold reason', () => {
    const report = reportOf('4242.2', ad(active, '4242.2'));
    assert.equal(report.state, 'held');
    assert.match(report.reason ?? '', /gone over cgroup memory limit of 2048 megabytes/);
    assert.equal(report.wall_s, 1000);
    assert.equal(report.max_rss_kb, 2153472);
    assert.equal(report.host, 'wn017.fnal.gov');
  });

  it('suspended → held; transferring output → running', () => {
    assert.deepEqual(
      { ...reportOf('4243.0', ad(active, '4243.0')), started_at: undefined },
      {
        engine_id: '4243.0',
        state: 'held',
        reason: 'suspended by HTCondor',
        cpu_s: 0,
        host: 'wn101.fnal.gov',
        started_at: undefined,
      },
    );
    assert.equal(reportOf('4243.1', ad(active, '4243.1')).state, 'running');
  });

  it('completed with exit 0 → completed, with every accounting figure', () => {
    assert.deepEqual(reportOf('4242.3', ad(finished, '4242.3')), {
      engine_id: '4242.3',
      state: 'completed',
      exit_code: 0,
      cpu_s: 3400,
      wall_s: 3600,
      max_rss_kb: 1048576,
      host: 'wn050.fnal.gov',
      started_at: '2024-11-29T09:03:20.000Z',
      ended_at: '2024-11-29T10:03:20.000Z',
    });
  });

  it('completed with a non-zero exit → failed with that code', () => {
    const report = reportOf('4242.4', ad(finished, '4242.4'));
    assert.equal(report.state, 'failed');
    assert.equal(report.exit_code, 3);
    assert.equal(report.cpu_s, 101.75);
    assert.equal(report.wall_s, 120);
  });

  it('killed by a signal → failed with the signal name, no exit code', () => {
    const report = reportOf('4242.5', ad(finished, '4242.5'));
    assert.equal(report.state, 'failed');
    assert.equal(report.signal, 'SIGKILL');
    assert.equal(report.exit_code, undefined);
    assert.equal(report.reason, 'killed by SIGKILL');
  });

  it('removed by condor_rm → cancelled, ended when it entered that status', () => {
    const report = reportOf('4242.6', ad(finished, '4242.6'));
    assert.equal(report.state, 'cancelled');
    assert.equal(report.reason, 'via condor_rm (by user dunepro)');
    assert.equal(report.ended_at, '2024-11-29T09:10:00.000Z');
  });

  it('removed by the wall-time periodic_remove → failed with the limit', () => {
    const report = reportOf('4242.7', ad(finished, '4242.7'));
    assert.equal(report.state, 'failed');
    assert.equal(report.reason, 'exceeded its wall-time limit of 3600 s');
  });

  it('an unheard-of status → unknown, never failed', () => {
    const report = reportOf('1.0', { ClusterId: 1, ProcId: 0, JobStatus: 9 });
    assert.equal(report.state, 'unknown');
  });
});

describe('parseJobAds', () => {
  it('reads condor_q printing nothing as no jobs', () => {
    assert.deepEqual(parseJobAds(fixture('condor_q-empty.txt')), []);
  });

  it('skips jobsub chatter around the arrays and reads every array', () => {
    const ads = parseJobAds(`${fixture('jobsub_q.json.txt')}${fixture('jobsub_history.json.txt')}`);
    assert.deepEqual(ads.map(procKey), ['71234567.0', '71234567.2', '71234567.1']);
  });

  it('ignores expressions printed unevaluated in place of figures', () => {
    const [one] = parseJobAds(
      '[\n{ "ClusterId": 1, "ProcId": 0, "ResidentSetSize": "\\/Expr(x)\\/" }\n]\n',
    );
    assert.equal(one?.ResidentSetSize, undefined);
  });
});
