import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationSeconds, sizeMb } from '../campaign/units.ts';
import { jobResources } from './resources.ts';

describe('job resources', () => {
  it('reads sizes in binary units, unitless as megabytes', () => {
    assert.equal(sizeMb('2GB'), 2048);
    assert.equal(sizeMb('2G'), 2048);
    assert.equal(sizeMb('1.5GiB'), 1536);
    assert.equal(sizeMb('500MB'), 500);
    assert.equal(sizeMb('2048'), 2048);
    assert.equal(sizeMb('512KB'), 0.5);
    assert.equal(sizeMb('1TB'), 1024 * 1024);
    assert.equal(sizeMb('lots'), undefined);
  });

  it('reads durations with units or as a clock', () => {
    assert.equal(durationSeconds('8h'), 8 * 3600);
    assert.equal(durationSeconds('1d12h'), 36 * 3600);
    assert.equal(durationSeconds('90m'), 5400);
    assert.equal(durationSeconds('1:30:00'), 5400);
    assert.equal(durationSeconds('2:05'), 2 * 3600 + 5 * 60);
    assert.equal(durationSeconds('soon'), undefined);
  });

  it("takes the launch setup's resources as defaults and the job type's key by key", () => {
    assert.deepEqual(
      jobResources({ memory: '4GB', cpus: 2 }, { memory: '2GB', time: '8h', gpus: 1 }),
      { memory_mb: 4096, time_s: 28800, cpus: 2, gpus: 1 },
    );
    assert.deepEqual(jobResources(undefined, undefined), {});
  });
});
