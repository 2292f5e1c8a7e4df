// The frame of every page: the experiment switcher, the navigation of the current experiment, and
// who is logged in. The experiment is part of every URL (/e/EXPERIMENT/…), so links are bookmarks.
import { ROLES, roleAtLeast } from '@poms/core';
import { NavLink, Outlet, useMatch, useNavigate, useSearchParams } from 'react-router';
import { allPages } from '../api/client.ts';
import type { Experiment } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { useSession } from './session.tsx';

export function Layout() {
  // The layout sits above the pages' routes, so it reads the experiment from the URL itself.
  const inUrl = useMatch('/e/:experiment/*')?.params.experiment;
  // Your own pages (/settings/…) are no experiment's: they keep the one you came from, which
  // the link to them passes as ?experiment=, so the frame does not lose it.
  const onOwnPage = useMatch('/settings/*') !== null;
  const [params] = useSearchParams();
  const experiment = inUrl ?? (onOwnPage ? (params.get('experiment') ?? undefined) : undefined);
  const session = useSession();
  const navigate = useNavigate();
  const experiments = useApi(() => allPages<Experiment>('/experiments'), []);
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/" className="brand">
          POMS
        </NavLink>
        <label className="experiment-switch">
          <span className="visually-hidden">Experiment</span>
          <select
            aria-label="Experiment"
            value={experiment ?? ''}
            onChange={(e) => void navigate(`/e/${encodeURIComponent(e.target.value)}`)}
          >
            {experiment ? null : <option value="">choose an experiment</option>}
            {(experiments.data ?? []).map((x) => (
              <option key={x.name} value={x.name}>
                {x.display_name} ({x.name})
              </option>
            ))}
          </select>
        </label>
        {experiment ? <ExperimentNav experiment={experiment} /> : null}
        <NavLink
          to={experiment ? `/e/${encodeURIComponent(experiment)}/templates` : '/templates'}
          className="nav-link"
        >
          Templates
        </NavLink>
        <span className="spacer" />
        <NavLink
          className="who nav-link"
          to={`/settings/notifications${experiment ? `?experiment=${encodeURIComponent(experiment)}` : ''}`}
          title="Your notifications: e-mail, webhook, digest, what you watch"
        >
          {session.me?.display_name ?? session.me?.username}
        </NavLink>
        {experiment ? <RoleSwitch experiment={experiment} /> : null}
        <button type="button" className="link" onClick={() => void session.logout()}>
          Log out
        </button>
      </header>
      <main className="content">
        <Outlet key={session.generation} />
      </main>
    </div>
  );
}

function ExperimentNav({ experiment }: { experiment: string }) {
  const base = `/e/${encodeURIComponent(experiment)}`;
  const links: [string, string][] = [
    [base, 'Dashboard'],
    [`${base}/campaigns`, 'Campaigns'],
    [`${base}/submissions`, 'Submissions'],
    [`${base}/files`, 'Files'],
    [`${base}/datasets`, 'Datasets'],
    [`${base}/triage`, 'Triage'],
    [`${base}/held-launches`, 'Held launches'],
    [`${base}/audit`, 'Audit log'],
  ];
  return (
    <nav className="nav" aria-label="Experiment pages">
      {links.map(([to, label]) => (
        <NavLink key={to} to={to} end={to === base} className="nav-link">
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

/**
 * The role to act in (POMS: one role at a time): any role up to the one granted in this
 * experiment. The server caps every request at it, so a superuser can work as a shifter without
 * the risk of a superuser's mistake.
 */
function RoleSwitch({ experiment }: { experiment: string }) {
  const session = useSession();
  const granted = session.grantedIn(experiment);
  if (granted === undefined) return null;
  const choices = ROLES.filter((r) => roleAtLeast(granted, r));
  const acting = session.roleIn(experiment) ?? granted;
  return (
    <label className="role-switch" title={`your role in ${experiment}: ${granted}`}>
      <span className="visually-hidden">Acting role</span>
      <select
        aria-label="Acting role"
        value={acting}
        onChange={(e) => {
          const role = choices.find((r) => r === e.target.value);
          void session.actAs(role === granted ? undefined : role);
        }}
      >
        {choices.map((r) => (
          <option key={r} value={r}>
            {r === granted ? `${r} (yours)` : `act as ${r}`}
          </option>
        ))}
      </select>
    </label>
  );
}
