// The one HTTP path of the metadata catalog adapters (MetaCat, SAM): a deadline on every call,
// one error class that says which operation on which file or dataset failed and whether trying
// again can help, and never the credential. Tokens travel in headers only; the server's answer is
// quoted in errors (a little of it) with any echo of the token cut out, because proxies and
// debug pages sometimes repeat request headers back.

export type FetchLike = typeof fetch;

export interface CatalogRequestErrorDetails {
  /** The catalog: 'metacat' or 'sam'. */
  catalog: string;
  /** The port operation: listFiles, countFiles, fileMetadata, declareFiles. */
  operation: string;
  /** The file, dataset or query the operation was about. */
  subject?: string;
  /** The HTTP status; null when no answer came (network failure, timeout) or none applies. */
  status: number | null;
  /** True for failures that may pass: no answer, a timeout, a 5xx. */
  retryable: boolean;
}

export class CatalogRequestError extends Error {
  readonly catalog: string;
  readonly operation: string;
  readonly subject: string | undefined;
  readonly status: number | null;
  readonly retryable: boolean;

  constructor(message: string, details: CatalogRequestErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogRequestError';
    this.catalog = details.catalog;
    this.operation = details.operation;
    this.subject = details.subject;
    this.status = details.status;
    this.retryable = details.retryable;
  }
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** What the error names when the call fails. */
  catalog: string;
  operation: string;
  subject?: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface HttpClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** The credential to keep out of every error message. */
  token?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** How much of a server's answer an error quotes: enough to see the reason, not a page. */
const QUOTED_CHARS = 300;

/** Sends a request and answers the status and body of any answer, 2xx or not. */
export async function send(call: HttpCall, options: HttpClientOptions): Promise<HttpAnswer> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const init: RequestInit = { method: call.method, signal: controller.signal };
    if (call.headers) init.headers = call.headers;
    if (call.body !== undefined) init.body = call.body;
    const response = await doFetch(call.url, init);
    const text = await response.text();
    return { status: response.status, text };
  } catch (cause) {
    const timedOut = controller.signal.aborted;
    const reason = timedOut
      ? `timed out after ${timeoutMs} ms`
      : `could not reach the server (${describe(cause)})`;
    throw new CatalogRequestError(
      redact(`${call.catalog} ${call.operation}${about(call.subject)}: ${reason}`, options.token),
      { ...details(call), status: null, retryable: true },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Like send, but any answer outside 2xx is an error. */
export async function sendOk(call: HttpCall, options: HttpClientOptions): Promise<HttpAnswer> {
  const answer = await send(call, options);
  if (answer.status < 200 || answer.status > 299) throw failed(call, answer, options.token);
  return answer;
}

/** The error for an answer the caller cannot use. */
export function failed(
  call: HttpCall,
  answer: HttpAnswer,
  token: string | undefined,
): CatalogRequestError {
  const quoted = answer.text.trim().slice(0, QUOTED_CHARS);
  const message = `${call.catalog} ${call.operation}${about(call.subject)}: HTTP ${answer.status}${
    quoted ? `: ${quoted}` : ''
  }`;
  return new CatalogRequestError(redact(message, token), {
    ...details(call),
    status: answer.status,
    retryable: answer.status >= 500,
  });
}

/** Parses a JSON body, failing with an error that names the operation rather than a SyntaxError. */
export function parseJson(call: HttpCall, answer: HttpAnswer, token: string | undefined): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    return invalidAnswer(call, 'the answer is not JSON', token);
  }
}

/** Throws the error for a 2xx answer whose content is not what the documented API returns. */
export function invalidAnswer(call: HttpCall, what: string, token: string | undefined): never {
  throw new CatalogRequestError(
    redact(`${call.catalog} ${call.operation}${about(call.subject)}: ${what}`, token),
    { ...details(call), status: null, retryable: false },
  );
}

export function redact(text: string, token: string | undefined): string {
  if (!token) return text;
  return text.split(token).join('[token]');
}

function details(call: HttpCall): Omit<CatalogRequestErrorDetails, 'status' | 'retryable'> {
  return { catalog: call.catalog, operation: call.operation, subject: call.subject };
}

function about(subject: string | undefined): string {
  return subject === undefined ? '' : ` (${subject})`;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${cause.message}: ${code}` : cause.message;
  }
  return String(cause);
}
