import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import type { Store } from '../../ports/store.ts';
import { counterIds, manualClock } from '../../adapters/storage/store.conformance.ts';
import { openSqliteStore } from '../../adapters/storage/sqlite.ts';
import { AuthService } from './auth-service.ts';
import { AuthError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import { LoginRateLimiter } from './rate-limiter.ts';
import { sha256Hex } from './secrets.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PASSWORD = 'correct horse battery';

function code(expected: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.code, expected);
    return true;
  };
}

interface World {
  store: Store;
  clock: ReturnType<typeof manualClock>;
  auth: AuthService;
}

async function world(file = ':memory:'): Promise<World> {
  const clock = manualClock();
  const store = await openSqliteStore({ file, clock, ids: counterIds() });
  // A generous limiter: these tests fail logins on purpose.
  const limiter = new LoginRateLimiter({ clock, maxFailures: 100 });
  return { store, clock, auth: new AuthService({ store, clock, limiter }) };
}

describe('AuthService', () => {
  let w: World;
  before(async () => {
    w = await world();
    const { user, oneTimePassword } = (await w.auth.bootstrapAdmin({ password: PASSWORD })) ?? {};
    assert.equal(user?.username, 'admin');
    assert.equal(oneTimePassword, undefined);
    const hash = await hashPassword(PASSWORD);
    await w.store.identity.createUser({
      username: 'alice',
      displayName: 'Alice',
      passwordHash: hash,
    });
    const off = await w.store.identity.createUser({
      username: 'gone',
      displayName: 'Gone',
      passwordHash: hash,
    });
    await w.store.identity.setActive(off.id, false);
    await w.store.identity.createUser({ username: 'sso', displayName: 'SSO only' });
  });
  after(() => w.store.close());

  describe('bootstrapAdmin', () => {
    it('creates a root admin with a one-time password once, then does nothing', async () => {
      const { store, auth } = await world();
      try {
        const first = await auth.bootstrapAdmin();
        assert.ok(first);
        assert.equal(first.user.username, 'admin');
        assert.equal(first.user.is_root, true);
        assert.equal(first.user.must_change_password, true);
        assert.ok(first.oneTimePassword && first.oneTimePassword.length >= 12);
        const opened = await auth.login('admin', first.oneTimePassword);
        assert.equal(opened.user.must_change_password, true);
        assert.equal(await auth.bootstrapAdmin(), undefined);
        assert.equal(
          await auth.bootstrapAdmin({ username: 'other', password: PASSWORD }),
          undefined,
        );
        assert.equal((await store.identity.listUsers()).total, 1);
        const audit = await store.audit.list();
        assert.deepEqual(
          audit.items.map((e) => e.action),
          ['user.bootstrap'],
        );
        // The one-time password is nowhere in the audit entry.
        assert.equal(JSON.stringify(audit).includes(first.oneTimePassword), false);
      } finally {
        await store.close();
      }
    });

    it('refuses a weak given password', async () => {
      const { store, auth } = await world();
      try {
        await assert.rejects(
          auth.bootstrapAdmin({ password: 'short' }),
          code('auth.weak-password'),
        );
        assert.equal((await store.identity.listUsers()).total, 0);
      } finally {
        await store.close();
      }
    });
  });

  describe('login', () => {
    it('opens a session whose secret and CSRF token are returned, not stored', async () => {
      const opened = await w.auth.login('alice', PASSWORD, { address: '10.0.0.1' });
      assert.match(opened.secret, /^poms_/);
      assert.match(opened.csrf, /^poms_/);
      assert.notEqual(opened.secret, opened.csrf);
      assert.equal(opened.user.username, 'alice');
      assert.match(opened.session.id, /^ses_/);
      assert.equal(JSON.stringify(opened.session).includes(opened.secret), false);
      assert.equal(opened.session.csrf_hash, sha256Hex(opened.csrf));
      const found = await w.store.identity.sessionByHash(sha256Hex(opened.secret));
      assert.equal(found?.id, opened.session.id);
      const authed = await w.auth.authenticateSession(opened.secret);
      assert.equal(authed?.user.username, 'alice');
      assert.equal(w.auth.checkCsrf(opened.session, opened.csrf), true);
      assert.equal(w.auth.checkCsrf(opened.session, opened.secret), false);
      // Usernames are lowercase; what people type is folded.
      assert.ok(await w.auth.login(' Alice ', PASSWORD));
    });

    it('gives the same error for every kind of failure', async () => {
      const failures: [string, string][] = [
        ['nobody', PASSWORD],
        ['alice', 'wrong password!'],
        ['gone', PASSWORD],
        ['sso', PASSWORD],
        ['sso', ''],
        ['', PASSWORD],
        ['NUL\u0000', PASSWORD],
      ];
      const messages = new Set<string>();
      for (const [user, password] of failures) {
        await assert.rejects(w.auth.login(user, password), (err: unknown) => {
          code('auth.invalid-credentials')(err);
          messages.add((err as Error).message);
          return true;
        });
      }
      assert.equal(messages.size, 1);
    });

    it('rate-limits after 5 failures with retry-after, and recovers after the window', async () => {
      const { store, clock } = w;
      const auth = new AuthService({ store, clock });
      for (let i = 0; i < 5; i++) {
        await assert.rejects(
          auth.login('alice', 'wrong password!'),
          code('auth.invalid-credentials'),
        );
      }
      await assert.rejects(auth.login('alice', PASSWORD), (err: unknown) => {
        code('auth.rate-limited')(err);
        assert.equal((err as AuthError).retryAfterSeconds, 15 * 60);
        return true;
      });
      clock.advance(15 * 60_000);
      assert.ok(await auth.login('alice', PASSWORD));
    });
  });

  describe('sessions', () => {
    it('expire at the clock after idling, slide while used, end at logout', async () => {
      const { store, clock } = w;
      const auth = new AuthService({ store, clock, sessionIdleMs: HOUR, sessionMaxMs: 3 * HOUR });
      const opened = await auth.login('alice', PASSWORD);
      clock.advance(HOUR - 1);
      const used = await auth.authenticateSession(opened.secret);
      assert.ok(used);
      clock.advance(HOUR - 1); // idle limit counted from the last use
      assert.ok(await auth.authenticateSession(opened.secret));
      clock.advance(HOUR - 1);
      assert.ok(await auth.authenticateSession(opened.secret));
      // Never past the maximum age, however busy.
      clock.advance(3);
      assert.equal(await auth.authenticateSession(opened.secret), undefined);

      const idle = await auth.login('alice', PASSWORD);
      clock.advance(HOUR);
      assert.equal(await auth.authenticateSession(idle.secret), undefined);

      const other = await auth.login('alice', PASSWORD);
      assert.equal(await auth.logout(other.secret), true);
      assert.equal(await auth.logout(other.secret), false);
      assert.equal(await auth.authenticateSession(other.secret), undefined);
      assert.equal(await auth.authenticateSession('poms_not-a-session'), undefined);
    });

    it('stop working when the user is deactivated', async () => {
      const { store, clock } = await world();
      const auth = new AuthService({ store, clock });
      try {
        const u = await store.identity.createUser({
          username: 'carol',
          displayName: 'Carol',
          passwordHash: await hashPassword(PASSWORD),
        });
        const opened = await auth.login('carol', PASSWORD);
        await store.identity.setActive(u.id, false);
        assert.equal(await auth.authenticateSession(opened.secret), undefined);
      } finally {
        await store.close();
      }
    });

    it('changing the password keeps the current session and ends the others', async () => {
      const { store, clock } = await world();
      const auth = new AuthService({ store, clock });
      try {
        const boot = await auth.bootstrapAdmin();
        assert.ok(boot?.oneTimePassword);
        const here = await auth.login('admin', boot.oneTimePassword);
        const there = await auth.login('admin', boot.oneTimePassword);
        await assert.rejects(
          auth.changePassword(here.user, 'not the password', PASSWORD, here.session),
          code('auth.invalid-credentials'),
        );
        await assert.rejects(
          auth.changePassword(here.user, boot.oneTimePassword, 'short', here.session),
          code('auth.weak-password'),
        );
        const changed = await auth.changePassword(
          here.user,
          boot.oneTimePassword,
          PASSWORD,
          here.session,
        );
        assert.equal(changed.must_change_password, false);
        assert.ok(await auth.authenticateSession(here.secret));
        assert.equal(await auth.authenticateSession(there.secret), undefined);
        await assert.rejects(
          auth.login('admin', boot.oneTimePassword),
          code('auth.invalid-credentials'),
        );
        assert.ok(await auth.login('admin', PASSWORD));
      } finally {
        await store.close();
      }
    });
  });

  describe('api tokens', () => {
    it('keep scope and experiment, store only the hash, expire and can be revoked', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'poms-auth-'));
      const file = join(dir, 'store.db');
      const { store, clock, auth } = await world(file);
      try {
        await store.identity.createUser({ username: 'alice', displayName: 'Alice' });
        await store.identity.createUser({ username: 'admin', displayName: 'Admin' });
        await store.experiments.create({ name: 'dune', display_name: 'DUNE' });
        const alice = await store.identity.getUser('alice');
        const created = await auth.createApiToken(alice, {
          name: 'ci',
          scopes: ['read', 'launch'],
          experiment: 'dune',
          expiresInDays: 30,
        });
        assert.match(created.secret, /^poms_/);
        assert.match(created.token.id, /^tok_/);
        assert.deepEqual(created.token.scopes, ['read', 'launch']);
        assert.equal(created.token.experiment, 'dune');
        assert.equal(
          created.token.expires_at,
          new Date(clock.now().getTime() + 30 * DAY).toISOString(),
        );

        // The database row holds the hash and not the secret.
        const rows = rawTokenRows(file);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.token_hash, sha256Hex(created.secret));
        assert.equal(JSON.stringify(rows).includes(created.secret), false);
        assert.equal(JSON.stringify(rows).includes(created.secret.slice(5)), false);

        const authed = await auth.authenticateToken(created.secret);
        assert.equal(authed?.user.username, 'alice');
        assert.deepEqual(authed?.token.scopes, ['read', 'launch']);
        assert.equal(await auth.authenticateToken(`${created.secret}x`), undefined);
        const listed = await store.identity.listTokens(alice.id);
        assert.equal(listed[0]?.last_used_at, clock.now().toISOString());

        clock.advance(30 * DAY);
        assert.equal(await auth.authenticateToken(created.secret), undefined);

        const forever = await auth.createApiToken(alice, { name: 'forever', scopes: ['read'] });
        assert.equal(forever.token.expires_at, null);
        assert.ok(await auth.authenticateToken(forever.secret));
        const admin = await store.identity.getUser('admin');
        assert.equal(await auth.revokeToken(admin, forever.token.id), false);
        assert.equal(await auth.revokeToken(alice, forever.token.id), true);
        assert.equal(await auth.authenticateToken(forever.secret), undefined);
      } finally {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuse a bad expiry', async () => {
      const alice = await w.store.identity.getUser('alice');
      for (const expiresInDays of [0, -1, 1.5, 4000]) {
        await assert.rejects(
          w.auth.createApiToken(alice, { name: 'x', scopes: [], expiresInDays }),
          /expiresInDays/,
        );
      }
    });
  });
});

/** Every column of a store's token rows, read past the repository (which never returns hashes). */
function rawTokenRows(file: string): Record<string, unknown>[] {
  const raw = new SqliteDatabase(file, { readonly: true });
  try {
    return raw.prepare('select * from api_tokens').all() as Record<string, unknown>[];
  } finally {
    raw.close();
  }
}
