// The server of the load run in a child process, as in bench/b3: the load generator's fetch
// machinery would otherwise share the server's event loop and core, and a request's time would
// be mostly the generator's. The child builds the world (load-world.ts), sends it over IPC, and
// on request sends a snapshot of what its store holds (ledger, outputs, sampled parents) and its
// peak RSS, then closes.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../../packages/server/src/main.ts';
import { buildWorld, EXPERIMENT, type LoadWorld } from './load-world.ts';

const CHILD_FLAG = 'POMS_LOAD_SERVER';

/** What the store holds after the run, for the checks. */
export interface StoreSnapshot {
  /** Submission → file → ledger state. */
  ledger: Record<string, Record<string, string>>;
  /** Output file → how many output rows name it, over the run's submissions. */
  outputs: Record<string, number>;
  /** Catalog parents of the outputs asked about. */
  parents: Record<string, string[]>;
}

type Request = { kind: 'snapshot'; parentsOf: string[] } | { kind: 'close' };

type Message =
  | { kind: 'ready'; world: LoadWorld }
  | { kind: 'failed'; error: string }
  | { kind: 'snapshot'; snapshot: StoreSnapshot }
  | { kind: 'closed'; peakRssMiB: number };

export interface LoadServer {
  world: LoadWorld;
  snapshot(parentsOf: string[]): Promise<StoreSnapshot>;
  /** Closes the server; answers its process's peak RSS in MiB. */
  close(): Promise<number>;
  /** Kills the child if it is still there (cleanup after a failure). */
  kill(): void;
}

export async function startLoadServer(options: {
  dataDir: string;
  users: number;
  jobs: number;
}): Promise<LoadServer> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      [CHILD_FLAG]: JSON.stringify(options),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => nextMessage(child);
  const first = await next().catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (first.kind !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(
      `the load server did not start: ${first.kind === 'failed' ? first.error : first.kind}`,
    );
  }
  return {
    world: first.world,
    async snapshot(parentsOf) {
      child.send({ kind: 'snapshot', parentsOf } satisfies Request);
      const answer = await next();
      if (answer.kind !== 'snapshot') throw new Error(`load server: ${JSON.stringify(answer)}`);
      return answer.snapshot;
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ kind: 'close' } satisfies Request);
      const answer = await next();
      await exited;
      return answer.kind === 'closed' ? answer.peakRssMiB : Number.NaN;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function nextMessage(child: ChildProcess): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the load server exited (${code}) before it answered`));
    child.once('exit', onExit);
    child.once('message', (message: Message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The child.

async function serve(options: { dataDir: string; users: number; jobs: number }): Promise<void> {
  let server: RunningServer | undefined;
  try {
    const built = await buildWorld(options);
    server = built.server;
    const { world } = built;
    const running = server;
    process.on('message', (request: Request) => {
      if (request.kind === 'snapshot') {
        snapshotOf(running, world, request.parentsOf).then(
          (snapshot) => process.send?.({ kind: 'snapshot', snapshot } satisfies Message),
          (error: unknown) =>
            process.send?.({ kind: 'failed', error: describe(error) } satisfies Message),
        );
      } else if (request.kind === 'close') {
        // maxRSS is the process's peak so far, in KiB (Linux).
        const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
        void running.close().then(() => {
          process.send?.({ kind: 'closed', peakRssMiB } satisfies Message, () => process.exit(0));
        });
      }
    });
    process.send?.({ kind: 'ready', world } satisfies Message);
  } catch (error) {
    await server?.close();
    process.send?.(
      {
        kind: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies Message,
      () => process.exit(1),
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function snapshotOf(
  server: RunningServer,
  world: LoadWorld,
  parentsOf: readonly string[],
): Promise<StoreSnapshot> {
  const { store } = server;
  const snapshot: StoreSnapshot = { ledger: {}, outputs: {}, parents: {} };
  for (const id of world.submissions) {
    const rows = await store.submissions.ledger(id, { limit: 100_000 });
    snapshot.ledger[id] = Object.fromEntries(rows.items.map((r) => [r.file, r.state]));
    for (const o of await store.submissions.outputs(id))
      snapshot.outputs[o.file] = (snapshot.outputs[o.file] ?? 0) + 1;
  }
  for (const name of parentsOf) {
    const file = await store.catalog.getFile(EXPERIMENT, name);
    snapshot.parents[name] = [...(file.parents ?? [])];
  }
  return snapshot;
}

const childOptions = process.env[CHILD_FLAG];
if (childOptions !== undefined && process.send !== undefined) {
  // Whatever happens to the load generator, its server does not outlive it.
  process.on('disconnect', () => process.exit(1));
  void serve(JSON.parse(childOptions) as { dataDir: string; users: number; jobs: number });
}
