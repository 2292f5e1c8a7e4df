// The notifier's settings: server options first, then the environment (docs/notifications.md):
// POMS_SMTP_URL (smtp://host:port, smtps://user:password@host), POMS_SMTP_FROM, POMS_PUBLIC_URL.
import type { Store } from '../../ports/store.ts';
import { smtpHost, smtpMailer } from './email.ts';
import { Notifier } from './notifier.ts';

export interface NotificationServerOptions {
  /** SMTP server for e-mail; default POMS_SMTP_URL. None: no e-mail is queued. */
  smtpUrl?: string | undefined;
  /** The From address; default POMS_SMTP_FROM, else poms@<host name of the SMTP server>. */
  from?: string | undefined;
  /** The web app's address for links; default POMS_PUBLIC_URL, else the server's own URL. */
  publicUrl?: string | undefined;
  /** Between two looks. Default 5 s. */
  intervalMs?: number | undefined;
  /** History younger than this waits for the next look. Default 2 s. */
  settleMs?: number | undefined;
}

export function createNotifier(
  store: Store,
  options: NotificationServerOptions,
  server: { now: () => Date; url: () => string; log?: ((message: string) => void) | undefined },
): Notifier {
  const smtpUrl = options.smtpUrl ?? (process.env.POMS_SMTP_URL || undefined);
  const from = options.from ?? (process.env.POMS_SMTP_FROM || 'poms@localhost');
  const publicUrl = options.publicUrl ?? (process.env.POMS_PUBLIC_URL || undefined);
  if (smtpUrl !== undefined) server.log?.(`notifications: e-mail through ${smtpHost(smtpUrl)}`);
  return new Notifier({
    store,
    now: server.now,
    mailer: smtpUrl === undefined ? undefined : smtpMailer(smtpUrl, from),
    publicUrl: () => publicUrl ?? server.url(),
    intervalMs: options.intervalMs,
    settleMs: options.settleMs,
    log: server.log,
  });
}
