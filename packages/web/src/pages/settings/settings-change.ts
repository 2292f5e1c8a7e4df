// What a save of the notification settings form sends: only what the person changed (the API
// keeps absent fields), so a save made from a stale page does not put back older values of the
// fields it did not touch. The secret is sent only when a new one was typed.
import type { NotificationSettings } from '../../api/types.ts';

/** The form as typed: text fields are strings, as inputs hold them. */
export interface SettingsForm {
  email: boolean;
  webhookUrl: string;
  /** A new secret to set; empty keeps the current one. */
  newSecret: string;
  digest: NotificationSettings['digest'];
  threshold: string;
}

export type SettingsBody = Partial<{
  email: boolean;
  webhook_url: string | null;
  webhook_secret: string | null;
  digest: NotificationSettings['digest'];
  failure_threshold_pct: number;
}>;

export function formOf(saved: NotificationSettings): SettingsForm {
  return {
    email: saved.email,
    webhookUrl: saved.webhook_url ?? '',
    newSecret: '',
    digest: saved.digest,
    threshold: String(saved.failure_threshold_pct),
  };
}

/**
 * The PUT body for the fields that differ from what is saved; an empty webhook URL removes it.
 * @throws Error when the threshold is not a percentage (the input's own check, said in words)
 */
export function settingsChange(saved: NotificationSettings, form: SettingsForm): SettingsBody {
  const body: SettingsBody = {};
  if (form.email !== saved.email) body.email = form.email;
  const url = form.webhookUrl.trim();
  if (url !== (saved.webhook_url ?? '')) body.webhook_url = url === '' ? null : url;
  if (form.newSecret !== '') body.webhook_secret = form.newSecret;
  if (form.digest !== saved.digest) body.digest = form.digest;
  const pct = Number(form.threshold.trim().replace(/%$/, ''));
  if (form.threshold.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new Error('The failure threshold is a percentage from 0 to 100');
  }
  if (pct !== saved.failure_threshold_pct) body.failure_threshold_pct = pct;
  return body;
}
