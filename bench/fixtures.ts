// What several benchmarks build the same way: catalog files with realistic metadata, and
// submissions of jobs without input files in a plain processing stage.
import type { DeclaredFile } from '@poms/core';
import type { Store } from '../packages/server/src/ports/store.ts';
import type { SubmissionRecord } from '../packages/server/src/ports/submissions.ts';

/** The name of bench file i, zero-padded to `digits` so name order is number order. */
export function benchFileName(i: number, digits = 8): string {
  return `f${String(i).padStart(digits, '0')}.root`;
}

/** File i: SAM metadata, two experiment-defined fields, a replica, and (odd files) a parent. */
export function benchFile(i: number, digits = 8): DeclaredFile {
  const name = benchFileName(i, digits);
  return {
    name,
    size: 1_000_000 + i,
    checksum: `adler32:${(i * 2654435761) % 4294967296}`,
    metadata: {
      run_number: Math.floor(i / 100),
      subrun_number: i % 100,
      data_tier: i % 2 === 0 ? 'raw' : 'reco',
      event_count: 500 + (i % 50),
      end_time: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      'bench.quality': (i % 1000) / 1000,
      'bench.stream': `s${i % 20}`,
    },
    ...(i % 2 === 1 ? { parents: [benchFileName(i - 1, digits)] } : {}),
    replicas: [{ location: 'disk', path: `/data/${name}` }],
  };
}

/** The baselines' row of a bench file: what our `files` row holds, as bound values in order. */
export function benchFileRow(experiment: string, f: DeclaredFile): unknown[] {
  const m = f.metadata ?? {};
  return [
    experiment,
    f.name,
    f.size,
    f.checksum,
    m.run_number,
    m.subrun_number,
    m.data_tier,
    m.event_count,
    Date.parse(String(m.end_time)) / 1000,
    JSON.stringify(m),
  ];
}

/** A New submission of `jobs` jobs reading no files, in stage `reco` of campaign `camp`. */
export async function createJobsSubmission(
  store: Store,
  options: {
    experiment: string;
    campaignId: string;
    engine: SubmissionRecord['engine'];
    jobs: number;
  },
): Promise<SubmissionRecord> {
  const { submission } = await store.submissions.create({
    experiment: options.experiment,
    campaignId: options.campaignId,
    campaign: 'camp',
    campaignRevision: 1,
    stage: 'reco',
    stageType: 'regular',
    engine: options.engine,
    origin: 'manual',
    test: false,
    launcher: 'bench',
    ledger: { none: true },
    filesPerJob: 1,
    jobsWithoutFiles: options.jobs,
    config: {
      stage: { name: 'reco', type: 'regular', completion: { type: 'located', pct: 95 } },
      downstream: [],
    },
    tokenHash: (id) => `hash-${id}`,
    reason: 'bench',
  });
  return submission;
}
