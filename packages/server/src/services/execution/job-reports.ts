// What the job runtime (runtime/poms-job.mjs) talks to: each job asks for its spec (command,
// setup, input files with where to read them), reports each file consumed or failed, declares
// the outputs it found (into the catalog, with parents, checksum and replica), and says when it
// ends. Every call carries the submission's job token, which reaches only that submission.
import { resolve, sep } from 'node:path';
import { z } from 'zod';
import { DeclaredFile, FileName, type DeclaredFile as Declared } from '@poms/core';
import { ConflictError, NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import type { FileReport, FileReportResult, SubmissionRecord } from '../../ports/submissions.ts';
import { asConfig, type SubmissionConfig } from './config.ts';
import { CAMPAIGN_FIELD, STAGE_FIELD, SUBMISSION_FIELD } from './queries.ts';
import { tokenMatches } from './tokens.ts';

export class JobAuthError extends Error {
  readonly code = 'auth.job-token';
  constructor() {
    super('this token is not valid for this submission');
  }
}

export class JobRequestError extends Error {
  constructor(
    readonly code: 'job.unknown-index' | 'job.bad-report',
    message: string,
  ) {
    super(message);
  }
}

export const FileReports = z.strictObject({
  files: z
    .array(
      z.strictObject({
        name: FileName,
        state: z.enum(['consumed', 'failed', 'skipped']),
        reason: z.string().max(2000).optional(),
      }),
    )
    .max(100_000),
});

export const OutputDeclarations = z.strictObject({
  files: z
    .array(
      z.strictObject({
        name: FileName,
        size: z.int().min(0).optional(),
        checksum: z.string().min(1).max(200).optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
        parents: z.array(FileName).optional(),
        path: z.string().min(1).max(4096),
      }),
    )
    .max(100_000),
});

export const JobEnd = z.looseObject({ exit_code: z.int().optional() });

export interface JobSpec {
  submission_id: string;
  index: number;
  invoke: 'per_file' | 'once';
  command: string[];
  setup: string[];
  files: { name: string; path: string | null }[];
  output_patterns: string[];
  output_dir: string;
  location: string;
}

export interface JobReportServiceOptions {
  store: Store;
  /** Where outputs of an experiment are copied, and the catalog location they are declared at. */
  outputDir: (submission: SubmissionRecord) => string;
  location: string;
  /** Something changed that the executor should look at now. */
  wake: () => void;
}

/** Told of every file report applied: the files as reported and what the store made of them. */
export type FilesReportedListener = (
  submission: SubmissionRecord,
  files: readonly FileReport[],
  result: FileReportResult,
) => void;

/** What the job endpoints know of a submission; see JobReportService.known. */
interface KnownSubmission {
  record: SubmissionRecord;
  tokenHash: string;
  config?: SubmissionConfig;
  /** Date.now() when read from the store. */
  readAt: number;
}

/** How long a submission read for its jobs' calls is used before it is read again. */
const KNOWN_TTL_MS = 30_000;
/** Submissions kept known at once: far more than run at once on one server. */
const KNOWN_MAX = 2000;

export class JobReportService {
  private readonly filesListeners: FilesReportedListener[] = [];
  private readonly knownSubmissions = new Map<string, KnownSubmission>();

  constructor(private readonly options: JobReportServiceOptions) {}

  /** Metrics count files here, as jobs report them, rather than scanning the ledger. */
  onFilesReported(listener: FilesReportedListener): void {
    this.filesListeners.push(listener);
  }

  private get store(): Store {
    return this.options.store;
  }

  /** The submission when the token is its job token; the same error for every other case. */
  async authenticate(
    submissionId: string,
    index: number,
    token: string,
  ): Promise<SubmissionRecord> {
    let known: KnownSubmission;
    try {
      known = await this.known(submissionId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new JobAuthError();
      throw error;
    }
    const submission = known.record;
    if (!tokenMatches(token, known.tokenHash)) throw new JobAuthError();
    if (!Number.isInteger(index) || index < 0 || index >= submission.job_count) {
      throw new JobRequestError(
        'job.unknown-index',
        `submission ${submission.id} has ${submission.job_count} job(s); there is no job ${index}`,
      );
    }
    return submission;
  }

  /**
   * A submission as its jobs' calls need it, read from the store once per `KNOWN_TTL_MS`: every
   * job of a submission calls several times, and what these calls use — the id, experiment,
   * campaign, stage, job count, token hash and frozen config — never changes after the launch.
   */
  private async known(submissionId: string): Promise<KnownSubmission> {
    const now = Date.now();
    const cached = this.knownSubmissions.get(submissionId);
    if (cached !== undefined && now - cached.readAt < KNOWN_TTL_MS) return cached;
    const record = await this.store.submissions.get(submissionId);
    const tokenHash = await this.store.submissions.tokenHash(submissionId);
    const known: KnownSubmission = { record, tokenHash, readAt: now };
    this.knownSubmissions.delete(submissionId);
    this.knownSubmissions.set(submissionId, known);
    // Map order is insertion order: the first key is the one read longest ago.
    if (this.knownSubmissions.size > KNOWN_MAX) {
      const oldest = this.knownSubmissions.keys().next().value;
      if (oldest !== undefined) this.knownSubmissions.delete(oldest);
    }
    return known;
  }

  /** The submission's frozen config (written once at launch), read once while it is known. */
  private async configOf(submission: SubmissionRecord): Promise<SubmissionConfig> {
    const known = this.knownSubmissions.get(submission.id);
    if (known?.config !== undefined) return known.config;
    const config = asConfig(await this.store.submissions.config(submission.id));
    if (known !== undefined) known.config = config;
    return config;
  }

  async spec(submission: SubmissionRecord, index: number): Promise<JobSpec> {
    const config = await this.configOf(submission);
    const launch = config.launch;
    if (launch === null) {
      throw new JobRequestError('job.unknown-index', `${submission.id} runs no jobs`);
    }
    const files = await this.store.submissions.jobFiles(
      submission.id,
      index,
      this.options.location,
    );
    return {
      submission_id: submission.id,
      index,
      invoke: config.job_type?.invoke ?? 'per_file',
      command: launch.command,
      setup: launch.setup,
      files,
      output_patterns: config.job_type?.output_patterns ?? ['%'],
      output_dir: this.options.outputDir(submission),
      location: this.options.location,
    };
  }

  async reportFiles(submission: SubmissionRecord, index: number, body: unknown) {
    const parsed = FileReports.safeParse(body);
    if (!parsed.success) throw badReport(parsed.error);
    const result = await this.store.submissions.reportFiles(
      submission.id,
      index,
      parsed.data.files,
    );
    for (const listener of this.filesListeners) {
      try {
        listener(submission, parsed.data.files, result);
      } catch {
        // Counting must never fail a job's report (the files are recorded already).
      }
    }
    if (result.unknown.length > 0) {
      throw new JobRequestError(
        'job.bad-report',
        `files: not given to job ${index} of ${submission.id}: ${result.unknown.slice(0, 5).join(', ')}${result.unknown.length > 5 ? ', …' : ''}`,
      );
    }
    return result;
  }

  async declareOutputs(submission: SubmissionRecord, index: number, body: unknown) {
    const parsed = OutputDeclarations.safeParse(body);
    if (!parsed.success) throw badReport(parsed.error);
    const config = await this.configOf(submission);
    // A job registers replicas only inside its own output folder: never a path elsewhere on the
    // server's disk, which later jobs would then be handed as input.
    const outputDir = resolve(this.options.outputDir(submission)) + sep;
    for (const [i, f] of parsed.data.files.entries()) {
      if (!resolve(f.path).startsWith(outputDir) || resolve(f.path) !== f.path) {
        throw new JobRequestError(
          'job.bad-report',
          `files.${i}.path: outputs are copied into ${outputDir} (the spec's output_dir), not ${f.path}`,
        );
      }
    }
    const files: Declared[] = parsed.data.files.map((f) =>
      DeclaredFile.parse({
        name: f.name,
        ...(f.size === undefined ? {} : { size: f.size }),
        ...(f.checksum === undefined ? {} : { checksum: f.checksum }),
        metadata: {
          ...scalarMetadata(f.metadata ?? {}),
          ...(config.stage.software_version === undefined
            ? {}
            : { software_version: config.stage.software_version }),
          [SUBMISSION_FIELD]: submission.id,
          [STAGE_FIELD]: submission.stage,
          [CAMPAIGN_FIELD]: submission.campaign,
          'poms.job_index': index,
        },
        ...(f.parents === undefined || f.parents.length === 0 ? {} : { parents: f.parents }),
        replicas: [{ location: this.options.location, path: f.path }],
      }),
    );
    // Outputs that must land elsewhere count as located once they are there (OutputPublisher).
    const { output_location: target, output_dataset: dataset } = config.stage;
    const here = target === undefined || target === this.options.location;
    const result = await this.store.transaction(async (tx) => {
      const declared = await tx.catalog.declareFiles(submission.experiment, files);
      if (dataset !== undefined) {
        try {
          await tx.transaction(async (inner) => {
            await inner.catalog.createOpenDataset(submission.experiment, dataset, {
              description: `outputs of ${submission.campaign}/${submission.stage}`,
            });
            await inner.catalog.addToDataset(
              submission.experiment,
              dataset,
              files.map((f) => f.name),
            );
          });
        } catch (error) {
          // Someone closed the dataset (or made a query dataset of that name): the outputs are
          // still declared and counted; only the dataset no longer takes them.
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      await tx.submissions.recordOutputs(
        submission.id,
        index,
        files.map((f) => ({ name: f.name, located: here })),
      );
      return declared;
    });
    this.options.wake();
    return result;
  }

  end(): void {
    this.options.wake();
  }
}

/** The catalog keeps text, numbers and booleans; anything else is kept as JSON text. */
function scalarMetadata(
  metadata: Record<string, unknown>,
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length === 0 || key.length > 100 || key.startsWith('poms.')) continue;
    out[key] =
      value === null || ['string', 'number', 'boolean'].includes(typeof value)
        ? (value as string | number | boolean | null)
        : JSON.stringify(value);
  }
  return out;
}

function badReport(error: z.ZodError): JobRequestError {
  const issue = error.issues[0];
  return new JobRequestError(
    'job.bad-report',
    `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  );
}
