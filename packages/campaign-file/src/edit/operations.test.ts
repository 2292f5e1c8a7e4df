import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCampaign } from '../parse.ts';
import {
  addStage,
  cloneStage,
  connect,
  disconnect,
  pinPosition,
  removeStage,
  renameStage,
  setField,
  unpinPosition,
  type EditResult,
} from './operations.ts';

const commented = readFileSync(new URL('../__fixtures__/commented.yaml', import.meta.url), 'utf8');

/** Lines removed and added, by a longest-common-subsequence line diff. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(b[j++]!);
    } else {
      removed.push(a[i++]!);
    }
  }
  return { removed, added };
}

function ok(result: EditResult): string {
  assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  return result.text;
}

function expectChange(
  result: EditResult,
  removed: string[],
  added: string[],
  before = commented,
): string {
  const text = ok(result);
  assert.deepEqual(lineDiff(before, text), { removed, added });
  return text;
}

function valid(text: string): void {
  const parsed = parseCampaign(text);
  assert.deepEqual(
    parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`),
    [],
  );
}

describe('edit operations', () => {
  it('adds a stage after the last one', () => {
    const text = expectChange(
      addStage(commented, 'ana', { needs: ['reco'] }),
      [],
      ['  ana:', '    needs: [reco]'],
    );
    valid(text);
    assert.ok(text.indexOf('  ana:') > text.indexOf('split: nfiles(1)'));
  });

  it('adds a stage right after a given one', () => {
    const text = ok(addStage(commented, 'gen2', { type: 'generator' }, { after: 'gen' }));
    assert.ok(text.indexOf('gen2:') < text.indexOf('# comment above sim'));
    valid(text);
  });

  it('refuses a duplicate or invalid name and changes nothing', () => {
    const dup = addStage(commented, 'sim');
    assert.equal(dup.ok, false);
    assert.equal(!dup.ok && dup.code, 'edit.duplicate-stage');
    const bad = addStage(commented, 'a b');
    assert.equal(!bad.ok && bad.code, 'edit.bad-name');
  });

  it('clones a stage after itself, its self-edge renamed', () => {
    const selfish = commented.replace('    needs: [sim]', '    needs: [sim, reco]');
    const result = cloneStage(selfish, 'reco', 'reco_b');
    const text = ok(result);
    assert.deepEqual(lineDiff(selfish, text), {
      removed: [],
      added: [
        '  reco_b:',
        '    needs: [sim, reco_b]',
        '    # comment between fields',
        '    split: nfiles(1)',
      ],
    });
    valid(text);
  });

  it('removes a stage, its edges and its position, with its own comment', () => {
    const text = expectChange(
      removeStage(commented, 'gen'),
      [
        '  # comment above gen',
        '  gen:',
        '    type: generator',
        '    split: nfiles(2)   # trailing on split',
        '    needs:',
        '      - gen   # trailing on the edge',
        'layout:',
        '  gen: {x: 10, y: 20}   # pinned',
      ],
      [],
    );
    assert.ok(text.includes('# comment above sim'));
  });

  it('renames a stage and every reference to it', () => {
    const text = expectChange(
      renameStage(commented, 'gen', 'generate'),
      ['  gen:', '      - gen   # trailing on the edge', '  gen: {x: 10, y: 20}   # pinned'],
      [
        '  generate:',
        '      - generate   # trailing on the edge',
        '  generate: {x: 10, y: 20}   # pinned',
      ],
    );
    valid(text);
  });

  it('connects into a block list, a flow list, and a stage without needs', () => {
    // (reco → sim closes a cycle: the edit is made, the parser reports it.)
    expectChange(connect(commented, 'reco', 'sim'), [], ['      - reco']);
    expectChange(
      connect(commented, 'gen', 'reco'),
      ['    needs: [sim]'],
      ['    needs: [sim, gen]'],
    );
    expectChange(
      connect(commented, 'sim', 'gen', ['%.root']),
      [],
      ['    needs:', '      - stage: sim', '        patterns: ["%.root"]'],
    );
  });

  it('refuses a duplicate edge and edges to unknown stages', () => {
    const dup = connect(commented, 'gen', 'sim');
    assert.equal(!dup.ok && dup.code, 'edit.duplicate-edge');
    const unknown = connect(commented, 'nope', 'sim');
    assert.equal(!unknown.ok && unknown.code, 'edit.unknown-stage');
  });

  it('disconnects, dropping an emptied needs entry', () => {
    expectChange(
      disconnect(commented, 'gen', 'sim'),
      ['    needs:', '      - gen   # trailing on the edge'],
      [],
    );
    const two = commented.replace('    needs: [sim]', '    needs: [sim, gen]');
    const text = ok(disconnect(two, 'gen', 'reco'));
    assert.equal(text, commented);
    assert.equal(!disconnect(commented, 'reco', 'gen').ok, true);
  });

  it('sets a field in place, keeping the trailing comment', () => {
    expectChange(
      setField(commented, ['stages', 'gen', 'split'], 'nfiles(5)'),
      ['    split: nfiles(2)   # trailing on split'],
      ['    split: nfiles(5)   # trailing on split'],
    );
    expectChange(
      setField(commented, ['defaults', 'completion', 'pct'], 80),
      ['  completion: {type: complete, pct: 90}'],
      ['  completion: {type: complete, pct: 80}'],
    );
  });

  it('adds a missing stage field at its documented place', () => {
    const text = expectChange(
      setField(commented, ['stages', 'sim', 'job_type'], 'step'),
      [],
      ['    job_type: step'],
    );
    const at = text.indexOf('    job_type: step\n');
    assert.ok(at > text.indexOf('- gen   # trailing'));
    assert.ok(at < text.indexOf('["--stage=", "sim"]'));
  });

  it('creates missing mappings along the path', () => {
    expectChange(
      setField(commented, ['stages', 'reco', 'completion', 'pct'], 50),
      [],
      ['    completion: {pct: 50}'],
    );
    expectChange(setField(commented, ['keywords', 'tier'], 'reco'), [], ['  tier: reco']);
  });

  it('removes a field', () => {
    expectChange(
      setField(commented, ['stages', 'sim', 'overrides'], undefined),
      ['    overrides:', '      - ["--stage=", "sim"]'],
      [],
    );
  });

  it('keeps a flow mapping a flow mapping when a key goes', () => {
    const text = `campaign: c
stages:
  gen: {type: generator} # gen
  sim: {needs: [gen], split: mod(3), input: from_parent} # sim
layout: {gen: {x: 1, y: 2}, sim: {x: 3, y: 4}}
`;
    expectChange(
      setField(text, ['stages', 'sim', 'split'], undefined),
      ['  sim: {needs: [gen], split: mod(3), input: from_parent} # sim'],
      ['  sim: {needs: [gen], input: from_parent} # sim'],
      text,
    );
    expectChange(
      disconnect(text, 'gen', 'sim'),
      ['  sim: {needs: [gen], split: mod(3), input: from_parent} # sim'],
      ['  sim: {split: mod(3), input: from_parent} # sim'],
      text,
    );
    expectChange(
      unpinPosition(text, 'gen'),
      ['layout: {gen: {x: 1, y: 2}, sim: {x: 3, y: 4}}'],
      ['layout: {sim: {x: 3, y: 4}}'],
      text,
    );
  });

  it('leaves {} rather than an empty value when a stage loses its only field', () => {
    const text = `campaign: c
stages:
  gen:
    type: generator
  sim:
    needs: [gen] # the edge
    input: none
  # its own comment
  reco:
    needs: [gen] # the only field
`;
    expectChange(
      disconnect(text, 'gen', 'reco'),
      ['  reco:', '    needs: [gen] # the only field'],
      ['  reco: {}'],
      text,
    );
    expectChange(
      setField(text, ['stages', 'gen', 'type'], undefined),
      ['  gen:', '    type: generator'],
      ['  gen: {}'],
      text,
    );
    expectChange(disconnect(text, 'gen', 'sim'), ['    needs: [gen] # the edge'], [], text);
  });

  it('replaces a value inside a flow mapping in flow style, however long', () => {
    const text = `campaign: c
job_types:
  work: {command: /bin/true, recovery: [{type: consumed_status}]} # work
stages:
  gen: {type: generator, job_type: work}
`;
    expectChange(
      setField(
        text,
        ['job_types', 'work', 'recovery'],
        [{ type: 'consumed_status' }, { type: 'added_files', overrides: [['--retry=', '1']] }],
      ),
      ['  work: {command: /bin/true, recovery: [{type: consumed_status}]} # work'],
      [
        '  work: {command: /bin/true, recovery: [{type: consumed_status}, {type: added_files, overrides: [[--retry=, "1"]]}]} # work',
      ],
      text,
    );
  });

  it('replaces a block list value', () => {
    expectChange(
      setField(
        commented,
        ['stages', 'sim', 'overrides'],
        [
          ['--stage=', 'sim'],
          ['--n=', '2'],
        ],
      ),
      ['      - ["--stage=", "sim"]'],
      ['      - [--stage=, sim]', '      - [--n=, "2"]'],
    );
  });

  it('pins and unpins positions', () => {
    expectChange(
      pinPosition(commented, 'gen', { x: 1.4, y: 2 }),
      ['  gen: {x: 10, y: 20}   # pinned'],
      ['  gen: {x: 1, y: 2}   # pinned'],
    );
    expectChange(pinPosition(commented, 'sim', { x: 5, y: 6 }), [], ['  sim: {x: 5, y: 6}']);
    expectChange(
      unpinPosition(commented, 'gen'),
      ['layout:', '  gen: {x: 10, y: 20}   # pinned'],
      [],
    );
  });

  it('keeps CRLF line endings', () => {
    const crlf = commented.replaceAll('\n', '\r\n');
    const text = ok(addStage(crlf, 'ana', { needs: ['reco'] }));
    assert.ok(!/[^\r]\n/.test(text), 'every newline is CRLF');
  });

  it('works on files with empty or flow stage maps', () => {
    const empty = 'campaign: c\nstages: {}\n';
    assert.equal(
      ok(addStage(empty, 'a', { input: 'd' })),
      'campaign: c\nstages: {a: {input: d}}\n',
    );
    const none = 'campaign: c\nstages:\n';
    assert.equal(
      ok(addStage(none, 'a', { input: 'd' })),
      'campaign: c\nstages:\n  a:\n    input: d\n',
    );
    const missing = 'campaign: c\n';
    assert.equal(ok(addStage(missing, 'a')), 'campaign: c\nstages:\n  a: {}\n');
    assert.equal(
      ok(removeStage('campaign: c\nstages:\n  a: {}\n', 'a')),
      'campaign: c\nstages: {}\n',
    );
  });

  it('refuses to edit text with YAML errors', () => {
    const result = addStage('campaign: [', 'a');
    assert.equal(!result.ok && result.code, 'edit.invalid-yaml');
  });
});
