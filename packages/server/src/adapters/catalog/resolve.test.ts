// Expanding datasets and checking code-built trees, without a database: a map of saved queries
// stands in for the datasets table, trees stand in for parsed text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Query } from '@poms/core';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import { MAX_QUERY_NODES, resolveQuery, type ResolveSource } from './resolve.ts';

const run = (value: number): Query => ({
  type: 'compare',
  field: 'run_number',
  op: '=',
  value: { kind: 'number', value },
});
const defname = (name: string): Query => ({ type: 'defname', name });
const or = (left: Query, right: Query): Query => ({ type: 'or', left, right });

/** Saved queries as trees; the "text" is the dataset's own name, parsed by lookup. */
function source(saved: Record<string, Query>, snapshots: Record<string, string> = {}) {
  const loads: string[] = [];
  const src: ResolveSource = {
    dataset: (name) => {
      loads.push(name);
      return Promise.resolve(
        Object.hasOwn(saved, name) ? { kind: 'query' as const, query: name } : undefined,
      );
    },
    snapshotId: (ref) => Promise.resolve(snapshots[ref]),
    parse: (text) => saved[text] ?? assert.fail(`no query ${text}`),
  };
  return { src, loads };
}

describe('resolveQuery', () => {
  it('expands datasets recursively, loading each once', async () => {
    const { src, loads } = source({ a: run(1), b: or(defname('a'), defname('a')) });
    const resolved = await resolveQuery(or(defname('b'), defname('a')), src);
    assert.deepEqual(resolved, {
      type: 'or',
      left: { type: 'or', left: run(1), right: run(1) },
      right: run(1),
    });
    assert.deepEqual(loads, ['b', 'a']);
  });

  it('names the cycle when saved queries loop (made behind the catalog’s back)', async () => {
    const { src } = source({ a: defname('b'), b: or(run(1), defname('c')), c: defname('a') });
    await assert.rejects(resolveQuery(defname('a'), src), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.field, 'query');
      assert.match(err.message, /dataset cycle: a -> b -> c -> a/);
      return true;
    });
    assert.deepEqual(await resolveQuery(run(1), src, { within: ['c'] }), run(1));
    await assert.rejects(resolveQuery(defname('a'), src, { within: ['x'] }), /a -> b -> c -> a/);
  });

  it('refuses unknown datasets and snapshots as not found', async () => {
    const { src } = source({}, { snp_1: 'snp_1', raw: 'snp_2' });
    await assert.rejects(resolveQuery(defname('ghost'), src), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.key, 'ghost');
      return true;
    });
    assert.deepEqual(await resolveQuery({ type: 'snapshot', ref: 'raw' }, src), {
      type: 'snapshot',
      id: 'snp_2',
    });
    await assert.rejects(resolveQuery({ type: 'snapshot', ref: 'nope' }, src), NotFoundError);
    // Definitions may name snapshots still to be made.
    assert.deepEqual(
      await resolveQuery({ type: 'snapshot', ref: 'nope' }, src, { snapshots: false }),
      {
        type: 'snapshot',
        id: 'nope',
      },
    );
  });

  it('bounds the size of the expanded query (diamonds double at every level)', async () => {
    const saved: Record<string, Query> = { d0: run(1) };
    for (let i = 1; i <= 20; i++) saved[`d${i}`] = or(defname(`d${i - 1}`), defname(`d${i - 1}`));
    const { src } = source(saved);
    await resolveQuery(defname('d10'), src);
    await assert.rejects(
      resolveQuery(defname('d20'), src),
      new RegExp(`more than ${MAX_QUERY_NODES} terms`),
    );
  });

  it('checks what code-built trees could get wrong', async () => {
    const { src } = source({});
    const bad: Query[] = [
      { type: 'children', of: run(1), depth: 0 },
      { type: 'parents', of: run(1), depth: 101 },
      { type: 'parents', of: run(1), depth: 1.5 },
      { type: 'window', query: run(1), offset: -1, stride: 1 },
      { type: 'window', query: run(1), offset: 0, stride: 0 },
      { type: 'window', query: run(1), offset: 0, stride: 1, limit: -1 },
      { type: 'window', query: run(1), offset: 0, stride: 2 ** 40, limit: 2 ** 40 },
      { type: 'compare', field: 'x', op: '==' as '=', value: { kind: 'number', value: 1 } },
      { type: 'compare', field: 'x'.repeat(101), op: '=', value: { kind: 'number', value: 1 } },
      { type: 'compare', field: 'x', op: '=', value: { kind: 'number', value: Infinity } },
      { type: 'compare', field: 'x', op: '=', value: { kind: 'string', value: 'a\u0000b' } },
      { type: 'like', field: 'file_name', pattern: '' },
      { type: 'delivered', owner: '' },
    ];
    for (const query of bad) {
      await assert.rejects(resolveQuery(query, src), InvalidArgumentError, JSON.stringify(query));
    }
  });
});
