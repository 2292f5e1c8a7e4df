// Random sequences of editor gestures on a commented campaign: every step leaves valid YAML whose
// model shows exactly the gesture, and no comment outside a removed stage is lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  addStage,
  cloneStage,
  connect,
  disconnect,
  pinPosition,
  removeStage,
  renameStage,
  setField,
  type EditResult,
} from './operations.ts';

const commented = readFileSync(new URL('../__fixtures__/commented.yaml', import.meta.url), 'utf8');

interface Model {
  stages?: Record<string, { needs?: (string | { stage: string })[]; split?: string }>;
  layout?: Record<string, { x: number; y: number }>;
}

const names = ['gen', 'sim', 'reco', 'ana', 'merge', 'x1'];
const gesture = fc.oneof(
  fc.record({ op: fc.constant('add'), a: fc.constantFrom(...names) }),
  fc.record({
    op: fc.constant('clone'),
    a: fc.constantFrom(...names),
    b: fc.constantFrom(...names),
  }),
  fc.record({ op: fc.constant('remove'), a: fc.constantFrom(...names) }),
  fc.record({
    op: fc.constant('rename'),
    a: fc.constantFrom(...names),
    b: fc.constantFrom(...names),
  }),
  fc.record({
    op: fc.constant('connect'),
    a: fc.constantFrom(...names),
    b: fc.constantFrom(...names),
  }),
  fc.record({
    op: fc.constant('disconnect'),
    a: fc.constantFrom(...names),
    b: fc.constantFrom(...names),
  }),
  fc.record({
    op: fc.constant('split'),
    a: fc.constantFrom(...names),
    n: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({
    op: fc.constant('pin'),
    a: fc.constantFrom(...names),
    n: fc.integer({ min: -500, max: 500 }),
  }),
);
type Gesture = { op: string; a: string; b?: string; n?: number };

function apply(text: string, g: Gesture): EditResult {
  switch (g.op) {
    case 'add':
      return addStage(text, g.a, { input: 'd' });
    case 'clone':
      return cloneStage(text, g.a, g.b ?? '');
    case 'remove':
      return removeStage(text, g.a);
    case 'rename':
      return renameStage(text, g.a, g.b ?? '');
    case 'connect':
      return connect(text, g.a, g.b ?? '');
    case 'disconnect':
      return disconnect(text, g.a, g.b ?? '');
    case 'split':
      return setField(text, ['stages', g.a, 'split'], `nfiles(${g.n})`);
    default:
      return pinPosition(text, g.a, { x: g.n ?? 0, y: 0 });
  }
}

function needsOf(model: Model, stage: string): string[] {
  return (model.stages?.[stage]?.needs ?? []).map((n) => (typeof n === 'string' ? n : n.stage));
}

/** What the model must look like after a gesture that succeeded. */
function checkEffect(before: Model, after: Model, g: Gesture): void {
  const stages = Object.keys(after.stages ?? {});
  switch (g.op) {
    case 'add':
    case 'clone':
      assert.ok(stages.includes(g.op === 'add' ? g.a : (g.b ?? '')));
      assert.equal(stages.length, Object.keys(before.stages ?? {}).length + 1);
      break;
    case 'remove':
      assert.ok(!stages.includes(g.a));
      for (const s of stages) assert.ok(!needsOf(after, s).includes(g.a));
      assert.ok(!(g.a in (after.layout ?? {})));
      break;
    case 'rename':
      if (g.a !== g.b) {
        assert.ok(!stages.includes(g.a) && stages.includes(g.b ?? ''));
        for (const s of stages) assert.ok(!needsOf(after, s).includes(g.a));
      }
      break;
    case 'connect':
      assert.ok(needsOf(after, g.b ?? '').includes(g.a));
      break;
    case 'disconnect':
      assert.ok(!needsOf(after, g.b ?? '').includes(g.a));
      break;
    case 'split':
      assert.equal(after.stages?.[g.a]?.split, `nfiles(${g.n})`);
      break;
    default:
      assert.deepEqual(after.layout?.[g.a], { x: g.n, y: 0 });
  }
}

function comments(text: string): Set<string> {
  return new Set([...text.matchAll(/# [^\n]*/g)].map((m) => m[0].trim()));
}

describe('edit operations (property)', () => {
  it('every gesture leaves valid YAML showing exactly that gesture', () => {
    fc.assert(
      fc.property(fc.array(gesture, { maxLength: 12 }), (gestures) => {
        let text = commented;
        for (const g of gestures) {
          const result = apply(text, g);
          if (!result.ok) continue;
          const before = parse(text) as Model;
          const after = parse(result.text) as Model;
          checkEffect(before, after, g);
          // Only a removed stage's comments, and those on the line of a removed edge, may go.
          if (g.op !== 'remove') {
            for (const c of comments(text)) {
              const line = text.split('\n').find((l) => l.includes(c)) ?? '';
              const onRemovedEdge = g.op === 'disconnect' && line.includes(g.a);
              assert.ok(onRemovedEdge || result.text.includes(c), `lost ${c}`);
            }
          }
          text = result.text;
        }
      }),
      { numRuns: 300 },
    );
  });
});
