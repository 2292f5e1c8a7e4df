// The BatchEngine conformance suite on the local engine.
import { engineConformance } from './engine.conformance.ts';
import { LocalEngine } from './local.ts';

engineConformance({
  name: 'local',
  open(root) {
    const engine = new LocalEngine({
      root,
      concurrency: 4,
      monitorIntervalMs: 100,
      killGraceMs: 1000,
    });
    return { engine, close: () => engine.close() };
  },
  jobTimeoutMs: 15_000,
  holdPausesRunning: true,
});
