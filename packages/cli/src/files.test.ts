// `poms files …` and `poms datasets …` on a local store in a temporary folder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPoms } from './cli-testing.ts';

let dir: string;
let data: string;

const poms = (...argv: string[]) => runPoms(...argv, '--data', data);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'poms-files-'));
  data = join(dir, 'store');
  const files = [
    { name: 'raw_1.root', size: 10, metadata: { run_number: 1, data_tier: 'raw' } },
    { name: 'raw_2.root', size: 20, metadata: { run_number: 2, data_tier: 'raw' } },
    {
      name: 'reco_1.root',
      size: 5,
      checksum: 'adler32:01',
      metadata: { run_number: 1, data_tier: 'reco', 'dune.campaign': 'c1' },
      parents: ['raw_1.root'],
      replicas: [{ location: 'tape', path: '/pnfs/reco_1.root' }],
    },
  ];
  writeFileSync(join(dir, 'files.json'), JSON.stringify(files));
  writeFileSync(
    join(dir, 'conflict.json'),
    JSON.stringify([
      { name: 'raw_1.root', size: 11, metadata: { run_number: 1, data_tier: 'raw' } },
    ]),
  );
  writeFileSync(
    join(dir, 'bad.json'),
    JSON.stringify([{ name: 'x.root', metadata: { run_number: [] } }]),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('poms files and datasets', () => {
  it('defines metadata fields that declarations are checked against', async () => {
    const defined = await poms(
      'files',
      'field',
      'detector',
      '--type',
      'text',
      '--values',
      'near,far',
    );
    assert.equal(defined.code, 0, defined.err);
    assert.equal(defined.out, 'field detector: text');
    const listed = await poms('files', 'fields');
    assert.equal(listed.out, 'detector  text one of near, far');
    writeFileSync(
      join(dir, 'detector.json'),
      JSON.stringify([{ name: 'd.root', metadata: { detector: 'mid' } }]),
    );
    const refused = await poms('files', 'declare', join(dir, 'detector.json'));
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /files\[0\]\.metadata\.detector: file "d\.root": detector "mid" is not one of "near", "far"/,
    );
    assert.equal(
      (await poms('files', 'field', 'detector', '--drop')).out,
      'dropped field detector',
    );
    assert.equal((await poms('files', 'field', 'x', '--type', 'colour')).code, 2);
  });

  it('declares files, idempotently', async () => {
    const first = await poms('files', 'declare', join(dir, 'files.json'), '--json');
    assert.equal(first.code, 0, first.err);
    assert.deepEqual(JSON.parse(first.out), { created: 3, unchanged: 0, updated: 0 });
    const again = await poms('files', 'declare', join(dir, 'files.json'));
    assert.equal(again.code, 0);
    assert.match(again.out, /3 files: 0 new, 0 updated, 3 unchanged/);
  });

  it('records a replica of a declared file, and refuses an undeclared one', async () => {
    const located = await poms('files', 'locate', 'raw_2.root', 'tape', '/pnfs/raw_2.root');
    assert.equal(located.code, 0, located.err);
    assert.equal(located.out, 'raw_2.root: tape:/pnfs/raw_2.root');
    // Again: nothing changes (idempotent), and --json says so.
    const again = await poms('files', 'locate', 'raw_2.root', 'tape', '/pnfs/raw_2.root', '--json');
    assert.deepEqual(JSON.parse(again.out), {
      name: 'raw_2.root',
      added: false,
      replicas: [{ location: 'tape', path: '/pnfs/raw_2.root' }],
    });
    const unknown = await poms('files', 'locate', 'nope.root', 'tape', '/pnfs/nope.root');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^poms: error store\.not-found: .*nope\.root/);
    assert.equal((await poms('files', 'query', "file_name = 'nope.root'", '--count')).out, '0');
  });

  it('refuses a conflicting declaration, naming the file and field, and keeps the old one', async () => {
    const result = await poms('files', 'declare', join(dir, 'conflict.json'));
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^poms: error store\.conflict: file "raw_1\.root" is already declared with size 10, not 11/,
    );
    const shown = await poms('files', 'show', 'raw_1.root', '--json');
    assert.equal((JSON.parse(shown.out) as { size: number }).size, 10);
  });

  it('refuses a bad declaration with the field named', async () => {
    const result = await poms('files', 'declare', join(dir, 'bad.json'));
    assert.equal(result.code, 2);
    assert.match(result.err, /x\.root.*metadata\.run_number/);
  });

  it('queries and counts', async () => {
    const listed = await poms('files', 'query', 'data_tier = raw or children of (run_number = 1)');
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(listed.out.split('\n'), ['raw_1.root', 'raw_2.root', 'reco_1.root']);
    const counted = await poms('files', 'query', 'dune.campaign = c1', '--count');
    assert.equal(counted.out, '1');
  });

  it('points at the column of a bad query', async () => {
    const result = await poms('files', 'query', 'run_number = ');
    assert.equal(result.code, 1);
    assert.match(result.err, /^query:1:\d+: error query\.syntax: /);
  });

  it('shows a file with its parents and replicas', async () => {
    const result = await poms('files', 'show', 'reco_1.root');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /parents: raw_1\.root/);
    assert.match(result.out, /replica tape: \/pnfs\/reco_1\.root/);
  });

  it('defines datasets and snapshots them', async () => {
    const defined = await poms('datasets', 'define', 'raw_data', 'data_tier = raw');
    assert.equal(defined.code, 0, defined.err);
    assert.match(defined.out, /dataset raw_data: 2 files now/);
    const snap = await poms('datasets', 'snapshot', 'raw_data', '--json');
    const snapshot = JSON.parse(snap.out) as { id: string; file_count: number };
    assert.equal(snapshot.file_count, 2);
    const viaDefname = await poms('files', 'query', 'defname: raw_data minus run_number = 2');
    assert.equal(viaDefname.out, 'raw_1.root');
    const viaSnapshot = await poms('files', 'query', `snapshot: ${snapshot.id}`, '--count');
    assert.equal(viaSnapshot.out, '2');
  });

  it('opens a dataset, adds files to it, lists it with its kind, and closes it', async () => {
    const opened = await poms('datasets', 'open', 'picked', '--description', 'hand-picked');
    assert.equal(opened.code, 0, opened.err);
    assert.equal(opened.out, 'picked  open  hand-picked: 0 files');
    assert.equal((await poms('datasets', 'open', 'picked')).code, 0);

    const added = await poms('datasets', 'add', 'picked', 'raw_1.root', 'reco_1.root');
    assert.equal(added.code, 0, added.err);
    assert.equal(added.out, 'dataset picked: 2 added, 0 already in it');
    writeFileSync(join(dir, 'names.txt'), '# more\nraw_1.root\n\nraw_2.root\n');
    const fromFile = await poms('datasets', 'add', 'picked', '--from', join(dir, 'names.txt'));
    assert.equal(fromFile.out, 'dataset picked: 1 added, 1 already in it');
    const unknown = await poms('datasets', 'add', 'picked', 'raw_2.root', 'ghost.root');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /store\.not-found.*ghost\.root/);
    const none = await poms('datasets', 'add', 'picked');
    assert.equal(none.code, 2);
    assert.match(none.err, /give the files to add/);

    const members = await poms('files', 'query', 'defname: picked and data_tier = raw');
    assert.equal(members.out, 'raw_1.root\nraw_2.root');
    const snap = await poms('datasets', 'snapshot', 'picked', '--json');
    const snapshot = JSON.parse(snap.out) as { query: string; file_count: number };
    assert.deepEqual([snapshot.query, snapshot.file_count], ['defname: picked', 3]);

    const closed = await poms('datasets', 'close', 'picked', '--json');
    assert.equal(closed.code, 0, closed.err);
    const record = JSON.parse(closed.out) as { kind: string; closed_at: string | null };
    assert.equal(record.kind, 'open');
    assert.match(String(record.closed_at), /^\d{4}-/);
    const late = await poms('datasets', 'add', 'picked', 'raw_1.root');
    assert.equal(late.code, 1);
    assert.match(late.err, /store\.conflict: dataset "picked" was closed/);
    const notOpen = await poms('datasets', 'close', 'raw_data');
    assert.equal(notOpen.code, 1);
    assert.match(notOpen.err, /"raw_data" is a saved query/);

    const listed = await poms('datasets', 'list');
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(listed.out.split('\n'), [
      `picked  open, closed ${record.closed_at}  hand-picked`,
      'raw_data  query  data_tier = raw',
    ]);
    const json = JSON.parse((await poms('datasets', 'list', '--json')).out) as {
      datasets: { name: string; kind: string }[];
    };
    assert.deepEqual(
      json.datasets.map((d) => [d.name, d.kind]),
      [
        ['picked', 'open'],
        ['raw_data', 'query'],
      ],
    );
  });

  it('lists datasets by kind and a page at a time, shows one with its snapshots', async () => {
    // `poms files datasets` is `poms datasets list` by the name.
    const open = await poms('files', 'datasets', '--kind', 'open');
    assert.equal(open.code, 0, open.err);
    assert.match(open.out, /^picked {2}open, closed \S+ {2}hand-picked$/);
    const paged = await poms('files', 'datasets', '--limit', '1', '--offset', '1', '--json');
    const page = JSON.parse(paged.out) as { datasets: { name: string }[]; total: number };
    assert.deepEqual([page.datasets.map((d) => d.name), page.total], [['raw_data'], 2]);
    const text = await poms('datasets', 'list', '--limit', '1');
    assert.deepEqual(text.out.split('\n'), [text.out.split('\n')[0], '1-1 of 2 datasets']);
    assert.equal((await poms('files', 'datasets', '--kind', 'big')).code, 2);

    await poms('datasets', 'snapshot', 'raw_data');
    const shown = await poms('datasets', 'show', 'raw_data');
    assert.equal(shown.code, 0, shown.err);
    const lines = shown.out.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['raw_data  query  data_tier = raw', '  files: 2 now']);
    assert.ok(lines.includes('  snapshots: 2'), shown.out);
    assert.equal(lines.filter((l) => /^ {4}snp_\w+ {2}2 files {2}\d{4}-/.test(l)).length, 2);
    const json = JSON.parse((await poms('datasets', 'show', 'picked', '--json')).out) as {
      kind: string;
      file_count: number;
      snapshots: { total: number; items: { query: string }[] };
    };
    assert.deepEqual(
      [json.kind, json.file_count, json.snapshots.total, json.snapshots.items[0]?.query],
      ['open', 3, 1, 'defname: picked'],
    );
    const ghost = await poms('datasets', 'show', 'ghost');
    assert.equal(ghost.code, 1);
    assert.match(ghost.err, /^poms: error store\.not-found: /);

    const listed = await poms('datasets', 'snapshots', 'raw_data', '--json');
    const snaps = JSON.parse(listed.out) as {
      items: { id: string; dataset: string }[];
      total: number;
    };
    assert.equal(snaps.total, 2);
    assert.deepEqual(new Set(snaps.items.map((s) => s.dataset)), new Set(['raw_data']));
    const all = await poms('snapshots', 'list', '--limit', '2');
    assert.match(all.out, /^1-2 of 3 snapshots$/m);
    assert.equal((await poms('datasets', 'snapshots', 'ghost')).code, 1);

    const newest = snaps.items[0]!.id;
    const one = await poms('snapshots', 'show', newest, '--files');
    assert.equal(one.code, 0, one.err);
    assert.deepEqual(one.out.split('\n').slice(1), [
      '  dataset: raw_data',
      '  query: data_tier = raw',
      '  raw_1.root',
      '  raw_2.root',
    ]);
    // A dataset's name stands for its latest snapshot.
    const latest = JSON.parse((await poms('snapshots', 'show', 'raw_data', '--json')).out) as {
      id: string;
    };
    assert.equal(latest.id, newest);
  });

  it("files outputs: an unknown campaign is the store's not-found", async () => {
    const result = await poms('files', 'outputs', 'no_such_campaign', '--revision', '1');
    assert.equal(result.code, 1);
    assert.match(result.err, /^poms: error store\.not-found: /);
    assert.equal((await poms('files', 'outputs', 'x', '--revision', 'first')).code, 2);
  });
});
