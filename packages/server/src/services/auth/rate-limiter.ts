/**
 * Slows password guessing: after `maxFailures` failed logins within `windowMs` for one username,
 * or from one client address, further attempts for it are refused until the oldest failure leaves
 * the window. In memory, per process: good enough for one server; restarting forgets.
 */
import type { Clock } from '@poms/core';
import { AuthError } from './errors.ts';

export interface LoginRateLimiterOptions {
  readonly clock: Clock;
  /** Default 5. */
  readonly maxFailures?: number | undefined;
  /** Default 15 minutes. */
  readonly windowMs?: number | undefined;
  /** Keys remembered at most (oldest forgotten first), so a flood cannot exhaust memory. */
  readonly maxKeys?: number | undefined;
}

export interface LoginAttempt {
  readonly username: string;
  /** The client's address; absent when unknown (only the username is then limited). */
  readonly address?: string | undefined;
}

export class LoginRateLimiter {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  /** Failure times (ms) per key, oldest first. Map order = least recently failed first. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginRateLimiterOptions) {
    this.#clock = options.clock;
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  #keys(attempt: LoginAttempt): string[] {
    const keys = [`user:${attempt.username}`];
    if (attempt.address !== undefined) keys.push(`addr:${attempt.address}`);
    return keys;
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }

  /** @throws AuthError auth.rate-limited (with retryAfterSeconds) while locked out. */
  check(attempt: LoginAttempt): void {
    const now = this.#clock.now().getTime();
    let until = 0;
    for (const key of this.#keys(attempt)) {
      const times = this.#recent(key, now);
      if (times.length >= this.#max) {
        // Allowed again once enough failures have left the window.
        const freeing = times[times.length - this.#max] ?? now;
        until = Math.max(until, freeing + this.#windowMs);
      }
    }
    if (until > now) {
      const seconds = Math.max(1, Math.ceil((until - now) / 1000));
      throw new AuthError(
        'auth.rate-limited',
        `too many failed logins; try again in ${seconds} s`,
        seconds,
      );
    }
  }

  failed(attempt: LoginAttempt): void {
    const now = this.#clock.now().getTime();
    for (const key of this.#keys(attempt)) {
      const times = this.#recent(key, now);
      times.push(now);
      this.#failures.delete(key); // re-insert: most recent last
      this.#failures.set(key, times.slice(-this.#max));
    }
    while (this.#failures.size > this.#maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest === undefined) break;
      this.#failures.delete(oldest);
    }
  }

  /** A successful login clears its username's failures (not its address's). */
  succeeded(attempt: LoginAttempt): void {
    this.#failures.delete(`user:${attempt.username}`);
  }
}
