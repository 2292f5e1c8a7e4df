// The landing page: straight to the only experiment, or a choice among several.
import { Link, Navigate } from 'react-router';
import { allPages } from '../api/client.ts';
import type { Experiment } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../ui/feedback.tsx';

export function HomePage() {
  const experiments = useApi(() => allPages<Experiment>('/experiments'), []);
  if (experiments.error) return <ErrorBox error={experiments.error} onRetry={experiments.reload} />;
  if (!experiments.data) return <Loading what="experiments" />;
  const list = experiments.data;
  if (list.length === 1) return <Navigate to={`/e/${encodeURIComponent(list[0]!.name)}`} replace />;
  if (list.length === 0) return <Empty>You are not a member of any experiment yet.</Empty>;
  return (
    <section>
      <h1>Experiments</h1>
      <ul className="card-list">
        {list.map((x) => (
          <li key={x.name}>
            <Link to={`/e/${encodeURIComponent(x.name)}`}>{x.display_name}</Link>{' '}
            <span className="muted">
              {x.name}
              {x.role ? ` · ${x.role}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
