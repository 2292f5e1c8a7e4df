// For the notification tests: a local SMTP sink that keeps every message it receives, and a local
// webhook receiver that checks each delivery's signature the way docs/notifications.md says.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { webhookProblem } from './signing.ts';

export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
}

/** An e-mail as a reader sees it: quoted-printable decoded, folded headers unfolded. */
export function plain(mail: ReceivedMail): string {
  const decoded = mail.raw
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const end = decoded.indexOf('\r\n\r\n');
  return decoded.slice(0, end).replace(/\r\n[ \t]+/g, ' ') + decoded.slice(end);
}

export async function smtpSink(): Promise<{
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedHook {
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
  /** Why the signature was refused; undefined when it verified. */
  readonly problem: string | undefined;
}

export async function webhookReceiver(
  secret: string,
): Promise<{ url: string; hooks: ReceivedHook[]; close(): Promise<void> }> {
  const hooks: ReceivedHook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const problem = webhookProblem(secret, {
        timestamp: header('x-poms-timestamp'),
        signature: header('x-poms-signature'),
        body,
      });
      hooks.push({
        headers: {
          event: header('x-poms-event'),
          delivery: header('x-poms-delivery'),
          timestamp: header('x-poms-timestamp'),
          signature: header('x-poms-signature'),
        },
        body,
        problem,
      });
      response.writeHead(problem === undefined ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
