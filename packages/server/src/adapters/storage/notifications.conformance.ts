/**
 * The notification side of the Store contract (ports/notifications.ts) as tests: settings, the
 * outbox's idempotent rows and claims, digests' held rows, and cursors over the history. Run on
 * every store by notifications.sqlite.test.ts and notifications.postgres.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NotificationEvent } from '../../ports/notifications.ts';
import { counterIds, manualClock, type OpenFreshStore } from './store.conformance.ts';

const EVENT: NotificationEvent = {
  key: 'stage_located:sub_1',
  kind: 'stage_located',
  experiment: 'exp',
  campaign_id: 'cmp_1',
  campaign: 'c',
  stage: 's',
  submission_id: 'sub_1',
  at: '2030-01-02T03:04:05.006Z',
  summary: 'c/s: sub_1 is Located',
};

export function describeNotificationConformance(name: string, open: OpenFreshStore): void {
  describe(name, () => {
    it('keeps settings, patching only the fields given', async () => {
      const store = await open({ clock: manualClock(), ids: counterIds() });
      try {
        assert.equal(await store.notifications.settings('carol'), undefined);
        await store.notifications.saveSettings('carol', {
          webhookUrl: 'https://example.org/hook',
          webhookSecret: 'a-secret-of-16-chars',
          failureThreshold: 0.25,
        });
        const saved = await store.notifications.saveSettings('carol', { digest: 'daily' });
        assert.equal(saved.webhook_url, 'https://example.org/hook');
        assert.equal(saved.webhook_secret, 'a-secret-of-16-chars');
        assert.equal(saved.failure_threshold, 0.25);
        assert.equal(saved.digest, 'daily');
        assert.equal(saved.email_enabled, true);
        assert.deepEqual(await store.notifications.settings('carol'), saved);
        const cleared = await store.notifications.saveSettings('carol', { webhookSecret: null });
        assert.equal(cleared.webhook_secret, null);
      } finally {
        await store.close();
      }
    });

    it('adds an outbox row once, lets one claim win, and keeps held rows for the digest', async () => {
      const clock = manualClock();
      const store = await open({ clock, ids: counterIds() });
      try {
        const row = { id: 'ntf_a', username: 'carol', channel: 'email', event: EVENT } as const;
        assert.deepEqual(await store.notifications.enqueue([{ ...row, state: 'pending' }]), [
          'ntf_a',
        ]);
        assert.deepEqual(await store.notifications.enqueue([{ ...row, state: 'pending' }]), []);
        const [due] = await store.notifications.due(clock.now().toISOString(), 10);
        assert.ok(due);
        assert.deepEqual(due.event, EVENT);
        const lease = new Date(clock.now().getTime() + 60_000).toISOString();
        assert.equal(await store.notifications.claim('ntf_a', due.next_at, lease), true);
        assert.equal(await store.notifications.claim('ntf_a', due.next_at, lease), false);
        assert.deepEqual(await store.notifications.due(clock.now().toISOString(), 10), []);
        await store.notifications.markSent('ntf_a');
        const [sent] = await store.notifications.outbox({ username: 'carol' });
        assert.equal(sent?.state, 'sent');
        assert.equal(sent?.attempts, 1);

        await store.notifications.enqueue([
          { ...row, id: 'ntf_b', channel: 'digest', state: 'held' },
        ]);
        assert.deepEqual(await store.notifications.heldBefore(clock.now().toISOString(), 10), []);
        clock.advance(1);
        const held = await store.notifications.heldBefore(clock.now().toISOString(), 10);
        assert.deepEqual(
          held.map((h) => h.id),
          ['ntf_b'],
        );
        await store.notifications.markDigested(['ntf_b']);
        assert.deepEqual(await store.notifications.heldBefore(clock.now().toISOString(), 10), []);
      } finally {
        await store.close();
      }
    });

    it('keeps named cursors', async () => {
      const store = await open({ clock: manualClock(), ids: counterIds() });
      try {
        assert.equal(await store.notifications.cursor('history'), undefined);
        await store.notifications.setCursor('history', '{"a":1}');
        await store.notifications.setCursor('history', '{"a":2}');
        assert.equal(await store.notifications.cursor('history'), '{"a":2}');
        assert.deepEqual(await store.notifications.historyAfter(null, '9999', 10), []);
        assert.deepEqual(await store.notifications.campaignState('cmp_none'), {
          open: 0,
          last_status_at: null,
        });
      } finally {
        await store.close();
      }
    });
  });
}
