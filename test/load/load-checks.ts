// What makes the load run a test rather than a timing: after the load, the store is held to what
// the server acknowledged. Every problem found is a line; an empty list means the run held.
// - no 5xx, no dropped connection, and every other non-2xx one the call expected (409 …);
// - no lost report: each submission's ledger has every file in the state its 2xx report gave it
//   (the rest still delivered), per file and in counts per state; the outputs recorded are
//   exactly the acknowledged declarations, once each, with their parent in the catalog;
// - no lost or duplicated revision: each edited campaign's revisions are 1…N without a gap, N − 1
//   is the number of successful saves, and no two saves answered the same revision; the audit
//   log holds one campaign.save per successful save;
// - each user's watch list is what their last acknowledged watch or unwatch left.
import type { Acknowledged } from './load-jobs.ts';
import { Budget, LoadClient } from './load-client.ts';
import type { StoreSnapshot } from './load-server.ts';
import type { UserOutcomes } from './load-users.ts';
import { EXPERIMENT, type LoadWorld } from './load-world.ts';

/** The checks' own reads are not part of the load: no budget. */
const unbounded = () => new Budget(Number.MAX_SAFE_INTEGER, 24 * 3600);

export interface Counts {
  ledger: Record<string, number>;
  outputs: number;
  savedRevisions: number;
  staleSaves: number;
}

/** Outputs whose catalog parents the checks look at: every 97th acknowledged one. */
export function sampledOutputs(acknowledged: Acknowledged): string[] {
  return [...acknowledged.outputs.keys()].filter((_, i) => i % 97 === 0);
}

export async function checkRun(
  clients: readonly LoadClient[],
  world: LoadWorld,
  snapshot: StoreSnapshot,
  acknowledged: Acknowledged,
  outcomes: UserOutcomes,
): Promise<{ problems: string[]; counts: Counts }> {
  const problems: string[] = clients
    .flatMap((c) => c.unexpected)
    .map((u) => `${u.status === 0 ? 'no answer' : u.status} ${u.kind} ${u.route}: ${u.body}`);
  const ledger = checkLedger(world, snapshot, acknowledged, problems);
  const outputs = checkOutputs(snapshot, acknowledged, problems);
  const reader = new LoadClient(world.url, unbounded());
  const savedRevisions = await checkRevisions(reader, world, outcomes, problems);
  await checkWatches(reader, world, outcomes, problems);
  problems.push(...reader.unexpected.map((u) => `check ${u.route}: ${u.status} ${u.body}`));
  return {
    problems,
    counts: { ledger, outputs, savedRevisions, staleSaves: outcomes.staleSaves },
  };
}

export function checkLedger(
  world: LoadWorld,
  snapshot: StoreSnapshot,
  acknowledged: Acknowledged,
  problems: string[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  const expected: Record<string, number> = {};
  for (const id of world.submissions) {
    for (const [file, state] of Object.entries(snapshot.ledger[id] ?? {})) {
      counts[state] = (counts[state] ?? 0) + 1;
      const want = acknowledged.files.get(file) ?? 'delivered';
      expected[want] = (expected[want] ?? 0) + 1;
      if (state !== want) problems.push(`ledger ${id} ${file}: ${state}, reported ${want}`);
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total !== world.jobs.length)
    problems.push(`ledger: ${total} files, ${world.jobs.length} jobs of one file each`);
  for (const state of new Set([...Object.keys(counts), ...Object.keys(expected)])) {
    if (counts[state] !== expected[state])
      problems.push(`ledger: ${counts[state] ?? 0} ${state}, acknowledged ${expected[state] ?? 0}`);
  }
  return counts;
}

export function checkOutputs(
  snapshot: StoreSnapshot,
  acknowledged: Acknowledged,
  problems: string[],
): number {
  const recorded = Object.entries(snapshot.outputs);
  for (const [name, times] of recorded) {
    if (!acknowledged.outputs.has(name))
      problems.push(`output ${name} recorded, never acknowledged`);
    if (times !== 1) problems.push(`output ${name} recorded ${times} times`);
  }
  for (const name of acknowledged.outputs.keys()) {
    if (snapshot.outputs[name] === undefined)
      problems.push(`output ${name} acknowledged, not recorded`);
  }
  for (const [name, parents] of Object.entries(snapshot.parents)) {
    const parent = name.replace(/^out_/, 'in_');
    if (parents.length !== 1 || parents[0] !== parent)
      problems.push(`output ${name}: parents ${JSON.stringify(parents)}, not [${parent}]`);
  }
  return recorded.length;
}

async function checkRevisions(
  reader: LoadClient,
  world: LoadWorld,
  outcomes: UserOutcomes,
  problems: string[],
): Promise<number> {
  let saved = 0;
  for (const campaign of world.editedCampaigns) {
    const numbers: number[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await reader.call({
        kind: 'check',
        method: 'GET',
        path: `/experiments/${EXPERIMENT}/campaigns/${campaign}/revisions?limit=1000&offset=${offset}`,
        token: world.adminToken,
      });
      const items = (page.body.items ?? []) as { revision: number }[];
      numbers.push(...items.map((r) => r.revision));
      if (items.length < 1000) break;
    }
    numbers.sort((a, b) => a - b);
    const answered = [...(outcomes.saved.get(campaign) ?? [])].sort((a, b) => a - b);
    saved += answered.length;
    if (!numbers.every((n, i) => n === i + 1))
      problems.push(`${campaign}: revisions ${numbers.join(',')} are not 1…N`);
    if (numbers.length !== answered.length + 1)
      problems.push(`${campaign}: ${numbers.length} revisions after ${answered.length} saves`);
    const wanted = numbers.slice(1).join(',');
    if (answered.join(',') !== wanted)
      problems.push(`${campaign}: saves answered ${answered.join(',')}, revisions ${wanted}`);
  }
  const audit = await reader.call({
    kind: 'check',
    method: 'GET',
    path: `/experiments/${EXPERIMENT}/audit?action=campaign.save&limit=1`,
    token: world.adminToken,
  });
  if (audit.body.total !== saved)
    problems.push(`audit: ${String(audit.body.total)} campaign.save entries, ${saved} saves`);
  return saved;
}

async function checkWatches(
  reader: LoadClient,
  world: LoadWorld,
  outcomes: UserOutcomes,
  problems: string[],
): Promise<void> {
  const ids = new Map<string, string>();
  const idOf = async (name: string) => {
    if (!ids.has(name)) {
      const campaign = await reader.call({
        kind: 'check',
        method: 'GET',
        path: `/experiments/${EXPERIMENT}/campaigns/${name}`,
        token: world.adminToken,
      });
      ids.set(name, String(campaign.body.id));
    }
    return ids.get(name)!;
  };
  for (const user of world.users) {
    const want = new Set<string>();
    for (const name of outcomes.watching.get(user.name) ?? []) want.add(await idOf(name));
    const answer = await reader.call({
      kind: 'check',
      method: 'GET',
      path: `/experiments/${EXPERIMENT}/watches?limit=1000`,
      token: user.token,
    });
    const have = ((answer.body.items ?? []) as { campaign_id: string; stage: string | null }[])
      .filter((w) => w.stage === null)
      .map((w) => w.campaign_id);
    if (have.length !== want.size || have.some((id) => !want.has(id)))
      problems.push(`${user.name} watches ${have.join(',')}, acknowledged ${[...want].join(',')}`);
  }
}
