// How engine adapters run batch-system commands (sbatch, condor_q, jobsub_submit…): always as an
// argv, never a shell line, here or on a launch host over ssh (ssh.ts). One interface, so each
// engine is written once and the tests of its command construction see exactly what would run.
import { spawn } from 'node:child_process';

export interface CommandOptions {
  /** Written to the command's standard input, then closed. */
  input?: string;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

export interface CommandResult {
  /** The exit code; null when the command was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  /** Where commands run, for messages: `this machine` or `alice@login.example.org`. */
  readonly where: string;
  /**
   * Runs argv and resolves with how it ended, whatever its exit code. Rejects only when the
   * command could not be run at all (no such program, timeout, output too large); the engine
   * decides what an exit code means.
   */
  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** Lets go of what the runner keeps open (an ssh control connection). */
  close?(): Promise<void>;
}

/** A command that could not be run, or ran and failed where the engine needed it to succeed. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly result?: CommandResult,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Resolves with the result when the command exited 0, else rejects naming it and its stderr. */
export async function runChecked(
  runner: CommandRunner,
  argv: readonly string[],
  options?: CommandOptions,
): Promise<CommandResult> {
  const result = await runner.run(argv, options);
  if (result.code === 0) return result;
  const how = result.code === null ? `killed by ${result.signal}` : `exit ${result.code}`;
  const said = result.stderr.trim() || result.stdout.trim();
  throw new CommandError(
    `${argv[0]} on ${runner.where}: ${how}${said ? `: ${lastLines(said, 5)}` : ''}`,
    result,
  );
}

function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join(' / ').slice(0, 2000);
}

const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Spawns argv on this machine with exactly the given environment (no shell) and collects its
 * output. Shared by the local runner and the ssh runner (which runs `ssh` itself this way).
 */
export function spawnCollect(
  argv: readonly string[],
  env: Record<string, string>,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new CommandError('an empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, shell: false, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: CommandError | undefined;
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      failure = new CommandError(`${program}: no answer after ${timeoutMs / 1000} s`);
      child.kill('SIGKILL');
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        failure = new CommandError(`${program}: more than ${MAX_OUTPUT} bytes of output`);
        child.kill('SIGKILL');
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        error.code === 'ENOENT'
          ? 'not found on this machine (is it installed and on the PATH?)'
          : error.message;
      reject(new CommandError(`${program}: ${why}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read its input must not fail the run with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs commands on this machine, with a fixed environment (PATH, SLURM_CONF…), never ours. */
export class LocalRunner implements CommandRunner {
  readonly where = 'this machine';
  constructor(private readonly env: Record<string, string>) {}

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    return spawnCollect(argv, this.env, options);
  }
}
