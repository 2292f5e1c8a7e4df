// One request to Rucio's REST API: base URL, account and token headers, a timeout covering the
// whole exchange, one re-login when the server refuses a token, and every failure turned into a
// RucioError whose text carries no secret.
import { RucioError, readErrorAnswer, redact } from './errors.ts';
import { DEFAULT_TIMEOUT_MS, type RucioClientOptions } from './options.ts';
import { baseUrl } from './paths.ts';
import { parseTokenExpiry, TokenCache, type IssuedToken } from './token-cache.ts';

export type RucioAccept = 'application/json' | 'application/x-json-stream';

export interface RucioCall {
  operation: string;
  subject?: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  accept: RucioAccept;
}

export interface RucioAnswer {
  status: number;
  text: string;
  headers: Headers;
}

interface Exchange {
  operation: string;
  subject?: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class RucioHttp {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  private readonly tokens: TokenCache | undefined;

  constructor(private readonly options: RucioClientOptions) {
    this.base = baseUrl(options.url);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.secrets =
      options.auth.kind === 'userpass' ? [options.auth.password] : [options.auth.token];
    this.tokens =
      options.auth.kind === 'userpass'
        ? new TokenCache(() => this.login(), options.now ?? Date.now)
        : undefined;
  }

  /** Sends `call`; answers a 2xx answer, throws RucioError for anything else. */
  async call(call: RucioCall): Promise<RucioAnswer> {
    let token = await this.token();
    let answer = await this.exchange(this.request(call, token));
    if (answer.status === 401 && this.tokens !== undefined) {
      // Tokens end early (server restart, revocation): log in again, once.
      this.tokens.invalidate(token);
      token = await this.token();
      answer = await this.exchange(this.request(call, token));
    }
    if (answer.status < 200 || answer.status > 299) throw this.failure(call, answer);
    return answer;
  }

  private async token(): Promise<string> {
    if (this.tokens !== undefined) return this.tokens.get();
    if (this.options.auth.kind === 'token') return this.options.auth.token;
    throw new Error('unreachable: userpass always has a token cache');
  }

  private request(call: RucioCall, token: string): Exchange {
    const headers: Record<string, string> = {
      ...this.identity(),
      'X-Rucio-Auth-Token': token,
      Accept: call.accept,
    };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    return {
      operation: call.operation,
      ...(call.subject === undefined ? {} : { subject: call.subject }),
      method: call.method,
      path: call.path,
      headers,
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    };
  }

  private identity(): Record<string, string> {
    const headers: Record<string, string> = { 'X-Rucio-Account': this.options.account };
    if (this.options.vo !== undefined) headers['X-Rucio-VO'] = this.options.vo;
    return headers;
  }

  /** `GET /auth/userpass`: the token is in a response header, with its expiry beside it. */
  private async login(): Promise<IssuedToken> {
    if (this.options.auth.kind !== 'userpass') throw new Error('login needs a username/password');
    const call: Exchange = {
      operation: 'authenticate',
      subject: `account ${this.options.account}`,
      method: 'GET',
      path: '/auth/userpass',
      headers: {
        ...this.identity(),
        'X-Rucio-Username': this.options.auth.username,
        'X-Rucio-Password': this.options.auth.password,
        Accept: 'application/octet-stream',
      },
    };
    const answer = await this.exchange(call);
    if (answer.status !== 200) throw this.failure(call, answer);
    const token = answer.headers.get('X-Rucio-Auth-Token');
    if (token === null || token === '') {
      throw new RucioError({
        ...about(call),
        status: answer.status,
        retryable: false,
        detail: 'the answer carried no X-Rucio-Auth-Token header',
      });
    }
    return { token, expiresAt: parseTokenExpiry(answer.headers.get('X-Rucio-Auth-Token-Expires')) };
  }

  private async exchange(call: Exchange): Promise<RucioAnswer> {
    try {
      const response = await this.fetch(this.base + call.path, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, text, headers: response.headers };
    } catch (error) {
      throw new RucioError({
        ...about(call),
        retryable: true,
        detail: this.clean(noAnswer(error, this.timeoutMs)),
      });
    }
  }

  private failure(call: Pick<Exchange, 'operation' | 'subject'>, answer: RucioAnswer): RucioError {
    const { exceptionClass, message } = readErrorAnswer(answer.text, answer.headers);
    const detail = [`HTTP ${answer.status}`, exceptionClass, message].filter(Boolean).join(': ');
    return new RucioError({
      ...about(call),
      status: answer.status,
      ...(exceptionClass === undefined ? {} : { exceptionClass }),
      retryable: answer.status >= 500,
      detail: this.clean(detail),
    });
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }
}

function about(call: Pick<Exchange, 'operation' | 'subject'>): {
  operation: string;
  subject?: string;
} {
  return call.subject === undefined
    ? { operation: call.operation }
    : { operation: call.operation, subject: call.subject };
}

/** Why no answer came: a timeout, or the network's own words (with the cause's code when given). */
function noAnswer(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  const causeText =
    cause instanceof Error
      ? `${'code' in cause && typeof cause.code === 'string' ? `${cause.code} ` : ''}${cause.message}`
      : '';
  return `network failure: ${message}${causeText ? ` (${causeText})` : ''}`;
}
