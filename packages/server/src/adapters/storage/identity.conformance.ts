/**
 * The identity side of the Store contract as tests: users, memberships, sessions and API tokens
 * (ports/identity.ts), the audit log, and both inside Store.transaction. Run on every store by
 * identity.sqlite.test.ts and identity.postgres.test.ts, with an injected clock and ids.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { UserId } from '@poms/core';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../ports/errors.ts';
import type { Store } from '../../ports/store.ts';
import { counterIds, manualClock, type OpenFreshStore } from './store.conformance.ts';

const EXP = 'exp';
const OTHER = 'other';
const HOUR = 3_600_000;

type Clock = ReturnType<typeof manualClock>;

interface Fixture {
  store: Store;
  clock: Clock;
  alice: UserId;
  bob: UserId;
  at: (ms?: number) => string;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fixture(open: OpenFreshStore): Promise<Fixture> {
  const clock = manualClock();
  const store = await open({ clock, ids: counterIds() });
  await store.experiments.create({ name: EXP, display_name: 'Exp' });
  await store.experiments.create({ name: OTHER, display_name: 'Other' });
  const alice = await store.identity.createUser({
    username: 'alice',
    displayName: 'Alice',
    email: 'alice@example.org',
    passwordHash: 'scrypt$x',
  });
  const bob = await store.identity.createUser({ username: 'bob', displayName: 'Bob' });
  return {
    store,
    clock,
    alice: alice.id,
    bob: bob.id,
    at: (ms = 0) => new Date(clock.now().getTime() + ms).toISOString(),
  };
}

export function describeIdentityConformance(name: string, open: OpenFreshStore): void {
  async function use(fn: (f: Fixture) => Promise<void>): Promise<void> {
    const f = await fixture(open);
    try {
      await fn(f);
    } finally {
      await f.store.close();
    }
  }

  describe(name, () => {
    describe('users', () => {
      it('creates, finds and lists users without their password hash', () =>
        use(async ({ store, alice }) => {
          const a = await store.identity.getUser('alice');
          assert.equal(a.id, alice);
          assert.match(a.id, /^usr_/);
          assert.equal(a.email, 'alice@example.org');
          assert.equal(a.has_password, true);
          assert.equal(a.is_root, false);
          assert.equal(a.active, true);
          assert.equal(a.must_change_password, false);
          assert.equal('password_hash' in a, false);
          assert.deepEqual(await store.identity.getUserById(alice), a);
          const b = await store.identity.getUser('bob');
          assert.equal(b.has_password, false);
          assert.equal(b.email, null);
          const page = await store.identity.listUsers({ limit: 1, offset: 1 });
          assert.equal(page.total, 2);
          assert.deepEqual(
            page.items.map((u) => u.username),
            ['bob'],
          );
        }));

      it('refuses a taken username and bad input', () =>
        use(async ({ store }) => {
          await assert.rejects(
            store.identity.createUser({ username: 'alice', displayName: 'Other' }),
            ConflictError,
          );
          for (const username of ['A', 'Alice', 'a', '1ab', 'al ice', 'é', 'a'.repeat(65)]) {
            await assert.rejects(
              store.identity.createUser({ username, displayName: 'X' }),
              InvalidArgumentError,
              username,
            );
          }
          await assert.rejects(
            store.identity.createUser({ username: 'carol', displayName: 'C', email: 'nope' }),
            InvalidArgumentError,
          );
          assert.equal((await store.identity.listUsers()).total, 2);
        }));

      it('answers not found for unknown users, whatever the key', () =>
        use(async ({ store }) => {
          for (const key of ['nobody', 'NUL\u0000', '']) {
            await assert.rejects(store.identity.getUser(key), NotFoundError);
            assert.equal(await store.identity.passwordHash(key), undefined);
          }
          await assert.rejects(
            store.identity.getUserById('usr_00000000000000000000000999' as UserId),
            NotFoundError,
          );
          await assert.rejects(store.identity.getUserById('x\u0000' as UserId), NotFoundError);
        }));

      it('sets password, active and root', () =>
        use(async ({ store, clock, alice, bob }) => {
          assert.equal(await store.identity.passwordHash('alice'), 'scrypt$x');
          assert.equal(await store.identity.passwordHash('bob'), undefined);
          clock.advance(1000);
          const changed = await store.identity.setPassword(bob, 'scrypt$y', true);
          assert.equal(changed.has_password, true);
          assert.equal(changed.must_change_password, true);
          assert.notEqual(changed.updated_at, changed.created_at);
          assert.equal(await store.identity.passwordHash('bob'), 'scrypt$y');
          assert.equal((await store.identity.setPassword(alice, null)).has_password, false);
          assert.equal(await store.identity.passwordHash('alice'), undefined);
          assert.equal((await store.identity.setActive(bob, false)).active, false);
          assert.equal((await store.identity.setRoot(bob, true)).is_root, true);
          assert.equal((await store.identity.getUser('bob')).is_root, true);
          await assert.rejects(
            store.identity.setActive('usr_00000000000000000000000999' as UserId, true),
            NotFoundError,
          );
        }));
    });

    describe('memberships', () => {
      it('grants, replaces and removes a role per experiment', () =>
        use(async ({ store, clock, alice, bob }) => {
          const m = await store.identity.setMembership({
            experiment: EXP,
            userId: alice,
            role: 'production',
            grantedBy: 'root',
          });
          assert.deepEqual(
            { e: m.experiment, u: m.username, r: m.role, g: m.granted_by },
            { e: EXP, u: 'alice', r: 'production', g: 'root' },
          );
          await store.identity.setMembership({
            experiment: OTHER,
            userId: alice,
            role: 'analysis',
            grantedBy: 'root',
          });
          await store.identity.setMembership({
            experiment: EXP,
            userId: bob,
            role: 'production-shifter',
            grantedBy: 'alice',
          });
          clock.advance(1000);
          const replaced = await store.identity.setMembership({
            experiment: EXP,
            userId: alice,
            role: 'superuser',
            grantedBy: 'bob',
          });
          assert.equal(replaced.role, 'superuser');
          assert.equal(replaced.created_at, m.created_at);
          assert.notEqual(replaced.updated_at, m.updated_at);
          assert.deepEqual(
            (await store.identity.memberships(alice)).map((x) => [x.experiment, x.role]),
            [
              [EXP, 'superuser'],
              [OTHER, 'analysis'],
            ],
          );
          assert.deepEqual(
            (await store.identity.members(EXP)).map((x) => [x.username, x.role]),
            [
              ['alice', 'superuser'],
              ['bob', 'production-shifter'],
            ],
          );
          assert.equal(await store.identity.removeMembership(EXP, alice), true);
          assert.equal(await store.identity.removeMembership(EXP, alice), false);
          assert.deepEqual(
            (await store.identity.members(EXP)).map((x) => x.username),
            ['bob'],
          );
        }));

      it('refuses unknown users, experiments and roles', () =>
        use(async ({ store, alice }) => {
          await assert.rejects(
            store.identity.setMembership({
              experiment: 'nope',
              userId: alice,
              role: 'analysis',
              grantedBy: 'root',
            }),
            NotFoundError,
          );
          await assert.rejects(
            store.identity.setMembership({
              experiment: EXP,
              userId: 'usr_00000000000000000000000999' as UserId,
              role: 'analysis',
              grantedBy: 'root',
            }),
            NotFoundError,
          );
          await assert.rejects(
            store.identity.setMembership({
              experiment: EXP,
              userId: alice,
              role: 'admin' as 'analysis',
              grantedBy: 'root',
            }),
            InvalidArgumentError,
          );
          assert.deepEqual(await store.identity.members(EXP), []);
        }));
    });

    describe('sessions', () => {
      it('finds a session by its hash until it expires at the clock', () =>
        use(async ({ store, clock, alice, at }) => {
          const s = await store.identity.createSession({
            userId: alice,
            tokenHash: hash('secret'),
            csrfHash: hash('csrf'),
            expiresAt: at(HOUR),
          });
          assert.match(s.id, /^ses_/);
          assert.equal(s.experiment, null);
          assert.equal(s.csrf_hash, hash('csrf'));
          assert.deepEqual(await store.identity.sessionByHash(hash('secret')), s);
          assert.equal(await store.identity.sessionByHash(hash('other')), undefined);
          assert.equal(await store.identity.sessionByHash('secret'), undefined);
          clock.advance(HOUR - 1);
          assert.ok(await store.identity.sessionByHash(hash('secret')));
          assert.equal(await store.identity.touch(s.id, at(HOUR)), true);
          clock.advance(HOUR - 1);
          const touched = await store.identity.sessionByHash(hash('secret'));
          assert.equal(
            touched?.last_seen_at,
            new Date(clock.now().getTime() - HOUR + 1).toISOString(),
          );
          clock.advance(1);
          assert.equal(await store.identity.sessionByHash(hash('secret')), undefined);
          assert.equal(await store.identity.touch(s.id), false);
          assert.equal(await store.identity.purgeExpiredSessions(), 1);
        }));

      it('refuses anything but a SHA-256 hex where a hash belongs', () =>
        use(async ({ store, alice, at }) => {
          for (const tokenHash of ['poms_secret', hash('x').toUpperCase(), '']) {
            await assert.rejects(
              store.identity.createSession({
                userId: alice,
                tokenHash,
                csrfHash: hash('c'),
                expiresAt: at(HOUR),
              }),
              InvalidArgumentError,
            );
          }
          const first = {
            userId: alice,
            tokenHash: hash('same'),
            csrfHash: hash('c'),
            expiresAt: at(HOUR),
          };
          await store.identity.createSession(first);
          await assert.rejects(store.identity.createSession(first), ConflictError);
        }));

      it('acts as an experiment and role; ends one or all sessions of a user', () =>
        use(async ({ store, alice, bob, at }) => {
          const mk = (secret: string, userId: UserId) =>
            store.identity.createSession({
              userId,
              tokenHash: hash(secret),
              csrfHash: hash(`${secret}-csrf`),
              expiresAt: at(HOUR),
            });
          const a1 = await mk('a1', alice);
          await mk('a2', alice);
          const b1 = await mk('b1', bob);
          assert.equal(
            await store.identity.setActing(a1.id, { experiment: EXP, role: 'production' }),
            true,
          );
          const acting = await store.identity.sessionByHash(hash('a1'));
          assert.deepEqual([acting?.experiment, acting?.role], [EXP, 'production']);
          await assert.rejects(
            store.identity.setActing(a1.id, { experiment: 'nope', role: 'analysis' }),
            NotFoundError,
          );
          assert.equal(await store.identity.setActing(a1.id, null), true);
          assert.equal((await store.identity.sessionByHash(hash('a1')))?.role, null);
          assert.equal(await store.identity.deleteSession(b1.id), true);
          assert.equal(await store.identity.deleteSession(b1.id), false);
          assert.equal(await store.identity.deleteUserSessions(alice), 2);
          assert.equal(await store.identity.sessionByHash(hash('a2')), undefined);
        }));
    });

    describe('api tokens', () => {
      it('keeps scopes and experiment; finds by hash; never lists the hash', () =>
        use(async ({ store, clock, alice, at }) => {
          const t = await store.identity.createToken({
            userId: alice,
            name: 'ci',
            tokenHash: hash('tok'),
            scopes: ['read', 'launch', 'read'],
            experiment: EXP,
            expiresAt: at(24 * HOUR),
          });
          assert.match(t.id, /^tok_/);
          assert.deepEqual(t.scopes, ['read', 'launch']);
          assert.equal(t.experiment, EXP);
          assert.deepEqual(await store.identity.tokenByHash(hash('tok')), t);
          clock.advance(1000);
          await store.identity.tokenUsed(t.id);
          const listed = await store.identity.listTokens(alice);
          assert.equal(listed.length, 1);
          assert.equal(listed[0]?.last_used_at, at());
          assert.equal(JSON.stringify(listed).includes(hash('tok')), false);
          clock.advance(24 * HOUR);
          assert.equal(await store.identity.tokenByHash(hash('tok')), undefined);
        }));

      it('revokes only the owner’s token, once', () =>
        use(async ({ store, alice, bob }) => {
          const t = await store.identity.createToken({
            userId: alice,
            name: 'forever',
            tokenHash: hash('forever'),
            scopes: [],
          });
          assert.equal(t.expires_at, null);
          assert.equal(t.experiment, null);
          assert.equal(await store.identity.revokeToken(t.id, bob), false);
          assert.ok(await store.identity.tokenByHash(hash('forever')));
          assert.equal(await store.identity.revokeToken(t.id, alice), true);
          assert.equal(await store.identity.revokeToken(t.id, alice), false);
          assert.equal(await store.identity.tokenByHash(hash('forever')), undefined);
          assert.notEqual((await store.identity.listTokens(alice))[0]?.revoked_at, null);
        }));

      it('refuses bad scopes, unknown experiments and raw secrets', () =>
        use(async ({ store, alice }) => {
          const base = { userId: alice, name: 'x', tokenHash: hash('x'), scopes: ['read'] };
          await assert.rejects(
            store.identity.createToken({ ...base, scopes: ['Read Me'] }),
            InvalidArgumentError,
          );
          await assert.rejects(
            store.identity.createToken({ ...base, tokenHash: 'poms_abc' }),
            InvalidArgumentError,
          );
          await assert.rejects(
            store.identity.createToken({ ...base, experiment: 'nope' }),
            NotFoundError,
          );
          assert.deepEqual(await store.identity.listTokens(alice), []);
        }));
    });

    describe('audit log', () => {
      it('records entries and lists them newest first with filters and a total', () =>
        use(async ({ store, clock, at }) => {
          const t0 = at();
          const first = await store.audit.record({
            actor: 'alice',
            actingRole: 'production',
            experiment: EXP,
            action: 'campaign.save',
            objectType: 'campaign',
            objectId: 'cmp_1',
            summary: 'saved revision 2',
            before: { revision: 1 },
            after: { revision: 2, text: 'ü🚀' },
            requestId: 'req-1',
          });
          assert.match(first.id, /^aud_/);
          assert.equal(first.at, t0);
          clock.advance(1000);
          await store.audit.record({
            actor: 'bob',
            experiment: OTHER,
            action: 'membership.set',
            objectType: 'user',
            objectId: 'usr_2',
            summary: 'bob is analysis',
          });
          clock.advance(1000);
          await store.audit.record({
            actor: 'alice',
            action: 'user.create',
            objectType: 'user',
            objectId: 'usr_3',
            summary: 'created carol',
          });
          const all = await store.audit.list();
          assert.equal(all.total, 3);
          assert.deepEqual(
            all.items.map((e) => e.action),
            ['user.create', 'membership.set', 'campaign.save'],
          );
          const saved = all.items[2];
          assert.deepEqual(saved, first);
          assert.deepEqual(saved?.after, { revision: 2, text: 'ü🚀' });
          assert.equal(all.items[0]?.before, null);
          assert.equal(all.items[0]?.experiment, null);

          const page = await store.audit.list({ actor: 'alice', limit: 1 });
          assert.equal(page.total, 2);
          assert.equal(page.items[0]?.action, 'user.create');
          assert.equal((await store.audit.list({ experiment: EXP })).total, 1);
          assert.equal((await store.audit.list({ objectType: 'user' })).total, 2);
          assert.equal(
            (await store.audit.list({ objectType: 'user', objectId: 'usr_2' })).items[0]?.actor,
            'bob',
          );
          assert.equal((await store.audit.list({ action: 'campaign.save' })).total, 1);
          assert.equal((await store.audit.list({ since: at(-1000) })).total, 2);
          assert.equal((await store.audit.list({ until: at(-1000) })).total, 1);
          assert.equal((await store.audit.list({ actor: 'x\u0000' })).total, 0);
          await assert.rejects(store.audit.list({ since: 'yesterday' }), InvalidArgumentError);
          await assert.rejects(store.audit.list({ limit: 0 }), InvalidArgumentError);
        }));

      it('commits with the change it describes inside a transaction, or not at all', () =>
        use(async ({ store, bob }) => {
          await store.transaction(async (tx) => {
            await tx.identity.setRoot(bob, true);
            await tx.audit.record({
              actor: 'alice',
              action: 'user.root',
              objectType: 'user',
              objectId: bob,
              summary: 'bob is root',
            });
          });
          await assert.rejects(
            store.transaction(async (tx) => {
              await tx.identity.setActive(bob, false);
              await tx.audit.record({
                actor: 'alice',
                action: 'user.deactivate',
                objectType: 'user',
                objectId: bob,
                summary: 'bob is off',
              });
              throw new Error('rolled back');
            }),
            /rolled back/,
          );
          const bobNow = await store.identity.getUserById(bob);
          assert.deepEqual([bobNow.is_root, bobNow.active], [true, true]);
          assert.deepEqual(
            (await store.audit.list()).items.map((e) => e.action),
            ['user.root'],
          );
        }));

      it('nests transactions as savepoints: a failure inside undoes only its own writes', () =>
        use(async ({ store }) => {
          await store.transaction(async (tx) => {
            assert.equal(tx.inTransaction, true);
            await tx.experiments.create({ name: 'kept', display_name: 'Kept' });
            // A failed statement inside (a duplicate name) must leave the outer one usable: on
            // PostgreSQL it would otherwise abort the whole transaction.
            await assert.rejects(
              tx.transaction((inner) =>
                inner.experiments.create({ name: 'kept', display_name: 'Again' }),
              ),
              ConflictError,
            );
            await assert.rejects(
              tx.transaction(async (inner) => {
                await inner.experiments.create({ name: 'undone', display_name: 'Undone' });
                throw new Error('inner failure');
              }),
              /inner failure/,
            );
            await tx.audit.record({
              actor: 'alice',
              action: 'experiment.create',
              objectType: 'experiment',
              objectId: 'kept',
              summary: 'kept',
            });
          });
          const names = (await store.experiments.list()).map((e) => e.name);
          assert.ok(names.includes('kept'));
          assert.ok(!names.includes('undone'));
          assert.equal((await store.audit.list({ action: 'experiment.create' })).total, 1);
        }));
    });
  });
}
