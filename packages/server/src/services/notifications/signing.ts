// Webhook signatures (docs/notifications.md, "Verifying a webhook"): HMAC-SHA256 with the user's
// secret over "<timestamp>.<body>", so a receiver can tell the body came from us and is fresh (a
// replayed delivery carries an old timestamp, and changing it breaks the signature).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_PREFIX = 'sha256=';

/** The X-Poms-Signature header value for this body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return SIGNATURE_PREFIX + mac;
}

export interface SignedDelivery {
  /** X-Poms-Timestamp. */
  readonly timestamp: string | undefined;
  /** X-Poms-Signature. */
  readonly signature: string | undefined;
  /** The raw request body, exactly as received. */
  readonly body: string;
}

/**
 * What a receiver does: recompute the signature and compare in constant time, and refuse a
 * timestamp further than `toleranceS` from its clock. @returns why it is refused, or undefined.
 */
export function webhookProblem(
  secret: string,
  delivery: SignedDelivery,
  options: { nowS?: number; toleranceS?: number } = {},
): string | undefined {
  const { timestamp, signature } = delivery;
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return 'no valid timestamp';
  if (signature === undefined || !signature.startsWith(SIGNATURE_PREFIX)) return 'no signature';
  const nowS = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > (options.toleranceS ?? 300)) return 'stale timestamp';
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), delivery.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'signature does not match';
  }
  return undefined;
}
