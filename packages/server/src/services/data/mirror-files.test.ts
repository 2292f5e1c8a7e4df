import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mirroredFile } from './mirror-files.ts';

describe('mirroredFile', () => {
  it("fills the standard fields from MetaCat's core fields and keeps them as they were", () => {
    const file = mirroredFile(
      {
        did: 'dune:np04_raw_5000_1.root',
        name: 'np04_raw_5000_1.root',
        size: 1024,
        checksums: { adler32: '0A0B0C0D' },
        metadata: {
          'core.runs': '[5000, 5001]',
          'core.data_tier': 'raw',
          'core.end_time': 1_700_000_000,
          'dune.campaign': 'pd2',
        },
      },
      'metacat',
    );
    assert.deepEqual(file, {
      name: 'np04_raw_5000_1.root',
      size: 1024,
      checksum: 'adler32:0a0b0c0d',
      metadata: {
        run_number: 5000,
        'core.runs': '[5000, 5001]',
        data_tier: 'raw',
        'core.data_tier': 'raw',
        end_time: '2023-11-14T22:13:20.000Z',
        'core.end_time': 1_700_000_000,
        'dune.campaign': 'pd2',
        'poms.source': 'metacat',
        'poms.did': 'dune:np04_raw_5000_1.root',
      },
    });
  });

  it("keeps SAM's standard names typed, and renames values that are not of their type", () => {
    const file = mirroredFile(
      {
        did: 'a.raw',
        name: 'a.raw',
        metadata: {
          run_number: '42',
          data_tier: 'raw',
          event_count: 'many',
          file_size: 12,
          'poms.submission': 'forged',
        },
      },
      'sam',
    );
    assert.deepEqual(file.metadata, {
      run_number: 42,
      data_tier: 'raw',
      'sam.event_count': 'many',
      'sam.file_size': 12,
      'poms.source': 'sam',
      'poms.did': 'a.raw',
    });
  });
});
