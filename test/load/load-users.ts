// The simulated people: each loops, with a think time between pages, over what a person does in
// the GUI and the CLI — the dashboard, the campaign overview, a stage page, the submission list
// with filters, a submission with its jobs, triage, a file query, the audit log — and changes:
// edits a stage's description or parameter and saves with the revision it read (a save that lost
// a race gets 409 store.stale-revision, which is counted, not an error), holds and releases a
// stage, watches and stops watching. What the server acknowledged is written down for the checks.
import { OutOfBudget, type CallSpec, type LoadClient } from './load-client.ts';
import {
  EXPERIMENT,
  REPORTS_CAMPAIGN,
  REPORTS_STAGE,
  type LoadUser,
  type LoadWorld,
} from './load-world.ts';

/** What the users' changes did, as the server answered them. */
export interface UserOutcomes {
  /** Campaign → the revision numbers that successful saves answered, in no order. */
  saved: Map<string, number[]>;
  /** Saves refused as stale (409). */
  staleSaves: number;
  /** User → the campaigns they watch, after their last acknowledged watch or unwatch. */
  watching: Map<string, Set<string>>;
  /** Pages (one or more requests each) the users went through. */
  pages: number;
}

/** A small deterministic random source per user (mulberry32): the same choices in every run. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const e = `/experiments/${EXPERIMENT}`;
const reports = `${e}/campaigns/${REPORTS_CAMPAIGN}`;
const STAGES = ['gen', 'sim', 'reco'] as const;

/** One line of the campaign text after `stage`'s header that contains `marker`, changed. */
export function editStage(
  text: string,
  stage: string,
  marker: string,
  change: (line: string) => string,
): string {
  const lines = text.split('\n');
  const header = lines.indexOf(`  ${stage}:`);
  if (header < 0) throw new Error(`no stage ${stage} in the campaign text`);
  const at = lines.findIndex((line, i) => i > header && line.includes(marker));
  if (at < 0) throw new Error(`no ${marker} under stage ${stage}`);
  lines[at] = change(lines[at]!);
  return lines.join('\n');
}

export interface Person {
  user: LoadUser;
  random: () => number;
  /** The client calls go through: the warm-up's, then the measured run's. */
  client: LoadClient;
  call: (spec: Omit<CallSpec, 'token'>) => ReturnType<LoadClient['call']>;
  pick: <T>(items: readonly T[]) => T;
  edits: number;
}

type Page = (p: Person, world: LoadWorld, outcomes: UserOutcomes) => Promise<void>;

const pages: { weight: number; page: Page }[] = [
  {
    weight: 2,
    page: async (p) => {
      await p.call({ kind: 'dashboard', method: 'GET', path: '/experiments' });
      await p.call({ kind: 'campaign.list', method: 'GET', path: `${e}/campaigns?limit=50` });
    },
  },
  {
    weight: 2,
    page: async (p) => {
      await p.call({ kind: 'campaign.overview', method: 'GET', path: `${reports}/progress` });
    },
  },
  {
    weight: 2,
    page: async (p) => {
      const stage = `stage=${REPORTS_STAGE}`;
      await p.call({
        kind: 'stage.history',
        method: 'GET',
        path: `${reports}/progress/history?${stage}`,
      });
      await p.call({
        kind: 'stage.split',
        method: 'GET',
        path: `${reports}/stages/${REPORTS_STAGE}/split`,
      });
      await p.call({
        kind: 'submission.list',
        method: 'GET',
        path: `${e}/submissions?campaign=${REPORTS_CAMPAIGN}&${stage}&limit=20`,
      });
    },
  },
  {
    weight: 2,
    page: async (p, world) => {
      const offset = Math.floor(p.random() * world.submissions.length);
      await p.call({
        kind: 'submission.list',
        method: 'GET',
        path: `${e}/submissions?campaign=${REPORTS_CAMPAIGN}&status=New,Idle,Running&test=false&limit=10&offset=${offset}`,
      });
    },
  },
  {
    weight: 2,
    page: async (p, world) => {
      const id = p.pick(world.submissions);
      await p.call({ kind: 'submission.details', method: 'GET', path: `${e}/submissions/${id}` });
      const offset = Math.floor(p.random() * 10) * 50;
      await p.call({
        kind: 'submission.jobs',
        method: 'GET',
        path: `${e}/submissions/${id}/jobs?limit=50&offset=${offset}`,
      });
    },
  },
  {
    weight: 1,
    page: async (p) => {
      await p.call({
        kind: 'triage',
        method: 'GET',
        path: `${e}/triage?campaign=${REPORTS_CAMPAIGN}`,
      });
    },
  },
  {
    weight: 1,
    page: async (p) => {
      const prefix = p.pick(['in_00', 'out_00', 'in_001', 'out_0001']);
      const query = encodeURIComponent(`file_name like '${prefix}%' and run_number >= 0`);
      await p.call({
        kind: 'file.query',
        method: 'GET',
        path: `${e}/files?query=${query}&limit=50`,
      });
    },
  },
  {
    weight: 1,
    page: async (p) => {
      const action = p.pick(['', '&action=campaign.save', '&action=hold.set']);
      await p.call({ kind: 'audit', method: 'GET', path: `${e}/audit?limit=50${action}` });
    },
  },
  { weight: 3, page: edit },
  { weight: 1, page: holdAndRelease },
  { weight: 1, page: watchOrUnwatch },
];

/** Reads the campaign, changes one stage's description or parameter, saves on that revision. */
async function edit(p: Person, _world: LoadWorld, outcomes: UserOutcomes): Promise<void> {
  const campaign = p.user.edits;
  if (campaign === null) return;
  const path = `${e}/campaigns/${campaign}`;
  const read = await p.call({ kind: 'edit.read', method: 'GET', path });
  const text = typeof read.body.text === 'string' ? read.body.text : '';
  const revision = Number(read.body.current_revision);
  if (read.status !== 200 || !Number.isInteger(revision)) return;
  const stage = p.pick(STAGES);
  const mark = `${p.user.name} #${++p.edits}`;
  const changed =
    p.random() < 0.5
      ? editStage(text, stage, 'description:', () => `    description: ${stage} edited by ${mark}`)
      : editStage(text, stage, '"--events="', () => `      - ["--events=", "${100 + p.edits}"]`);
  const saved = await p.call({
    kind: 'edit.save',
    method: 'PUT',
    path,
    body: { text: changed, expected_revision: revision, message: mark },
    expected: [409],
  });
  if (saved.status === 409) outcomes.staleSaves++;
  if (saved.status === 200) {
    const answered = Number((saved.body.revision as { revision?: number } | undefined)?.revision);
    const list = outcomes.saved.get(campaign) ?? [];
    list.push(answered);
    outcomes.saved.set(campaign, list);
  }
}

/** Holds a stage of the campaign the user may hold, then releases it. */
async function holdAndRelease(p: Person): Promise<void> {
  // Shifters may hold production stages but edit nothing: they hold the shared campaign's.
  const campaign = p.user.edits ?? 'shared_0';
  const path = `${e}/campaigns/${campaign}/stages/${p.pick(STAGES)}/hold`;
  await p.call({
    kind: 'hold.put',
    method: 'PUT',
    path,
    body: { reason: `load test, ${p.user.name}` },
  });
  await p.call({ kind: 'hold.release', method: 'DELETE', path });
}

/** Watches the reports campaign or the user's own, or stops; then reads the watch list. */
async function watchOrUnwatch(p: Person, _world: LoadWorld, outcomes: UserOutcomes): Promise<void> {
  const campaign = p.random() < 0.5 || p.user.edits === null ? REPORTS_CAMPAIGN : p.user.edits;
  const watching = outcomes.watching.get(p.user.name) ?? new Set<string>();
  outcomes.watching.set(p.user.name, watching);
  const path = `${e}/campaigns/${campaign}/watch`;
  if (watching.has(campaign)) {
    const answer = await p.call({ kind: 'watch.delete', method: 'DELETE', path });
    if (answer.status === 200) watching.delete(campaign);
  } else {
    const answer = await p.call({ kind: 'watch.put', method: 'PUT', path, body: {} });
    if (answer.status === 200) watching.add(campaign);
  }
  await p.call({ kind: 'watch.list', method: 'GET', path: `${e}/watches?limit=100` });
}

const totalWeight = pages.reduce((sum, p) => sum + p.weight, 0);

function nextPage(random: () => number): Page {
  let r = random() * totalWeight;
  for (const p of pages) {
    r -= p.weight;
    if (r < 0) return p.page;
  }
  return pages[0]!.page;
}

export function noOutcomes(): UserOutcomes {
  return { saved: new Map(), staleSaves: 0, watching: new Map(), pages: 0 };
}

/** The people of the run, each with their own random source (and count of edits made). */
export function peopleOf(client: LoadClient, world: LoadWorld): Person[] {
  return world.users.map((user, i) => {
    const random = randomSource(0x10ad + i);
    const person: Person = {
      user,
      random,
      client,
      call: (spec) => person.client.call({ ...spec, token: user.token }),
      pick: (items) => items[Math.floor(random() * items.length)]!,
      edits: 0,
    };
    return person;
  });
}

/**
 * Every page once, one after the other, by one person of each role, before the measured run:
 * the first calls of a route pay for compiling its code and schemas, which a server that has
 * been up for a while has long paid.
 */
export async function warmUp(people: readonly Person[], world: LoadWorld, outcomes: UserOutcomes) {
  const roles = new Set<string>();
  for (const person of people) {
    if (roles.has(person.user.role)) continue;
    roles.add(person.user.role);
    for (const { page } of pages) await page(person, world, outcomes);
  }
}

/** Every user loops over pages until `stop()` says so or the budget is spent. */
export async function playUsers(
  people: readonly Person[],
  world: LoadWorld,
  options: { thinkMs: readonly [number, number]; stop: () => boolean },
  outcomes: UserOutcomes,
): Promise<void> {
  await Promise.all(
    people.map(async (person) => {
      const { random } = person;
      const [low, high] = options.thinkMs;
      const think = () => new Promise((r) => setTimeout(r, low + random() * (high - low)));
      try {
        // People do not all click at the same millisecond: each starts after a think.
        await think();
        while (!options.stop()) {
          await nextPage(random)(person, world, outcomes);
          outcomes.pages++;
          await think();
        }
      } catch (error) {
        if (!(error instanceof OutOfBudget)) throw error;
      }
    }),
  );
}
