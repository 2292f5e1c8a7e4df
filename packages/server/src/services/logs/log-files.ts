// Where kept logs live: `<root>/<experiment>/<submission_id>/<index>.stdout|.stderr` and
// `launch.log`, root being `<dataDir>/logs`. Every path is built here from names checked to be one
// plain path segment, so no id (from a URL or anywhere else) can reach outside the root; files are
// written under a temporary name and renamed, so a reader never sees half a log.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STREAMS = ['stdout', 'stderr'] as const;
export type LogStream = (typeof STREAMS)[number];

/** A job whose logs are kept; the names are the store's. */
export interface JobLogRef {
  experiment: string;
  submissionId: string;
  index: number;
}

/** One path segment: letters, digits, `_ . -`, not starting with a dot. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class UnsafeLogNameError extends Error {
  readonly code = 'logs.unsafe-name';
  constructor(what: string, value: string) {
    super(`${what} '${value}' cannot name a log folder`);
  }
}

function segment(what: string, value: string): string {
  if (!SEGMENT.test(value) || value.includes('..')) throw new UnsafeLogNameError(what, value);
  return value;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export class KeptLogs {
  constructor(readonly root: string) {}

  submissionDir(experiment: string, submissionId: string): string {
    return join(this.root, segment('experiment', experiment), segment('submission', submissionId));
  }

  jobPath(ref: JobLogRef, stream: LogStream): string {
    if (!Number.isInteger(ref.index) || ref.index < 0) {
      throw new UnsafeLogNameError('job index', String(ref.index));
    }
    return join(this.submissionDir(ref.experiment, ref.submissionId), `${ref.index}.${stream}`);
  }

  launchPath(experiment: string, submissionId: string): string {
    return join(this.submissionDir(experiment, submissionId), 'launch.log');
  }

  /** Both streams of the job are kept. */
  async has(ref: JobLogRef): Promise<boolean> {
    for (const stream of STREAMS) {
      if ((await this.size(ref, stream)) === undefined) return false;
    }
    return true;
  }

  /** stderr first: a job counts as kept once its stdout is there too. */
  async writeJob(ref: JobLogRef, logs: Record<LogStream, Buffer>): Promise<void> {
    await this.writeAtomic(this.jobPath(ref, 'stderr'), logs.stderr);
    await this.writeAtomic(this.jobPath(ref, 'stdout'), logs.stdout);
  }

  async writeLaunch(experiment: string, submissionId: string, text: string): Promise<void> {
    await this.writeAtomic(this.launchPath(experiment, submissionId), Buffer.from(text, 'utf8'));
  }

  async readLaunch(experiment: string, submissionId: string): Promise<string | undefined> {
    try {
      return await readFile(this.launchPath(experiment, submissionId), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async size(ref: JobLogRef, stream: LogStream): Promise<number | undefined> {
    try {
      return (await stat(this.jobPath(ref, stream))).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** At most `maxBytes` from `offset` (all of it when maxBytes is absent); undefined: not kept. */
  async read(
    ref: JobLogRef,
    stream: LogStream,
    offset: number,
    maxBytes?: number,
  ): Promise<{ bytes: Buffer; size: number } | undefined> {
    let file;
    try {
      file = await open(this.jobPath(ref, stream), 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const size = (await file.stat()).size;
      const from = Math.min(offset, size);
      const length = Math.min(size - from, maxBytes ?? size);
      const bytes = Buffer.alloc(length);
      if (length > 0) await file.read(bytes, 0, length, from);
      return { bytes, size };
    } finally {
      await file.close();
    }
  }

  /** The last `maxBytes` of a kept stream; undefined: not kept. */
  async tail(
    ref: JobLogRef,
    stream: LogStream,
    maxBytes: number,
  ): Promise<{ text: string; truncated: boolean } | undefined> {
    const size = await this.size(ref, stream);
    if (size === undefined) return undefined;
    const from = Math.max(0, size - maxBytes);
    const read = await this.read(ref, stream, from, maxBytes);
    if (read === undefined) return undefined;
    return { text: read.bytes.toString('utf8'), truncated: from > 0 };
  }

  /** Every submission folder with its last change, for the retention sweep. */
  async submissions(): Promise<{ experiment: string; submissionId: string; changedMs: number }[]> {
    const found: { experiment: string; submissionId: string; changedMs: number }[] = [];
    for (const experiment of await listDirs(this.root)) {
      if (!SEGMENT.test(experiment)) continue;
      for (const submissionId of await listDirs(join(this.root, experiment))) {
        if (!SEGMENT.test(submissionId)) continue;
        const info = await stat(join(this.root, experiment, submissionId)).catch(() => undefined);
        if (info !== undefined) found.push({ experiment, submissionId, changedMs: info.mtimeMs });
      }
    }
    return found;
  }

  async remove(experiment: string, submissionId: string): Promise<void> {
    await rm(this.submissionDir(experiment, submissionId), { recursive: true, force: true });
  }

  private async writeAtomic(path: string, bytes: Buffer): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

async function listDirs(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
