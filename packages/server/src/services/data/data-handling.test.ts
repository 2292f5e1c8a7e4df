// Campaigns using the experiment's data management end to end: a stage reads a MetaCat dataset,
// keeps up with it as it grows, declares its outputs back to MetaCat, registers them in Rucio with
// a replication rule it waits for, and waits for its outputs to land at a named location. The
// server, the local engine and the job runtime are real; MetaCat and Rucio are the adapters'
// stand-ins (real HTTP on 127.0.0.1, answering from the hand-written fixtures), since neither can
// run on this machine.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
  startFakeRucio,
  type FakeAnswer,
  type FakeRucio,
} from '../../adapters/data/rucio/rucio-testing.ts';
import { apiCaller, apiToken } from '../../http/api/api-testing.ts';
import { EXPERIMENT, harness, type Harness } from '../execution/execution-testing.ts';
import { mirrorDatasetName } from './dataset-mirror.ts';
import { submissionDatasetName } from './output-publisher.ts';

const RULE = '5e2b7c1d9a8f4e0b8c3d2a1f0e9b8c7d';
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

describe('campaigns on MetaCat and Rucio', () => {
  let h: Harness;
  let metacat: FakeMetacat;
  let rucio: FakeRucio;
  let folder: string;

  before(async () => {
    metacat = await startFakeMetacat();
    rucio = await startFakeRucio({
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
    });
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
        externalIntervalMs: 0,
        dataSystems: (experiment) =>
          experiment === EXPERIMENT
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
    await rucio.close();
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

  it('keeps up with a MetaCat dataset as it grows, delivering each file once', async () => {
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
    const keepUp = h.server.execution.keepUp;
    const mine = async () => (await h.settle(60_000)).filter((s) => s.campaign === 'follow');
    assert.equal((await keepUp.runDue(true)).length, 1, 'five files in MetaCat: a launch');
    await mine();
    assert.equal((await keepUp.runDue(true)).length, 0, 'nothing new in MetaCat');
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
    assert.equal((await keepUp.runDue(true)).length, 1, 'two new files: a second launch');
    const launched = await mine();
    assert.equal(launched.length, 2);
    const delivered: string[] = [];
    for (const s of launched) {
      const page = await h.server.store.submissions.ledger(s.id);
      delivered.push(...page.items.map((e) => e.file));
    }
    assert.equal(delivered.length, 7);
    assert.equal(new Set(delivered).size, 7, 'no file delivered twice');
    assert.deepEqual(
      launched.map((s) => `${s.origin} ${s.status}`),
      ['keep-up Located', 'keep-up Located'],
    );
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
});
