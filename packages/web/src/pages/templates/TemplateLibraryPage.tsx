// The template library: every template with a search and a tag filter (kept in the URL, so a
// filtered list is a bookmark). Under /e/EXPERIMENT/templates it is that experiment's library
// (built-in templates plus the ones saved there, each marked) and offers saving one of its
// campaigns as a template; /templates lists the built-in ones and sends a clone to an experiment.
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { allPages, api, path, type Page } from '../../api/client.ts';
import type {
  BuiltinTemplate,
  CampaignSummary,
  Experiment,
  LibraryTemplate,
} from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../../ui/feedback.tsx';
import { SaveAsTemplateButton } from './SaveAsTemplateButton.tsx';
import './templates.css';

const LIMIT = 500;

function fromBuiltin(t: BuiltinTemplate): LibraryTemplate {
  return {
    name: t.campaign,
    source: 'builtin',
    campaign: t.campaign,
    description: t.description,
    tags: t.tags,
    stages: t.stages,
    file: t.file,
    author: null,
    created_at: null,
  };
}

/** The list of the library, read from the experiment's route or the built-in one. */
function loadLibrary(experiment: string | undefined, q: string, tag: string) {
  const query = { q: q || undefined, tag: tag || undefined, limit: LIMIT };
  return experiment
    ? api.get<Page<LibraryTemplate>>(path('experiments', experiment, 'templates'), query)
    : api
        .get<Page<BuiltinTemplate>>('/templates', query)
        .then((page) => ({ items: page.items.map(fromBuiltin), total: page.total }));
}

export function TemplateLibraryPage() {
  const { experiment } = useParams();
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? '';
  const tag = search.get('tag') ?? '';
  const [typed, setTyped] = useState(q);
  const [target, setTarget] = useState<string>('');

  const list = useApi(() => loadLibrary(experiment, q, tag), [experiment, q, tag]);
  // Every tag of the library (unfiltered), for the tag filter.
  const everything = useApi(() => loadLibrary(experiment, '', ''), [experiment]);
  const experiments = useApi(experiment ? undefined : () => allPages<Experiment>('/experiments'), [
    experiment,
  ]);
  const tags = useMemo(
    () => [...new Set((everything.data?.items ?? []).flatMap((t) => t.tags))].sort(),
    [everything.data],
  );
  const into = experiment ?? (target || experiments.data?.[0]?.name);

  const setFilter = (key: 'q' | 'tag', value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };

  return (
    <section>
      <h1>Templates{experiment ? <span className="muted"> · {experiment}</span> : null}</h1>
      <p className="muted">
        {experiment
          ? 'The built-in templates and the ones saved in this experiment. Open one to see its graph and text, and to clone it into a new campaign.'
          : 'The built-in templates. Open one to see its graph and text, and to clone it into a campaign of an experiment.'}
      </p>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('q', typed.trim());
        }}
      >
        <input
          type="search"
          aria-label="Search templates"
          placeholder="name or description"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <button type="submit">Search</button>
        <label>
          Tag{' '}
          <select aria-label="Tag" value={tag} onChange={(e) => setFilter('tag', e.target.value)}>
            <option value="">any tag</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {q || tag ? (
          <button
            type="button"
            className="link"
            onClick={() => {
              setTyped('');
              setSearch(new URLSearchParams(), { replace: true });
            }}
          >
            clear filters
          </button>
        ) : null}
        {experiment ? null : (
          <label>
            Clone into{' '}
            <select
              aria-label="Experiment to clone into"
              value={into ?? ''}
              onChange={(e) => setTarget(e.target.value)}
            >
              {(experiments.data ?? []).map((x) => (
                <option key={x.name} value={x.name}>
                  {x.display_name} ({x.name})
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      {experiment ? <SaveCampaignPanel experiment={experiment} onSaved={list.reload} /> : null}
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading what="templates" />
      ) : list.data.items.length === 0 ? (
        <Empty>No template matches.</Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {list.data.total} template{list.data.total === 1 ? '' : 's'}
          </p>
          <ul className="tpl-list" aria-label="Templates">
            {list.data.items.map((t) => (
              <TemplateCard
                key={`${t.source}/${t.name}`}
                template={t}
                experiment={into}
                activeTag={tag}
                onTag={(value) => setFilter('tag', value === tag ? '' : value)}
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function TemplateCard({
  template: t,
  experiment,
  activeTag,
  onTag,
}: {
  template: LibraryTemplate;
  experiment: string | undefined;
  activeTag: string;
  onTag: (tag: string) => void;
}) {
  const to = experiment
    ? `/e/${encodeURIComponent(experiment)}/templates/${encodeURIComponent(t.name)}`
    : undefined;
  return (
    <li className="tpl-card" data-template={t.name}>
      <div className="tpl-card-title">
        {to ? <Link to={to}>{t.name}</Link> : <span>{t.name}</span>}
        <span className={`tpl-source ${t.source}`}>
          {t.source === 'builtin' ? 'built-in' : 'this experiment'}
        </span>
      </div>
      {t.description ? <div>{t.description}</div> : null}
      <div className="muted">
        {t.stages.length} stage{t.stages.length === 1 ? '' : 's'}: {t.stages.join(', ')}
        {t.author ? ` · saved by ${t.author}` : ''}
        {t.created_at ? ` on ${t.created_at.slice(0, 10)}` : ''}
        {t.file ? ` · ${t.file}` : ''}
      </div>
      {t.tags.length > 0 ? (
        <div className="tpl-tags">
          {t.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              className={`tpl-tag${tag === activeTag ? ' on' : ''}`}
              aria-pressed={tag === activeTag}
              onClick={() => onTag(tag)}
            >
              {tag}
            </button>
          ))}
        </div>
      ) : null}
    </li>
  );
}

/** Saving one of the experiment's campaigns as a template, from the library itself. */
function SaveCampaignPanel({ experiment, onSaved }: { experiment: string; onSaved: () => void }) {
  const campaigns = useApi(
    () =>
      api.get<Page<CampaignSummary>>(path('experiments', experiment, 'campaigns'), {
        limit: 1000,
      }),
    [experiment],
  );
  const [campaign, setCampaign] = useState('');
  const names = (campaigns.data?.items ?? []).map((c) => c.name);
  const chosen = campaign || names[0];
  if (campaigns.error || names.length === 0) return null;
  return (
    <div className="toolbar panel">
      <label>
        Campaign{' '}
        <select
          aria-label="Campaign to save as a template"
          value={chosen}
          onChange={(e) => setCampaign(e.target.value)}
        >
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      {chosen ? (
        <SaveAsTemplateButton experiment={experiment} campaign={chosen} onSaved={onSaved} />
      ) : null}
    </div>
  );
}
