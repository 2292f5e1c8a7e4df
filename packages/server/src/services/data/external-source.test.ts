import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { externalSource } from './external-source.ts';

describe('externalSource', () => {
  it('reads the metacat: and sam: prefixes, keeping the query as written', () => {
    assert.deepEqual(externalSource('metacat: files from dune:all where core.runs = 5'), {
      system: 'metacat',
      query: 'files from dune:all where core.runs = 5',
    });
    assert.deepEqual(externalSource('  sam:defname: np04_raw '), {
      system: 'sam',
      query: 'defname: np04_raw',
    });
  });

  it('leaves dataset names and embedded queries alone', () => {
    assert.equal(externalSource('raw_all'), undefined);
    assert.equal(externalSource('defname: raw_all'), undefined);
    assert.equal(externalSource('data_tier = raw and run_number > 5'), undefined);
    assert.equal(externalSource('metacatalog = 1'), undefined);
  });
});
