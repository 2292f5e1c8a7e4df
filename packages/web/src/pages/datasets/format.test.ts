import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { datasetFilesQuery, kindFilter, snapshotFilesQuery, stateText } from './format.ts';

describe('dataset page formats', () => {
  it('quotes names in the queries that list files, so keywords and odd names work', () => {
    assert.equal(datasetFilesQuery('all'), "defname: 'all'");
    assert.equal(datasetFilesQuery("o'neil\\x"), "defname: 'o\\'neil\\\\x'");
    assert.equal(snapshotFilesQuery('snp_01abc'), "snapshot: 'snp_01abc'");
  });
  it('a saved query is live; an open dataset is open until closed', () => {
    assert.equal(stateText({ kind: 'query', closed_at: null }), 'live');
    assert.equal(stateText({ kind: 'open', closed_at: null }), 'open');
    assert.equal(stateText({ kind: 'open', closed_at: '2026-01-01T00:00:00Z' }), 'closed');
  });
  it('reads the kind filter of the URL, anything else meaning every kind', () => {
    assert.equal(kindFilter('open'), 'open');
    assert.equal(kindFilter('query'), 'query');
    assert.equal(kindFilter('bogus'), 'all');
    assert.equal(kindFilter(null), 'all');
  });
});
