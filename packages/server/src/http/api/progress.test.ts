// Campaign progress and split cursors over real HTTP: the per-stage summary agrees with every
// submission's own statistics and jobs once the demo chain has run; the event stream sends the
// summary at once, then each change, and frees its feed when the client goes; a split is reset
// and rewound (with its audit entries), refused while a forgotten slice is still being processed,
// and what a rewind forgot is delivered again — each file once per submission.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller, apiToken, errorCode } from './api-testing.ts';

const ADMIN_PASSWORD = 'correct horse battery staple';

interface StageProgress {
  stage: string;
  type: string | null;
  held: boolean;
  schedule: { cron: string } | null;
  submissions: { total: number; live: number; by_status: Record<string, number> };
  files: {
    delivered: number;
    consumed: number;
    failed: number;
    skipped: number;
    unknown: number;
    outputs: number;
    located: number;
  };
  jobs: {
    idle: number;
    running: number;
    held: number;
    done: number;
    failed: number;
    cancelled: number;
    unknown: number;
  };
  last_submission: { id: string; status: string } | null;
}
interface Progress {
  campaign: string;
  stages: StageProgress[];
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 40_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads server-sent events from a fetch body. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next `progress` event's data. */
    async next(): Promise<Progress> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (lines.includes('event: progress')) {
            const data = lines.find((l) => l.startsWith('data: '));
            assert.ok(data, block);
            return JSON.parse(data.slice('data: '.length)) as Progress;
          }
          continue;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the event stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('campaign progress, its event stream, and split cursors', () => {
  let server: RunningServer;
  const call = apiCaller(() => server.url);
  let admin = '';
  let bob = '';

  const tokenFor = (username: string, password: string) => apiToken(call, username, password);
  const ok = async (method: string, path: string, body?: unknown, token = admin) => {
    const answer = await call(method, path, { token, body });
    assert.ok(
      answer.status < 300,
      `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    return answer;
  };
  const progress = async (campaign: string) =>
    (await ok('GET', `/experiments/demo/campaigns/${campaign}/progress`))
      .body as unknown as Progress;
  const stageOf = (p: Progress, stage: string) => {
    const found = p.stages.find((s) => s.stage === stage);
    assert.ok(found, `no stage ${stage} in ${JSON.stringify(p.stages.map((s) => s.stage))}`);
    return found;
  };

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      pollIntervalMs: 100,
    });
    const { hashPassword } = await import('../../services/auth/passwords.ts');
    await server.store.identity.createUser({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: await hashPassword('bob has a long password'),
    });
    admin = await tokenFor('admin', ADMIN_PASSWORD);
    await ok('PUT', '/experiments/demo/members/bob', { role: 'analysis' });
    bob = await tokenFor('bob', 'bob has a long password');
  });
  after(async () => {
    await server.close();
  });

  it('answers every stage with zeros before a launch, and 404 for what does not exist', async () => {
    const before = await progress('toy_z_chain');
    assert.equal(before.campaign, 'toy_z_chain');
    assert.deepEqual(
      before.stages.map((s) => [s.stage, s.type, s.submissions.total, s.last_submission]),
      [
        ['generate', 'generator', 0, null],
        ['simulate', 'regular', 0, null],
        ['reconstruct', 'regular', 0, null],
        ['analyse', 'regular', 0, null],
      ],
    );
    assert.deepEqual(Object.values(stageOf(before, 'simulate').files), [0, 0, 0, 0, 0, 0, 0]);
    const missing = await call('GET', '/experiments/demo/campaigns/nope/progress', {
      token: admin,
    });
    assert.equal(missing.status, 404);
    const other = await call('GET', '/experiments/other/campaigns/toy_z_chain/progress', {
      token: bob,
    });
    assert.equal(other.status, 404);
    // Anyone of the experiment may look.
    assert.equal(
      (await call('GET', '/experiments/demo/campaigns/toy_z_chain/progress', { token: bob }))
        .status,
      200,
    );
  });

  it('streams the progress as events while the demo chain runs, and agrees with each submission', async () => {
    const response = await fetch(
      `${server.url}/api/v1/experiments/demo/campaigns/toy_z_chain/events`,
      { headers: { authorization: `Bearer ${bob}` } },
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.ok(response.body);
    const events = eventReader(response.body);
    const first = await events.next();
    assert.equal(stageOf(first, 'generate').submissions.total, 0);

    await ok('POST', '/experiments/demo/campaigns/toy_z_chain/launch', {});
    // The launch itself is a change: the next event shows the new submission.
    const launched = await events.next();
    assert.equal(stageOf(launched, 'generate').submissions.total, 1);
    // Events follow the chain to its end; no two in a row are the same.
    let seen = launched;
    let count = 1;
    while (stageOf(seen, 'analyse').last_submission?.status !== 'Located') {
      const next = await events.next();
      assert.notDeepEqual(next, seen, 'an event that changes nothing');
      seen = next;
      count++;
    }
    assert.ok(count >= 3, `only ${count} events`);
    await events.cancel();

    const done = await progress('toy_z_chain');
    for (const stage of done.stages) {
      const page = await ok(
        'GET',
        `/experiments/demo/submissions?campaign=toy_z_chain&stage=${stage.stage}&limit=1000`,
      );
      const subs = page.list as { id: string; status: string }[];
      assert.ok(subs.length > 0, stage.stage);
      assert.equal(stage.submissions.total, subs.length, stage.stage);
      assert.equal(stage.submissions.live, 0, stage.stage);
      const byStatus: Record<string, number> = {};
      for (const s of subs) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      assert.deepEqual(stage.submissions.by_status, byStatus, stage.stage);
      assert.equal(stage.last_submission?.id, subs[0]?.id, `${stage.stage}: newest first`);
      const sum: Record<string, number> = {};
      const jobs: Record<string, number> = {};
      for (const s of subs) {
        const details = await ok('GET', `/experiments/demo/submissions/${s.id}`);
        const stats = details.body.statistics as Record<string, number>;
        for (const key of ['delivered', 'consumed', 'failed', 'skipped', 'unknown', 'outputs']) {
          sum[key] = (sum[key] ?? 0) + (stats[key] ?? 0);
        }
        sum.located = (sum.located ?? 0) + (stats.located_outputs ?? 0);
        const listed = await ok('GET', `/experiments/demo/submissions/${s.id}/jobs?limit=1000`);
        assert.equal(listed.body.total, listed.list.length);
        for (const job of listed.list as { state: string }[]) {
          jobs[job.state] = (jobs[job.state] ?? 0) + 1;
        }
        assert.deepEqual(details.body.job_counts, countsOf(listed.list as { state: string }[]));
      }
      assert.deepEqual(stage.files, { ...stage.files, ...sum }, stage.stage);
      assert.equal(stage.jobs.done, jobs.completed ?? 0, stage.stage);
      assert.equal(stage.jobs.failed, jobs.failed ?? 0, stage.stage);
      assert.equal(stage.jobs.running + stage.jobs.idle, 0, stage.stage);
    }
    // The demo's simulation fails on purpose and its recovery redoes the failures.
    const simulate = stageOf(done, 'simulate');
    assert.equal(simulate.files.delivered, simulate.files.consumed + simulate.files.failed);
    assert.ok(simulate.files.located > 0);
    assert.ok(stageOf(done, 'analyse').files.located > 0);
    // The client went away: its feed is gone, and nothing listens to the change bus any more.
    await eventually('the feed to close', () => (server.events.listeners === 0 ? true : undefined));
  });

  it('sends holds and schedules as changes, and refuses an unknown campaign or no credentials', async () => {
    const response = await fetch(
      `${server.url}/api/v1/experiments/demo/campaigns/toy_z_chain/events`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    const events = eventReader(response.body!);
    assert.equal(stageOf(await events.next(), 'reconstruct').held, false);
    await ok('PUT', '/experiments/demo/campaigns/toy_z_chain/stages/reconstruct/hold', {});
    assert.equal(stageOf(await events.next(), 'reconstruct').held, true);
    await ok('PUT', '/experiments/demo/campaigns/toy_z_chain/stages/analyse/schedule', {
      cron: '0 3 * * *',
      timezone: 'UTC',
    });
    assert.equal(stageOf(await events.next(), 'analyse').schedule?.cron, '0 3 * * *');
    await ok('DELETE', '/experiments/demo/campaigns/toy_z_chain/stages/reconstruct/hold');
    await ok('DELETE', '/experiments/demo/campaigns/toy_z_chain/stages/analyse/schedule');
    const last = await events.next();
    // The two changes may come as one event or two.
    const settled = stageOf(last, 'reconstruct').held ? await events.next() : last;
    assert.equal(stageOf(settled, 'reconstruct').held, false);
    await events.cancel();

    const missing = await fetch(`${server.url}/api/v1/experiments/demo/campaigns/nope/events`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(missing.status, 404);
    const anonymous = await fetch(
      `${server.url}/api/v1/experiments/demo/campaigns/toy_z_chain/events`,
    );
    assert.equal(anonymous.status, 401);
    // Neither the closed stream nor the refused ones leave a feed behind.
    await eventually('the feeds to close', () =>
      server.events.listeners === 0 ? true : undefined,
    );
  });

  it('resets and rewinds a split, never while a forgotten slice is at work', async () => {
    const files = ['sp_1', 'sp_2', 'sp_3', 'sp_4'].map((name) => ({ name }));
    await ok('POST', '/experiments/demo/files', { files });
    const text = [
      'campaign: split_gate',
      'role: production',
      'stages:',
      '  gate:',
      '    type: approval',
      `    input: "file_name like 'sp_%%'"`,
      '    split: nfiles(2)',
      '',
    ].join('\n');
    await ok('POST', '/experiments/demo/campaigns', { text });
    const base = '/experiments/demo/campaigns/split_gate/stages/gate';
    const split = async () =>
      (await ok('GET', `${base}/split`)).body as {
        slices: number;
        spec: string;
        history: { seq: number; file_count: number }[];
      };
    assert.deepEqual((await split()).slices, 0);
    const filesOf = async (id: string) =>
      (
        (await ok('GET', `/experiments/demo/submissions/${id}/ledger?limit=100`)).list as {
          file: string;
        }[]
      )
        .map((e) => e.file)
        .sort();
    const launch = async () => {
      const answer = await ok('POST', `${base}/launch`, {});
      const outcome = answer.body as {
        kind: string;
        submission: { id: string; split_seq: number };
      };
      assert.equal(outcome.kind, 'launched');
      return outcome.submission;
    };
    const approveAndSettle = async (id: string) => {
      await ok('POST', `/experiments/demo/submissions/${id}/approve`, {});
      // Its chain is done once the split may be moved back over it (a no-op rewind checks nothing).
      await eventually(`${id} to end`, async () => {
        const s = await ok('GET', `/experiments/demo/submissions/${id}`);
        const status = (s.body.submission as { status: string }).status;
        return status === 'Located' ? status : undefined;
      });
    };

    const first = await launch();
    assert.equal(first.split_seq, 1);
    assert.deepEqual(await filesOf(first.id), ['sp_1', 'sp_2']);
    // Slice 1 is awaiting approval: forgetting it now would hand its files out twice at once.
    const busy = await call('POST', `${base}/split`, { token: admin, body: { action: 'reset' } });
    assert.equal(busy.status, 409, JSON.stringify(busy.body));
    assert.equal(errorCode(busy), 'split.in-use');
    assert.match(String((busy.body.error as { message: string }).message), new RegExp(first.id));
    assert.equal((await split()).slices, 1, 'the refused reset changed nothing');

    await approveAndSettle(first.id);
    const second = await launch();
    assert.equal(second.split_seq, 2);
    const secondFiles = await filesOf(second.id);
    assert.deepEqual(secondFiles, ['sp_3', 'sp_4']);
    await approveAndSettle(second.id);
    assert.deepEqual(
      (await split()).history.map((h) => [h.seq, h.file_count]),
      [
        [1, 2],
        [2, 2],
      ],
    );

    // Input errors and permissions.
    const tooFar = await call('POST', `${base}/split`, {
      token: admin,
      body: { action: 'rewind', to: 5 },
    });
    assert.equal(tooFar.status, 400);
    assert.equal((tooFar.body.error as { field?: string }).field, 'body.to');
    const noTo = await call('POST', `${base}/split`, { token: admin, body: { action: 'rewind' } });
    assert.equal(noTo.status, 400);
    const forbidden = await call('POST', `${base}/split`, {
      token: bob,
      body: { action: 'reset' },
    });
    assert.equal(forbidden.status, 403);
    const unknownStage = await call(
      'POST',
      '/experiments/demo/campaigns/split_gate/stages/nope/split',
      { token: admin, body: { action: 'reset' } },
    );
    assert.equal(unknownStage.status, 404);

    // Rewind to slice 1: slice 2 is forgotten and its files are delivered again, once.
    const rewound = await eventually('the chain of slice 2 to be done', async () => {
      const answer = await call('POST', `${base}/split`, {
        token: admin,
        body: { action: 'rewind', to: 1 },
      });
      if (errorCode(answer) === 'split.in-use') return undefined;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    });
    assert.deepEqual(rewound, {
      owner: rewound.owner,
      test: false,
      action: 'rewind',
      from: 2,
      to: 1,
      dropped: [
        { seq: 2, label: (rewound.dropped as { label: string }[])[0]?.label, file_count: 2 },
      ],
    });
    assert.equal((await split()).slices, 1);
    const again = await launch();
    assert.equal(again.split_seq, 2);
    assert.deepEqual(await filesOf(again.id), secondFiles);
    await approveAndSettle(again.id);

    // Reset: back to the first slice.
    const reset = await eventually('the chain of the relaunch to be done', async () => {
      const answer = await call('POST', `${base}/split`, {
        token: admin,
        body: { action: 'reset' },
      });
      if (errorCode(answer) === 'split.in-use') return undefined;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    });
    assert.equal(reset.from, 2);
    assert.equal(reset.to, 0);
    assert.equal((await split()).slices, 0);
    const dry = await ok('POST', `${base}/dry-run`, {});
    assert.deepEqual((dry.body.split as { slice: number }).slice, 1);

    // Both changes are in the audit log; a no-op (nothing to forget) records nothing.
    const noop = await ok('POST', `${base}/split`, { action: 'reset' });
    assert.deepEqual(noop.body.dropped, []);
    const audit = await ok('GET', '/experiments/demo/audit?object_id=split_gate/gate&limit=100');
    assert.deepEqual(
      (audit.list as { action: string; actor: string }[])
        .filter((e) => e.action.startsWith('split.'))
        .map((e) => [e.action, e.actor]),
      [
        ['split.reset', 'admin'],
        ['split.rewind', 'admin'],
      ],
    );
  });

  it("answers a stage's files over time with a forecast, once the demo chain has run", async () => {
    type History = {
      stage: string | null;
      start: string | null;
      end: string | null;
      live: number;
      expected: number;
      outputs: number;
      points: { at: string; processed: number; located: number }[];
      forecast: { rate_per_min: number | null; remaining: number; seconds_left: number | null };
    };
    const url = '/experiments/demo/campaigns/toy_z_chain/progress/history';
    const history = (await ok('GET', `${url}?stage=simulate&buckets=10`, undefined, bob))
      .body as unknown as History;
    const simulate = stageOf(await progress('toy_z_chain'), 'simulate');
    assert.equal(history.stage, 'simulate');
    assert.equal(history.points.length, 11);
    assert.equal(history.points[0]?.at, history.start);
    assert.equal(history.points.at(-1)?.at, history.end);
    const last = history.points.at(-1)!;
    // Cumulative, never down; the located outputs are the progress view's.
    for (let i = 1; i < history.points.length; i++) {
      assert.ok(history.points[i]!.processed >= history.points[i - 1]!.processed);
      assert.ok(history.points[i]!.located >= history.points[i - 1]!.located);
    }
    assert.ok(last.processed > 0 && last.processed <= history.expected, JSON.stringify(history));
    assert.equal(last.located, simulate.files.located);
    assert.equal(history.outputs, simulate.files.outputs);
    assert.equal(history.forecast.remaining, history.expected - last.processed);
    // Every stage together, and the limits of the query.
    const all = (await ok('GET', url)).body as unknown as History;
    assert.equal(all.stage, null);
    assert.equal(all.points.length, 61);
    assert.ok(all.expected >= history.expected);
    const bad = await call('GET', `${url}?buckets=1`, { token: admin });
    assert.equal(bad.status, 400);
    const missing = await call('GET', '/experiments/demo/campaigns/nope/progress/history', {
      token: admin,
    });
    assert.equal(missing.status, 404);
    const outsider = await call('GET', url.replace('/demo/', '/other/'), { token: bob });
    assert.equal(outsider.status, 404);
  });
});

/** Jobs by state, as the details answer's `job_counts`. */
function countsOf(jobs: { state: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const j of jobs) out[j.state] = (out[j.state] ?? 0) + 1;
  return out;
}
