// The batch engines a server runs with: the local engine always, and the cluster engines, which
// are only command runners until a launch setup names them (a missing `sbatch` is then a clear
// launch failure, not a startup error). Cluster commands run with an environment of their own —
// what batch clients need (PATH, SLURM_CONF, CONDOR_CONFIG, credentials' locations) and nothing
// else of the server's, whose secrets they must never see.
import { join } from 'node:path';
import type { BatchEngine, Engine } from '@poms/core';
import { LocalRunner } from './commands/runner.ts';
import { SshRunner, type SshOptions } from './commands/ssh.ts';
import { RunnerPool } from './commands/targets.ts';
import { LocalEngine } from './local.ts';
import { HTCondorEngine, JobsubEngine } from './htcondor/index.ts';
import { SlurmEngine } from './slurm/slurm.ts';

export interface BatchEngineOptions {
  /** The data folder: local job folders, and the default work folder of cluster engines. */
  dataDir: string;
  /** Jobs the local engine runs at once. */
  localSlots?: number;
  /** Launch hosts: the known-hosts file and key ssh uses (POMS_SSH_KNOWN_HOSTS, POMS_SSH_IDENTITY). */
  ssh?: Pick<SshOptions, 'knownHostsFile' | 'identityFile'>;
  slurm?: {
    /** The work folder on the submit host, shared with the nodes (POMS_SLURM_ROOT). */
    root?: string;
    /** Slurm's jobcomp/filetxt log, read for jobs squeue has forgotten (POMS_SLURM_JOBCOMP). */
    jobcompFile?: string;
  };
  /** HTCondor's work folder on the submit host (POMS_HTCONDOR_ROOT) and schedd (POMS_HTCONDOR_SCHEDD). */
  htcondor?: { root?: string; schedd?: string };
  /** jobsub_lite's work folder on the launch host (POMS_JOBSUB_ROOT). */
  jobsub?: { root?: string };
  log?: (message: string) => void;
}

export interface BatchEngines {
  local: LocalEngine;
  engines: Partial<Record<Engine, BatchEngine>>;
  close(): Promise<void>;
}

/** Variables batch clients need, passed on from the server's environment when set. */
const CLIENT_ENV =
  /^(PATH|HOME|USER|LOGNAME|LANG|TZ|SLURM_CONF|CONDOR_CONFIG|_CONDOR_\w+|BEARER_TOKEN_FILE|X509_USER_PROXY|KRB5CCNAME|SSH_AUTH_SOCK)$/;

export function clientEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && CLIENT_ENV.test(name)) out[name] = value;
  }
  return out;
}

export function createBatchEngines(options: BatchEngineOptions): BatchEngines {
  const local = new LocalEngine({
    root: join(options.dataDir, 'jobs'),
    ...(options.localSlots === undefined ? {} : { concurrency: options.localSlots }),
  });
  const env = clientEnvironment();
  const knownHostsFile = options.ssh?.knownHostsFile ?? process.env.POMS_SSH_KNOWN_HOSTS;
  const identityFile = options.ssh?.identityFile ?? process.env.POMS_SSH_IDENTITY;
  const runners = new RunnerPool(
    new LocalRunner(env),
    (target) =>
      new SshRunner(target, {
        controlDir: join(options.dataDir, 'ssh'),
        ...(knownHostsFile === undefined ? {} : { knownHostsFile }),
        ...(identityFile === undefined ? {} : { identityFile }),
      }),
  );
  const jobcompFile = options.slurm?.jobcompFile ?? process.env.POMS_SLURM_JOBCOMP;
  const slurm = new SlurmEngine({
    runners,
    root: options.slurm?.root ?? process.env.POMS_SLURM_ROOT ?? join(options.dataDir, 'slurm'),
    ...(jobcompFile === undefined ? {} : { jobcompFile }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const schedd = options.htcondor?.schedd ?? process.env.POMS_HTCONDOR_SCHEDD;
  const htcondor = new HTCondorEngine({
    runners,
    workRoot:
      options.htcondor?.root ?? process.env.POMS_HTCONDOR_ROOT ?? join(options.dataDir, 'htcondor'),
    ...(schedd === undefined ? {} : { schedd }),
  });
  const jobsub = new JobsubEngine({
    runners,
    workRoot:
      options.jobsub?.root ?? process.env.POMS_JOBSUB_ROOT ?? join(options.dataDir, 'jobsub'),
  });
  return {
    local,
    engines: { local, slurm, htcondor, jobsub },
    async close() {
      local.close();
      await runners.close();
    },
  };
}
