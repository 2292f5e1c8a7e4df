import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../../adapters/storage/store.conformance.ts';
import { AuthError } from './errors.ts';
import { LoginRateLimiter } from './rate-limiter.ts';

const MINUTE = 60_000;

function limitedFor(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof AuthError);
    assert.equal(err.code, 'auth.rate-limited');
    return err.retryAfterSeconds;
  }
}

describe('login rate limiter', () => {
  it('locks a username out after 5 failures in 15 minutes and lets it in after the window', () => {
    const clock = manualClock();
    const limiter = new LoginRateLimiter({ clock });
    const alice = { username: 'alice', address: '10.0.0.1' };
    for (let i = 0; i < 5; i++) {
      assert.equal(
        limitedFor(() => limiter.check(alice)),
        undefined,
      );
      limiter.failed(alice);
      clock.advance(MINUTE);
    }
    // First failure at t0, now t0+5 min: free again at t0+15 min.
    assert.equal(
      limitedFor(() => limiter.check(alice)),
      10 * 60,
    );
    // From another address too: the username is locked.
    assert.ok(limitedFor(() => limiter.check({ username: 'alice', address: '10.9.9.9' })));
    clock.advance(10 * MINUTE - 1000);
    assert.equal(
      limitedFor(() => limiter.check(alice)),
      1,
    );
    clock.advance(1000);
    assert.equal(
      limitedFor(() => limiter.check(alice)),
      undefined,
    );
    // One failure fell out of the window; one more locks again.
    limiter.failed(alice);
    assert.ok(limitedFor(() => limiter.check(alice)));
  });

  it('locks an address out whatever usernames it tries', () => {
    const clock = manualClock();
    const limiter = new LoginRateLimiter({ clock });
    for (let i = 0; i < 5; i++) limiter.failed({ username: `user${i}`, address: '10.0.0.2' });
    assert.ok(limitedFor(() => limiter.check({ username: 'fresh', address: '10.0.0.2' })));
    assert.equal(
      limitedFor(() => limiter.check({ username: 'fresh', address: '10.0.0.3' })),
      undefined,
    );
    clock.advance(15 * MINUTE);
    assert.equal(
      limitedFor(() => limiter.check({ username: 'fresh', address: '10.0.0.2' })),
      undefined,
    );
  });

  it('forgets a username’s failures after a successful login', () => {
    const limiter = new LoginRateLimiter({ clock: manualClock() });
    const bob = { username: 'bob' };
    for (let i = 0; i < 4; i++) limiter.failed(bob);
    limiter.succeeded(bob);
    for (let i = 0; i < 4; i++) limiter.failed(bob);
    assert.equal(
      limitedFor(() => limiter.check(bob)),
      undefined,
    );
  });
});
