// The settings form sends only what changed, removes the webhook with an empty URL, sends a
// secret only when one was typed, and refuses a threshold that is not a percentage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NotificationSettings } from '../../api/types.ts';
import { formOf, settingsChange } from './settings-change.ts';

const saved: NotificationSettings = {
  email: true,
  email_address: 'ana@example.org',
  webhook_url: 'https://hooks.example.org/poms',
  webhook_secret_set: true,
  webhook_secret_hint: 'c0de',
  digest: 'immediate',
  failure_threshold_pct: 10,
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('notification settings form', () => {
  it('sends nothing when nothing changed, and never the secret it does not know', () => {
    assert.deepEqual(settingsChange(saved, formOf(saved)), {});
    assert.equal(formOf(saved).newSecret, '');
  });

  it('sends the changed fields only', () => {
    const form = { ...formOf(saved), digest: 'daily' as const, threshold: '2.5%' };
    assert.deepEqual(settingsChange(saved, form), { digest: 'daily', failure_threshold_pct: 2.5 });
    assert.deepEqual(settingsChange(saved, { ...formOf(saved), email: false }), { email: false });
  });

  it('an empty URL removes the webhook; a typed secret is sent', () => {
    assert.deepEqual(settingsChange(saved, { ...formOf(saved), webhookUrl: '  ' }), {
      webhook_url: null,
    });
    const none = { ...saved, webhook_url: null };
    assert.deepEqual(
      settingsChange(none, {
        ...formOf(none),
        webhookUrl: ' https://h.example.org/x ',
        newSecret: 'a-secret-of-16-chars',
      }),
      { webhook_url: 'https://h.example.org/x', webhook_secret: 'a-secret-of-16-chars' },
    );
  });

  it('refuses a threshold that is not a percentage', () => {
    for (const threshold of ['', 'ten', '-1', '101']) {
      assert.throws(() => settingsChange(saved, { ...formOf(saved), threshold }), /0 to 100/);
    }
  });
});
