// How the Rucio adapter is configured: the server, the account acted as, and how to prove it.

export type RucioAuth =
  /** Rucio's own username/password identity: the client logs in and renews its token itself. */
  | { kind: 'userpass'; username: string; password: string }
  /**
   * A token obtained elsewhere (a Rucio token, or an OIDC access token Rucio accepts), sent as is.
   * It cannot be renewed here: when the server refuses it, calls fail until it is replaced.
   */
  | { kind: 'token'; token: string };

export interface RucioClientOptions {
  /** The Rucio server, e.g. `https://rucio.example.org` (a path prefix is kept). */
  url: string;
  /** The Rucio account acted as (`X-Rucio-Account`), also the owner of the rules made. */
  account: string;
  auth: RucioAuth;
  /** The virtual organisation, for multi-VO servers (`X-Rucio-VO`). */
  vo?: string;
  /** Injected for tests; global fetch by default. */
  fetch?: typeof fetch;
  /** Per request, including reading the answer. */
  timeoutMs?: number;
  /** Epoch milliseconds, for token expiry; Date.now by default. */
  now?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
