// `poms split preview` over POMS's split test set, every split type and POMS's whitespace variants.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runPoms } from './cli-testing.ts';

const files = fileURLToPath(new URL('./__fixtures__/poms-split-files.json', import.meta.url));

const poms = runPoms;

interface Preview {
  slices: { files: string[]; parameter?: string }[];
  end: { status: string };
}

async function preview(spec: string, ...extra: string[]): Promise<Preview> {
  const result = await poms(
    'split',
    'preview',
    '--split',
    spec,
    '--files',
    files,
    '--json',
    ...extra,
  );
  assert.equal(result.code, 0, result.err);
  return JSON.parse(result.out) as Preview;
}

/** [spec, extra arguments, slices as space-joined file names (or parameters), end]. */
const table: [string, string[], string[], string][] = [
  ['none', [], ['a.fcl b.fcl c.fcl d.fcl e.fcl'], 'repeats'],
  ['draining', [], ['a.fcl b.fcl c.fcl d.fcl e.fcl'], 'idle'],
  ['mod(3)', [], ['a.fcl d.fcl', 'b.fcl e.fcl', 'c.fcl'], 'exhausted'],
  ['mod( 3 )', [], ['a.fcl d.fcl', 'b.fcl e.fcl', 'c.fcl'], 'exhausted'],
  ['nfiles(2)', [], ['a.fcl b.fcl', 'c.fcl d.fcl', 'e.fcl'], 'exhausted'],
  ['limitn(2)', [], ['a.fcl b.fcl'], 'repeats'],
  ['drainingn(2)', [], ['a.fcl b.fcl', 'c.fcl d.fcl', 'e.fcl'], 'idle'],
  ['stagedfiles(2)', [], ['a.fcl b.fcl', 'c.fcl d.fcl', 'e.fcl'], 'idle'],
  ['byrun(low=1,high=4)', [], ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'], 'exhausted'],
  ['byrun( low=1, high=4 ) ', [], ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'], 'exhausted'],
  ['byrun(low=1,high=3)', [], ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'], 'exhausted'],
  ['byexistingruns() ', [], ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'], 'exhausted'],
  [
    'list',
    ['--data', 'run_number = 1, run_number = 2, run_number = 3'],
    ['a.fcl b.fcl', 'c.fcl', 'd.fcl e.fcl'],
    'exhausted',
  ],
  [
    'multiparam()',
    ['--data', '[["a","b"],["c","d"],["e","f"]]', '--max', '5'],
    ['a_c_e', 'a_c_f', 'a_d_e', 'a_d_f', 'b_c_e'],
    'max',
  ],
  [
    'new(firsttime=1475280000,window=1d,lasttime=1475539200)',
    [],
    ['a.fcl', 'b.fcl', 'c.fcl', 'd.fcl'],
    'exhausted',
  ],
  [
    'new( firsttime=1475280000, window=1d, lasttime=1475539200 )',
    [],
    ['a.fcl', 'b.fcl', 'c.fcl', 'd.fcl'],
    'exhausted',
  ],
];

describe('poms split preview', () => {
  for (const [spec, extra, slices, end] of table) {
    it(`${spec.trim()} ${extra.join(' ')}`, async () => {
      const result = await preview(spec, ...extra);
      assert.deepEqual(
        result.slices.map((s) =>
          s.parameter !== undefined && s.files.length === 0 ? s.parameter : s.files.join(' '),
        ),
        slices,
      );
      assert.equal(result.end.status, end);
    });
  }

  it('new() waits for windows that have not closed at --now', async () => {
    const result = await preview(
      'new(firsttime=1475280000,window=1d)',
      '--now',
      '2016-10-03T12:00:00Z',
    );
    assert.deepEqual(
      result.slices.map((s) => s.files.join(' ')),
      ['a.fcl', 'b.fcl'],
    );
    assert.equal(result.end.status, 'idle');
  });

  it('prints slices as text', async () => {
    const result = await poms('split', 'preview', '--split', 'nfiles(2)', '--files', files);
    assert.equal(result.code, 0);
    assert.match(result.out, /^slice 1: files 1–2 \(2 files\)\n {2}a\.fcl\n {2}b\.fcl$/m);
    assert.match(result.out, /nfiles\(2\): 3 slices; exhausted/);
  });

  it('points at the column of a bad split spec', async () => {
    const result = await poms(
      'split',
      'preview',
      '--split',
      'byrun(low=1,hgh=4)',
      '--files',
      files,
    );
    assert.equal(result.code, 1);
    assert.match(result.err, /^--split:1:13: error split\.unknown-key: /);
  });

  it('names the file and field of a bad declaration', async () => {
    const result = await poms(
      'split',
      'preview',
      '--split',
      'none',
      '--files',
      '/nonexistent.json',
    );
    assert.equal(result.code, 2);
    assert.match(result.err, /cannot read \/nonexistent\.json/);
  });
});
