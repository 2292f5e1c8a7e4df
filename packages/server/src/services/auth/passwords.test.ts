import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { looksLikeSecret, matchesHash, newSecret, sha256Hex } from './secrets.ts';

describe('passwords', () => {
  it('round-trips and refuses wrong passwords', async () => {
    const encoded = await hashPassword('correct horse battery');
    assert.match(encoded, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    assert.equal(await verifyPassword('correct horse battery', encoded), true);
    assert.equal(await verifyPassword('correct horse batterY', encoded), false);
    assert.equal(await verifyPassword('', encoded), false);
    // A fresh salt each time.
    assert.notEqual(await hashPassword('correct horse battery'), encoded);
  });

  it('refuses passwords shorter than 12 characters with auth.weak-password', async () => {
    await assert.rejects(hashPassword('short-pass1'), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, 'auth.weak-password');
      return true;
    });
    assert.ok(await hashPassword('twelve-chars'));
  });

  it('matches nothing against a malformed or tampered hash', async () => {
    for (const bad of [
      '',
      'scrypt$',
      'plain',
      'scrypt$1048577$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5',
    ]) {
      assert.equal(await verifyPassword('correct horse battery', bad), false);
    }
  });
});

describe('secrets', () => {
  it('makes prefixed random secrets and hashes them', () => {
    const a = newSecret();
    assert.match(a, /^poms_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newSecret(), a);
    assert.equal(looksLikeSecret(a), true);
    assert.equal(looksLikeSecret('poms_short'), false);
    assert.equal(
      sha256Hex('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(matchesHash(a, sha256Hex(a)), true);
    assert.equal(matchesHash(a, sha256Hex('other')), false);
    assert.equal(matchesHash(a, 'nothex'), false);
  });
});
