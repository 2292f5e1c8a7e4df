// Job ClassAds as condor_q -json and condor_history -json print them (and jobsub_q / jobsub_history,
// which run those tools per schedd). Parsed here, once, at the edge.
import { z } from 'zod';

/** The attributes every poll asks for (`-attributes`), so the schedd sends nothing else. */
export const POLL_ATTRIBUTES = [
  'ClusterId',
  'ProcId',
  'JobStatus',
  'ExitCode',
  'ExitBySignal',
  'ExitSignal',
  'HoldReason',
  'HoldReasonCode',
  'RemoveReason',
  'RemoteWallClockTime',
  'RemoteUserCpu',
  'RemoteSysCpu',
  'ResidentSetSize',
  'LastRemoteHost',
  'RemoteHost',
  'JobStartDate',
  'JobCurrentStartDate',
  'CompletionDate',
  'EnteredCurrentStatus',
  'PomsWallLimit',
] as const;

/** What a lookup of a submission's cluster asks for. */
export const LOOKUP_ATTRIBUTES = ['ClusterId', 'ProcId', 'GlobalJobId'] as const;

/** Where a job's output went (absolute paths on the submit host), for logs(). */
export const OUTPUT_ATTRIBUTES = ['ClusterId', 'ProcId', 'Out', 'Err'] as const;

// HTCondor's JSON prints an unevaluated expression as a string ("\/Expr(…)\/"): such a value is
// not a figure, so numeric attributes accept only numbers and ignore anything else.
const figure = z.number().optional().catch(undefined);
const text = z.string().optional().catch(undefined);

export const JobAd = z.object({
  ClusterId: z.number().int().nonnegative(),
  ProcId: z.number().int().nonnegative(),
  JobStatus: figure,
  ExitCode: figure,
  ExitBySignal: z.boolean().optional().catch(undefined),
  ExitSignal: figure,
  HoldReason: text,
  HoldReasonCode: figure,
  RemoveReason: text,
  RemoteWallClockTime: figure,
  RemoteUserCpu: figure,
  RemoteSysCpu: figure,
  ResidentSetSize: figure,
  LastRemoteHost: text,
  RemoteHost: text,
  JobStartDate: figure,
  JobCurrentStartDate: figure,
  CompletionDate: figure,
  EnteredCurrentStatus: figure,
  PomsWallLimit: figure,
  GlobalJobId: text,
  Out: text,
  Err: text,
});
export type JobAd = z.infer<typeof JobAd>;

export class AdParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdParseError';
  }
}

/**
 * The job ads of -json output. condor_q prints nothing at all (not `[]`) when no job matches;
 * jobsub_q / jobsub_history print one array per schedd they ask, possibly among lines of their
 * own (token messages), so every top-level array — a line `[` to a line `]` — is read.
 */
export function parseJobAds(output: string): JobAd[] {
  const ads: JobAd[] = [];
  const lines = output.split('\n');
  let start = -1;
  lines.forEach((line, i) => {
    const trimmed = line.trimEnd();
    if (start < 0 && trimmed === '[') start = i;
    else if (start >= 0 && trimmed === ']') {
      const chunk = lines.slice(start, i + 1).join('\n');
      start = -1;
      let value: unknown;
      try {
        value = JSON.parse(chunk);
      } catch (error) {
        throw new AdParseError(`job ads that are not JSON: ${(error as Error).message}`);
      }
      const parsed = z.array(JobAd).safeParse(value);
      if (!parsed.success) {
        throw new AdParseError(`job ads of an unexpected shape: ${parsed.error.message}`);
      }
      ads.push(...parsed.data);
    }
  });
  if (start >= 0) throw new AdParseError('job ads cut short: a JSON array never closed');
  return ads;
}

/** `1234.5`: how HTCondor names one job. */
export function procKey(ad: { ClusterId: number; ProcId: number }): string {
  return `${ad.ClusterId}.${ad.ProcId}`;
}
