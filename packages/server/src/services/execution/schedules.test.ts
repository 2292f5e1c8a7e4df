// Scheduled launches: the schedule lives in the store, the next run is computed in its time zone,
// and the executor launches the stage when the clock reaches it — once, even when asked twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '@poms/core';
import { EXPERIMENT, harness, type Harness } from './execution-testing.ts';

describe('schedules', () => {
  let now = new Date('2026-03-07T09:58:30Z');
  const clock: Clock = { now: () => new Date(now) };
  let h: Harness;
  before(async () => {
    h = await harness({ clock });
    await h.campaign(`campaign: nightly
job_types:
  gen:
    command: ${h.bin}/gen.sh
launch_setups:
  here:
    engine: local
stages:
  make:
    type: generator
    job_type: gen
    launch_setup: here
`);
  });
  after(async () => {
    await h.close();
  });

  it('stores the schedule with its next run in its time zone and launches when it is due', async () => {
    const control = h.server.execution.control;
    const schedule = await control.schedule({
      experiment: EXPERIMENT,
      campaign: 'nightly',
      stage: 'make',
      cron: '0 5 * * *',
      timezone: 'America/Chicago',
      by: 'gina',
    });
    // 05:00 in Chicago (CST, UTC−6) on 2026-03-07 is 11:00 UTC.
    assert.equal(schedule.next_run, '2026-03-07T11:00:00.000Z');
    assert.match(schedule.description, /5:00/);
    assert.equal((await h.server.store.control.schedules(EXPERIMENT)).length, 1);

    assert.deepEqual(await control.runDueSchedules(), [], 'not due yet');
    now = new Date('2026-03-07T11:00:20Z');
    const [fired] = await control.runDueSchedules();
    assert.equal(fired?.kind, 'launched');
    assert.deepEqual(await control.runDueSchedules(), [], 'fired once');
    const [stored] = await h.server.store.control.schedules(EXPERIMENT);
    assert.equal(stored?.last_run, '2026-03-07T11:00:00.000Z');
    // The next day is across the DST change (CDT, UTC−5): 05:00 is 10:00 UTC.
    assert.equal(stored?.next_run, '2026-03-08T10:00:00.000Z');
    const all = await h.settle();
    assert.deepEqual(
      all.map((s) => [s.stage, s.origin, s.launcher, s.status]),
      [['make', 'schedule', 'gina', 'Located']],
    );
  });

  it('refuses bad cron text, unknown zones and unknown stages, naming what is wrong', async () => {
    const control = h.server.execution.control;
    const base = { experiment: EXPERIMENT, campaign: 'nightly', stage: 'make', by: 'gina' };
    await assert.rejects(control.schedule({ ...base, cron: '61 * * * *', timezone: 'UTC' }), {
      code: 'schedule.bad-cron',
    });
    await assert.rejects(
      control.schedule({ ...base, cron: '0 5 * * *', timezone: 'Mars/Olympus' }),
      {
        code: 'schedule.bad-timezone',
      },
    );
    await assert.rejects(
      control.schedule({ ...base, stage: 'nope', cron: '0 5 * * *', timezone: 'UTC' }),
      { code: 'launch.unknown-stage' },
    );
  });
});
