// The e-mail channel: plain-text messages through SMTP (nodemailer). The SMTP URL may carry a
// user and password; it is never logged or shown: messages about it name the host only.
import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationEvent } from '../../ports/notifications.ts';

export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

/** smtp://host:port or smtps://user:password@host:port; the URL says TLS and auth. */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close() {
      transport.close();
    },
  };
}

/** The SMTP server's host and port, for messages: never the credentials. */
export function smtpHost(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(an invalid SMTP URL)';
  }
}

/** Where people look at what the event is about, in the web app. */
export function eventLink(publicUrl: string, event: NotificationEvent): string {
  const base = `${publicUrl.replace(/\/+$/, '')}/e/${encodeURIComponent(event.experiment)}`;
  if (event.kind === 'daily_digest' || event.kind === 'test') return base;
  const campaign = `${base}/campaigns/${encodeURIComponent(event.campaign)}`;
  if (event.submission_id !== null) {
    return `${base}/submissions/${encodeURIComponent(event.submission_id)}`;
  }
  return event.stage === null ? campaign : `${campaign}/stages/${encodeURIComponent(event.stage)}`;
}

const TITLES: Record<NotificationEvent['kind'], string> = {
  stage_located: 'stage located',
  campaign_finished: 'campaign finished',
  recovery_exhausted: 'recovery exhausted',
  failure_rate: 'failure rate above threshold',
  launch_failed: 'launch failed',
  held_launch_queued: 'launch held',
  publication_stuck: 'publication stuck',
  daily_digest: 'daily digest',
  test: 'test message',
};

function where(event: NotificationEvent): string {
  return `${event.experiment}/${event.campaign}${event.stage === null ? '' : `/${event.stage}`}`;
}

/** Subject and body of one event's message, or of a digest. */
export function renderEmail(
  event: NotificationEvent,
  publicUrl: string,
): { subject: string; text: string } {
  if (event.kind === 'daily_digest') {
    const items = event.items ?? [];
    const lines = items.map(
      (item) =>
        `- ${item.at} ${TITLES[item.kind]}: ${item.summary}\n  ${eventLink(publicUrl, item)}`,
    );
    return {
      subject: `[POMS] daily digest: ${items.length} event(s)`,
      text: `${event.summary}\n\n${lines.join('\n')}\n`,
    };
  }
  if (event.kind === 'test') {
    return { subject: '[POMS] test message', text: `${event.summary}\n` };
  }
  return {
    subject: `[POMS] ${TITLES[event.kind]}: ${where(event)}`,
    text: [
      event.summary,
      '',
      `experiment: ${event.experiment}`,
      `campaign:   ${event.campaign}`,
      ...(event.stage === null ? [] : [`stage:      ${event.stage}`]),
      ...(event.submission_id === null ? [] : [`submission: ${event.submission_id}`]),
      ...(event.reason === undefined ? [] : [`reason:     ${event.reason}`]),
      `at:         ${event.at}`,
      '',
      eventLink(publicUrl, event),
      '',
      'You get this because you watch this campaign or stage in POMS; change what you get with',
      '`poms notify settings` or PUT /api/v1/me/notifications.',
      '',
    ].join('\n'),
  };
}
