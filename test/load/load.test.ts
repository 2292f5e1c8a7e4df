// The load test's short form for CI (the full one: `npm run load`): 50 people browsing and
// editing while 500 jobs report (≈1450 reports: outputs, files consumed or failed, end), against
// a real server in a child process on the loopback. The assertions are the run's checks — no 5xx,
// every other non-2xx expected, no lost report, no lost or duplicated revision, watch lists as
// acknowledged — never a time; the latency table is printed for the log.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runLoad } from './load-run.ts';

const USERS = 50;
const JOBS = 500;

it('holds 50 users browsing and editing while 500 jobs report: no 5xx, nothing lost', async () => {
  const lines: string[] = [];
  const result = await runLoad({
    users: USERS,
    jobs: JOBS,
    concurrency: 32,
    // Bounds, not expectations: about 2000 job requests and a few hundred user pages fit well
    // inside them; running out fails the test below (a job would go unreported).
    maxRequests: 20_000,
    maxSeconds: 240,
    thinkMs: [1000, 3000],
    log: (line) => lines.push(line),
  });
  console.log(lines.join('\n'));
  assert.deepEqual(result.problems, []);
  assert.equal(result.jobsDone, JOBS);
  // Every job's file has its final word (one in ten failed), and every other output is there.
  assert.deepEqual(result.counts.ledger, { consumed: JOBS * 0.9, failed: JOBS * 0.1 });
  assert.equal(result.counts.outputs, JOBS * 0.9);
  // The users did browse and edit during the run, and their saves made revisions.
  assert.ok(result.userPages >= USERS, `${result.userPages} user pages`);
  assert.ok(result.counts.savedRevisions > 0, 'no save made a revision');
  const kinds = new Set(result.figures.kinds.map((k) => k.kind));
  for (const kind of ['dashboard', 'edit.save', 'job.outputs', 'job.files', 'job.end'])
    assert.ok(kinds.has(kind), `no ${kind} request was made`);
  assert.equal(result.figures.overall.non2xx['500'], undefined);
});
