// `poms logs SUBMISSION [JOB]`: the logs the server kept (docs/logs.md). SUBMISSION alone prints
// its launch log and a table of its jobs with the sizes of their kept logs: with hundreds of jobs
// a production person first wants to see which ones failed and how much they wrote, then reads
// one (`poms logs SUB 17`). With JOB it prints the job's whole kept stdout, then stderr (or one
// `--stream`); `--follow` polls every second and prints each new line until the job has ended.
import type { Command } from 'commander';
import type { Execution } from '@poms/server';
import { localOptions, table, wholeNumber, type LocalOptions, type RunAsync } from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { seg } from '../remote/client.ts';
import { withTarget, type Remote } from '../target.ts';

type Stream = 'stdout' | 'stderr';

interface LogsOptions extends LocalOptions {
  stream?: string;
  follow?: boolean;
  launch?: boolean;
}

type Chunk = Awaited<ReturnType<Execution['jobLogs']['chunk']>>;
type Sizes = Awaited<ReturnType<Execution['jobLogs']['sizes']>>;

/** What the command reads, from a data folder or a server. */
interface LogSource {
  launchLog(): Promise<string>;
  sizes(): Promise<Sizes>;
  chunk(index: number, stream: Stream, offset: number): Promise<Chunk>;
}

export function logsCommand(program: Command, io: Io, runAsync: RunAsync): void {
  localOptions(program.command('logs'))
    .description("a submission's launch log and jobs, or one job's kept stdout/stderr")
    .argument('<submission>', 'the submission (sub_…)')
    .argument('[job]', 'a job index: print its logs')
    .option('--stream <name>', 'only stdout or stderr')
    .option('--follow', 'keep printing what the job writes until it has ended (one stream)')
    .option('--launch', 'only the launch log')
    .action((submission: string, job: string | undefined, opts: LogsOptions) =>
      runAsync(() => logs(io, submission, job, opts)),
    );
}

/** How often `--follow` looks ($POMS_WATCH_INTERVAL_MS, for tests). */
function followInterval(): number {
  const ms = Number(process.env.POMS_WATCH_INTERVAL_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 1000;
}

function streamOf(text: string | undefined): Stream | undefined {
  if (text === undefined) return undefined;
  if (text === 'stdout' || text === 'stderr') return text;
  throw new UsageError(`--stream is stdout or stderr, not '${text}'`);
}

async function logs(
  io: Io,
  id: string,
  job: string | undefined,
  opts: LogsOptions,
): Promise<number> {
  const stream = streamOf(opts.stream);
  const index = job === undefined ? undefined : wholeNumber('JOB', job, 0);
  if (index === undefined && (opts.follow === true || stream !== undefined)) {
    throw new UsageError('--follow and --stream need a JOB');
  }
  if (index !== undefined && opts.launch === true) {
    throw new UsageError('--launch takes no JOB');
  }
  const run = (source: LogSource) =>
    index === undefined
      ? overview(io, source, opts.launch === true, opts.json === true)
      : opts.follow === true
        ? follow(io, source, index, stream ?? 'stdout')
        : jobLogs(io, source, index, stream, opts.json === true);
  return withTarget(
    io,
    opts,
    async (local) => {
      // A submission of another experiment is not found, as on the server.
      const submission = await local.store.submissions.get(id);
      if (submission.experiment !== local.experiment) {
        throw new UsageError(`submission ${id} is not in experiment ${local.experiment}`);
      }
      const logs = local.execution.jobLogs;
      return run({
        launchLog: async () => (await local.execution.launchLog(id)).text,
        sizes: () => logs.sizes(id),
        chunk: (i, s, offset) => logs.chunk(id, i, s, offset),
      });
    },
    (remote) => run(remoteSource(remote, id)),
  );
}

function remoteSource(remote: Remote, id: string): LogSource {
  const path = `${remote.base}/submissions/${seg(id)}`;
  return {
    launchLog: async () =>
      (await remote.client.call<{ text: string }>('GET', `${path}/launch-log`)).text,
    sizes: async () => (await remote.client.call<{ jobs: Sizes }>('GET', `${path}/logs`)).jobs,
    chunk: (index, stream, offset) =>
      remote.client.call<Chunk>('GET', `${path}/jobs/${index}/logs`, {
        query: { stream, offset },
      }),
  };
}

const bytes = (n: number | null) => (n === null ? 'not kept' : String(n));

async function overview(io: Io, source: LogSource, launchOnly: boolean, json: boolean) {
  const launch = await source.launchLog();
  const jobs = launchOnly ? undefined : await source.sizes();
  if (json) {
    printJson(io, { launch_log: launch, ...(jobs === undefined ? {} : { jobs }) });
    return EXIT_OK;
  }
  io.out(launch);
  if (jobs === undefined) return EXIT_OK;
  io.out('## Jobs (read one with `poms logs SUBMISSION JOB`)');
  io.out(
    table(
      ['JOB', 'STATE', 'EXIT', 'STDOUT BYTES', 'STDERR BYTES'],
      jobs.map((j) => [
        String(j.index),
        j.state,
        j.exit_code === null ? '' : String(j.exit_code),
        bytes(j.stdout_bytes),
        bytes(j.stderr_bytes),
      ]),
    ),
  );
  return EXIT_OK;
}

/** A whole stream, a chunk at a time (the server answers at most 1 MiB per call). */
async function whole(source: LogSource, index: number, stream: Stream): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for (let offset = 0; ;) {
    const chunk = await source.chunk(index, stream, offset);
    chunks.push(chunk);
    if (chunk.size === null || chunk.next_offset >= chunk.size || chunk.next_offset === offset) {
      return chunks;
    }
    offset = chunk.next_offset;
  }
}

async function jobLogs(
  io: Io,
  source: LogSource,
  index: number,
  only: Stream | undefined,
  json: boolean,
): Promise<number> {
  const streams: Stream[] = only === undefined ? ['stdout', 'stderr'] : [only];
  const texts: Partial<Record<Stream, string>> = {};
  let from = '';
  for (const stream of streams) {
    const chunks = await whole(source, index, stream);
    texts[stream] = chunks.map((c) => c.text).join('');
    from = chunks[0]?.source ?? from;
  }
  if (json) {
    printJson(io, { job: index, source: from, ...texts });
    return EXIT_OK;
  }
  for (const stream of streams) {
    if (only === undefined) io.out(`==> job ${index} ${stream} (${from}) <==`);
    const text = texts[stream] ?? '';
    if (text !== '') io.out(text);
  }
  return EXIT_OK;
}

/** Characters of an unfinished line `--follow` holds back, at most. */
const MAX_HELD_BACK = 64 * 1024;

/**
 * Prints what is new every second until the job has ended and everything is printed. Whole lines
 * only while the job runs: a line the job is still writing is held back until its end comes
 * (printing it in two pieces would break it in two, as every print ends a line).
 */
async function follow(io: Io, source: LogSource, index: number, stream: Stream): Promise<number> {
  let offset = 0;
  let partial = '';
  for (;;) {
    const chunk = await source.chunk(index, stream, offset);
    const text = partial + chunk.text;
    const caughtUp = chunk.size === null || chunk.next_offset >= chunk.size;
    if (chunk.final && caughtUp) {
      if (text !== '') io.out(text);
      return EXIT_OK;
    }
    // A log that never ends a line (a progress bar, binary) is still shown, in pieces.
    const whole = text.length > MAX_HELD_BACK ? text.length : text.lastIndexOf('\n') + 1;
    if (whole > 0) io.out(text.slice(0, whole));
    partial = text.slice(whole);
    const moved = chunk.next_offset !== offset;
    offset = chunk.next_offset;
    if (!moved || caughtUp) await new Promise((r) => setTimeout(r, followInterval()));
  }
}
