// Campaigns using the experiment's data management end to end: a stage reads a MetaCat dataset,
// keeps up with it as it grows, declares its outputs back to MetaCat or SAM, registers them in
// Rucio with replication rules it waits for (a stuck rule holds the submission until Rucio
// recovers), and waits for its outputs to land at a named location. Keep-up stages launch from the
// executor's own loop: no test calls it. The server, the local engine and the job runtime are
// real; MetaCat, SAM and Rucio are the adapters' stand-ins (real HTTP on 127.0.0.1, answering
// from the hand-written fixtures), since none can run on this machine.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CampaignService } from '../campaigns.ts';
import { MetacatClient } from '../../adapters/data/metacat/metacat-client.ts';
import {
  DATASET_QUERY,
  startFakeMetacat,
  type FakeMetacat,
} from '../../adapters/data/metacat/metacat-testing.ts';
import { RucioClient } from '../../adapters/data/rucio/rucio-client.ts';
import {
  answer,
  CREATED,
  fixture,
  startFakeRucio,
  type FakeAnswer,
  type FakeRoutes,
  type FakeRucio,
} from '../../adapters/data/rucio/rucio-testing.ts';
import { SamClient } from '../../adapters/data/sam/sam-client.ts';
import { startFakeSam, type FakeSam } from '../../adapters/data/sam/sam-testing.ts';
import { apiCaller, apiToken } from '../../http/api/api-testing.ts';
import { EXPERIMENT, harness, type Harness } from '../execution/execution-testing.ts';
import { Notifier } from '../notifications/notifier.ts';
import { plain, smtpSink, webhookReceiver } from '../notifications/notifications-testing.ts';
import { mirrorDatasetName } from './dataset-mirror.ts';
import { submissionDatasetName } from './output-publisher.ts';

const RULE = '5e2b7c1d9a8f4e0b8c3d2a1f0e9b8c7d';
/** The id of the rule in the fixture rule-stuck.json. */
const STUCK_RULE = '0c4d6e8fa1b2c3d4e5f60718293a4b5c';
const STUCK_ERROR = '[TRANSFER_FAILED] DESTINATION [Permission denied]';
/** The webhook secret of olga, who watches the campaign with the stuck rule. */
const HOOK_SECRET = 'olga-secret-0123456789abcdef';
/** An experiment whose metadata catalog is SAM (the SAM stand-in). */
const SAM_EXPERIMENT = 'samexp';
const KEEP_UP_LOOK_MS = 200;
const ADMIN_PASSWORD = 'data-handling-admin-password';
/** The files of the stand-in's dataset (its fixture dataset-files.json). */
const FIXTURE_FILES = [
  'raw_run5000_0001.hdf5',
  'raw_run5000_0002.hdf5',
  'raw_run5001_0001.hdf5',
  'reco_run5000_0001.root',
  'reco_run5000_0002.root',
];
const MIRROR = mirrorDatasetName({ system: 'metacat', query: DATASET_QUERY });

/** A `/replicas/list` answer: one JSON line per file with the RSEs that have it available. */
function replicaLines(files: Record<string, string[]>): FakeAnswer {
  const lines = Object.entries(files).map(([name, rses]) =>
    JSON.stringify({
      scope: 'dune',
      name,
      bytes: 10,
      adler32: '0a0b0c0d',
      rses: Object.fromEntries(rses.map((r) => [r, [`root://${r}/${name}`]])),
      states: Object.fromEntries(rses.map((r) => [r, 'AVAILABLE'])),
    }),
  );
  return {
    status: 200,
    headers: { 'Content-Type': 'application/x-json-stream' },
    body: lines.join('\n') + '\n',
  };
}

/** Rucio's answer to `POST /rules/`: the new rule's id. */
function ruleMade(id: string): FakeAnswer {
  return {
    status: 201,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([id]),
  };
}

/** Rucio's answer to `GET /rules/{id}`: the fixture rule-ok.json with another id and state. */
function ruleIs(id: string, state: string, changes: Record<string, unknown> = {}): FakeAnswer {
  const rule = JSON.parse(fixture('rule-ok.json')) as Record<string, unknown>;
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...rule, id, state, ...changes }),
  };
}

/** Waits for `check` to answer something other than undefined; fails naming `what` after 30 s. */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`waited 30 s for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function campaign(name: string, bin: string, stage: string): string {
  return `campaign: ${name}
job_types:
  proc:
    command: ${bin}/proc.sh
    output_patterns: ["out_%", "ku_%"]
launch_setups:
  here:
    engine: local
stages:
  reco:
    job_type: proc
    launch_setup: here
${stage}
`;
}

describe('campaigns on MetaCat, SAM and Rucio', () => {
  let h: Harness;
  let metacat: FakeMetacat;
  let sam: FakeSam;
  let rucio: FakeRucio;
  let folder: string;
  /** Where watchers' e-mails and webhooks go (the stuck rule is told to them). */
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  /**
   * The stand-in Rucio's answers. It reads them at each request, so a test changes what Rucio
   * says (a rule recovers) by replacing an entry.
   */
  let routes: FakeRoutes;

  /** The rule ids the next `POST /rules/` requests are answered with, in turn. */
  function nextRules(...ids: string[]): void {
    const served = rucio.calls().filter((c) => c.method === 'POST' && c.path === '/rules/');
    // A list is served in turn, counting the requests already answered.
    routes['POST /rules/'] = [...served.map(() => ruleMade(RULE)), ...ids.map(ruleMade)];
  }

  before(async () => {
    metacat = await startFakeMetacat();
    sam = await startFakeSam();
    sink = await smtpSink();
    receiver = await webhookReceiver(HOOK_SECRET);
    routes = {
      // The first registration meets an outage: the step is retried, nothing is lost.
      'POST /replicas': [answer(500, 'error-database-500.json'), CREATED],
      'POST /dids/dune/*': CREATED,
      'POST /rules/': answer(201, 'rule-created.json'),
      // Where Rucio has copies of the `rl_` outputs: one at tape only on the second look.
      'POST /replicas/list': [
        replicaLines({ out_rl_1: ['FNAL_DCACHE_TAPE'], out_rl_2: [] }),
        replicaLines({ out_rl_2: ['FNAL_DCACHE_TAPE', 'CERN_EOS'] }),
      ],
      [`GET /rules/${RULE}`]: [
        answer(200, 'rule-replicating.json'),
        answer(200, 'rule-replicating.json'),
        answer(200, 'rule-ok.json'),
      ],
    };
    rucio = await startFakeRucio(routes);
    const samClient = new SamClient({ url: sam.url, experiment: 'dune', token: 'sam-token' });
    const metadata = new MetacatClient({ url: metacat.url, token: 'metacat-token' });
    const replicas = new RucioClient({
      url: rucio.url,
      account: 'pomsprod',
      auth: { kind: 'token', token: 'rucio-token' },
    });
    h = await harness({
      server: {
        adminPassword: ADMIN_PASSWORD,
        publishCheckMs: 50,
        notifications: {
          smtpUrl: sink.url,
          from: 'poms@test.example',
          publicUrl: 'https://poms.example',
          intervalMs: 100,
          settleMs: 200,
        },
        externalIntervalMs: 0,
        keepUpIntervalMs: KEEP_UP_LOOK_MS,
        dataSystems: (experiment) =>
          experiment === SAM_EXPERIMENT
            ? { metadata: samClient }
            : experiment === EXPERIMENT
              ? {
                  metadata,
                  metadataNamespace: 'poms_out',
                  inputFiles: { location: 'local', folder },
                  rucio: {
                    client: replicas,
                    scope: 'dune',
                    rse: 'POMS_LOCAL',
                    locations: { 'fnal-tape': 'FNAL_DCACHE_TAPE' },
                  },
                }
              : undefined,
      },
    });
    // Where jobs find MetaCat's files by name (a mounted namespace in production).
    folder = join(h.bin, '..', 'metacat-files');
    mkdirSync(folder);
    for (const name of FIXTURE_FILES) writeMetacatFile(name);
  });
  after(async () => {
    await h.close();
    await metacat.close();
    await sam.close();
    await rucio.close();
    await sink.close();
    await receiver.close();
  });

  function writeMetacatFile(name: string): void {
    writeFileSync(join(folder, name), `metacat file ${name}\n`);
  }

  it('reads a MetaCat dataset, declares outputs back, registers them in Rucio and waits for the rule', async () => {
    await h.campaign(
      campaign(
        'pub',
        h.bin,
        `    input: "metacat: ${DATASET_QUERY}"
    split: draining
    output_dataset: "reco-%(campaign)s"
    publish:
      metadata: true
      metadata_dataset: "poms_out:reco-%(campaign)s"
      rules:
        - {copies: 1, rse_expression: FNAL_DCACHE_TAPE, lifetime: 30d}
      wait_for_rules: true`,
      ),
    );
    const outcome = await h.launch('pub', 'reco');
    assert.equal(outcome.kind, 'launched');
    const [submission] = (await h.settle(60_000)).filter((s) => s.campaign === 'pub');
    assert.ok(submission);
    assert.equal(submission.status, 'Located');
    const store = h.server.store;

    // The MetaCat dataset was mirrored into an open dataset, with the files' metadata.
    const mirrored = await store.catalog.getFile(EXPERIMENT, 'raw_run5000_0001.hdf5');
    assert.equal(mirrored.metadata.run_number, 5000);
    assert.equal(mirrored.metadata['poms.did'], 'dune:raw_run5000_0001.hdf5');
    assert.equal(await store.catalog.countFiles(EXPERIMENT, { type: 'defname', name: MIRROR }), 5);

    // Every output is in the stage's open output dataset, and declared to MetaCat.
    const outputs = (await store.submissions.outputs(submission.id)).map((o) => o.file).sort();
    assert.equal(outputs.length, 5);
    const collected = await store.catalog.queryFiles(EXPERIMENT, {
      type: 'defname',
      name: 'reco-pub',
    });
    assert.deepEqual(collected.files.map((f) => f.name).sort(), outputs);
    const declares = metacat.requests.filter((r) => r.path === '/data/declare_files');
    assert.equal(declares.length, 1);
    assert.equal(new URLSearchParams(declares[0]?.query).get('dataset'), 'poms_out:reco-pub');
    const declared = JSON.parse(declares[0]?.body ?? '[]') as {
      namespace: string;
      name: string;
      parents: { did?: string }[];
      metadata: Record<string, unknown>;
    }[];
    assert.deepEqual(declared.map((d) => d.name).sort(), outputs);
    assert.ok(declared.every((d) => d.namespace === 'poms_out'));
    const first = declared.find((d) => d.name === 'out_raw_run5000_0001.hdf5');
    assert.deepEqual(first?.parents, [{ did: 'dune:raw_run5000_0001.hdf5' }]);
    assert.equal(first?.metadata['poms.submission'], submission.id);

    // Rucio: the replicas (after one failed try), the submission's dataset, the rule, its state.
    const calls = rucio.calls();
    const registrations = calls.filter((c) => c.method === 'POST' && c.path === '/replicas');
    assert.equal(registrations.length, 2, 'one outage, one success');
    const registered = registrations[1]?.body as {
      rse: string;
      files: { name: string; adler32: string; pfn: string }[];
    };
    assert.equal(registered.rse, 'POMS_LOCAL');
    assert.deepEqual(registered.files.map((f) => f.name).sort(), outputs);
    assert.ok(registered.files.every((f) => /^[0-9a-f]{8}$/.test(f.adler32)));
    assert.ok(registered.files.every((f) => f.pfn.startsWith('file:///')));
    const dataset = submissionDatasetName(submission);
    assert.ok(calls.some((c) => c.path === `/dids/dune/${encodeURIComponent(dataset)}`));
    const attach = calls.find((c) => c.path === `/dids/dune/${encodeURIComponent(dataset)}/dids`);
    assert.equal((attach?.body as { dids: unknown[] }).dids.length, 5);
    const rule = calls.find((c) => c.path === '/rules/')?.body as Record<string, unknown>;
    assert.deepEqual(rule.dids, [{ scope: 'dune', name: dataset }]);
    assert.equal(rule.copies, 1);
    assert.equal(rule.rse_expression, 'FNAL_DCACHE_TAPE');
    assert.equal(rule.lifetime, 30 * 86_400);
    assert.ok(
      calls.filter((c) => c.path === `/rules/${RULE}`).length >= 3,
      'looked at the rule until it was OK',
    );

    // It waited in Completed for the rule, and the record says what happened.
    const history = (await store.submissions.history(submission.id)).map((e) => e.status);
    assert.deepEqual(history.slice(-2), ['Completed', 'Located']);
    const publication = await store.publications.get(submission.id);
    assert.equal(publication?.state, 'done');
    assert.equal(publication?.declared, 5);
    assert.equal(publication?.registered, 5);
    assert.equal(publication?.rucio_dataset, `dune:${dataset}`);
    assert.equal(publication?.rules[0]?.state, 'OK');
    assert.ok(h.logs.some((l) => l.includes('publishing the outputs') && l.includes('500')));

    // The API shows it with the submission.
    const call = apiCaller(() => h.server.url);
    const token = await apiToken(call, 'admin', ADMIN_PASSWORD, { scopes: ['read'] });
    const details = await call('GET', `/experiments/${EXPERIMENT}/submissions/${submission.id}`, {
      token,
    });
    assert.equal(details.status, 200, JSON.stringify(details.body));
    const shown = details.body.publication as Record<string, unknown>;
    assert.equal(shown.state, 'done');
    assert.equal(shown.rucio_dataset, `dune:${dataset}`);
    assert.equal((shown.rules as { state: string }[])[0]?.state, 'OK');
  });

  /** The stage's launches that are not recoveries, once there are `count` and all settled. */
  async function launchesOf(name: string, count: number) {
    const mine = async () =>
      (await h.submissions('reco')).filter((s) => s.campaign === name && s.recovery_type === null);
    await until(`${count} launch(es) of ${name}`, async () =>
      (await mine()).length >= count ? true : undefined,
    );
    await h.settle(60_000);
    return mine();
  }

  async function ledgerOf(id: string): Promise<Record<string, string>> {
    const page = await h.server.store.submissions.ledger(id);
    return Object.fromEntries(page.items.map((e) => [e.file, e.state]));
  }

  async function delivered(submissions: readonly { id: string }[]): Promise<string[]> {
    const files: string[] = [];
    for (const s of submissions) {
      files.push(...(await h.server.store.submissions.ledger(s.id)).items.map((e) => e.file));
    }
    return files.sort();
  }

  it('keeps up with a MetaCat dataset as it grows, by itself, delivering each file once', async () => {
    // No test code launches: the executor's loop looks at keep-up stages every 200 ms here.
    await h.campaign(
      campaign(
        'follow',
        h.bin,
        `    input: "metacat: ${DATASET_QUERY}"
    split: drainingn(100)
    overrides: [["--prefix=", "ku"]]
    keep_up: {files: 2}`,
      ),
    );
    const first = await launchesOf('follow', 1);
    assert.equal(first.length, 1, 'five files in MetaCat: one launch');
    for (const name of ['raw_run5002_0001.hdf5', 'raw_run5002_0002.hdf5']) {
      writeMetacatFile(name);
      metacat.grow({
        namespace: 'dune',
        name,
        size: 100,
        checksums: { adler32: '0a0b0c0d' },
        metadata: { 'core.runs': [5002], 'core.data_tier': 'raw' },
      });
    }
    const launched = await launchesOf('follow', 2);
    assert.equal(launched.length, 2, 'two new files: a second launch');
    const files = await delivered(launched);
    assert.equal(files.length, 7);
    assert.equal(new Set(files).size, 7, 'no file delivered twice');
    assert.deepEqual(
      launched.map((s) => `${s.origin} ${s.status}`),
      ['keep-up Located', 'keep-up Located'],
    );
  });

  it('launches a keep-up stage by itself as files are declared into its open dataset', async () => {
    const store = h.server.store;
    await store.catalog.createOpenDataset(EXPERIMENT, 'incoming');
    await h.campaign(
      campaign(
        'arrivals',
        h.bin,
        `    input: "defname: incoming"
    split: drainingn(10)
    overrides: [["--prefix=", "ku"]]
    keep_up: {files: 3}`,
      ),
    );
    const arrive = async (...names: string[]) => {
      await h.declareInputs(names, { data_tier: 'raw_arrivals' });
      await store.catalog.addToDataset(EXPERIMENT, 'incoming', names);
    };
    const mine = async () => (await h.submissions('reco')).filter((s) => s.campaign === 'arrivals');
    await arrive('ar_1', 'ar_2');
    // Two files are not yet three: several looks of the loop go by without a launch.
    await new Promise((r) => setTimeout(r, 4 * KEEP_UP_LOOK_MS));
    assert.deepEqual(await mine(), [], 'no launch on two files');
    await arrive('ar_3');
    await until('the first keep-up launch', async () =>
      (await mine()).length === 1 ? true : undefined,
    );
    // Files keep arriving one at a time, while the first launch may still run.
    await arrive('ar_4');
    await arrive('ar_5');
    await arrive('ar_6');
    const launched = await launchesOf('arrivals', 2);
    assert.equal(launched.length, 2);
    assert.deepEqual(
      launched.map((s) => `${s.origin} ${s.status} ${s.file_count}`),
      ['keep-up Located 3', 'keep-up Located 3'],
    );
    assert.deepEqual(await delivered(launched), ['ar_1', 'ar_2', 'ar_3', 'ar_4', 'ar_5', 'ar_6']);
    // Nothing new: the loop's later looks launch nothing more.
    await new Promise((r) => setTimeout(r, 3 * KEEP_UP_LOOK_MS));
    assert.equal((await mine()).length, 2);
  });

  it('waits in Completed until its outputs have replicas at the output location', async () => {
    await h.declareInputs(['loc_1', 'loc_2'], { data_tier: 'raw_loc' });
    await h.campaign(
      campaign(
        'landing',
        h.bin,
        `    input: "data_tier = raw_loc"
    output_location: tape`,
      ),
    );
    await h.launch('landing', 'reco');
    const store = h.server.store;
    const completed = async () => {
      for (let i = 0; i < 300; i++) {
        const [s] = (await h.submissions('reco')).filter((x) => x.campaign === 'landing');
        const record = s === undefined ? null : await store.publications.get(s.id);
        if (s?.status === 'Completed' && record?.state === 'waiting') return { s, record };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the submission never waited in Completed');
    };
    const { s, record } = await completed();
    assert.equal(record.at_location, 0);
    assert.match(record.detail, /2 of 2 output\(s\) not yet at tape/);
    const outputs = await store.submissions.outputs(s.id);
    assert.ok(
      outputs.every((o) => !o.located),
      'not located while they are not at tape',
    );
    // A transfer service reports one copy, then the other.
    await store.catalog.declareFiles(EXPERIMENT, [
      { name: outputs[0]?.file ?? '', replicas: [{ location: 'tape', path: '/tape/a' }] },
    ]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await store.submissions.get(s.id)).status, 'Completed');
    await store.catalog.declareFiles(EXPERIMENT, [
      { name: outputs[1]?.file ?? '', replicas: [{ location: 'tape', path: '/tape/b' }] },
    ]);
    const [done] = (await h.settle(30_000)).filter((x) => x.id === s.id);
    assert.equal(done?.status, 'Located');
    assert.ok((await store.submissions.outputs(s.id)).every((o) => o.located));
    assert.equal((await store.submissions.statistics(s.id)).with_located_outputs, 2);
  });

  it('finds outputs at an output location that is a Rucio RSE by asking Rucio', async () => {
    await h.declareInputs(['rl_1', 'rl_2'], { data_tier: 'raw_rl' });
    await h.campaign(
      campaign(
        'rse_landing',
        h.bin,
        `    input: "data_tier = raw_rl"
    output_location: fnal-tape`,
      ),
    );
    await h.launch('rse_landing', 'reco');
    const [s] = (await h.settle(60_000)).filter((x) => x.campaign === 'rse_landing');
    assert.equal(s?.status, 'Located');
    const lookups = rucio.calls().filter((c) => c.path === '/replicas/list');
    assert.equal(lookups.length, 2, 'asked again only for the output still missing');
    assert.deepEqual((lookups[1]?.body as { dids: unknown[] }).dids, [
      { scope: 'dune', name: 'out_rl_2' },
    ]);
    const file = await h.server.store.catalog.getFile(EXPERIMENT, 'out_rl_2');
    assert.deepEqual(
      file.replicas.filter((r) => r.location === 'fnal-tape'),
      [{ location: 'fnal-tape', path: 'rucio://FNAL_DCACHE_TAPE/dune:out_rl_2' }],
    );
    const publication = await h.server.store.publications.get(s?.id ?? '');
    assert.equal(publication?.at_location, 2);
  });

  it('refuses a MetaCat input when the experiment has none, naming the field', async () => {
    await h.server.store.experiments.create({ name: 'other', display_name: 'Other' });
    const { CampaignService } = await import('../campaigns.ts');
    await new CampaignService(h.server.store).create(
      'other',
      campaign('nometacat', h.bin, `    input: "metacat: files from x:y"`),
      'alice',
    );
    await assert.rejects(
      h.server.execution.launches.launch({
        experiment: 'other',
        campaign: 'nometacat',
        stage: 'reco',
        launcher: 'alice',
      }),
      /input: 'metacat: …' reads other's MetaCat, which this server is not configured with/,
    );
  });
  it('makes two rules on the submission dataset, one on tape, and is Located once both are OK', async () => {
    const TAPE_RULE = '7a1e0c2b3d4f5a6b7c8d9e0f1a2b3c4d';
    const DISK_RULE = '8b2f1d3c4e5a6b7c8d9e0f1a2b3c4d5e';
    nextRules(TAPE_RULE, DISK_RULE);
    routes[`GET /rules/${TAPE_RULE}`] = ruleIs(TAPE_RULE, 'OK');
    routes[`GET /rules/${DISK_RULE}`] = ruleIs(DISK_RULE, 'REPLICATING', {
      locks_ok_cnt: 1,
      locks_replicating_cnt: 3,
    });
    await h.declareInputs(['tc_1', 'tc_2'], { data_tier: 'raw_tc' });
    await h.campaign(
      campaign(
        'copies',
        h.bin,
        `    input: "data_tier = raw_tc"
    publish:
      rules:
        - {copies: 1, rse_expression: FNAL_DCACHE_TAPE}
        - {copies: 2, rse_expression: "tier=1&type=DISK"}
      wait_for_rules: true`,
      ),
    );
    await h.launch('copies', 'reco');
    const store = h.server.store;
    const [submission] = await until('the copies submission', async () => {
      const mine = (await h.submissions('reco')).filter((s) => s.campaign === 'copies');
      return mine.length > 0 ? mine : undefined;
    });
    assert.ok(submission);
    const waiting = await until('the disk rule to be looked at', async () => {
      const record = await store.publications.get(submission.id);
      return record?.rules[1]?.state === 'REPLICATING' ? record : undefined;
    });
    // The tape copy is done, the two disk copies are not: the submission waits in Completed.
    assert.equal(waiting.state, 'waiting');
    assert.equal(waiting.rules[0]?.state, 'OK');
    assert.equal(waiting.detail, `rule ${DISK_RULE} (2 × tier=1&type=DISK) is REPLICATING`);
    assert.equal((await store.submissions.get(submission.id)).status, 'Completed');

    routes[`GET /rules/${DISK_RULE}`] = ruleIs(DISK_RULE, 'OK', { locks_ok_cnt: 4 });
    const [located] = (await h.settle(30_000)).filter((s) => s.id === submission.id);
    assert.equal(located?.status, 'Located');
    const record = await store.publications.get(submission.id);
    assert.equal(record?.state, 'done');
    assert.deepEqual(
      record?.rules.map((r) => `${r.id} ${r.copies} ${r.rse_expression} ${r.state}`),
      [`${TAPE_RULE} 1 FNAL_DCACHE_TAPE OK`, `${DISK_RULE} 2 tier=1&type=DISK OK`],
    );

    // Both rules were made on the submission's dataset, and an OK rule is not asked about again.
    const dataset = submissionDatasetName(submission);
    const made = rucio
      .calls()
      .filter((c) => c.method === 'POST' && c.path === '/rules/')
      .slice(-2)
      .map((c) => c.body as Record<string, unknown>);
    assert.deepEqual(
      made.map((r) => [r.dids, r.copies, r.rse_expression, r.grouping]),
      [
        [[{ scope: 'dune', name: dataset }], 1, 'FNAL_DCACHE_TAPE', 'DATASET'],
        [[{ scope: 'dune', name: dataset }], 2, 'tier=1&type=DISK', 'DATASET'],
      ],
    );
    assert.equal(rucio.calls().filter((c) => c.path === `/rules/${TAPE_RULE}`).length, 1);
    const history = (await store.submissions.history(submission.id)).map((e) => e.status);
    assert.deepEqual(history.slice(-2), ['Completed', 'Located']);
  });

  it("holds a submission whose rule is stuck, with Rucio's error, tells its watcher once, until Rucio recovers it", async () => {
    const RECOVERY_RULE = '9c3a2e4d5f6b7c8d9e0f1a2b3c4d5e6f';
    nextRules(STUCK_RULE, RECOVERY_RULE);
    routes[`GET /rules/${STUCK_RULE}`] = answer(200, 'rule-stuck.json');
    routes[`GET /rules/${RECOVERY_RULE}`] = ruleIs(RECOVERY_RULE, 'OK');
    await h.declareInputs(['st_1', 'st_2'], { data_tier: 'raw_st' });
    await h.campaign(`campaign: stuck
job_types:
  proc:
    command: ${h.bin}/proc.sh
    output_patterns: ["out_%", "ana_%"]
    recovery:
      - type: consumed_status
        overrides: [["--fail=", ""]]
launch_setups:
  here:
    engine: local
stages:
  reco:
    job_type: proc
    launch_setup: here
    input: "data_tier = raw_st"
    overrides: [["--fail=", "st_2"]]
    publish:
      rules:
        - {copies: 1, rse_expression: CERN_EOS}
      wait_for_rules: true
  ana:
    needs: [reco]
    job_type: proc
    launch_setup: here
    overrides: [["--prefix=", "ana"]]
`);
    const store = h.server.store;
    // olga watches the campaign, by e-mail and by a webhook.
    const olga = await store.identity.createUser({
      username: 'olga',
      displayName: 'Olga',
      email: 'olga@example.org',
    });
    await store.identity.setMembership({
      experiment: EXPERIMENT,
      userId: olga.id,
      role: 'analysis',
      grantedBy: 'admin',
    });
    await store.notifications.saveSettings('olga', {
      webhookUrl: receiver.url,
      webhookSecret: HOOK_SECRET,
    });
    await store.watches.watch({
      username: 'olga',
      experiment: EXPERIMENT,
      campaignId: (await store.campaigns.get(EXPERIMENT, 'stuck')).id,
    });
    const stuckHooks = () => receiver.hooks.filter((x) => x.headers.event === 'publication_stuck');
    const stuckMails = () => sink.mails.filter((m) => plain(m).includes('publication stuck'));
    const stuckRows = async () =>
      (await store.notifications.outbox({ username: 'olga' })).filter(
        (r) => r.event.kind === 'publication_stuck',
      );
    await h.launch('stuck', 'reco');
    const mine = async () => (await h.submissions()).filter((s) => s.campaign === 'stuck');
    const [submission] = await until('the stuck submission', async () => {
      const all = await mine();
      return all.length > 0 ? all : undefined;
    });
    assert.ok(submission);
    const stuck = await until('the rule to be seen STUCK', async () => {
      const record = await store.publications.get(submission.id);
      return record?.rules[0]?.state === 'STUCK' ? record : undefined;
    });
    assert.equal(stuck.state, 'waiting');
    assert.equal(stuck.rules[0]?.error, STUCK_ERROR);
    assert.equal(stuck.rules[0]?.locks_stuck, 2);
    assert.equal(
      stuck.detail,
      `rule ${STUCK_RULE} (1 × CERN_EOS) is STUCK, a person must act: ${STUCK_ERROR}`,
    );
    const logged = h.logs.filter((l) => l.includes(submission.id) && l.includes('is STUCK'));
    assert.equal(logged.length, 1, 'logged once, not at every look');
    // The API shows it with the submission (the CLI and the submission page read this).
    const call = apiCaller(() => h.server.url);
    const token = await apiToken(call, 'admin', ADMIN_PASSWORD, { scopes: ['read'] });
    const details = await call('GET', `/experiments/${EXPERIMENT}/submissions/${submission.id}`, {
      token,
    });
    const shown = details.body.publication as { detail: string; rules: { error?: string }[] };
    assert.match(shown.detail, /is STUCK, a person must act: \[TRANSFER_FAILED\]/);
    assert.equal(shown.rules[0]?.error, STUCK_ERROR);
    // Its watcher is told: a webhook that verifies, naming the rule and Rucio's error, and an
    // e-mail with the same and a link to the submission.
    const hook = await until('the publication-stuck webhook', () =>
      Promise.resolve(stuckHooks()[0]),
    );
    assert.equal(hook.problem, undefined, 'the receiver verified the signature');
    const told = (JSON.parse(hook.body) as { event: Record<string, unknown> }).event;
    assert.deepEqual(
      [told.campaign, told.stage, told.submission_id, told.reason],
      [
        'stuck',
        'reco',
        submission.id,
        `rule ${STUCK_RULE} (1 × CERN_EOS) is STUCK: ${STUCK_ERROR}`,
      ],
    );
    assert.match(String(told.summary), /a person must act: rule .* is STUCK: \[TRANSFER_FAILED\]/);
    const mail = await until('the publication-stuck e-mail', () =>
      Promise.resolve(stuckMails()[0]),
    );
    assert.deepEqual(mail.to, ['olga@example.org']);
    const text = plain(mail);
    assert.match(text, /Subject: \[POMS\] publication stuck: exp\/stuck\/reco/);
    assert.ok(text.includes(STUCK_ERROR), text);
    assert.ok(text.includes(`https://poms.example/e/exp/submissions/${submission.id}`), text);

    // An administrator suspends the rule: still stuck, Rucio's old error gone.
    routes[`GET /rules/${STUCK_RULE}`] = ruleIs(STUCK_RULE, 'SUSPENDED', { error: null });
    const suspended = await until('the rule to be seen SUSPENDED', async () => {
      const record = await store.publications.get(submission.id);
      return record?.rules[0]?.state === 'SUSPENDED' ? record : undefined;
    });
    assert.equal(suspended.rules[0]?.error, undefined);
    assert.equal(
      suspended.detail,
      `rule ${STUCK_RULE} (1 × CERN_EOS) is SUSPENDED, a person must act`,
    );
    // Still stuck: neither the server's later looks nor a notifier started afresh on the same
    // store (a restart) tell it again.
    const restarted = new Notifier({
      store,
      now: () => new Date(),
      publicUrl: () => 'https://poms.example',
      settleMs: 200,
    });
    try {
      await restarted.detect();
    } finally {
      await restarted.stop();
    }
    assert.deepEqual((await stuckRows()).map((r) => [r.channel, r.event.key]).sort(), [
      ['email', `publication_stuck:${submission.id}:1`],
      ['webhook', `publication_stuck:${submission.id}:1`],
    ]);
    // Held in Completed: neither the recovery of st_2 nor the dependent stage has launched.
    assert.equal((await store.submissions.get(submission.id)).status, 'Completed');
    assert.deepEqual(
      (await mine()).map((s) => s.id),
      [submission.id],
    );

    // Rucio recovers the rule: the submission is Located, and its recovery and dependent follow.
    routes[`GET /rules/${STUCK_RULE}`] = ruleIs(STUCK_RULE, 'OK', { error: null });
    const all = (await h.settle(60_000)).filter((s) => s.campaign === 'stuck');
    const record = await store.publications.get(submission.id);
    assert.equal(record?.state, 'done');
    assert.equal(record?.rules[0]?.state, 'OK');
    assert.equal(all.find((s) => s.id === submission.id)?.status, 'Located');
    const recovery = all.find((s) => s.recovery_type === 'consumed_status');
    assert.equal(recovery?.status, 'Located');
    assert.deepEqual(Object.keys(await ledgerOf(recovery?.id ?? '')), ['st_2']);
    assert.ok(
      all.some((s) => s.stage === 'ana' && s.status === 'Located'),
      all.map((s) => `${s.stage} ${s.status}`).join(', '),
    );
    // One stuck episode, one message on each channel.
    assert.equal((await stuckRows()).length, 2);
    assert.equal(stuckHooks().length, 1);
    assert.equal(stuckMails().length, 1);
  });

  it('declares the outputs of an experiment on SAM with their runs and parents', async () => {
    const store = h.server.store;
    await store.experiments.create({ name: SAM_EXPERIMENT, display_name: 'On SAM' });
    // A job that writes a metadata sidecar with the run, subrun and application SAM wants.
    const program = join(h.bin, 'ana.sh');
    writeFileSync(
      program,
      `#!/bin/sh
for a in "$@"; do f=$a; done
b=$(basename "$f")
cp "$f" "ana_$b"
printf '{"run_number": 5000, "subrun_number": %s, "data_tier": "root-tuple", "application.family": "art", "application.name": "ana", "application.version": "v2_1_0"}' "$POMS_JOB_INDEX" > "ana_$b.meta.json"
`,
    );
    chmodSync(program, 0o755);
    const inputs = join(h.bin, '..', 'sam-inputs');
    mkdirSync(inputs);
    const names = ['np04_raw_run005000_0001.root', 'np04_raw_run005000_0002.root'];
    for (const name of names) writeFileSync(join(inputs, name), `raw ${name}\n`);
    await store.catalog.declareFiles(
      SAM_EXPERIMENT,
      names.map((name) => ({
        name,
        metadata: { data_tier: 'raw' },
        replicas: [{ location: 'local', path: join(inputs, name) }],
      })),
    );
    await new CampaignService(store).create(
      SAM_EXPERIMENT,
      `campaign: onsam
job_types:
  ana:
    command: ${program}
    output_patterns: ["ana_%"]
launch_setups:
  here:
    engine: local
stages:
  ana:
    job_type: ana
    launch_setup: here
    input: "data_tier = raw"
    publish:
      metadata: true
`,
      'alice',
    );
    await h.server.execution.launches.launch({
      experiment: SAM_EXPERIMENT,
      campaign: 'onsam',
      stage: 'ana',
      launcher: 'alice',
    });
    await h.settle(60_000);
    const [submission] = (await store.submissions.list({ experiment: SAM_EXPERIMENT, limit: 10 }))
      .items;
    assert.equal(submission?.status, 'Located');
    const publication = await store.publications.get(submission?.id ?? '');
    assert.equal(publication?.declared, 2);

    const declares = sam.requests.filter(
      (r) => r.method === 'POST' && r.path === '/sam/dune/api/files',
    );
    assert.equal(declares.length, 2, 'one declaration per output');
    assert.ok(declares.every((r) => r.headers.authorization === 'Bearer sam-token'));
    for (const request of declares) {
      const declared = JSON.parse(request.body) as Record<string, unknown>;
      const name = String(declared.file_name);
      const ours = await store.catalog.getFile(SAM_EXPERIMENT, name);
      const input = name.replace(/^ana_/, '');
      assert.ok(names.includes(input), name);
      assert.equal(declared.file_size, ours.size);
      assert.deepEqual(declared.checksum, [ours.checksum]);
      assert.match(String(ours.checksum), /^adler32:[0-9a-f]{8}$/);
      assert.deepEqual(declared.parents, [{ file_name: input }]);
      assert.deepEqual(declared.runs, [[5000, ours.metadata['poms.job_index'], 'physics']]);
      assert.deepEqual(declared.application, { family: 'art', name: 'ana', version: 'v2_1_0' });
      assert.equal(declared.data_tier, 'root-tuple');
      assert.equal(declared['poms.submission'], submission?.id);
      for (const key of ['run_number', 'subrun_number', 'application.family']) {
        assert.equal(declared[key], undefined, `${key} is carried in its SAM field`);
      }
    }
  });
});
