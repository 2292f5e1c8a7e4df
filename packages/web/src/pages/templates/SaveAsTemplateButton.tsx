// "Save as template": a button for any page of a campaign. It asks for the template's name and a
// description and saves the campaign's current text as a template of its experiment. A name that
// is taken is refused by the server; the form then offers to overwrite it (allowed to the template's
// author and the experiment's admins).
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, path } from '../../api/client.ts';
import type { LibraryTemplateDetail } from '../../api/types.ts';
import { ErrorBox } from '../../ui/feedback.tsx';
import { CAMPAIGN_NAME } from './clone.ts';
import './templates.css';

export function SaveAsTemplateButton({
  experiment,
  campaign,
  onSaved,
}: {
  experiment: string;
  campaign: string;
  onSaved?: (template: LibraryTemplateDetail) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [taken, setTaken] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<LibraryTemplateDetail | undefined>(undefined);
  const id = useId();

  const validName = CAMPAIGN_NAME.test(name);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const template = await api.post<LibraryTemplateDetail>(
        path('experiments', experiment, 'templates'),
        {
          name,
          from_campaign: campaign,
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(overwrite ? { overwrite: true } : {}),
        },
      );
      setSaved(template);
      setOpen(false);
      setTaken(false);
      setOverwrite(false);
      onSaved?.(template);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setTaken(true);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="tpl-save">
      <span className="tpl-row">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => {
            setOpen(!open);
            setSaved(undefined);
            if (!name) setName(`${campaign}-template`.slice(0, 128));
          }}
        >
          Save as template
        </button>
        {saved ? (
          <span role="status">
            Saved as template{' '}
            <Link
              to={`/e/${encodeURIComponent(experiment)}/templates/${encodeURIComponent(saved.name)}`}
            >
              {saved.name}
            </Link>
          </span>
        ) : null}
      </span>
      {open ? (
        <form
          id={id}
          className="tpl-form tpl-save-form"
          aria-label={`Save ${campaign} as a template`}
          onSubmit={(e) => {
            e.preventDefault();
            if (validName && !busy) void submit();
          }}
        >
          <strong>Save {campaign} as a template</strong>
          <label>
            Template name
            <input
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setTaken(false);
                setOverwrite(false);
              }}
              required
              aria-invalid={!validName}
            />
            {validName ? null : (
              <span className="muted">
                1–128 characters A–Z a–z 0–9 . _ -, starting with a letter or digit
              </span>
            )}
          </label>
          <label>
            Description
            <textarea
              rows={2}
              value={description}
              placeholder="what it is for (default: the campaign's description)"
              onChange={(e) => setDescription(e.target.value)}
            />
          </label>
          {taken ? (
            <label className="tpl-row">
              <input
                type="checkbox"
                checked={overwrite}
                onChange={(e) => setOverwrite(e.target.checked)}
              />
              Replace the template {name} that exists
            </label>
          ) : null}
          {error ? <ErrorBox error={error} /> : null}
          <span className="tpl-row">
            <button type="submit" disabled={!validName || busy || (taken && !overwrite)}>
              {busy ? 'Saving…' : 'Save template'}
            </button>
            <button type="button" className="link" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </span>
        </form>
      ) : null}
    </span>
  );
}
