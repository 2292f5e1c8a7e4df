// The Rucio token for a username/password identity: asked for lazily, reused until shortly before
// it expires (Rucio answers an expiry with it), and forgotten when the server refuses it. Requests
// made while a token is being fetched share that one fetch, so a burst costs one login.

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds; undefined when the server gave no readable expiry. */
  expiresAt: number | undefined;
}

/** Renew this long before the stated expiry, so a token never expires on its way to the server. */
export const RENEW_BEFORE_MS = 60_000;
/** How long to trust a token that came without a readable expiry (Rucio's default lifetime is 1 h). */
export const UNKNOWN_EXPIRY_TRUST_MS = 10 * 60_000;

export class TokenCache {
  private current: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  async get(): Promise<string> {
    if (this.current !== undefined && this.now() < this.current.renewAt) return this.current.token;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` (the server refused it); a newer token fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async fetch(): Promise<string> {
    const asked = this.now();
    const issued = await this.issue();
    const renewAt =
      issued.expiresAt === undefined
        ? asked + UNKNOWN_EXPIRY_TRUST_MS
        : issued.expiresAt - RENEW_BEFORE_MS;
    this.current = { token: issued.token, renewAt };
    return issued.token;
  }
}

/**
 * Rucio's `X-Rucio-Auth-Token-Expires` header: an RFC 1123-style UTC date
 * (`Tue, 05 Mar 2024 12:00:00 UTC`). Answers epoch milliseconds, or undefined if unreadable.
 */
export function parseTokenExpiry(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const epoch = Date.parse(header.trim().replace(/\s+UTC$/, ' GMT'));
  return Number.isNaN(epoch) ? undefined : epoch;
}
