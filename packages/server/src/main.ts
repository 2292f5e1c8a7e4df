// Composition root: the only place that knows the concrete adapters. It opens the store, seeds
// the demo, builds the HTTP app and listens. Everything else sees ports.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock, Engine, IdSource } from '@poms/core';
import { dataSystemsFromEnv } from './adapters/data/data-config.ts';
import { createBatchEngines, type BatchEngineOptions } from './adapters/engines/batch-engines.ts';
import { NO_DATA_SYSTEMS, type DataSystems } from './ports/data-systems.ts';
import { openPostgresStore } from './adapters/storage/postgres.ts';
import { openSqliteStore } from './adapters/storage/sqlite.ts';
import { systemClock } from './adapters/system/system-clock.ts';
import { ulidIdSource } from './adapters/system/ulid-ids.ts';
import { createOperationalLog, serviceLog } from './adapters/system/operational-log.ts';
import { buildApp } from './http/app.ts';
import { executorMetrics } from './http/metrics/executor-observer.ts';
import { PomsMetrics } from './http/metrics/metrics.ts';
import { webApp } from './http/web-app.ts';
import type { RouteRegistry } from './http/route.ts';
import type { Store } from './ports/store.ts';
import { AccessService } from './services/access.ts';
import { AuthService } from './services/auth/auth-service.ts';
import { seedDemo } from './services/demo.ts';
import { createExecution, type Execution } from './services/execution/index.ts';
import { keptLogsOf, LogKeeper, retentionDaysFromEnv } from './services/logs/index.ts';
import { HealthService } from './services/health.ts';
import { AuditOperations } from './services/operations/audit.ts';
import { CampaignOperations } from './services/operations/campaigns.ts';
import { CatalogOperations } from './services/operations/catalog.ts';
import { HoldOperations } from './services/operations/holds.ts';
import { ScheduleOperations } from './services/operations/schedules.ts';
import { SubmissionOperations } from './services/operations/submissions.ts';
import { TemplateOperations } from './services/operations/templates.ts';
import { UserOperations } from './services/operations/users.ts';
import { ChangeBus } from './services/events.ts';
import { ProgressOperations } from './services/operations/progress.ts';
import { SplitCursorOperations } from './services/operations/split-cursor.ts';
import { createNotifier, type NotificationServerOptions } from './services/notifications/config.ts';
import type { Notifier } from './services/notifications/notifier.ts';
import { NotificationOperations } from './services/notifications/settings.ts';
import { TriageOperations } from './services/triage/operations.ts';
import { keptFirst, TriageService } from './services/triage/triage.ts';

export const VERSION = '0.1.0';

export interface ServerOptions extends StoreLocation {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Listen address. Default 127.0.0.1 (loopback): expose it through a proxy, not directly. */
  host?: string;
  /** Seed the demo experiment with the template campaigns. Default true. */
  demo?: boolean;
  /** Where the demo's campaigns come from. Default: the repository's templates/ folder. */
  templatesDir?: string;
  /** The engine the demo campaigns' local launch setups are moved to (`poms demo --engine`). */
  demoEngine?: Engine;
  /** Structured request logs (JSON lines): on stdout, or written to the given stream. */
  logger?: boolean | { write(line: string): void };
  /** Jobs the local engine runs at once. Default: the number of CPUs. */
  localSlots?: number;
  /** Launch hosts (ssh) and cluster engines' settings; environment variables give defaults. */
  engines?: Pick<BatchEngineOptions, 'ssh' | 'slurm' | 'htcondor' | 'jobsub'>;
  /** Between engine polls when nothing wakes the executor. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Run the executor (launches, polls, recoveries, dependents). Default true. */
  execute?: boolean;
  /** Lines about what the executor does (recoveries, dependents launched). */
  log?: (message: string) => void;
  /** Called after every executor cycle. */
  onCycle?: () => void;
  /** The clock (tests move time for schedules). Default: the system clock. */
  clock?: Clock;
  /**
   * The first administrator, created on a store without users: `admin` with this password
   * (default POMS_ADMIN_PASSWORD), or with a one-time password returned in `admin`.
   */
  adminPassword?: string;
  /** Reverse proxies whose user header (`x-remote-user`) is believed: single sign-on. */
  trustedProxies?: string[];
  /** The built web app served at `/`. Default: POMS_WEB_ROOT, else the repository's packages/web/dist. */
  webRoot?: string;
  /** The experiments' MetaCat/SAM and Rucio. Default: the file POMS_DATA_CONFIG names, else none. */
  dataSystems?: DataSystems;
  /** Between two looks at a submission whose outputs are being published. Default 10 s. */
  publishCheckMs?: number;
  /** How often keep-up reads an external input dataset again. Default 60 s. */
  externalIntervalMs?: number;
  /** Between two looks at the keep-up stages' input datasets. Default 5 s. */
  keepUpIntervalMs?: number;
  /** Days kept job logs outlive their submission's last update. Default POMS_LOG_RETENTION_DAYS, else 30. */
  logRetentionDays?: number;
  /** E-mail and webhook notifications (docs/notifications.md); environment variables give defaults. */
  notifications?: NotificationServerOptions;
}

export interface RunningServer {
  url: string;
  store: Store;
  app: FastifyInstance & { routes: RouteRegistry };
  demoCampaigns: string[];
  execution: Execution;
  /** Rung after every executor cycle and every change over HTTP; the live views listen. */
  events: ChangeBus;
  /** The administrator this start created (first start only); its one-time password, if made. */
  admin: { username: string; oneTimePassword?: string | undefined } | undefined;
  /** The folder holding the store, job folders and output files (a temporary one for memory). */
  dataDir: string;
  /** Sends what watchers are told (docs/notifications.md); runs when the executor does. */
  notifier: Notifier;
  close(): Promise<void>;
}

const REPO_TEMPLATES = resolve(import.meta.dirname, '../../../templates');
const REPO_WEB_DIST = resolve(import.meta.dirname, '../../web/dist');

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const ids = ulidIdSource();
  const store = await openStore(options, clock, ids);
  // One JSON-lines log for HTTP requests and the services; lines given to `log` (tests, the
  // terminal) stay plain text.
  const operational =
    options.logger === undefined || options.logger === false
      ? undefined
      : createOperationalLog(options.logger === true ? process.stdout : options.logger);
  const log = options.log ?? (operational ? serviceLog(operational, 'server') : undefined);
  // Job folders and output files live beside the store; a memory store gets a temporary folder.
  const temporary = options.memory === true && !options.dataDir;
  const dataDir = temporary
    ? mkdtempSync(join(tmpdir(), 'poms-'))
    : resolve(options.dataDir ?? '.poms-data');
  const batch = createBatchEngines({
    dataDir,
    ...(options.localSlots === undefined ? {} : { localSlots: options.localSlots }),
    ...(options.engines ?? {}),
    ...(log === undefined ? {} : { log }),
  });
  const engine = batch.local;
  try {
    const templatesDir = options.templatesDir ?? REPO_TEMPLATES;
    let demoCampaigns: string[] = [];
    if (options.demo ?? true) {
      demoCampaigns = (
        await seedDemo(
          store,
          readTemplates(templatesDir),
          options.demoEngine === undefined ? {} : { engine: options.demoEngine },
        )
      ).created;
    }
    let url = '';
    // Rung after every executor cycle and every change made over HTTP: the live views look again.
    const events = new ChangeBus();
    const onCycle = options.onCycle;
    // Prometheus metrics of this server (GET /metrics): one registry per server.
    const metrics = new PomsMetrics(store.metrics);
    // Job and launch logs kept under the data folder, fed by the executor (docs/logs.md).
    const logKeeper = new LogKeeper({
      store,
      engines: batch.engines,
      kept: keptLogsOf(dataDir),
      now: () => clock.now(),
      retentionDays: options.logRetentionDays ?? retentionDaysFromEnv(),
      ...(log === undefined ? {} : { log }),
    });
    metrics.watchQueues({ logKeeper: () => logKeeper.queueDepth });
    const execution = createExecution({
      store,
      engines: batch.engines,
      runtime: {
        argv: [process.execPath, JOB_RUNTIME],
        url: () => url,
        baseEnv: jobBaseEnvironment(templatesDir),
      },
      jobSecret: jobSecret(options, dataDir),
      outputDir: (s) => join(dataDir, 'files', s.experiment, s.campaign, s.stage),
      location: LOCAL_LOCATION,
      now: () => clock.now(),
      dataSystems: options.dataSystems ?? dataSystemsFromEnv() ?? NO_DATA_SYSTEMS,
      ...(options.publishCheckMs === undefined ? {} : { publishCheckMs: options.publishCheckMs }),
      ...(options.externalIntervalMs === undefined
        ? {}
        : { externalIntervalMs: options.externalIntervalMs }),
      ...(options.keepUpIntervalMs === undefined
        ? {}
        : { keepUpIntervalMs: options.keepUpIntervalMs }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(log === undefined ? {} : { log }),
      onCycle: () => {
        events.notify();
        onCycle?.();
      },
      observers: [executorMetrics(metrics), logKeeper],
      keptLogs: logKeeper.kept,
    });
    // Watchers are told what happened, from the store's history (docs/notifications.md).
    const notifier = createNotifier(store, options.notifications ?? {}, {
      now: () => clock.now(),
      url: () => url,
      log,
    });
    const auth = new AuthService({ store, clock });
    const bootstrapped = await auth.bootstrapAdmin({
      password: options.adminPassword ?? process.env.POMS_ADMIN_PASSWORD,
    });
    const access = new AccessService(store);
    const campaigns = new CampaignOperations(store, access);
    const app = buildApp(
      {
        health: new HealthService(store, clock, VERSION),
        jobs: execution.jobs,
        api: {
          store,
          auth,
          access,
          campaigns,
          templates: new TemplateOperations(templatesDir, campaigns, store, access),
          submissions: new SubmissionOperations(store, access, execution),
          holds: new HoldOperations(store, access, execution),
          schedules: new ScheduleOperations(store, access, execution),
          catalog: new CatalogOperations(store, access),
          users: new UserOperations(store, access),
          audit: new AuditOperations(store, access),
          progress: {
            progress: new ProgressOperations(store, access, events, log),
            splits: new SplitCursorOperations(store, access),
          },
          triage: new TriageOperations(
            store,
            access,
            execution,
            new TriageService({
              store,
              logs: keptFirst(logKeeper.kept, (job, bytes) =>
                execution.logs(job.submission_id, job.index, bytes),
              ),
              now: () => clock.now(),
            }),
          ),
          notifications: new NotificationOperations(store, notifier),
          events,
          version: VERSION,
          options: { trustedProxies: options.trustedProxies ?? [] },
        },
        web: webApp(options.webRoot ?? process.env.POMS_WEB_ROOT ?? REPO_WEB_DIST),
        metrics,
      },
      operational === undefined ? { logger: false } : { loggerInstance: operational },
    );
    url = await app.listen({
      port: options.port ?? 8080,
      host: options.host ?? '127.0.0.1',
    });
    if (!temporary) writeServerFile(dataDir, url);
    if (options.execute ?? true) {
      // A local job's process ending is the surest sign that something moved: the next cycle
      // starts then, not at the next poll (the stage-to-stage hand-off of B5).
      engine.onJobEnded(() => execution.executor.wake());
      execution.executor.start();
      logKeeper.start();
      notifier.start();
    }
    return {
      url,
      store,
      app,
      demoCampaigns,
      execution,
      events,
      dataDir,
      notifier,
      admin:
        bootstrapped === undefined
          ? undefined
          : {
              username: bootstrapped.user.username,
              oneTimePassword: bootstrapped.oneTimePassword,
            },
      async close() {
        await execution.executor.stop();
        await logKeeper.stop();
        await notifier.stop();
        await app.close();
        // A temporary server's jobs die with it: their folder is about to be removed.
        if (temporary) engine.killAll();
        await batch.close();
        await store.close();
        // A killed job's last writes may still land while the folder goes: retry the removal.
        if (temporary)
          rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
        else removeServerFile(dataDir);
      },
    };
  } catch (error) {
    await batch.close();
    await store.close();
    throw error;
  }
}

/**
 * The data folder's local side without a server: the store and the execution services, for CLI
 * commands. Launches are recorded (New) and engine actions are recorded as requests; the server
 * running on the folder carries them out (at once if it runs, else when it starts).
 */
export async function openLocal(
  options: StoreLocation & { templatesDir?: string },
): Promise<{ store: Store; execution: Execution; dataDir: string; close(): Promise<void> }> {
  const clock = systemClock;
  const store = await openStore(options, clock);
  const dataDir = resolve(options.dataDir ?? '.poms-data');
  const templatesDir = options.templatesDir ?? REPO_TEMPLATES;
  const execution = createExecution({
    store,
    engines: {},
    runtime: {
      argv: [process.execPath, JOB_RUNTIME],
      url: () => runningServer(dataDir)?.url ?? '(the server running on this data folder)',
      baseEnv: jobBaseEnvironment(templatesDir),
    },
    jobSecret: options.postgresUrl || options.memory ? randomBytes(32) : jobSecret({}, dataDir),
    outputDir: (s) => join(dataDir, 'files', s.experiment, s.campaign, s.stage),
    location: LOCAL_LOCATION,
    now: () => clock.now(),
    dataSystems: dataSystemsFromEnv() ?? NO_DATA_SYSTEMS,
    keptLogs: keptLogsOf(dataDir),
  });
  return { store, execution, dataDir, close: () => store.close() };
}

const SERVER_FILE = 'server.json';

function writeServerFile(dataDir: string, url: string): void {
  writeFileSync(join(dataDir, SERVER_FILE), JSON.stringify({ pid: process.pid, url }) + '\n');
}

function removeServerFile(dataDir: string): void {
  rmSync(join(dataDir, SERVER_FILE), { force: true });
}

/** The server running on a data folder, if one is (its process is alive). */
export function runningServer(dataDir: string): { pid: number; url: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(resolve(dataDir), SERVER_FILE), 'utf8')) as {
      pid: number;
      url: string;
    };
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

/** The catalog location of files on this machine's disk (the local engine's storage). */
export const LOCAL_LOCATION = 'local';

const JOB_RUNTIME = resolve(import.meta.dirname, 'runtime/poms-job.mjs');

/**
 * What every job's environment starts from: enough of ours to find programs (PATH), a home and
 * a locale, plus POMS_TEMPLATES_DIR so template campaigns can run the programs they ship in
 * templates/bin. Nothing else of the server's environment (its secrets) reaches jobs.
 */
function jobBaseEnvironment(templatesDir: string): Record<string, string> {
  const env: Record<string, string> = { POMS_TEMPLATES_DIR: templatesDir };
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * The secret job tokens are derived from. Kept in the data folder (mode 600) so jobs submitted
 * after a restart get tokens the server still accepts; POMS_JOB_SECRET (hex) sets it for
 * PostgreSQL deployments whose replicas must agree.
 */
function jobSecret(options: ServerOptions, dataDir: string): Uint8Array {
  const fromEnv = process.env.POMS_JOB_SECRET;
  if (fromEnv !== undefined && /^[0-9a-f]{64,}$/i.test(fromEnv)) return Buffer.from(fromEnv, 'hex');
  if (options.postgresUrl || options.memory) return randomBytes(32);
  const file = join(dataDir, 'job-secret');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32);
    writeFileSync(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

export interface StoreLocation {
  /** Folder of the embedded SQLite store. Default ./.poms-data */
  dataDir?: string;
  /** PostgreSQL connection string; wins over dataDir. */
  postgresUrl?: string;
  /** PostgreSQL: keep the tables in this schema (created if absent). Default: the search path's. */
  postgresSchema?: string;
  /** A private in-memory store (previews, tests): nothing is kept. */
  memory?: boolean;
}

/** Opens the store the server would use, for local commands (the CLI) and the server itself. */
export function openStore(
  location: StoreLocation,
  clock: Clock = systemClock,
  ids: IdSource = ulidIdSource(),
): Promise<Store> {
  if (location.postgresUrl) {
    return openPostgresStore({
      connectionString: location.postgresUrl,
      schema: location.postgresSchema,
      clock,
      ids,
    });
  }
  if (location.memory) return openSqliteStore({ file: ':memory:', clock, ids });
  const dataDir = resolve(location.dataDir ?? '.poms-data');
  mkdirSync(dataDir, { recursive: true });
  return openSqliteStore({ file: join(dataDir, 'poms.sqlite'), clock, ids });
}

function readTemplates(dir: string): { text: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ text: readFileSync(join(dir, name), 'utf8') }));
}
