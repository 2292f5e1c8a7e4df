// `poms notify`: the caller's notification settings and a test message, on a server (settings
// belong to the user of the token; a data folder has no user to send to).
//   poms notify settings [--email on|off] [--webhook URL|none] [--webhook-secret-from FILE]
//                        [--digest daily|immediate] [--threshold PCT]
//   poms notify test
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RunAsync } from '../local.ts';
import { EXIT_OK, UsageError, printJson, type Io } from '../output.ts';
import { requireRemote, serverOptions } from '../target.ts';

interface NotifyOptions {
  server?: string;
  experiment: string;
  json?: boolean;
  email?: string;
  webhook?: string;
  webhookSecretFrom?: string;
  digest?: string;
  threshold?: string;
}

interface SettingsAnswer {
  email: boolean;
  email_address: string | null;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  webhook_secret_hint: string | null;
  digest: string;
  failure_threshold_pct: number;
}

type Outcome = 'sent' | 'not configured' | { error: string };

/** Settings are per user: the experiment is not used. */
const notifyOptions = (command: Command) =>
  serverOptions(command, { help: 'unused; settings are per user', default: 'demo' });

export function notifyCommands(program: Command, io: Io, runAsync: RunAsync): void {
  const notify = program
    .command('notify')
    .description('your notification settings (e-mail, webhook, digest) and a test message');
  notifyOptions(notify.command('settings'))
    .description('show your notification settings, or change them with the options')
    .option('--email <on|off>', 'e-mail about what you watch')
    .option(
      '--webhook <url>',
      'POST signed events here (https; http only to loopback); none removes it',
    )
    .option(
      '--webhook-secret-from <file>',
      'the webhook signing secret, read from this file (16+ characters)',
    )
    .option('--digest <mode>', 'daily: one e-mail a day; immediate: as they happen')
    .option('--threshold <pct>', 'failure-rate events above this percentage of files')
    .action((opts: NotifyOptions) => runAsync(() => settings(io, opts)));
  notifyOptions(notify.command('test'))
    .description('send a test message to your configured channels now')
    .action((opts: NotifyOptions) => runAsync(() => test(io, opts)));
}

/** The PUT body from the options; empty when none was given (then the settings are shown). */
export function settingsChange(opts: NotifyOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (opts.email !== undefined) {
    if (opts.email !== 'on' && opts.email !== 'off')
      throw new UsageError('--email takes on or off');
    body.email = opts.email === 'on';
  }
  if (opts.webhook !== undefined) body.webhook_url = opts.webhook === 'none' ? null : opts.webhook;
  if (opts.webhookSecretFrom !== undefined) {
    // From a file, never the command line: arguments show in `ps` and shell history.
    const secret = readFileSync(opts.webhookSecretFrom, 'utf8').trim();
    if (secret === '') throw new UsageError(`${opts.webhookSecretFrom} is empty`);
    body.webhook_secret = secret;
  }
  if (opts.digest !== undefined) {
    if (opts.digest !== 'daily' && opts.digest !== 'immediate') {
      throw new UsageError('--digest takes daily or immediate');
    }
    body.digest = opts.digest;
  }
  if (opts.threshold !== undefined) {
    const pct = Number(opts.threshold.replace(/%$/, ''));
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
      throw new UsageError('--threshold takes a percentage from 0 to 100');
    }
    body.failure_threshold_pct = pct;
  }
  return body;
}

async function settings(io: Io, opts: NotifyOptions): Promise<number> {
  const remote = requireRemote(opts, 'poms notify');
  const body = settingsChange(opts);
  const answer =
    Object.keys(body).length === 0
      ? await remote.client.call<SettingsAnswer>('GET', '/me/notifications')
      : await remote.client.call<SettingsAnswer>('PUT', '/me/notifications', { body });
  if (remote.json) {
    printJson(io, answer);
    return EXIT_OK;
  }
  io.out(
    [
      `e-mail:    ${answer.email ? 'on' : 'off'}${answer.email_address ? ` (${answer.email_address})` : ' (no address on your account)'}`,
      `webhook:   ${answer.webhook_url ?? 'none'}`,
      `secret:    ${answer.webhook_secret_set ? `set (…${answer.webhook_secret_hint ?? ''})` : 'not set'}`,
      `digest:    ${answer.digest}`,
      `threshold: ${answer.failure_threshold_pct} % failed files`,
    ].join('\n'),
  );
  return EXIT_OK;
}

async function test(io: Io, opts: NotifyOptions): Promise<number> {
  const remote = requireRemote(opts, 'poms notify test');
  const answer = await remote.client.call<{ email: Outcome; webhook: Outcome }>(
    'POST',
    '/me/notifications/test',
  );
  if (remote.json) {
    printJson(io, answer);
    return EXIT_OK;
  }
  const line = (outcome: Outcome) =>
    typeof outcome === 'string' ? outcome : `failed: ${outcome.error}`;
  io.out(`e-mail:  ${line(answer.email)}\nwebhook: ${line(answer.webhook)}`);
  return EXIT_OK;
}
