// The job runtime's reports delivered twice, late and out of order (issue 11). A real server
// (in-process, in-memory store, executor off so the ledger holds exactly what was reported) is
// sent each job's reports over HTTP with the submission's job token, as runtime/poms-job.mjs
// sends them. The rule the store keeps (SubmissionRepository.reportFiles): a file moves out of
// `delivered` once; a repeat changes nothing; a conflicting later report is ignored — the first
// word wins. Outputs are recorded idempotently (one row per submission and file), and `end` only
// wakes the executor: job records belong to the engine's poller, never to reports. So any
// interleaving and duplication of a job's reports, in which each file has one word, ends in the
// same ledger, outputs and jobs as the in-order, once-only sequence; when one file gets two
// different words, the one delivered first is kept.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../../packages/server/src/main.ts';
import { CampaignService } from '../../packages/server/src/services/campaigns.ts';
import { jobToken } from '../../packages/server/src/services/execution/tokens.ts';
import { faultTally } from './fault-tally.ts';

const SECRET = 'fa'.repeat(32);
const EXPERIMENT = 'faults';
const CAMPAIGN = 'reports';
const STAGE = 'work';
const JOBS = 3;
const FILES_PER_JOB = 2;
const PER_SUBMISSION = JOBS * FILES_PER_JOB;
/** Submissions the tests launch (each takes the next slice of inputs); the catalog has that many. */
const SLICES = 60;
const PROPERTY_RUNS = 15;

const tally = faultTally('job reports');

const campaignText = `campaign: ${CAMPAIGN}
defaults:
  launch_setup: here
job_types:
  proc:
    command: /bin/true
    files_per_job: ${FILES_PER_JOB}
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  ${STAGE}:
    input: "file_name like 'in_%%'"
    split: nfiles(${PER_SUBMISSION})
    job_type: proc
`;

const inputName = (i: number) => `in_${String(i).padStart(4, '0')}.root`;

/** One call the runtime makes: where, and what it sends. */
interface Report {
  job: number;
  kind: 'files' | 'outputs' | 'end';
  body: unknown;
}

interface Launched {
  id: string;
  token: string;
  /** Each job's input files, by index, in name order. */
  jobs: string[][];
}

/** How the runtime ends each file: the second file of the last job fails, the rest are consumed. */
const fails = (job: number, file: number) => job === JOBS - 1 && file === 1;

describe('job reports twice, late and out of order', () => {
  let server: RunningServer;
  const answers: number[] = [];

  before(async () => {
    process.env.POMS_JOB_SECRET = SECRET;
    server = await startServer({ memory: true, port: 0, demo: false, execute: false });
    const store = server.store;
    await store.experiments.create({ name: EXPERIMENT, display_name: 'Faults' });
    await new CampaignService(store).create(EXPERIMENT, campaignText, 'faults');
    await store.catalog.declareFiles(
      EXPERIMENT,
      Array.from({ length: SLICES * PER_SUBMISSION }, (_, i) => ({
        name: inputName(i),
        size: 100 + i,
        replicas: [{ location: 'local', path: `/inputs/${inputName(i)}` }],
      })),
    );
  });
  after(async () => {
    await server.close();
    console.log(tally.summary());
  });

  async function launch(): Promise<Launched> {
    const outcome = await server.execution.launches.launch({
      experiment: EXPERIMENT,
      campaign: CAMPAIGN,
      stage: STAGE,
      launcher: 'faults',
    });
    assert.equal(outcome.kind, 'launched');
    if (outcome.kind !== 'launched') throw new Error('not launched');
    const id = outcome.submission.id;
    const ledger = await server.store.submissions.ledger(id, { limit: 1000 });
    const jobs: string[][] = Array.from({ length: JOBS }, () => []);
    for (const row of ledger.items) jobs[row.job_index]?.push(row.file);
    for (const files of jobs) files.sort();
    assert.deepEqual(
      jobs.map((f) => f.length),
      Array.from({ length: JOBS }, () => FILES_PER_JOB),
    );
    return { id, token: jobToken(Buffer.from(SECRET, 'hex'), id), jobs };
  }

  /** What the runtime sends for each job, in its order: per file its output, then its word; end. */
  function inOrder(s: Launched): Report[] {
    const reports: Report[] = [];
    for (const [job, files] of s.jobs.entries()) {
      for (const [k, file] of files.entries()) {
        if (fails(job, k)) {
          reports.push({
            job,
            kind: 'files',
            body: { files: [{ name: file, state: 'failed', reason: 'exit 1' }] },
          });
          continue;
        }
        reports.push({
          job,
          kind: 'outputs',
          body: { files: [outputOf(s, job, file)] },
        });
        reports.push({ job, kind: 'files', body: { files: [{ name: file, state: 'consumed' }] } });
      }
      reports.push({ job, kind: 'end', body: { exit_code: job === JOBS - 1 ? 1 : 0 } });
    }
    return reports;
  }

  function outputOf(s: Launched, job: number, input: string) {
    const name = `out_${s.id}_${input}`;
    const dir = join(server.dataDir, 'files', EXPERIMENT, CAMPAIGN, STAGE);
    return {
      name,
      size: 10,
      checksum: 'adler32:00000001',
      parents: [input],
      path: join(dir, name),
    };
  }

  async function send(s: Launched, report: Report): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${server.url}/api/v1/jobs/${s.id}/${report.job}/${report.kind}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(report.body),
    });
    const body: unknown = await response.json();
    answers.push(response.status);
    return { status: response.status, body };
  }

  /**
   * What the store holds of a submission, with its own names replaced by their place (job j,
   * file k), so two submissions that were told the same things compare equal.
   */
  async function outcome(s: Launched) {
    const store = server.store;
    const place = new Map<string, string>();
    for (const [job, files] of s.jobs.entries()) {
      for (const [k, file] of files.entries()) {
        place.set(file, `${job}.${k}`);
        place.set(`out_${s.id}_${file}`, `out ${job}.${k}`);
      }
    }
    const named = (name: string) => place.get(name) ?? `unexpected ${name}`;
    const ledger = (await store.submissions.ledger(s.id, { limit: 1000 })).items
      .map((e) => `${named(e.file)} job ${e.job_index}: ${e.state} ${e.reason ?? ''}`)
      .sort();
    const outputs = (await store.submissions.outputs(s.id))
      .map((o) => `${named(o.file)} job ${o.job_index} located ${String(o.located)}`)
      .sort();
    const parents: string[] = [];
    for (const o of await store.submissions.outputs(s.id)) {
      const file = await store.catalog.getFile(EXPERIMENT, o.file);
      parents.push(`${named(o.file)} <- ${(file.parents ?? []).map(named).join(',')}`);
    }
    const jobs = (await store.submissions.jobs(s.id)).map(
      (j) => `${j.index}: ${j.state} exit ${String(j.exit_code)}`,
    );
    const statistics = await store.submissions.statistics(s.id);
    const submission = await store.submissions.get(s.id);
    return {
      ledger,
      outputs,
      parents: parents.sort(),
      jobs,
      statistics,
      status: submission.status,
    };
  }

  let reference: Awaited<ReturnType<typeof outcome>>;

  it('in order and once: the reference', async () => {
    const s = await launch();
    for (const report of inOrder(s)) assert.equal((await send(s, report)).status, 200);
    reference = await outcome(s);
    assert.equal(reference.statistics.consumed, PER_SUBMISSION - 1);
    assert.equal(reference.statistics.failed, 1);
    assert.equal(reference.outputs.length, PER_SUBMISSION - 1);
  });

  it('twice: every report repeated changes nothing the second time', async () => {
    const s = await launch();
    const reports = inOrder(s);
    const fault = `${reports.length} reports twice`;
    tally.injected(fault);
    for (const report of reports) {
      assert.equal((await send(s, report)).status, 200);
      const again = await send(s, report);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      if (report.kind === 'files') {
        assert.equal((again.body as { changed: number }).changed, 0, 'a repeat moved a file');
      }
    }
    assert.deepEqual(await outcome(s), reference);
    tally.survived(fault);
  });

  it('out of order, duplicated and concurrent: the same ledger, outputs and jobs', async () => {
    const fault = `${PROPERTY_RUNS} random interleavings`;
    tally.injected(fault);
    const reportCount = inOrder({
      id: 'x',
      token: '',
      jobs: [
        ['a', 'b'],
        ['c', 'd'],
        ['e', 'f'],
      ],
    }).length;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        // Per report: how many extra copies (0–2), and a sort key for each copy.
        fc.array(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }),
          {
            minLength: reportCount,
            maxLength: reportCount,
          },
        ),
        // Sizes of the groups sent at once (in parallel); the rest go one by one.
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 10 }),
        async (keys, groups) => {
          runs++;
          const s = await launch();
          const reports = inOrder(s);
          const sent = reports
            .flatMap((report, i) => (keys[i] ?? [0]).map((key) => ({ key, report })))
            .sort((a, b) => a.key - b.key)
            .map((c) => c.report);
          let at = 0;
          for (const size of [...groups, ...Array.from({ length: sent.length }, () => 1)]) {
            if (at >= sent.length) break;
            const batch = sent.slice(at, at + size);
            at += size;
            const results = await Promise.all(batch.map((report) => send(s, report)));
            for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
          }
          assert.deepEqual(await outcome(s), reference);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
    assert.equal(runs, PROPERTY_RUNS);
    tally.survived(fault);
  });

  it('conflicting words for one file: the first delivered wins', async () => {
    tally.injected('failed then consumed');
    const s = await launch();
    const [a, b] = s.jobs[0] ?? [];
    assert.ok(a !== undefined && b !== undefined);
    await send(s, { job: 0, kind: 'files', body: { files: [{ name: a, state: 'failed' }] } });
    await send(s, { job: 0, kind: 'files', body: { files: [{ name: a, state: 'consumed' }] } });
    await send(s, { job: 0, kind: 'files', body: { files: [{ name: b, state: 'consumed' }] } });
    const late = await send(s, {
      job: 0,
      kind: 'files',
      body: { files: [{ name: b, state: 'failed', reason: 'late' }] },
    });
    assert.equal((late.body as { changed: number }).changed, 0);
    const ledger = await server.store.submissions.ledger(s.id, { jobIndex: 0 });
    assert.deepEqual(Object.fromEntries(ledger.items.map((e) => [e.file, e.state])), {
      [a]: 'failed',
      [b]: 'consumed',
    });
    tally.survived('failed then consumed');
  });

  it('late: after the poller ended the job, after a cancel and after the submission finished', async () => {
    const store = server.store;
    // The poller saw job 0 fail before any of its reports arrived (its node lost the network).
    tally.injected('reports after the job failed');
    const s = await launch();
    await store.submissions.changeStatus(s.id, { expected: 'New', to: 'Running', reason: 'test' });
    await store.submissions.updateJobs([
      { submissionId: s.id, index: 0, state: 'failed', exit_code: 137, reason: 'node lost' },
    ]);
    const reports = inOrder(s);
    for (const report of reports.filter((r) => r.job === 0)) {
      assert.equal((await send(s, report)).status, 200);
    }
    const [job0] = await store.submissions.jobs(s.id);
    assert.equal(job0?.state, 'failed', 'a report never changes a job the poller ended');
    assert.equal(job0?.exit_code, 137);
    tally.survived('reports after the job failed');

    // Cancelled while job 1 ran: its reports still arrive; the status stays.
    tally.injected('reports after a cancel');
    await store.submissions.changeStatus(s.id, {
      expected: 'Running',
      to: 'Cancelled',
      reason: 'test',
    });
    for (const report of reports.filter((r) => r.job === 1)) {
      assert.equal((await send(s, report)).status, 200);
    }
    assert.equal((await store.submissions.get(s.id)).status, 'Cancelled');
    tally.survived('reports after a cancel');

    // A finished submission (its decision made) told everything again, and the opposite words.
    tally.injected('reports after the submission finished');
    const done = await launch();
    for (const report of inOrder(done)) await send(done, report);
    await store.submissions.changeStatus(done.id, {
      expected: 'New',
      to: 'Located',
      reason: 'test',
    });
    await store.submissions.setProgressed(done.id);
    const finished = await outcome(done);
    const flipped = inOrder(done).map((r) =>
      r.kind !== 'files'
        ? r
        : {
            ...r,
            body: {
              files: (r.body as { files: { name: string; state: string }[] }).files.map((f) => ({
                name: f.name,
                state: f.state === 'consumed' ? 'failed' : 'consumed',
              })),
            },
          },
    );
    for (const report of [...flipped].reverse()) {
      assert.equal((await send(done, report)).status, 200);
    }
    assert.deepEqual(await outcome(done), finished, 'a finished submission changed');

    // A file its job never reported (the job died) in a finished submission, reported late: the
    // ledger records what the job did; the status and the decision already made stay.
    const silent = await launch();
    const reportsOfSilent = inOrder(silent);
    const lost = reportsOfSilent.findIndex((r) => r.kind === 'files');
    for (const [i, report] of reportsOfSilent.entries()) if (i !== lost) await send(silent, report);
    await store.submissions.changeStatus(silent.id, {
      expected: 'New',
      to: 'Located',
      reason: 'test',
    });
    await store.submissions.setProgressed(silent.id);
    assert.equal((await store.submissions.statistics(silent.id)).unknown, 1);
    const lostReport = reportsOfSilent[lost];
    assert.ok(lostReport !== undefined);
    assert.equal((await send(silent, lostReport)).status, 200);
    assert.deepEqual(
      { ...(await outcome(silent)), status: 'New' },
      reference,
      'the late word is recorded',
    );
    const after = await store.submissions.get(silent.id);
    assert.equal(after.status, 'Located');
    assert.equal(after.progressed, true);
    tally.survived('reports after the submission finished');
  });

  it('reports that cannot apply: a clear 4xx, never a 5xx', async () => {
    tally.injected('misaddressed reports');
    const s = await launch();
    const other = s.jobs[1]?.[0] ?? '';
    const cases: [Report, number, string][] = [
      // Job 0 reporting job 1's file.
      [
        { job: 0, kind: 'files', body: { files: [{ name: other, state: 'consumed' }] } },
        400,
        'job.bad-report',
      ],
      [{ job: JOBS, kind: 'end', body: {} }, 404, 'job.unknown-index'],
      [
        { job: 0, kind: 'files', body: { files: [{ name: other, state: 'eaten' }] } },
        400,
        'job.bad-report',
      ],
      [
        {
          job: 0,
          kind: 'outputs',
          body: { files: [{ name: 'out_x', path: '/etc/passwd' }] },
        },
        400,
        'job.bad-report',
      ],
    ];
    for (const [report, status, code] of cases) {
      const answer = await send(s, report);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal((answer.body as { error: { code: string } }).error.code, code);
    }
    const statistics = await server.store.submissions.statistics(s.id);
    assert.equal(statistics.consumed + statistics.failed, 0, 'nothing was recorded');
    assert.ok(
      answers.every((status) => status < 500),
      `a 5xx: ${answers.join(',')}`,
    );
    tally.survived('misaddressed reports');
  });
});
