// The layout input and output, run through the real elkjs: ranks follow the edges, file order
// decides among equals, pins win, self-edges do not count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import { parseCampaign } from '@poms/campaign-file';
import { graphModel } from '../editor/graph-model.ts';
import { NODE_HEIGHT, elkGraphOf, layoutKey, positionsOf } from './elk-graph.ts';

const TEXT = `campaign: chain
job_types:
  j: { command: /bin/true }
launch_setups:
  here: { engine: local }
stages:
  gen: { type: generator, job_type: j, launch_setup: here }
  reco_b: { job_type: j, launch_setup: here, needs: [gen] }
  reco_a: { job_type: j, launch_setup: here, needs: [gen, reco_a] }
  ana: { job_type: j, launch_setup: here, needs: [reco_a, reco_b] }
layout:
  ana: { x: 900, y: 40 }
`;

describe('the campaign graph layout', () => {
  it('ranks stages along their edges, keeps file order among equals and honours pins', async () => {
    const parsed = parseCampaign(TEXT);
    assert.equal(parsed.ok, true, JSON.stringify(parsed.diagnostics));
    const model = graphModel(parsed);
    const input = elkGraphOf(model);
    assert.deepEqual(
      input.children?.map((c) => c.id),
      ['gen', 'reco_b', 'reco_a', 'ana'],
    );
    assert.equal(
      input.edges?.some((e) => e.id === 'reco_a->reco_a'),
      false,
    );
    const positions = positionsOf(await new ELK().layout(input), model);
    const at = (id: string) => positions[id]!;
    assert.ok(at('gen').x < at('reco_a').x);
    assert.equal(at('reco_a').x, at('reco_b').x);
    assert.ok(at('reco_b').y < at('reco_a').y, 'file order among the same rank');
    assert.deepEqual(at('ana'), { x: 900, y: 40 });
  });

  it('changes its key only when the layout would change', () => {
    const a = graphModel(parseCampaign(TEXT));
    const b = graphModel(parseCampaign(TEXT.replace('/bin/true }', '/bin/false }')));
    const c = graphModel(parseCampaign(TEXT.replace('x: 900', 'x: 901')));
    assert.equal(layoutKey(a), layoutKey(b));
    assert.notEqual(layoutKey(a), layoutKey(c));
  });
});

describe('computed positions next to pinned ones', () => {
  it('moves a computed node off a pinned one', () => {
    const parsed = parseCampaign(
      TEXT.replace('layout:\n  ana: { x: 900, y: 40 }', 'layout:\n  ana: { x: 10, y: 10 }'),
    );
    const model = graphModel(parsed);
    const laidOut = {
      id: 'campaign',
      children: [
        { id: 'gen', x: 0, y: 0 },
        { id: 'reco_b', x: 300, y: 0 },
        { id: 'reco_a', x: 300, y: 100 },
        { id: 'ana', x: 600, y: 0 },
      ],
    };
    const at = positionsOf(laidOut, model);
    assert.deepEqual(at.ana, { x: 10, y: 10 });
    assert.equal(at.gen!.x, 0);
    assert.ok(at.gen!.y >= 10 + NODE_HEIGHT, `gen moved below the pinned ana: ${at.gen!.y}`);
    assert.deepEqual(at.reco_b, { x: 300, y: 0 });
  });
});
