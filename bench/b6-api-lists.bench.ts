// B6: the API's campaign overview (GET …/campaigns/C/progress, what the GUI's overview page reads)
// and the first page of the campaign's submission list (GET …/submissions?campaign=C&limit=50),
// over real HTTP from the real server, with S submissions of 100 files each (L = 100·S ledger
// rows). The baseline is the raw SQL of the same answer: the same aggregate and page queries as
// prepared statements on the same database (better-sqlite3 on the file; pg on PostgreSQL).
// Ratio = our p50 ÷ raw p50 (goal ≤ 2). The store grows S = 10^2 → 10^3 → 10^4 (× scale) and is
// measured at each size, which is the scaling series.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { startServer, type RunningServer } from '../packages/server/src/main.ts';
import { apiCaller, apiToken } from '../packages/server/src/http/api/api-testing.ts';
import {
  growthExponent,
  quantile,
  scaled,
  since,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measure,
  type ScalePoint,
} from './harness.ts';

const PASSWORD = 'bench horse battery staple';
const EXPERIMENT = 'demo';
const CAMPAIGN = 'toy_z_chain';
const STAGES = ['generate', 'simulate', 'reconstruct'];
const FILES_PER_SUBMISSION = 100;
const FILES_PER_JOB = 10;
/** Catalog files the submissions' ledgers draw from (a file may be given to many submissions). */
const POOL = 10_000;
const REQUESTS = 30;
const WARMUP = 3;
const GOAL = 2;

interface Timing {
  p50: number;
  p95: number;
}

function timing(times: readonly number[]): Timing {
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

async function sample(work: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    await work();
    times.push(since(start));
  }
  return timing(times);
}

const LEDGER_SUMS = ['delivered', 'consumed', 'failed', 'skipped']
  .map((state) => `sum(case when l.state = '${state}' then 1 else 0 end) as ${state}`)
  .join(', ');

/** The raw SQL the overview and the list answer with (as the store runs them), per dialect. */
function rawQueries(p: (n: number) => string) {
  const ofCampaign = `from submissions as s where s.experiment = ${p(1)} and s.campaign_id = ${p(2)}`;
  const joined = (table: string, alias: string) =>
    `from submissions as s join ${table} as ${alias} on ${alias}.submission_id = s.id where s.experiment = ${p(1)} and s.campaign_id = ${p(2)}`;
  return {
    overview: [
      `select s.stage, s.status, count(*) as n ${ofCampaign} group by s.stage, s.status`,
      `select s.stage, ${LEDGER_SUMS} ${joined('ledger', 'l')} group by s.stage`,
      `select s.stage, j.state, count(*) as n ${joined('jobs', 'j')} group by s.stage, j.state`,
      `select s.stage, count(*) as n, coalesce(sum(o.located), 0) as located ${joined('outputs', 'o')} group by s.stage`,
      `select s.stage, s.id, s.status, s.created_at from submissions as s where s.id in (select (select t.id from submissions as t where t.experiment = ${p(1)} and t.campaign_id = ${p(2)} and t.stage = g.stage order by t.created_at desc, t.id desc limit 1) as id from (select distinct g.stage from submissions as g where g.experiment = ${p(1)} and g.campaign_id = ${p(2)}) as g)`,
    ],
    list: [
      `select * ${ofCampaign} order by s.created_at desc, s.id desc limit 50 offset 0`,
      `select count(*) as n ${ofCampaign}`,
    ],
  };
}

interface Raw {
  overview(): Promise<void>;
  list(): Promise<void>;
  close(): Promise<void>;
}

function rawSqlite(file: string, campaignId: string): Raw {
  const db = new SqliteDatabase(file, { readonly: true });
  const q = rawQueries((n) => (n === 1 ? '@experiment' : '@campaign'));
  const overview = q.overview.map((text) => db.prepare(text));
  const list = q.list.map((text) => db.prepare(text));
  const campaign = db.prepare('select * from campaigns where experiment = ? and name = ?');
  const named = { experiment: EXPERIMENT, campaign: campaignId };
  return {
    overview: () => {
      campaign.get(EXPERIMENT, CAMPAIGN);
      for (const s of overview) s.all(named);
      return Promise.resolve();
    },
    list: () => {
      campaign.get(EXPERIMENT, CAMPAIGN);
      for (const s of list) s.all(named);
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function rawPostgres(url: string, schema: string, campaignId: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const q = rawQueries((n) => `$${n}`);
  const run = async (texts: string[], prefix: string) => {
    await client.query({
      name: `${prefix}_campaign`,
      text: 'select * from campaigns where experiment = $1 and name = $2',
      values: [EXPERIMENT, CAMPAIGN],
    });
    for (const [i, text] of texts.entries()) {
      await client.query({ name: `${prefix}_${i}`, text, values: [EXPERIMENT, campaignId] });
    }
  };
  return {
    overview: () => run(q.overview, 'b6o'),
    list: () => run(q.list, 'b6l'),
    close: () => client.end(),
  };
}

/** Grows the campaign to `target` submissions through the store's own write paths. */
async function grow(server: RunningServer, campaignId: string, from: number, target: number) {
  const { store } = server;
  const campaign = await store.campaigns.get(EXPERIMENT, CAMPAIGN);
  for (let i = from; i < target; i++) {
    const first = (i * FILES_PER_SUBMISSION) % POOL;
    const files = Array.from({ length: FILES_PER_SUBMISSION }, (_, k) => poolName(first + k));
    const { submission } = await store.submissions.create({
      experiment: EXPERIMENT,
      campaignId,
      campaign: campaign.name,
      campaignRevision: campaign.current_revision,
      stage: STAGES[i % STAGES.length] ?? 'generate',
      stageType: 'regular',
      engine: 'local',
      origin: 'manual',
      test: false,
      launcher: 'admin',
      ledger: { files },
      filesPerJob: FILES_PER_JOB,
      jobsWithoutFiles: 0,
      config: {},
      tokenHash: (id) => `hash-of-${id}`,
      reason: 'bench',
    });
    // Varied numbers: a quarter had a job report its files (8 consumed, 2 failed) and finish;
    // every tenth was cancelled.
    if (i % 4 === 0) {
      await store.submissions.reportFiles(
        submission.id,
        0,
        files.slice(0, FILES_PER_JOB).map((name, k) => ({
          name,
          state: k < 8 ? ('consumed' as const) : ('failed' as const),
        })),
      );
      await store.submissions.updateJobs([
        { submissionId: submission.id, index: 0, state: 'completed', exit_code: 0 },
      ]);
    }
    if (i % 10 === 5) {
      await store.submissions.changeStatus(submission.id, {
        expected: 'New',
        to: 'Cancelled',
        reason: 'bench',
      });
    }
  }
}

const poolName = (i: number) => `b6_${String(i % POOL).padStart(6, '0')}.root`;

interface Point {
  submissions: number;
  ledger: number;
  overview: Timing;
  overviewRaw: Timing;
  list: Timing;
  listRaw: Timing;
}

async function measure(
  server: RunningServer,
  token: string,
  raw: Raw,
  submissions: number,
): Promise<Point> {
  const call = apiCaller(() => server.url);
  const get = async (path: string) => {
    // After minutes of building, the kept-alive connection may be closed under the first request.
    const answer = await call('GET', path, { token }).catch(() => call('GET', path, { token }));
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
    return answer;
  };
  const progressPath = `/experiments/${EXPERIMENT}/campaigns/${CAMPAIGN}/progress`;
  const listPath = `/experiments/${EXPERIMENT}/submissions?campaign=${CAMPAIGN}&limit=50`;
  const page = await get(listPath);
  if (page.body.total !== submissions) {
    throw new Error(`the list counts ${String(page.body.total)} submissions, not ${submissions}`);
  }
  return {
    submissions,
    ledger: submissions * FILES_PER_SUBMISSION,
    overview: await sample(() => get(progressPath)),
    overviewRaw: await sample(() => raw.overview()),
    list: await sample(() => get(listPath)),
    listRaw: await sample(() => raw.list()),
  };
}

async function series(
  context: BenchContext,
  server: RunningServer,
  openRaw: (campaignId: string) => Promise<Raw>,
  sizes: readonly number[],
): Promise<Point[]> {
  const call = apiCaller(() => server.url);
  const token = await apiToken(call, 'admin', PASSWORD, { name: 'bench', scopes: ['read'] });
  const campaign = await server.store.campaigns.get(EXPERIMENT, CAMPAIGN);
  // The ledgers' files: declared once, shared by the submissions.
  for (let start = 0; start < POOL; start += 5000) {
    await server.store.catalog.declareFiles(
      EXPERIMENT,
      Array.from({ length: 5000 }, (_, k) => ({ name: poolName(start + k), size: 1000 })),
    );
  }
  const raw = await openRaw(campaign.id);
  const points: Point[] = [];
  try {
    let have = 0;
    for (const size of sizes) {
      const start = performance.now();
      await grow(server, campaign.id, have, size);
      have = size;
      context.log(
        `  ${size} submissions, ${size * FILES_PER_SUBMISSION} ledger rows (built in ${(since(start) / 1000).toFixed(1)} s)`,
      );
      const point = await measure(server, token, raw, size);
      context.log(
        `  overview p50 ${point.overview.p50.toFixed(1)} ms (raw ${point.overviewRaw.p50.toFixed(1)}), list p50 ${point.list.p50.toFixed(1)} ms (raw ${point.listRaw.p50.toFixed(1)})`,
      );
      points.push(point);
    }
  } finally {
    await raw.close();
  }
  return points;
}

function results(store: string, points: readonly Point[]): BenchResult[] {
  const last = points[points.length - 1];
  if (last === undefined) return [];
  const size: Measure[] = [
    { label: 'submissions', value: last.submissions, unit: 'submissions' },
    { label: 'ledger rows', value: last.ledger, unit: 'rows' },
  ];
  const one = (
    what: 'overview' | 'list',
    title: string,
    ours: Timing,
    raw: Timing,
    scaling: ScalePoint[],
  ): BenchResult => {
    const ratio = ours.p50 / raw.p50;
    const met = ratio <= GOAL;
    const notes = [
      `${REQUESTS} requests after ${WARMUP} warm-up ones, one at a time, over real HTTP with an API token; raw: the same queries as prepared statements on the same database, no HTTP`,
      'scaling n = ledger rows (submissions × 100); the series grows one store',
    ];
    if (!met) {
      notes.push(
        what === 'overview'
          ? 'above goal: the overview aggregates the whole ledger of the campaign per request'
          : 'above goal: the list page pays HTTP, authentication and JSON on top of the query',
      );
    }
    return {
      id: 'B6',
      title,
      store,
      ours: { label: 'API p50', value: ours.p50, unit: 'ms' },
      baseline: { label: 'raw SQL p50', value: raw.p50, unit: 'ms' },
      ratio,
      goal: `p50 ratio ≤ ${GOAL}`,
      met,
      details: [
        ...size,
        { label: 'API p95', value: ours.p95, unit: 'ms' },
        { label: 'raw SQL p95', value: raw.p95, unit: 'ms' },
        { label: 'growth exponent (ours)', value: growthExponent(scaling), unit: 'n^k' },
        {
          label: 'growth exponent (raw)',
          value: growthExponent(scaling, 'baseline_ms'),
          unit: 'n^k',
        },
      ],
      scaling,
      notes,
    };
  };
  const scale = (pick: (p: Point) => [Timing, Timing]): ScalePoint[] =>
    points.map((p) => {
      const [ours, raw] = pick(p);
      return { n: p.ledger, ours_ms: ours.p50, baseline_ms: raw.p50 };
    });
  return [
    one(
      'overview',
      'API: campaign overview (progress)',
      last.overview,
      last.overviewRaw,
      scale((p) => [p.overview, p.overviewRaw]),
    ),
    one(
      'list',
      'API: submission list, first page of 50',
      last.list,
      last.listRaw,
      scale((p) => [p.list, p.listRaw]),
    ),
  ];
}

const serverOptions = {
  port: 0,
  adminPassword: PASSWORD,
  execute: false,
  logger: false,
} as const;

export const benchmark: Benchmark = {
  id: 'B6',
  title: 'API: campaign overview and submission list',
  async run(context: BenchContext): Promise<BenchResult[]> {
    const sizes = [100, 1000, 10_000].map((n) => scaled(context, n, 10));
    const out: BenchResult[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'poms-b6-'));
    try {
      context.log('B6 SQLite');
      const server = await startServer({ ...serverOptions, dataDir: dir });
      try {
        const points = await series(
          context,
          server,
          (id) => Promise.resolve(rawSqlite(join(dir, 'poms.sqlite'), id)),
          sizes,
        );
        out.push(...results('SQLite (file, WAL)', points));
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const url = context.pgUrl;
    if (url !== undefined) {
      // PostgreSQL up to 10^5 ledger rows: the submissions are written one create at a time.
      const pgSizes = [100, 1000].map((n) => scaled(context, n, 10));
      const schema = `poms_b6_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
      const pgDir = mkdtempSync(join(tmpdir(), 'poms-b6pg-'));
      context.log(`B6 PostgreSQL (schema ${schema})`);
      const server = await startServer({
        ...serverOptions,
        dataDir: pgDir,
        postgresUrl: url,
        postgresSchema: schema,
      });
      try {
        const points = await series(context, server, (id) => rawPostgres(url, schema, id), pgSizes);
        out.push(...results('PostgreSQL 15', points));
      } finally {
        await server.close();
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
        rmSync(pgDir, { recursive: true, force: true });
      }
    }
    return out;
  },
};
