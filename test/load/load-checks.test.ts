// The load test's store checks see what they are for: a report acknowledged but not in the
// ledger, a ledger state nobody reported, an output recorded twice or never, a wrong parent.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkLedger, checkOutputs } from './load-checks.ts';
import { nothingAcknowledged } from './load-jobs.ts';
import type { LoadWorld } from './load-world.ts';

const world = {
  submissions: ['s1'],
  jobs: [{}, {}, {}],
} as unknown as LoadWorld;

function acknowledged() {
  const a = nothingAcknowledged();
  a.files.set('in_000000.root', 'consumed');
  a.files.set('in_000003.root', 'failed');
  a.outputs.set('out_000000.root', 1);
  return a;
}

const ledger = (states: Record<string, string>) => ({
  ledger: { s1: states },
  outputs: { 'out_000000.root': 1 },
  parents: { 'out_000000.root': ['in_000000.root'] },
});

it('passes a ledger that holds exactly what was acknowledged', () => {
  const problems: string[] = [];
  const counts = checkLedger(
    world,
    ledger({
      'in_000000.root': 'consumed',
      'in_000003.root': 'failed',
      'in_000001.root': 'delivered',
    }),
    acknowledged(),
    problems,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(counts, { consumed: 1, failed: 1, delivered: 1 });
  assert.equal(checkOutputs(ledger({}), acknowledged(), problems), 1);
  assert.deepEqual(problems, []);
});

it('finds a lost report, a state nobody reported and a missing file', () => {
  const problems: string[] = [];
  checkLedger(
    world,
    ledger({
      'in_000000.root': 'delivered',
      'in_000003.root': 'failed',
      'in_000001.root': 'consumed',
    }),
    acknowledged(),
    problems,
  );
  assert.ok(problems.some((p) => p.includes('in_000000.root: delivered, reported consumed')));
  assert.ok(problems.some((p) => p.includes('in_000001.root: consumed, reported delivered')));
  const short: string[] = [];
  checkLedger(world, ledger({ 'in_000000.root': 'consumed' }), acknowledged(), short);
  assert.ok(
    short.some((p) => p.includes('1 files, 3 jobs')),
    short.join('\n'),
  );
});

it('finds an output recorded twice, one lost, one never acknowledged, and a wrong parent', () => {
  const problems: string[] = [];
  checkOutputs(
    {
      ledger: {},
      outputs: { 'out_000000.root': 2, 'out_000009.root': 1 },
      parents: { 'out_000009.root': ['in_000001.root'] },
    },
    acknowledged(),
    problems,
  );
  assert.ok(problems.some((p) => p.includes('out_000000.root recorded 2 times')));
  assert.ok(problems.some((p) => p.includes('out_000009.root recorded, never acknowledged')));
  assert.ok(problems.some((p) => p.includes('out_000009.root: parents')));
  const lost: string[] = [];
  checkOutputs({ ledger: {}, outputs: {}, parents: {} }, acknowledged(), lost);
  assert.deepEqual(lost, ['output out_000000.root acknowledged, not recorded']);
});
