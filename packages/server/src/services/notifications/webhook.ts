// The webhook channel: one signed POST per delivery (docs/notifications.md). A delivery that is
// not answered 2xx within the timeout throws; the outbox tries again later.
import type { NotificationEvent } from '../../ports/notifications.ts';
import { signWebhook } from './signing.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a webhook URL is refused, or undefined: https anywhere, plain http only to this machine
 * (a receiver on loopback, or behind a local proxy): a signed body sent in clear over a network
 * would still show everyone what happened in the experiment.
 */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'credentials do not belong in the URL';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return LOOPBACK.has(url.hostname) ? undefined : 'plain http is only for loopback; use https';
  }
  return `${url.protocol} is not http(s)`;
}

export interface WebhookDelivery {
  readonly url: string;
  readonly secret: string;
  /** The outbox id: receivers drop a delivery id they have seen (at-least-once). */
  readonly id: string;
  readonly event: NotificationEvent;
  readonly nowMs: number;
}

/** The JSON body receivers get. */
export function webhookBody(id: string, event: NotificationEvent): string {
  return JSON.stringify({ id, event });
}

export async function postWebhook(delivery: WebhookDelivery): Promise<void> {
  const problem = webhookUrlProblem(delivery.url);
  if (problem !== undefined) throw new Error(`webhook URL refused: ${problem}`);
  const body = webhookBody(delivery.id, delivery.event);
  const timestamp = Math.floor(delivery.nowMs / 1000);
  const answer = await fetch(delivery.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'POMS-TS notifier',
      'x-poms-event': delivery.event.kind,
      'x-poms-delivery': delivery.id,
      'x-poms-timestamp': String(timestamp),
      'x-poms-signature': signWebhook(delivery.secret, timestamp, body),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  // The answer's body is the receiver's business; drain it so the connection is released.
  await answer.arrayBuffer().catch(() => undefined);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`webhook answered HTTP ${answer.status}`);
  }
}
