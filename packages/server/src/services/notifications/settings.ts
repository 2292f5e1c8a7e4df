// The caller's own notification settings (GET/PUT /api/v1/me/notifications) and the test
// message. The webhook secret is write-only: answers say whether one is set and its last four
// characters, never the secret; audit entries say the same.
import { PermissionDenied } from '@poms/core';
import { InvalidArgumentError } from '../../ports/errors.ts';
import {
  defaultSettings,
  type DigestMode,
  type NotificationSettingsRecord,
} from '../../ports/notifications.ts';
import type { Store } from '../../ports/store.ts';
import type { Caller } from '../access.ts';
import { recordChange } from '../operations/audit.ts';
import type { Notifier } from './notifier.ts';
import { webhookUrlProblem } from './webhook.ts';

/** Settings as answered: the secret's presence and hint only. */
export interface NotificationSettingsView {
  email: boolean;
  /** The address mail goes to (the user's). */
  email_address: string | null;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  /** The secret's last 4 characters, to tell which one is set. */
  webhook_secret_hint: string | null;
  digest: DigestMode;
  /** Percent (0–100): failure-rate events fire above it. */
  failure_threshold_pct: number;
  updated_at: string | null;
}

export interface SettingsChange {
  email?: boolean | undefined;
  webhookUrl?: string | null | undefined;
  webhookSecret?: string | null | undefined;
  digest?: DigestMode | undefined;
  failureThresholdPct?: number | undefined;
}

export const MIN_SECRET_LENGTH = 16;

export function viewOf(
  settings: NotificationSettingsRecord,
  emailAddress: string | null,
): NotificationSettingsView {
  const secret = settings.webhook_secret;
  return {
    email: settings.email_enabled,
    email_address: emailAddress,
    webhook_url: settings.webhook_url,
    webhook_secret_set: secret !== null,
    webhook_secret_hint: secret === null ? null : secret.slice(-4),
    digest: settings.digest,
    failure_threshold_pct: Math.round(settings.failure_threshold * 10_000) / 100,
    updated_at: settings.updated_at,
  };
}

/** A token without the write scope may read settings, not change them or send messages. */
function requireWrite(caller: Caller, what: string): void {
  if (caller.scopes !== undefined && !caller.scopes.some((s) => s === '*' || s === 'write')) {
    throw new PermissionDenied({
      allowed: false,
      hidden: false,
      reason: `${what} needs a token with the write scope`,
    });
  }
}

export class NotificationOperations {
  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier | undefined,
  ) {}

  async get(caller: Caller): Promise<NotificationSettingsView> {
    const settings =
      (await this.store.notifications.settings(caller.username)) ??
      defaultSettings(caller.username);
    return viewOf(settings, await this.emailOf(caller.username));
  }

  async set(caller: Caller, change: SettingsChange): Promise<NotificationSettingsView> {
    requireWrite(caller, 'changing notification settings');
    if (typeof change.webhookUrl === 'string') {
      const problem = webhookUrlProblem(change.webhookUrl);
      if (problem !== undefined) throw new InvalidArgumentError('webhook_url', problem);
    }
    if (
      typeof change.webhookSecret === 'string' &&
      change.webhookSecret.length < MIN_SECRET_LENGTH
    ) {
      throw new InvalidArgumentError(
        'webhook_secret',
        `at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
      );
    }
    const email = await this.emailOf(caller.username);
    const saved = await this.store.transaction(async (tx) => {
      const before =
        (await tx.notifications.settings(caller.username)) ?? defaultSettings(caller.username);
      const after = await tx.notifications.saveSettings(caller.username, {
        emailEnabled: change.email,
        webhookUrl: change.webhookUrl,
        webhookSecret: change.webhookSecret,
        digest: change.digest,
        failureThreshold:
          change.failureThresholdPct === undefined ? undefined : change.failureThresholdPct / 100,
      });
      const redacted = (s: NotificationSettingsRecord) => {
        const { updated_at: _updated, email_address: _address, ...rest } = viewOf(s, null);
        return rest;
      };
      await recordChange(tx, caller, {
        action: 'notifications.set',
        objectType: 'user',
        objectId: caller.username,
        summary: `${caller.username} changed their notification settings${
          change.webhookSecret === undefined ? '' : ' (webhook secret set or cleared)'
        }`,
        before: redacted(before),
        after: redacted(after),
      });
      return after;
    });
    return viewOf(saved, email);
  }

  async test(caller: Caller): Promise<Awaited<ReturnType<Notifier['sendTest']>>> {
    requireWrite(caller, 'sending a test notification');
    if (this.notifier === undefined) {
      return { email: 'not configured', webhook: 'not configured' };
    }
    return this.notifier.sendTest(caller.username);
  }

  private async emailOf(username: string): Promise<string | null> {
    const user = await this.store.identity.getUser(username).catch(() => undefined);
    return user?.email ?? null;
  }
}
