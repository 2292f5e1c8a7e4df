// Where an engine's commands run: this machine, or a launch host reached over ssh. A job's engine
// id carries its target (`ssh://alice@login.example.org:2222/4242_7`; plain `4242_7` here), so
// polls, cancels and logs go back to the host that submitted it, whatever the campaign says now.
import type { Placement } from '@poms/core';
import type { CommandRunner } from './runner.ts';

export interface Target {
  host: string;
  port?: number;
  /** The login on the host; ssh's default (the server's user) when absent. */
  user?: string;
}

// Host names and IPv4 literals, or a bracketed IPv6 literal; never anything ssh could read as an
// option (a leading '-') or that could carry a second host or a command.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The launch host of a placement, checked; undefined when the commands run on this machine. */
export function targetOf(placement: Placement | undefined): Target | undefined {
  const text = placement?.host?.trim();
  if (text === undefined || text === '') return undefined;
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(text);
  const host = match?.[1] ?? '';
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!HOST.test(host)) {
    throw new TargetError(
      `launch setup host '${text}' is not a host name, an address or 'name:port'`,
    );
  }
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new TargetError(`launch setup host '${text}': port ${port} is out of range`);
  }
  const user = placement?.account?.trim();
  if (user !== undefined && user !== '' && !USER.test(user)) {
    throw new TargetError(`launch setup account '${user}' is not a login name`);
  }
  return {
    host,
    ...(port === undefined ? {} : { port }),
    ...(user === undefined || user === '' ? {} : { user }),
  };
}

/** `ssh://user@host:port`, or '' for this machine. */
export function targetKey(target: Target | undefined): string {
  if (target === undefined) return '';
  const user = target.user === undefined ? '' : `${target.user}@`;
  const port = target.port === undefined ? '' : `:${target.port}`;
  return `ssh://${user}${target.host}${port}`;
}

/** An engine id: the batch system's own job id, prefixed by its target when remote. */
export function qualify(target: Target | undefined, ref: string): string {
  return target === undefined ? ref : `${targetKey(target)}/${ref}`;
}

/** The target and the batch system's job id of an engine id made by qualify(). */
export function unqualify(engineId: string): { target: Target | undefined; ref: string } {
  if (!engineId.startsWith('ssh://')) return { target: undefined, ref: engineId };
  const slash = engineId.indexOf('/', 'ssh://'.length);
  if (slash < 0) throw new TargetError(`engine id '${engineId}' names no job`);
  const authority = engineId.slice('ssh://'.length, slash);
  const at = authority.lastIndexOf('@');
  const user = at < 0 ? undefined : authority.slice(0, at);
  const host = authority.slice(at + 1);
  const target = targetOf({ host, ...(user === undefined ? {} : { account: user }) });
  return { target, ref: engineId.slice(slash + 1) };
}

/** Engine ids grouped by target, each with the positions they had in the list. */
export function byTarget(
  engineIds: readonly string[],
): { target: Target | undefined; refs: string[]; positions: number[] }[] {
  const groups = new Map<
    string,
    { target: Target | undefined; refs: string[]; positions: number[] }
  >();
  engineIds.forEach((id, position) => {
    const { target, ref } = unqualify(id);
    const key = targetKey(target);
    let group = groups.get(key);
    if (group === undefined) {
      group = { target, refs: [], positions: [] };
      groups.set(key, group);
    }
    group.refs.push(ref);
    group.positions.push(position);
  });
  return [...groups.values()];
}

/** One runner per target, made once: ssh runners keep a shared connection per host. */
export class RunnerPool {
  private readonly remotes = new Map<string, CommandRunner>();

  constructor(
    private readonly local: CommandRunner,
    private readonly remote: ((target: Target) => CommandRunner) | undefined,
  ) {}

  runner(target: Target | undefined): CommandRunner {
    if (target === undefined) return this.local;
    const key = targetKey(target);
    let runner = this.remotes.get(key);
    if (runner === undefined) {
      if (this.remote === undefined) {
        throw new TargetError(
          `launch host ${key.slice('ssh://'.length)}: this server has no ssh configured for launch hosts`,
        );
      }
      runner = this.remote(target);
      this.remotes.set(key, runner);
    }
    return runner;
  }

  /** Closes the remote runners (their shared ssh connections). */
  async close(): Promise<void> {
    const runners = [...this.remotes.values()];
    this.remotes.clear();
    await Promise.all(
      runners.map(async (r) => {
        try {
          await r.close?.();
        } catch {
          // Best effort: the connection ends with its process anyway.
        }
      }),
    );
  }
}
