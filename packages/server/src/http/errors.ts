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

/** SQLSTATEs of a lost or refused database connection: class 08, and the server shutting down. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Socket errors on the way to the database. */
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** node-postgres says these without a code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * The store cannot be reached for now (its database restarts, crashed or refuses connections):
 * no fault of the caller, nor a bug of ours, so a 503 that clients — the job runtime above all —
 * retry, rather than a 500 that the runtime takes as final and fails the job for.
 */
export function storeUnavailable(error: unknown): ErrorBody | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  const lost =
    UNAVAILABLE_SQLSTATE.test(code) ||
    UNAVAILABLE_SOCKET.has(code) ||
    UNAVAILABLE_MESSAGE.test(error.message);
  if (!lost) return undefined;
  return {
    error: {
      code: 'store.unavailable',
      message: 'the database cannot be reached for now; retry in a few seconds',
    },
  };
}
