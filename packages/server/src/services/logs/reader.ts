// Reading a job's logs: the kept copy first (it outlives the engine's), else the engine while the
// job runs or before the keeper got to it. The ids come from the store (the callers looked the
// submission up), and KeptLogs refuses any name that is not one plain path segment.
import { Buffer } from 'node:buffer';
import type { BatchEngine, Engine, JobLogs } from '@poms/core';
import { NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import type { JobRecord, SubmissionRecord } from '../../ports/submissions.ts';
import { capLog, DEFAULT_CAP_BYTES } from './cap.ts';
import { renderLaunchLog } from './launch-log.ts';
import type { KeptLogs } from './log-files.ts';
import { STREAMS, type JobLogRef, type LogStream } from './log-files.ts';

/** Where an answer came from: the kept copy, the engine, or nowhere yet (never submitted). */
export type LogSource = 'kept' | 'engine' | 'none';

export interface SourcedLogs extends JobLogs {
  source: LogSource;
}

/** A piece of one stream from a byte offset: what `poms logs --follow` polls for. */
export interface LogChunk {
  stream: LogStream;
  offset: number;
  /** Where the next poll starts. */
  next_offset: number;
  /** The stream's whole size in bytes, when known (not for an engine's cut log). */
  size: number | null;
  text: string;
  source: LogSource;
  /** The job has ended: nothing more will come once next_offset reaches size. */
  final: boolean;
}

export interface JobLogSizes {
  index: number;
  state: JobRecord['state'];
  exit_code: number | null;
  /** Bytes of the kept copies; null when the job's logs are not kept (yet). */
  stdout_bytes: number | null;
  stderr_bytes: number | null;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);
const DEFAULT_TAIL_BYTES = 64 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface JobLogReaderOptions {
  store: Store;
  engines: Partial<Record<Engine, BatchEngine>>;
  kept: KeptLogs | undefined;
  /** What the engine is asked for when the log is not kept; default 8 MiB. */
  capBytes?: number;
  now?: () => Date;
}

export class JobLogReader {
  constructor(private readonly options: JobLogReaderOptions) {}

  private async job(submissionId: string, index: number) {
    const submission = await this.options.store.submissions.get(submissionId);
    const job = (await this.options.store.submissions.jobs(submissionId)).find(
      (j) => j.index === index,
    );
    if (job === undefined) throw new NotFoundError('job', `${submissionId}:${index}`);
    const ref: JobLogRef = {
      experiment: submission.experiment,
      submissionId: submission.id,
      index,
    };
    return { submission, job, ref };
  }

  private async fromEngine(
    submission: SubmissionRecord,
    job: JobRecord,
    maxBytes: number | undefined,
  ): Promise<SourcedLogs> {
    const engine = this.options.engines[submission.engine];
    if (job.engine_id === null || engine === undefined) {
      return { stdout: '', stderr: '', truncated: false, source: 'none' };
    }
    return { ...(await engine.logs(job.engine_id, maxBytes)), source: 'engine' };
  }

  /** The end of both streams (64 KiB each by default). */
  async logs(submissionId: string, index: number, maxBytes?: number): Promise<SourcedLogs> {
    const { submission, job, ref } = await this.job(submissionId, index);
    const kept = this.options.kept;
    if (kept !== undefined && (await kept.has(ref))) {
      const max = maxBytes ?? DEFAULT_TAIL_BYTES;
      const out = await kept.tail(ref, 'stdout', max);
      const err = await kept.tail(ref, 'stderr', max);
      if (out !== undefined && err !== undefined) {
        return {
          stdout: out.text,
          stderr: err.text,
          truncated: out.truncated || err.truncated,
          source: 'kept',
        };
      }
    }
    return this.fromEngine(submission, job, maxBytes);
  }

  /** Up to `maxBytes` of one stream from `offset`, ending on a whole character. */
  async chunk(
    submissionId: string,
    index: number,
    stream: LogStream,
    offset: number,
    maxBytes = DEFAULT_CHUNK_BYTES,
  ): Promise<LogChunk> {
    const { submission, job, ref } = await this.job(submissionId, index);
    const final = FINAL.has(job.state);
    const kept = this.options.kept;
    const read =
      kept !== undefined && (await kept.has(ref))
        ? await kept.read(ref, stream, offset, maxBytes)
        : undefined;
    if (read !== undefined) {
      const bytes = wholeCharacters(read.bytes, offset + read.bytes.length < read.size);
      const from = Math.min(offset, read.size);
      return {
        stream,
        offset: from,
        next_offset: from + bytes.length,
        size: read.size,
        text: bytes.toString('utf8'),
        source: 'kept',
        final,
      };
    }
    const cap = this.options.capBytes ?? DEFAULT_CAP_BYTES;
    const logs = await this.fromEngine(submission, job, cap);
    const all = Buffer.from(logs[stream], 'utf8');
    if (logs.truncated) {
      // Past the cap the engine gives only the end, without its size: shown once, from the start.
      const text = offset === 0 ? capLog(logs[stream], cap, true).toString('utf8') : '';
      return {
        stream,
        offset,
        next_offset: offset === 0 ? all.length : offset,
        size: null,
        text,
        source: logs.source,
        final,
      };
    }
    const from = Math.min(offset, all.length);
    const part = all.subarray(from, from + maxBytes);
    const bytes = wholeCharacters(part, from + part.length < all.length);
    return {
      stream,
      offset: from,
      next_offset: from + bytes.length,
      size: all.length,
      text: bytes.toString('utf8'),
      source: logs.source,
      final,
    };
  }

  /** The whole stream as kept (or as much as the engine gives): for downloads. */
  async download(
    submissionId: string,
    index: number,
    stream: LogStream,
  ): Promise<{ bytes: Buffer; source: LogSource; filename: string }> {
    const { submission, job, ref } = await this.job(submissionId, index);
    const filename = `${submission.id}_job${index}.${stream}.txt`;
    const kept = this.options.kept;
    const read =
      kept !== undefined && (await kept.has(ref)) ? await kept.read(ref, stream, 0) : undefined;
    if (read !== undefined) return { bytes: read.bytes, source: 'kept', filename };
    const cap = this.options.capBytes ?? DEFAULT_CAP_BYTES;
    const logs = await this.fromEngine(submission, job, cap);
    return { bytes: capLog(logs[stream], cap, logs.truncated), source: logs.source, filename };
  }

  /** Every job of the submission with the sizes of its kept logs. */
  async sizes(submissionId: string): Promise<JobLogSizes[]> {
    const submission = await this.options.store.submissions.get(submissionId);
    const jobs = await this.options.store.submissions.jobs(submissionId);
    const kept = this.options.kept;
    const out: JobLogSizes[] = [];
    for (const j of jobs) {
      const ref = { experiment: submission.experiment, submissionId, index: j.index };
      const [stdout, stderr] =
        kept === undefined
          ? [undefined, undefined]
          : await Promise.all(STREAMS.map((s) => kept.size(ref, s)));
      const both = stdout !== undefined && stderr !== undefined;
      out.push({
        index: j.index,
        state: j.state,
        exit_code: j.exit_code,
        stdout_bytes: both ? stdout : null,
        stderr_bytes: both ? stderr : null,
      });
    }
    return out;
  }

  /** The kept launch log, else the same text rendered from the store now. */
  async launchLog(submissionId: string): Promise<{ text: string; kept: boolean }> {
    const { store, kept } = this.options;
    const submission = await store.submissions.get(submissionId);
    const text = await kept?.readLaunch(submission.experiment, submission.id);
    if (text !== undefined) return { text, kept: true };
    return {
      text: renderLaunchLog({
        submission,
        config: await store.submissions.config(submissionId),
        history: await store.submissions.history(submissionId),
        jobs: await store.submissions.jobs(submissionId),
        now: (this.options.now?.() ?? new Date()).toISOString(),
      }),
      kept: false,
    };
  }
}

/** `bytes` without an incomplete UTF-8 character at its end, when more follows it. */
function wholeCharacters(bytes: Buffer, moreFollows: boolean): Buffer {
  if (!moreFollows) return bytes;
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

/**
 * The end of a job's kept logs, from names already at hand: for readers of many jobs (triage),
 * which must not look each job up again. Reads only the last `maxBytes` of each stream;
 * undefined when the job's logs are not kept.
 */
export async function keptTail(
  kept: KeptLogs | undefined,
  ref: JobLogRef,
  maxBytes: number,
): Promise<SourcedLogs | undefined> {
  if (kept === undefined || !(await kept.has(ref))) return undefined;
  const out = await kept.tail(ref, 'stdout', maxBytes);
  const err = await kept.tail(ref, 'stderr', maxBytes);
  if (out === undefined || err === undefined) return undefined;
  return {
    stdout: out.text,
    stderr: err.text,
    truncated: out.truncated || err.truncated,
    source: 'kept',
  };
}
