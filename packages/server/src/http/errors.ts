// Our typed errors as HTTP answers: one body everywhere, {"error": {code, message, field?,
// details?}}, 4xx when the caller is at fault (which status says how), 5xx only for our faults.
// The code decides the status, so a new error of a known family needs no change here.

/** Codes whose status is not their family's. */
const STATUS_BY_CODE: Record<string, number> = {
  'store.not-found': 404,
  'store.conflict': 409,
  'store.stale-revision': 409,
  'store.invalid-argument': 400,
  'launch.unknown-stage': 404,
  'launch.inactive': 409,
  'submission.bad-state': 409,
  'split.changed': 409,
  'split.in-use': 409,
  'auth.required': 401,
  'auth.invalid-credentials': 401,
  'auth.job-token': 401,
  'auth.invalid-token': 401,
  'auth.forbidden': 403,
  'auth.not-found': 404,
  'auth.rate-limited': 429,
  'auth.csrf': 403,
  'job.unknown-index': 404,
};

/** The status of a family of codes (`campaign.*`, `launch.*`, …) when the code is not listed. */
const STATUS_BY_FAMILY: Record<string, number> = {
  http: 400,
  campaign: 400,
  launch: 400,
  schedule: 400,
  query: 400,
  split: 400,
  job: 400,
  auth: 400,
  store: 400,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: unknown };
}

const CODE = /^[a-z]+\.[a-z-]+$/;

/** Our error as an answer; undefined for anything else (an unexpected error: 500). */
export function knownError(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') {
    return undefined;
  }
  const code = error.code;
  if (!CODE.test(code)) return undefined;
  const family = code.slice(0, code.indexOf('.'));
  const status = STATUS_BY_CODE[code] ?? STATUS_BY_FAMILY[family];
  if (status === undefined) return undefined;
  const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined;
  const details =
    'details' in error
      ? error.details
      : 'diagnostics' in error
        ? error.diagnostics
        : 'problems' in error && Array.isArray(error.problems) && error.problems.length > 0
          ? error.problems
          : undefined;
  return {
    status,
    body: {
      error: {
        code,
        message: error.message,
        ...(field === undefined ? {} : { field }),
        ...(details === undefined ? {} : { details }),
      },
    },
  };
}
