// The frame of every page: the experiment switcher, the navigation of the current experiment, and
// who is logged in. The experiment is part of every URL (/e/EXPERIMENT/…), so links are bookmarks.
import { NavLink, Outlet, useMatch, useNavigate } from 'react-router';
import { allPages } from '../api/client.ts';
import type { Experiment } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { useSession } from './session.tsx';

export function Layout() {
  // The layout sits above the pages' routes, so it reads the experiment from the URL itself.
  const experiment = useMatch('/e/:experiment/*')?.params.experiment;
  const session = useSession();
  const navigate = useNavigate();
  const experiments = useApi(() => allPages<Experiment>('/experiments'), []);
  const role = experiment ? session.roleIn(experiment) : undefined;
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
        <span className="who" title={role ? `your role in ${experiment}` : undefined}>
          {session.me?.display_name ?? session.me?.username}
          {role ? <span className="role"> · {role}</span> : null}
        </span>
        <button type="button" className="link" onClick={() => void session.logout()}>
          Log out
        </button>
      </header>
      <main className="content">
        <Outlet />
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
