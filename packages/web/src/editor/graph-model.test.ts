import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCampaign } from '@poms/campaign-file';
import { freeStageName, graphModel, stageAtOffset } from './graph-model.ts';

const text = `campaign: c
job_types: {j: {command: run, output_patterns: ["%.root"]}}
launch_setups: {l: {}}
defaults: {job_type: j, launch_setup: l}
stages:
  gen: {type: generator, split: drainingn(2), needs: [gen]}
  sim:
    needs: [gen]
layout:
  sim: {x: 5, y: 6}
`;

describe('graphModel', () => {
  it('gives nodes in file order with pinned positions and edges with patterns', () => {
    const graph = graphModel(parseCampaign(text));
    assert.equal(graph.current, true);
    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.type, n.position]),
      [
        ['gen', 'generator', undefined],
        ['sim', 'regular', { x: 5, y: 6 }],
      ],
    );
    assert.deepEqual(
      graph.edges.map((e) => [e.id, e.self, e.patterns]),
      [
        ['gen->gen', true, ['%.root']],
        ['gen->sim', false, ['%.root']],
      ],
    );
    const sim = graph.nodes[1];
    assert.ok(sim?.range && text.slice(sim.range[0], sim.range[1]).startsWith('sim:'));
  });

  it('keeps the last good graph, marked stale, while the text is broken', () => {
    const good = graphModel(parseCampaign(text));
    const broken = graphModel(
      parseCampaign(text.replace('needs: [gen]\nlayout', 'needs: [gen\nlayout')),
      good,
    );
    assert.equal(broken.current, false);
    assert.deepEqual(broken.nodes, good.nodes);
  });

  it('flags the node whose text has an error', () => {
    const graph = graphModel(
      parseCampaign(text.replace('needs: [gen]\n', 'needs: [gen]\n    split: mod(0)\n')),
    );
    assert.deepEqual(
      graph.nodes.map((n) => n.has_error),
      [false, true],
    );
  });
});

describe('the editor selection helpers', () => {
  it('finds the stage whose text holds an offset', () => {
    const parsed = parseCampaign(text);
    assert.equal(stageAtOffset(parsed.sources, text.indexOf('drainingn')), 'gen');
    assert.equal(stageAtOffset(parsed.sources, text.indexOf('needs: [gen]\nlayout')), 'sim');
    assert.equal(stageAtOffset(parsed.sources, text.indexOf('launch_setups')), undefined);
  });

  it('names a new stage with a name not taken', () => {
    const model = graphModel(parseCampaign(text));
    assert.equal(freeStageName(model, 'stage'), 'stage');
    assert.equal(freeStageName(model, 'gen'), 'gen_2');
  });
});
