// The Grafana dashboards under deploy/grafana read only metrics the server exposes: every metric
// named in a panel's expression or a variable's query is a family of a real server's /metrics
// (histograms through their _bucket, _sum and _count series).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../main.ts';
import { apiCaller } from '../api/api-testing.ts';
import { families, scrape } from './exposition-testing.ts';
import { metricNames, variableMetric } from './promql-metrics.ts';

const DASHBOARDS = resolve(import.meta.dirname, '../../../../../deploy/grafana');
const ADMIN_PASSWORD = 'the admin password of the dashboards test';

interface Panel {
  id: number;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  __inputs?: { name: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; query?: string | { query?: string } }[] };
}

function dashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard,
    }));
}

/** Panels, those inside rows included. */
function panelsOf(dashboard: Dashboard): Panel[] {
  const walk = (panels: readonly Panel[]): Panel[] =>
    panels.flatMap((p) => [p, ...walk(p.panels ?? [])]);
  return walk(dashboard.panels);
}

/** Where each metric is used: `file: panel title` (or `file: $variable`). */
function metricUses(): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const use = (metric: string, where: string) =>
    uses.set(metric, [...(uses.get(metric) ?? []), where]);
  for (const { file, dashboard } of dashboards()) {
    for (const panel of panelsOf(dashboard)) {
      for (const target of panel.targets ?? []) {
        const names = metricNames(target.expr ?? '');
        assert.ok(names.length > 0, `${file}: ${panel.title}: no metric in ${target.expr}`);
        for (const name of names) use(name, `${file}: ${panel.title}`);
      }
    }
    for (const variable of dashboard.templating?.list ?? []) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const metric = variableMetric(query ?? '');
      if (metric !== undefined) use(metric, `${file}: $${variable.name}`);
    }
  }
  return uses;
}

/** The metrics a name not among `exposed` fails to match (a histogram's series match it). */
function missing(uses: ReadonlyMap<string, string[]>, exposed: ReadonlyMap<string, string>) {
  const exists = (name: string) => {
    if (exposed.has(name)) return true;
    const base = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
    return base !== undefined && ['histogram', 'summary'].includes(exposed.get(base) ?? '');
  };
  return [...uses]
    .filter(([name]) => !exists(name))
    .map(([name, where]) => `${name} (${where.join('; ')})`);
}

describe('Grafana dashboards', () => {
  let server: RunningServer;
  let exposed = new Map<string, string>();

  before(async () => {
    server = await startServer({
      memory: true,
      port: 0,
      demo: false,
      execute: false,
      adminPassword: ADMIN_PASSWORD,
    });
    const login = await apiCaller(() => server.url)('POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const scraped = await scrape(server.url, { cookie: login.setCookie.split(';')[0] ?? '' });
    assert.equal(scraped.status, 200, scraped.text);
    exposed = families(scraped.text);
  });
  after(async () => {
    await server.close();
  });

  it('are dashboards with a Prometheus input, panels that use it, and unique panel ids', () => {
    const found = dashboards();
    assert.ok(found.length >= 1, `no dashboard in ${DASHBOARDS}`);
    const uids = new Set<string>();
    for (const { file, dashboard } of found) {
      assert.ok(dashboard.schemaVersion >= 36, `${file}: schemaVersion`);
      assert.ok(!uids.has(dashboard.uid), `${file}: uid ${dashboard.uid} is taken`);
      uids.add(dashboard.uid);
      assert.deepEqual(
        dashboard.__inputs?.map((i) => [i.name, i.pluginId]),
        [['DS_PROMETHEUS', 'prometheus']],
        file,
      );
      const panels = panelsOf(dashboard);
      assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, `${file}: panel ids`);
      for (const panel of panels.filter((p) => (p.targets ?? []).length > 0)) {
        assert.equal(panel.datasource?.uid, '${DS_PROMETHEUS}', `${file}: ${panel.title}`);
      }
    }
  });

  it('use only metrics the server exposes', () => {
    const uses = metricUses();
    assert.ok(uses.size > 10, `only ${uses.size} metrics found: ${[...uses.keys()].join(', ')}`);
    for (const name of uses.keys()) assert.match(name, /^poms_/, `${name} is not one of ours`);
    assert.deepEqual(missing(uses, exposed), []);
  });

  it('would fail on a metric the server does not expose', () => {
    const uses = new Map([
      ['poms_no_such_thing_total', ['test']],
      ['poms_http_request_duration_seconds_bucket', ['test']],
      ['poms_submissions_count', ['test']],
    ]);
    assert.deepEqual(missing(uses, exposed), [
      'poms_no_such_thing_total (test)',
      'poms_submissions_count (test)',
    ]);
  });
});
