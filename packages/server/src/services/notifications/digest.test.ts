// Daily digests with an injected clock: held rows wait for midnight UTC, then go out as one
// e-mail listing them, once.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openSqliteStore } from '../../adapters/storage/sqlite.ts';
import { counterIds, manualClock } from '../../adapters/storage/store.conformance.ts';
import type { NotificationEvent } from '../../ports/notifications.ts';
import type { Mailer } from './email.ts';
import { Notifier } from './notifier.ts';

function event(n: number): NotificationEvent {
  return {
    key: `stage_located:sub_${n}`,
    kind: 'stage_located',
    experiment: 'exp',
    campaign_id: 'cmp_1',
    campaign: 'c',
    stage: 's',
    submission_id: `sub_${n}`,
    at: '2030-01-02T10:00:00.000Z',
    summary: `c/s: sub_${n} is Located`,
  };
}

it('sends one digest e-mail a day listing the held events', async () => {
  const clock = manualClock(Date.UTC(2030, 0, 2, 10, 0, 0));
  const store = await openSqliteStore({ file: ':memory:', clock, ids: counterIds() });
  const sent: { to: string; subject: string; text: string }[] = [];
  const mailer: Mailer = {
    send: (m) => {
      sent.push(m);
      return Promise.resolve();
    },
    close: () => undefined,
  };
  try {
    await store.identity.createUser({
      username: 'dan',
      displayName: 'Dan',
      email: 'dan@example.org',
    });
    await store.notifications.saveSettings('dan', { digest: 'daily' });
    await store.notifications.enqueue(
      [1, 2].map((n) => ({
        id: `ntf_${n}`,
        username: 'dan',
        channel: 'digest' as const,
        event: event(n),
        state: 'held' as const,
      })),
    );
    const notifier = new Notifier({
      store,
      now: () => clock.now(),
      mailer,
      publicUrl: () => 'https://poms.example',
    });
    await notifier.tick();
    assert.equal(sent.length, 0, 'nothing before midnight');
    clock.advance(14 * 3_600_000); // 00:00 the next day
    await notifier.tick();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.to, 'dan@example.org');
    assert.match(sent[0]?.subject ?? '', /daily digest: 2 event/);
    assert.match(sent[0]?.text ?? '', /sub_1 is Located[\s\S]*sub_2 is Located/);
    await notifier.tick();
    clock.advance(3_600_000);
    await notifier.tick();
    assert.equal(sent.length, 1, 'each event in one digest');
    const states = (await store.notifications.outbox()).map((e) => `${e.id}:${e.state}`).sort();
    assert.equal(states.filter((s) => s.endsWith(':digested')).length, 2);
  } finally {
    await store.close();
  }
});
