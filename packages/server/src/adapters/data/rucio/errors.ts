// Rucio's failures, as one error class. Rucio answers an error with a JSON body
// `{"ExceptionClass": …, "ExceptionMessage": …}` (the same two values are also sent as headers), so
// callers decide on the class name, never on the message text. Secrets are cut out of every message
// here, once, because a server may echo a header back and a network error may quote a request.
import { z } from 'zod';

export interface RucioErrorDetails {
  /** The client operation that failed: `addReplicas`, `createDataset`, `authenticate`, … */
  operation: string;
  /** What it was done to, `scope:name` or `rule <id>`, for the message. */
  subject?: string;
  /** The HTTP status; absent when no answer came (network failure, timeout). */
  status?: number;
  /** Rucio's exception class name (`DataIdentifierAlreadyExists`, `DuplicateRule`, …). */
  exceptionClass?: string;
  /** Worth trying again later: no answer, a timeout, or a server-side (5xx) failure. */
  retryable: boolean;
  detail: string;
}

export class RucioError extends Error {
  override readonly name = 'RucioError';
  readonly operation: string;
  readonly status: number | undefined;
  readonly exceptionClass: string | undefined;
  readonly retryable: boolean;

  constructor(details: RucioErrorDetails) {
    const about = details.subject === undefined ? '' : ` of ${details.subject}`;
    super(`Rucio ${details.operation}${about} failed: ${details.detail}`);
    this.operation = details.operation;
    this.status = details.status;
    this.exceptionClass = details.exceptionClass;
    this.retryable = details.retryable;
  }
}

/**
 * The exception classes that mean "what you asked for is already there": success for operations
 * the port calls idempotent. DuplicateRule is resolved separately (the existing rule's id is needed).
 */
export const ALREADY_THERE = new Set([
  'DataIdentifierAlreadyExists',
  'Duplicate',
  'FileAlreadyExists',
  'DuplicateContent',
]);

export function isAlreadyThere(error: unknown): error is RucioError {
  return (
    error instanceof RucioError &&
    error.status === 409 &&
    error.exceptionClass !== undefined &&
    ALREADY_THERE.has(error.exceptionClass)
  );
}

const RucioErrorBody = z.object({
  ExceptionClass: z.string(),
  ExceptionMessage: z.string().nullish(),
});

/** Rucio's exception class and message from an error answer's body, or failing that its headers. */
export function readErrorAnswer(
  body: string,
  headers: Headers,
): { exceptionClass?: string; message?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fromBody = RucioErrorBody.safeParse(parsed);
  if (fromBody.success) {
    return {
      exceptionClass: fromBody.data.ExceptionClass,
      ...(fromBody.data.ExceptionMessage ? { message: fromBody.data.ExceptionMessage } : {}),
    };
  }
  const exceptionClass = headers.get('ExceptionClass') ?? undefined;
  const message = headers.get('ExceptionMessage') ?? undefined;
  return {
    ...(exceptionClass ? { exceptionClass } : {}),
    ...(message ? { message } : body.trim() ? { message: body.trim().slice(0, 300) } : {}),
  };
}

/** Replaces every secret in `text` by `[hidden]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[hidden]');
  }
  return out;
}
