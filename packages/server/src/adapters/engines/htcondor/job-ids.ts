// HTCondor's and jobsub_lite's job ids, as their tools print them and as engine ids carry them.

/** One HTCondor job: cluster and proc. */
export interface ProcId {
  cluster: number;
  proc: number;
}

const PROC = /^(\d+)\.(\d+)$/;
// Schedd names are host names (jobsub01.fnal.gov); group and role are plain words.
const SCHEDD = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const WORD = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export class JobIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobIdError';
  }
}

/** `1234.5` → {cluster, proc}; undefined for anything else. */
export function parseProcId(text: string): ProcId | undefined {
  const match = PROC.exec(text);
  if (match === null) return undefined;
  return { cluster: Number(match[1]), proc: Number(match[2]) };
}

/**
 * The cluster of `condor_submit -terse`, which prints the first and last job ids of each cluster
 * it made: `1234.0 - 1234.9`. One submission is one cluster of `expected` jobs.
 */
export function parseTerse(stdout: string, expected: number): number {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const match = lines.length === 1 ? /^(\d+)\.(\d+) - (\d+)\.(\d+)$/.exec(lines[0] ?? '') : null;
  if (match === null) {
    throw new JobIdError(
      `condor_submit -terse printed no single cluster: ${JSON.stringify(stdout)}`,
    );
  }
  const [cluster, first, lastCluster, last] = match.slice(1).map(Number);
  if (cluster !== lastCluster || first !== 0 || last !== expected - 1) {
    throw new JobIdError(
      `condor_submit made ${match[0]}, not one cluster of ${expected} jobs numbered from 0`,
    );
  }
  return cluster as number;
}

/** A jobsub_lite job: `1234.5@jobsub01.fnal.gov`, with the group and role its commands need. */
export interface JobsubId extends ProcId {
  schedd: string;
  group: string;
  role?: string;
}

export function checkWord(what: string, value: string): string {
  if (!WORD.test(value)) throw new JobIdError(`jobsub ${what} '${value}' is not a plain name`);
  return value;
}

export function checkSchedd(value: string): string {
  if (!SCHEDD.test(value)) throw new JobIdError(`'${value}' is not a schedd name`);
  return value;
}

/**
 * How a jobsub job is written as an engine id: `group[:role]/cluster.proc@schedd`. jobsub_q,
 * jobsub_rm… all need -G (and the role, for its credentials), and a poll or cancel only has the
 * engine id, so the id carries them.
 */
export function formatJobsubId(id: JobsubId): string {
  const who = id.role === undefined ? id.group : `${id.group}:${id.role}`;
  return `${who}/${id.cluster}.${id.proc}@${id.schedd}`;
}

export function parseJobsubId(text: string): JobsubId | undefined {
  const match = /^([^/:]+)(?::([^/]+))?\/(\d+)\.(\d+)@(.+)$/.exec(text);
  if (match === null) return undefined;
  const [, group = '', role, cluster, proc, schedd = ''] = match;
  try {
    return {
      group: checkWord('group', group),
      ...(role === undefined ? {} : { role: checkWord('role', role) }),
      cluster: Number(cluster),
      proc: Number(proc),
      schedd: checkSchedd(schedd),
    };
  } catch {
    return undefined;
  }
}

/** The jobsub form of a job id, as jobsub's tools take it: `1234.5@jobsub01.fnal.gov`. */
export function jobsubJobId(id: { cluster: number; proc: number; schedd: string }): string {
  return `${id.cluster}.${id.proc}@${id.schedd}`;
}

/**
 * The cluster and schedd from jobsub_submit's output: condor_submit's `N job(s) submitted to
 * cluster C.` and jobsub's own `Use job id C.0@SCHEDD to retrieve output`.
 */
export function parseJobsubSubmit(
  stdout: string,
  expected: number,
): { cluster: number; schedd: string } {
  const use = /Use job id (\d+)\.0@(\S+) to retrieve output/.exec(stdout);
  const count = /(\d+) job\(s\) submitted to cluster (\d+)\./.exec(stdout);
  if (use === null) {
    throw new JobIdError('jobsub_submit printed no "Use job id … to retrieve output" line');
  }
  const cluster = Number(use[1]);
  if (count !== null && (Number(count[1]) !== expected || Number(count[2]) !== cluster)) {
    throw new JobIdError(
      `jobsub_submit made ${count[1]} job(s) in cluster ${count[2]}, not ${expected} in ${cluster}`,
    );
  }
  return { cluster, schedd: checkSchedd(use[2] ?? '') };
}
