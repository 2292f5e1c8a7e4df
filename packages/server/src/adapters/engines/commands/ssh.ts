// Runs an engine's commands on a launch host over ssh. ssh hands the remote side one command line,
// which the account's login shell reads: argv goes through the one tested quoting of
// @poms/core (shellQuoteForExecution, run against real shells in its tests), never concatenation.
// ssh must never ask anything (BatchMode) and never trust an unknown or changed host key
// (StrictHostKeyChecking=yes): a server has nobody to answer a prompt.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuoteForExecution, UnquotableArgumentError } from '@poms/core';
import {
  CommandError,
  spawnCollect,
  type CommandOptions,
  type CommandResult,
  type CommandRunner,
} from './runner.ts';
import type { Target } from './targets.ts';

export interface SshOptions {
  /** Host keys to trust; ssh's default files when absent. */
  knownHostsFile?: string;
  /** The private key to log in with; then only that key is offered. */
  identityFile?: string;
  /** Where connection-sharing sockets live; no shared connection when absent. */
  controlDir?: string;
  /** Seconds to wait for the connection; default 15. */
  connectTimeoutS?: number;
  /** Default 'ssh'. */
  sshProgram?: string;
  /** The ssh process's environment; default PATH, HOME and SSH_AUTH_SOCK of this process. */
  env?: Record<string, string>;
}

// ssh's own failures (unreachable, host key, authentication) all exit 255.
const SSH_FAILED = 255;
// How long close() gives the control master to stop.
const CLOSE_TIMEOUT_MS = 5_000;

export class SshRunner implements CommandRunner {
  readonly where: string;
  private readonly program: string;
  private readonly env: Record<string, string>;
  private readonly controlPath: string | undefined;
  private readonly connectionArgs: string[];
  private readonly hostArgs: string[];
  private masterMayRun = false;

  constructor(
    target: Target,
    private readonly options: SshOptions = {},
  ) {
    const port = target.port === undefined ? '' : `:${target.port}`;
    this.where = `${target.user === undefined ? '' : `${target.user}@`}${target.host}${port}`;
    this.program = options.sshProgram ?? 'ssh';
    this.env = options.env ?? defaultEnv();
    this.controlPath =
      options.controlDir === undefined ? undefined : join(options.controlDir, '%C');
    this.connectionArgs = connectionArgs(options, this.controlPath);
    // Brackets mark an IPv6 literal in a launch setup; ssh wants the bare address.
    const host = target.host.replace(/^\[(.*)\]$/, '$1');
    this.hostArgs = [
      ...(target.port === undefined ? [] : ['-p', String(target.port)]),
      ...(target.user === undefined ? [] : ['-l', target.user]),
      // `--` ends ssh's options: nothing after it is read as one, whatever the host is.
      '--',
      host,
    ];
  }

  async run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    let remoteCommand: string;
    try {
      remoteCommand = shellQuoteForExecution(argv);
    } catch (error) {
      if (error instanceof UnquotableArgumentError) {
        throw new CommandError(`${argv[0] ?? 'command'} on ${this.where}: ${error.message}`);
      }
      throw error;
    }
    if (this.options.controlDir !== undefined) {
      // Private: whoever can reach the socket can run commands as the launch account.
      mkdirSync(this.options.controlDir, { recursive: true, mode: 0o700 });
      this.masterMayRun = true;
    }
    const result = await spawnCollect(
      [this.program, ...this.connectionArgs, ...this.hostArgs, remoteCommand],
      this.env,
      options,
    );
    if (result.code === SSH_FAILED) {
      // A remote command that itself exits 255 lands here too; ssh gives no way to tell them
      // apart, and an engine command has no reason to use that code.
      const said = result.stderr.trim().split('\n').slice(-5).join(' / ').slice(0, 2000);
      throw new CommandError(
        `${argv[0]} on ${this.where}: could not reach the host over ssh (exit 255)${said ? `: ${said}` : ''}`,
        result,
      );
    }
    return result;
  }

  /** Stops the shared connection, if one may have been started. Best effort: never rejects. */
  async close(): Promise<void> {
    if (this.controlPath === undefined || !this.masterMayRun) return;
    this.masterMayRun = false;
    await spawnCollect(
      [this.program, '-o', `ControlPath=${this.controlPath}`, '-O', 'exit', ...this.hostArgs],
      this.env,
      { timeoutMs: CLOSE_TIMEOUT_MS },
    ).catch(() => undefined);
  }
}

function connectionArgs(options: SshOptions, controlPath: string | undefined): string[] {
  const args = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes'];
  if (options.knownHostsFile !== undefined) {
    args.push('-o', `UserKnownHostsFile=${options.knownHostsFile}`);
  }
  if (options.identityFile !== undefined) {
    args.push('-i', options.identityFile, '-o', 'IdentitiesOnly=yes');
  }
  args.push('-o', `ConnectTimeout=${options.connectTimeoutS ?? 15}`);
  if (controlPath !== undefined) {
    args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`);
    args.push('-o', 'ControlPersist=60');
  }
  // No terminal (output stays byte-exact), no agent or X11 forwarding to the launch host.
  args.push('-T', '-a', '-x');
  return args;
}

function defaultEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'SSH_AUTH_SOCK']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
