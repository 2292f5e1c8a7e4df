// The BatchEngine conformance suite on the live single-node Slurm (scripts/slurm-setup.sh).
import { engineConformance } from '../engine.conformance.ts';
import { liveSlurm, slurmEngine } from './slurm-testing.ts';

const slurm = liveSlurm();
if (slurm !== undefined) {
  engineConformance({
    name: 'slurm (live)',
    open: (root) => ({ engine: slurmEngine(slurm, root), close: () => {} }),
    jobTimeoutMs: 30_000,
    holdPausesRunning: false,
  });
}
