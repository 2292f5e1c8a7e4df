import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseTokenExpiry, TokenCache, UNKNOWN_EXPIRY_TRUST_MS } from './token-cache.ts';

it("reads Rucio's expiry header as UTC", () => {
  assert.equal(
    parseTokenExpiry('Tue, 05 Mar 2024 13:00:00 UTC'),
    Date.parse('2024-03-05T13:00:00Z'),
  );
  assert.equal(parseTokenExpiry('soon'), undefined);
  assert.equal(parseTokenExpiry(null), undefined);
});

it('trusts a token without expiry for a while, and forgets only the refused token', async () => {
  let clock = 0;
  let issued = 0;
  const cache = new TokenCache(
    () => Promise.resolve({ token: `t${++issued}`, expiresAt: undefined }),
    () => clock,
  );
  assert.equal(await cache.get(), 't1');
  clock = UNKNOWN_EXPIRY_TRUST_MS - 1;
  assert.equal(await cache.get(), 't1');
  clock = UNKNOWN_EXPIRY_TRUST_MS;
  assert.equal(await cache.get(), 't2');
  cache.invalidate('t1');
  assert.equal(await cache.get(), 't2');
  cache.invalidate('t2');
  assert.equal(await cache.get(), 't3');
});

it('lets a failed login be tried again', async () => {
  let calls = 0;
  const cache = new TokenCache(() => {
    calls += 1;
    return calls === 1
      ? Promise.reject(new Error('down'))
      : Promise.resolve({ token: 'ok', expiresAt: undefined });
  }, Date.now);
  await assert.rejects(cache.get(), /down/);
  assert.equal(await cache.get(), 'ok');
});
