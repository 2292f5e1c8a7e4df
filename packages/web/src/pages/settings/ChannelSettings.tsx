// Where the caller's notifications go (e-mail, a signed webhook), how (as they happen or a daily
// digest) and from which failure rate on. The webhook secret is write-only: the page says whether
// one is set (and its last four characters, to tell which), and can replace or remove it.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { NotificationSettings, NotificationTestOutcome } from '../../api/types.ts';
import type { Loaded } from '../../api/use-api.ts';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import { Time } from '../../ui/status.tsx';
import { formOf, settingsChange, type SettingsBody, type SettingsForm } from './settings-change.ts';

const SETTINGS = '/me/notifications';
const MIN_SECRET = 16;

export function ChannelSettings({ settings }: { settings: Loaded<NotificationSettings> }) {
  if (settings.error) return <ErrorBox error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading what="your notification settings" />;
  return <SettingsEditor loaded={settings.data} />;
}

function SettingsEditor({ loaded }: { loaded: NotificationSettings }) {
  // What the server holds now: what the page loaded, then each save's answer.
  const [saved, setSaved] = useState(loaded);
  const [form, setForm] = useState<SettingsForm>(() => formOf(loaded));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const edit = (change: Partial<SettingsForm>) => {
    setMessage(undefined);
    setForm((f) => ({ ...f, ...change }));
  };
  /** `keepEdits`: the other fields keep what was typed (removing the secret saves nothing else). */
  const put = async (body: SettingsBody, done: string, keepEdits = false) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const answer = await api.put<NotificationSettings>(SETTINGS, body);
      // The form starts again from what is saved; a typed secret is not kept in the page.
      setSaved(answer);
      setForm((f) => (keepEdits ? { ...f, newSecret: '' } : formOf(answer)));
      setMessage(done);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    let body: SettingsBody;
    try {
      body = settingsChange(saved, form);
    } catch (e) {
      setError(e);
      return;
    }
    if (Object.keys(body).length === 0) {
      setMessage('Nothing changed');
      return;
    }
    await put(body, 'Saved');
  };

  const webhookWithoutSecret = form.webhookUrl.trim() !== '' && !saved.webhook_secret_set;
  return (
    <form
      className="settings-form"
      aria-label="Notification settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>E-mail</legend>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.email}
            onChange={(e) => edit({ email: e.target.checked })}
          />
          Send me e-mail about what I watch
        </label>
        <p className="muted" data-testid="email-address">
          {saved.email_address
            ? `Sent to ${saved.email_address} (the address of your account).`
            : 'Your account has no e-mail address: no e-mail can be sent. An administrator sets it.'}
        </p>
      </fieldset>

      <fieldset>
        <legend>Webhook</legend>
        <label>
          <span>
            URL <span className="muted">(https; http only to localhost; empty: no webhook)</span>
          </span>
          <input
            type="url"
            value={form.webhookUrl}
            placeholder="https://hooks.example.org/poms"
            onChange={(e) => edit({ webhookUrl: e.target.value })}
          />
        </label>
        <div className="secret-line">
          Signing secret:{' '}
          <strong data-testid="secret-state">
            {saved.webhook_secret_set
              ? `set (ends in …${saved.webhook_secret_hint ?? ''})`
              : 'not set'}
          </strong>
          {saved.webhook_secret_set ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void put({ webhook_secret: null }, 'Secret removed', true)}
            >
              Remove secret
            </button>
          ) : null}
        </div>
        <label>
          <span>
            {saved.webhook_secret_set ? 'Replace the secret with' : 'Set a secret'}{' '}
            <span className="muted">({MIN_SECRET}+ characters, e.g. openssl rand -hex 32)</span>
          </span>
          <input
            type="password"
            autoComplete="new-password"
            minLength={MIN_SECRET}
            value={form.newSecret}
            onChange={(e) => edit({ newSecret: e.target.value })}
          />
        </label>
        {webhookWithoutSecret && form.newSecret === '' ? (
          <p className="muted">A webhook is sent only once a secret is set (it signs each call).</p>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Delivery</legend>
        <label className="inline">
          <input
            type="radio"
            name="digest"
            checked={form.digest === 'immediate'}
            onChange={() => edit({ digest: 'immediate' })}
          />
          As it happens
        </label>
        <label className="inline">
          <input
            type="radio"
            name="digest"
            checked={form.digest === 'daily'}
            onChange={() => edit({ digest: 'daily' })}
          />
          One e-mail a day (daily digest; webhooks are always sent as it happens)
        </label>
        <label className="inline">
          Tell me when more than
          <input
            type="number"
            min={0}
            max={100}
            step="any"
            aria-label="Failure threshold (%)"
            value={form.threshold}
            onChange={(e) => edit({ threshold: e.target.value })}
          />
          % of a submission&apos;s files failed
        </label>
      </fieldset>

      <div className="toolbar">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        {saved.updated_at ? (
          <span className="muted">
            last changed <Time iso={saved.updated_at} />
          </span>
        ) : (
          <span className="muted">defaults (never changed)</span>
        )}
      </div>
      {message ? (
        <div className="action-result" role="status">
          {message}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

/** Sends a test message to the configured channels now, and says what each did. */
export function TestMessage() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<
    { email: NotificationTestOutcome; webhook: NotificationTestOutcome } | undefined
  >(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const send = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.post(`${SETTINGS}/test`, {}));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const words = (o: NotificationTestOutcome) => (typeof o === 'string' ? o : `failed: ${o.error}`);
  return (
    <div>
      <p className="muted">Uses the saved settings: save your changes first.</p>
      <button type="button" disabled={busy} onClick={() => void send()}>
        {busy ? 'Sending…' : 'Send a test notification'}
      </button>
      {result ? (
        <dl className="test-result" role="status">
          <dt>E-mail</dt>
          <dd>{words(result.email)}</dd>
          <dt>Webhook</dt>
          <dd>{words(result.webhook)}</dd>
        </dl>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
