// What the load runs against: a real server (startServer, file-backed SQLite in a temp data
// folder, loopback) holding one experiment with
// - `reports`, a production campaign whose stage `work` has been launched into submissions of
//   one input file per job: the jobs that report;
// - production campaigns `shared_0…3` that the production users edit together (so saves race and
//   some get 409), and one analysis campaign per analysis user, which only its owner edits;
// - 50 users, each a member with a role and an API token (made by the service the token route
//   runs; the admin's token is made through a login).
// The executor is not started: the submissions stay New and the ledger holds exactly what the
// simulated jobs report (no real job competes with them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeclaredFile } from '@poms/core';
import { startServer, type RunningServer } from '../../packages/server/src/main.ts';
import { CampaignService } from '../../packages/server/src/services/campaigns.ts';
import { hashPassword } from '../../packages/server/src/services/auth/passwords.ts';
import { AuthService } from '../../packages/server/src/services/auth/auth-service.ts';
import { systemClock } from '../../packages/server/src/adapters/system/system-clock.ts';
import { jobToken } from '../../packages/server/src/services/execution/tokens.ts';
import { apiCaller, apiToken } from '../../packages/server/src/http/api/api-testing.ts';

export const EXPERIMENT = 'load';
export const REPORTS_CAMPAIGN = 'reports';
export const REPORTS_STAGE = 'work';
export const SHARED_CAMPAIGNS = 4;
const ADMIN_PASSWORD = 'the load test admin password';
const PASSWORD = 'a load test user password';
/** Jobs per submission of `reports`: 10^4 jobs make 20 submissions. */
const JOBS_PER_SUBMISSION = 500;

export type Role = 'production' | 'production-shifter' | 'analysis';

export interface LoadUser {
  name: string;
  role: Role;
  token: string;
  /** The campaign this user edits (null: a shifter, who may not change definitions). */
  edits: string | null;
}

export interface LoadJob {
  submission: string;
  index: number;
  token: string;
  input: string;
}

/** What the load generator knows of the world: plain data, sent from the server's process. */
export interface LoadWorld {
  url: string;
  adminToken: string;
  users: LoadUser[];
  jobs: LoadJob[];
  submissions: string[];
  /** Where the stage's outputs must be declared (the spec's output_dir). */
  outputDir: string;
  /** Every campaign the users edit. */
  editedCampaigns: string[];
}

export const inputName = (i: number) => `in_${String(i).padStart(6, '0')}.root`;

function reportsText(): string {
  return `campaign: ${REPORTS_CAMPAIGN}
role: production
defaults:
  launch_setup: here
job_types:
  proc:
    command: /bin/true
    files_per_job: 1
    output_patterns: ["out_%"]
launch_setups:
  here:
    engine: local
stages:
  ${REPORTS_STAGE}:
    description: the stage whose jobs report during the load
    input: "file_name like 'in_%%'"
    split: nfiles(${JOBS_PER_SUBMISSION})
    job_type: proc
`;
}

/** A small campaign of three stages with descriptions and a parameter the users change. */
export function editableText(name: string, role: 'production' | 'analysis'): string {
  const stage = (s: string, upstream?: string) => `  ${s}:
    description: ${s} as first written
    job_type: step
${upstream === undefined ? '    type: generator\n' : `    needs: [${upstream}]\n`}    overrides:
      - ["--events=", "100"]
`;
  return `campaign: ${name}
role: ${role}
description: edited by the load test
job_types:
  step:
    command: /bin/true
    output_patterns: ["%.root"]
launch_setups:
  here:
    engine: local
defaults:
  launch_setup: here
stages:
${stage('gen')}${stage('sim', 'gen')}${stage('reco', 'sim')}`;
}

const ROLE_CYCLE: readonly Role[] = [
  'production',
  'analysis',
  'analysis',
  'production-shifter',
  'analysis',
];

export async function buildWorld(options: {
  dataDir: string;
  users: number;
  jobs: number;
}): Promise<{ server: RunningServer; world: LoadWorld }> {
  const server = await startServer({
    dataDir: options.dataDir,
    port: 0,
    host: '127.0.0.1',
    demo: false,
    execute: false,
    adminPassword: ADMIN_PASSWORD,
  });
  try {
    return { server, world: await populate(server, options) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

async function populate(
  server: RunningServer,
  options: { dataDir: string; users: number; jobs: number },
): Promise<LoadWorld> {
  const { store } = server;
  const call = apiCaller(() => server.url);
  await store.experiments.create({ name: EXPERIMENT, display_name: 'Load test' });
  const campaigns = new CampaignService(store);
  await campaigns.create(EXPERIMENT, reportsText(), 'admin');
  const shared = Array.from({ length: SHARED_CAMPAIGNS }, (_, i) => `shared_${i}`);
  for (const name of shared)
    await campaigns.create(EXPERIMENT, editableText(name, 'production'), 'admin');

  // One password hash for every user (scrypt is slow on purpose; the users differ by name). Their
  // API tokens are made by the service the token route runs: 50 logins would be 50 scrypts,
  // seconds of setup on two cores, and the admin's token below does go through a login.
  const passwordHash = await hashPassword(PASSWORD);
  const auth = new AuthService({ store, clock: systemClock });
  const users: LoadUser[] = [];
  for (let i = 0; i < options.users; i++) {
    const name = `user${String(i).padStart(2, '0')}`;
    const role = ROLE_CYCLE[i % ROLE_CYCLE.length]!;
    const user = await store.identity.createUser({
      username: name,
      displayName: name,
      passwordHash,
    });
    await store.identity.setMembership({
      experiment: EXPERIMENT,
      userId: user.id,
      role,
      grantedBy: 'admin',
    });
    const { secret } = await auth.createApiToken(user, {
      name: 'load',
      scopes: [role === 'production-shifter' ? 'launch' : 'write'],
      experiment: EXPERIMENT,
    });
    const productionBefore = users.filter((u) => u.role === 'production').length;
    const edits =
      role === 'production'
        ? shared[productionBefore % shared.length]!
        : role === 'analysis'
          ? `mine_${name}`
          : null;
    users.push({ name, role, token: secret, edits });
  }
  const adminToken = await apiToken(call, 'admin', ADMIN_PASSWORD);
  // Each analysis user creates their own campaign, as they would: through the API.
  for (const u of users.filter((u) => u.role === 'analysis')) {
    const made = await call('POST', `/experiments/${EXPERIMENT}/campaigns`, {
      token: u.token,
      body: { text: editableText(u.edits!, 'analysis'), message: 'mine' },
    });
    if (made.status !== 201) throw new Error(`campaign of ${u.name}: ${JSON.stringify(made.body)}`);
  }

  const files: DeclaredFile[] = Array.from({ length: options.jobs }, (_, i) => ({
    name: inputName(i),
    size: 1000 + i,
    metadata: { run_number: Math.floor(i / 100) },
    replicas: [{ location: 'local', path: join(options.dataDir, 'inputs', inputName(i)) }],
  }));
  await store.catalog.declareFiles(EXPERIMENT, files);
  const secret = Buffer.from(
    readFileSync(join(options.dataDir, 'job-secret'), 'utf8').trim(),
    'hex',
  );
  const jobs: LoadJob[] = [];
  const submissions: string[] = [];
  for (let s = 0; s * JOBS_PER_SUBMISSION < options.jobs; s++) {
    const outcome = await server.execution.launches.launch({
      experiment: EXPERIMENT,
      campaign: REPORTS_CAMPAIGN,
      stage: REPORTS_STAGE,
      launcher: 'admin',
      reason: 'load test',
    });
    if (outcome.kind !== 'launched') throw new Error(`launch ${s}: ${outcome.kind}`);
    const id = outcome.submission.id;
    submissions.push(id);
    const token = jobToken(secret, id);
    const ledger = await store.submissions.ledger(id, { limit: 100_000 });
    for (const row of ledger.items)
      jobs.push({ submission: id, index: row.job_index, token, input: row.file });
  }
  if (jobs.length !== options.jobs)
    throw new Error(`${jobs.length} jobs launched, not ${options.jobs}`);
  return {
    url: server.url,
    adminToken,
    users,
    jobs,
    submissions,
    outputDir: join(options.dataDir, 'files', EXPERIMENT, REPORTS_CAMPAIGN, REPORTS_STAGE),
    editedCampaigns: [...new Set(users.flatMap((u) => (u.edits === null ? [] : [u.edits])))],
  };
}
