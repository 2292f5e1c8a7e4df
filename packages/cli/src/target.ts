// Where an execution command acts: on a data folder (local) or on a POMS server over its API
// (remote). One rule for every command:
//   1. `--server URL` → remote (with `--data`/`--postgres` too: a usage error);
//   2. `--data`/`--postgres` → local;
//   3. $POMS_URL → remote;
//   4. $POMS_DATA/$POMS_POSTGRES_URL → local;
//   5. a saved login (`poms login`) → remote, on its server;
//   6. otherwise local, on `.poms-data`.
// Remotely the token is $POMS_TOKEN, else the saved login's when it is for the same server. Who
// acts is the token's user: `--as` is refused.
import type { Command } from 'commander';
import { UsageError, type Io } from './output.ts';
import { withLocal, type Local, type LocalOptions } from './local.ts';
import { RemoteClient, normalizeUrl, seg } from './remote/client.ts';
import { loadCredentials } from './remote/credentials.ts';

export interface Remote {
  client: RemoteClient;
  /** The server, normalized (`http://host:8080`). */
  url: string;
  experiment: string;
  /** `/experiments/EXPERIMENT`, for the paths under it. */
  base: string;
  json: boolean;
}

export type Resolved = { kind: 'local' } | { kind: 'remote'; url: string; token: string };

export function resolveTarget(opts: {
  server?: string;
  data?: string;
  postgres?: string;
}): Resolved {
  const dataGiven = opts.data !== undefined || opts.postgres !== undefined;
  if (opts.server !== undefined) {
    if (dataGiven) {
      throw new UsageError(
        '--server and --data/--postgres do not go together: act on a server or on a data folder',
      );
    }
    return remoteAt(opts.server);
  }
  if (dataGiven) return { kind: 'local' };
  if (process.env.POMS_URL) return remoteAt(process.env.POMS_URL);
  if (process.env.POMS_DATA || process.env.POMS_POSTGRES_URL) return { kind: 'local' };
  const saved = loadCredentials();
  // On the saved login's server, $POMS_TOKEN (when set) still wins over the saved token.
  if (saved !== undefined) return remoteAt(saved.url);
  return { kind: 'local' };
}

function remoteAt(url: string): Resolved {
  const normalized = normalizeUrl(url);
  const token = process.env.POMS_TOKEN;
  if (token) return { kind: 'remote', url: normalized, token };
  const saved = loadCredentials();
  if (saved !== undefined && normalizeUrl(saved.url) === normalized) {
    return { kind: 'remote', url: normalized, token: saved.token };
  }
  throw new UsageError(
    `no token for ${normalized}: run \`poms login ${normalized}\` or set POMS_TOKEN`,
  );
}

/** The remote side, or undefined for a data folder. */
export function remoteOf(opts: LocalOptions): Remote | undefined {
  const resolved = resolveTarget(opts);
  if (resolved.kind === 'local') return undefined;
  if (opts.as !== undefined) {
    throw new UsageError(
      `--as is for a data folder: on ${resolved.url} you act as the user of your token`,
    );
  }
  return {
    client: new RemoteClient(resolved.url, resolved.token),
    url: resolved.url,
    experiment: opts.experiment,
    base: `/experiments/${seg(opts.experiment)}`,
    json: opts.json === true,
  };
}

/** For the commands that only work on a server (campaign push/pull): --server, $POMS_URL, login. */
/** The options of a command that only talks to a server: which one, the experiment, --json. */
export function serverOptions(
  command: Command,
  experiment = { help: 'the experiment', default: process.env.POMS_EXPERIMENT ?? 'demo' },
): Command {
  return command
    .option('--server <url>', 'the POMS server ($POMS_URL, else `poms login`)')
    .option('--experiment <name>', experiment.help, experiment.default)
    .option('--json', 'print the answer as JSON');
}

export function requireRemote(
  opts: { server?: string; experiment: string; json?: boolean },
  what: string,
): Remote {
  let resolved: Resolved | undefined;
  if (opts.server !== undefined) resolved = remoteAt(opts.server);
  else if (process.env.POMS_URL) resolved = remoteAt(process.env.POMS_URL);
  else {
    const saved = loadCredentials();
    if (saved !== undefined) resolved = remoteAt(saved.url);
  }
  if (resolved?.kind !== 'remote') {
    throw new UsageError(
      `${what} needs a server: --server URL, $POMS_URL with $POMS_TOKEN, or \`poms login URL\``,
    );
  }
  return {
    client: new RemoteClient(resolved.url, resolved.token),
    url: resolved.url,
    experiment: opts.experiment,
    base: `/experiments/${seg(opts.experiment)}`,
    json: opts.json === true,
  };
}

/** Runs the command on the server or on the data folder, by the rule above. */
export async function withTarget(
  io: Io,
  opts: LocalOptions,
  local: (local: Local) => Promise<number>,
  remote: (remote: Remote) => Promise<number>,
): Promise<number> {
  const found = remoteOf(opts);
  return found === undefined ? withLocal(io, opts, local) : remote(found);
}

/** A campaign's stage names in campaign order, from GET …/campaigns/:c (its effective model). */
export function remoteStageNames(campaign: { effective?: unknown }): string[] {
  const stages = (campaign.effective as { stages?: unknown } | null | undefined)?.stages;
  if (Array.isArray(stages)) {
    return stages.map((s) => String((s as { name?: unknown }).name));
  }
  if (stages && typeof stages === 'object') return Object.keys(stages);
  return [];
}

/** Every campaign of the experiment on the server, by name. */
export async function remoteCampaigns(remote: Remote): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; name: string }[]; next_cursor: string | null } =
      await remote.client.call('GET', `${remote.base}/campaigns`, {
        query: { limit: 1000, cursor: cursor ?? undefined },
      });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}
