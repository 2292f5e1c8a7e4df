// The live single-node Slurm of scripts/slurm-setup.sh, for tests: whether it is there, an engine
// on it, and stopping/starting its controller (the outage tests). POMS_REQUIRE_SLURM=1 (CI) turns
// "no Slurm here" from a skip into a failure.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner } from '../commands/runner.ts';
import { RunnerPool } from '../commands/targets.ts';
import { SlurmEngine, type SlurmEngineOptions } from './slurm.ts';

export interface LiveSlurm {
  conf: string;
  dir: string;
  env: Record<string, string>;
}

/** The live cluster, or undefined (with the reason printed) when there is none and none is required. */
export function liveSlurm(): LiveSlurm | undefined {
  const conf = process.env.SLURM_CONF;
  const dir = process.env.POMS_SLURM_DIR ?? '/var/lib/poms-slurm';
  const required = process.env.POMS_REQUIRE_SLURM === '1';
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(conf ? { SLURM_CONF: conf } : {}) };
  let why: string | undefined;
  if (!conf) why = 'SLURM_CONF is not set (run: eval "$(bash scripts/slurm-setup.sh)")';
  else {
    try {
      execFileSync('sinfo', ['-h', '-o', '%T'], { env, stdio: 'pipe', timeout: 10_000 });
    } catch (error) {
      why = `sinfo failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (why === undefined && conf) return { conf, dir, env };
  if (required) throw new Error(`POMS_REQUIRE_SLURM=1 but there is no live Slurm: ${why}`);
  console.log(`# skipped: no live Slurm: ${why}`);
  return undefined;
}

export function slurmEngine(
  slurm: LiveSlurm,
  root: string,
  options: Partial<SlurmEngineOptions> = {},
): SlurmEngine {
  return new SlurmEngine({
    runners: new RunnerPool(new LocalRunner(slurm.env), undefined),
    root,
    node: process.execPath,
    jobcompFile: join(slurm.dir, 'jobcomp.txt'),
    ...options,
  });
}

function controllerPid(slurm: LiveSlurm): number | undefined {
  try {
    return Number(readFileSync(join(slurm.dir, 'slurmctld.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops slurmctld (SIGTERM, it saves its state) and waits until it is gone. */
export async function stopController(slurm: LiveSlurm): Promise<void> {
  const pid = controllerPid(slurm);
  if (!alive(pid)) return;
  process.kill(pid ?? 0, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) throw new Error('slurmctld did not stop');
}

/** Starts slurmctld again on its saved state and waits until it answers. */
export async function startController(slurm: LiveSlurm): Promise<void> {
  if (!alive(controllerPid(slurm)))
    execFileSync('slurmctld', [], { env: slurm.env, stdio: 'pipe' });
  for (let i = 0; i < 150; i++) {
    try {
      execFileSync('scontrol', ['ping'], { env: slurm.env, stdio: 'pipe', timeout: 5000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('slurmctld did not come back');
}
