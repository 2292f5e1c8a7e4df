// A real execution core for tests: the server on a private in-memory store with the local
// engine, small shell programs as job commands, and helpers to launch and wait until every
// submission has settled. Nothing here is a fake: jobs are processes running the job runtime.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, DeclaredFile } from '@poms/core';
import { startServer, type RunningServer, type ServerOptions } from '../../main.ts';
import type { SubmissionRecord } from '../../ports/submissions.ts';
import { CampaignService } from '../campaigns.ts';
import type { LaunchOutcome, LaunchRequest } from './launches.ts';

export const EXPERIMENT = 'exp';

/** Job programs: each reads its options, then the input paths the runtime appends. */
const PROGRAMS: Record<string, string> = {
  // One output per job, named after the submission and the job index.
  'gen.sh': `#!/bin/sh
echo "event $POMS_JOB_INDEX of $POMS_SUBMISSION_ID" > "gen_\${POMS_SUBMISSION_ID}_\${POMS_JOB_INDEX}.dat"
`,
  // Copies its input to PREFIX_NAME. --fail=S exits 3 for names containing S; --quiet=S exits 0
  // without output; --die=S kills the job runtime (the file is never reported).
  'proc.sh': `#!/bin/sh
prefix=out fail= quiet= die=
for a in "$@"; do
  case "$a" in
    --prefix=*) prefix=\${a#--prefix=} ;;
    --fail=*) fail=\${a#--fail=} ;;
    --quiet=*) quiet=\${a#--quiet=} ;;
    --die=*) die=\${a#--die=} ;;
    *) f=$a ;;
  esac
done
b=$(basename "$f")
case "$b" in *"$die"*) [ -n "$die" ] && kill -9 $PPID && sleep 5 ;; esac
case "$b" in *"$fail"*) [ -n "$fail" ] && { echo "failing on $b" >&2; exit 3; } ;; esac
case "$b" in *"$quiet"*) [ -n "$quiet" ] && exit 0 ;; esac
cp "$f" "\${prefix}_$b"
`,
  // Concatenates all its inputs into one file (invoke: once).
  'merge.sh': `#!/bin/sh
out="merged_\${POMS_SUBMISSION_ID}.dat"
: > "$out"
for a in "$@"; do case "$a" in --*) ;; *) cat "$a" >> "$out" ;; esac; done
`,
  'sleep.sh': `#!/bin/sh
sleep 60
`,
};

export interface Harness {
  server: RunningServer;
  bin: string;
  logs: string[];
  campaign(text: string): Promise<void>;
  /** Files with content on disk, declared with a replica at `local`. */
  declareInputs(names: readonly string[], metadata?: DeclaredFile['metadata']): Promise<void>;
  launch(campaign: string, stage: string, extra?: Partial<LaunchRequest>): Promise<LaunchOutcome>;
  /** Waits until no submission has work left; throws with the statuses after `timeoutMs`. */
  settle(timeoutMs?: number): Promise<SubmissionRecord[]>;
  /** Submissions, oldest first, optionally of one stage. */
  submissions(stage?: string): Promise<SubmissionRecord[]>;
  close(): Promise<void>;
}

export async function harness(
  options: {
    clock?: Clock;
    postgres?: { url: string; schema: string };
    server?: Partial<ServerOptions>;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'poms-exec-'));
  const bin = join(dir, 'bin');
  const inputs = join(dir, 'inputs');
  mkdirSync(bin);
  mkdirSync(inputs);
  for (const [name, text] of Object.entries(PROGRAMS)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  const logs: string[] = [];
  const server = await startServer({
    memory: true,
    port: 0,
    demo: false,
    pollIntervalMs: 100,
    localSlots: 4,
    log: (m) => logs.push(m),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.postgres === undefined
      ? {}
      : { postgresUrl: options.postgres.url, postgresSchema: options.postgres.schema }),
    ...options.server,
  });
  await server.store.experiments.create({ name: EXPERIMENT, display_name: 'Test experiment' });
  const campaigns = new CampaignService(server.store);

  const submissions = async (stage?: string) => {
    const page = await server.store.submissions.list({
      experiment: EXPERIMENT,
      ...(stage === undefined ? {} : { stage }),
      limit: 1000,
    });
    return page.items.reverse();
  };

  return {
    server,
    bin,
    logs,
    async campaign(text) {
      await campaigns.create(EXPERIMENT, text, 'alice');
    },
    async declareInputs(names, metadata) {
      const files = names.map((name) => {
        const path = join(inputs, name);
        writeFileSync(path, `input ${name}\n`);
        return {
          name,
          replicas: [{ location: 'local', path }],
          ...(metadata === undefined ? {} : { metadata }),
        };
      });
      await server.store.catalog.declareFiles(EXPERIMENT, files);
    },
    launch(campaign, stage, extra = {}) {
      return server.execution.launches.launch({
        experiment: EXPERIMENT,
        campaign,
        stage,
        launcher: 'alice',
        ...extra,
      });
    },
    async settle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      for (;;) {
        // A submission awaiting approval waits for a person, not for the system.
        const open = (await server.store.submissions.unfinished()).filter(
          (s) => s.status !== 'Awaiting Approval',
        );
        const active = await server.store.submissions.activeJobs(10);
        quiet = open.length === 0 && active.length === 0 ? quiet + 1 : 0;
        // Twice in a row: a cycle that was just launching something has had time to record it.
        if (quiet >= 2) return submissions();
        if (Date.now() > deadline) {
          const all = await submissions();
          throw new Error(
            `not settled after ${timeoutMs} ms: ${all.map((s) => `${s.stage}:${s.status}`).join(' ')}\n${logs.join('\n')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    submissions,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
