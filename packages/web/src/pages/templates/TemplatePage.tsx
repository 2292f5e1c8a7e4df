// One template of an experiment's library: its graph and text (read-only), and the clone form —
// the new campaign's name, the values of the keywords the template declares, from→to replacements
// through the text (as POMS's clone did) and a live preview of the result with its diagnostics,
// computed here exactly as the server will make it. Cloning opens the new campaign in the editor.
import { parseCampaign } from '@poms/campaign-file';
import { useDeferredValue, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, path } from '../../api/client.ts';
import type { CampaignSummary, LibraryTemplateDetail } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { graphModel } from '../../editor/graph-model.ts';
import { CampaignGraph } from '../../graph/CampaignGraph.tsx';
import { ErrorBox, Loading } from '../../ui/feedback.tsx';
import {
  CAMPAIGN_NAME,
  changedKeywords,
  clonePreview,
  declaredKeywords,
  occurrences,
  type Replacement,
} from './clone.ts';
import { changedLines, CodeView } from './CodeView.tsx';
import './templates.css';

export function TemplatePage() {
  const { experiment = '', name = '' } = useParams();
  const template = useApi(
    () => api.get<LibraryTemplateDetail>(path('experiments', experiment, 'templates', name)),
    [experiment, name],
  );
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const model = useMemo(
    () => (template.data ? graphModel(parseCampaign(template.data.text)) : undefined),
    [template.data],
  );
  if (template.error) return <ErrorBox error={template.error} onRetry={template.reload} />;
  if (!template.data || !model) return <Loading what="template" />;
  const t = template.data;
  const base = `/e/${encodeURIComponent(experiment)}/templates`;
  return (
    <section>
      <p>
        <Link to={base}>← Templates</Link>
      </p>
      <h1>
        {t.name}{' '}
        <span className={`tpl-source ${t.source}`}>
          {t.source === 'builtin' ? 'built-in' : 'this experiment'}
        </span>
      </h1>
      {t.description ? <p>{t.description}</p> : null}
      <p className="muted">
        campaign {t.campaign} · {t.stages.length} stage{t.stages.length === 1 ? '' : 's'}
        {t.author ? ` · saved by ${t.author} on ${t.created_at?.slice(0, 10) ?? ''}` : ''}
        {t.file ? ` · templates/${t.file}` : ''}
        {t.tags.length > 0 ? ` · tags: ${t.tags.join(', ')}` : ''}
      </p>
      <div className="tpl-graph">
        <CampaignGraph
          model={model}
          selected={selected}
          onSelect={setSelected}
          label={`Graph of template ${t.name}`}
        />
      </div>
      <div className="tpl-preview">
        <div>
          <h2>Text</h2>
          <CodeView text={t.text} label={`Text of template ${t.name}`} />
        </div>
        <CloneForm experiment={experiment} template={t} />
      </div>
    </section>
  );
}

function CloneForm({
  experiment,
  template,
}: {
  experiment: string;
  template: LibraryTemplateDetail;
}) {
  const navigate = useNavigate();
  const declared = useMemo(() => declaredKeywords(template.text), [template.text]);
  const [name, setName] = useState('');
  const [keywords, setKeywords] = useState<Record<string, string>>({});
  const [replace, setReplace] = useState<Replacement[]>([{ from: '', to: '' }]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const changed = changedKeywords(declared, keywords);
  const used = replace.filter((r) => r.from !== '');
  const input = useDeferredValue({ name, changed, used });
  const preview = useMemo(
    () => clonePreview(template.text, input.name || template.campaign, input.changed, input.used),
    // The deferred input is a new object each render; compare what it holds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [template.text, JSON.stringify(input)],
  );
  const marks = useMemo(
    () => changedLines(template.text, preview.text),
    [template.text, preview.text],
  );
  const validName = CAMPAIGN_NAME.test(name);
  const errors = preview.diagnostics.filter((d) => d.severity === 'error');

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const made = await api.post<{ campaign: CampaignSummary }>(
        path('experiments', experiment, 'campaigns', 'from-template'),
        {
          template: template.name,
          name,
          ...(used.length > 0 ? { replace: used } : {}),
          ...(Object.keys(changed).length > 0 ? { keywords: changed } : {}),
        },
      );
      void navigate(
        `/e/${encodeURIComponent(experiment)}/campaigns/${encodeURIComponent(made.campaign.name)}/edit`,
      );
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const setRow = (i: number, row: Replacement) =>
    setReplace((rows) => rows.map((r, j) => (j === i ? row : r)));

  return (
    <div className="tpl-form">
      <form
        className="tpl-form panel"
        aria-label="Clone into a new campaign"
        onSubmit={(e) => {
          e.preventDefault();
          if (validName && errors.length === 0 && !busy) void submit();
        }}
      >
        <h2>Clone into a new campaign of {experiment}</h2>
        <label>
          New campaign name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={`e.g. ${template.campaign}_2025`}
            required
            aria-invalid={name !== '' && !validName}
          />
          {name !== '' && !validName ? (
            <span className="muted">
              1–128 characters A–Z a–z 0–9 . _ -, starting with a letter or digit
            </span>
          ) : null}
        </label>
        {declared.length > 0 ? (
          <fieldset>
            <legend>Keywords</legend>
            {declared.map(([key, value]) => (
              <label key={key} className="tpl-keyword">
                <span>{key}</span>
                <input
                  aria-label={`Keyword ${key}`}
                  value={keywords[key] ?? value}
                  onChange={(e) => setKeywords((k) => ({ ...k, [key]: e.target.value }))}
                />
              </label>
            ))}
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Replace through the text</legend>
          {replace.map((row, i) => (
            <div key={i} className="tpl-row">
              <input
                aria-label={`Replace ${i + 1}: from`}
                placeholder="from"
                value={row.from}
                onChange={(e) => setRow(i, { ...row, from: e.target.value })}
              />
              →
              <input
                aria-label={`Replace ${i + 1}: to`}
                placeholder="to"
                value={row.to}
                onChange={(e) => setRow(i, { ...row, to: e.target.value })}
              />
              {row.from !== '' ? (
                <span className="muted">
                  {occurrences(template.text, row.from)} in the template
                </span>
              ) : null}
              {replace.length > 1 ? (
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove replacement ${i + 1}`}
                  onClick={() => setReplace((rows) => rows.filter((_, j) => j !== i))}
                >
                  remove
                </button>
              ) : null}
            </div>
          ))}
          <span>
            <button
              type="button"
              className="link"
              onClick={() => setReplace((rows) => [...rows, { from: '', to: '' }])}
            >
              + another replacement
            </button>
          </span>
        </fieldset>
        <div aria-live="polite">
          {preview.problem ? <div className="tpl-diagnostics error">{preview.problem}</div> : null}
          {preview.diagnostics.length === 0 ? (
            <span className="tpl-ok">The clone is a valid campaign.</span>
          ) : (
            <ul className="tpl-diagnostics" aria-label="Diagnostics of the clone">
              {preview.diagnostics.map((d, i) => (
                <li key={i} className={d.severity}>
                  line {d.line}:{d.column} {d.severity}: {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
        {error ? <ErrorBox error={error} /> : null}
        <span className="tpl-row">
          <button type="submit" disabled={!validName || errors.length > 0 || busy}>
            {busy ? 'Creating…' : 'Create campaign'}
          </button>
        </span>
      </form>
      <div>
        <h2>The new campaign</h2>
        <CodeView text={preview.text} label="Text of the clone" changed={marks} />
      </div>
    </div>
  );
}
