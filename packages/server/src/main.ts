// Composition root: the only place that knows the concrete adapters. It opens the store, seeds
// the demo, builds the HTTP app and listens. Everything else sees ports.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock, IdSource } from '@poms/core';
import { openPostgresStore } from './adapters/storage/postgres.ts';
import { openSqliteStore } from './adapters/storage/sqlite.ts';
import { systemClock } from './adapters/system/system-clock.ts';
import { ulidIdSource } from './adapters/system/ulid-ids.ts';
import { buildApp } from './http/app.ts';
import type { Store } from './ports/store.ts';
import { seedDemo } from './services/demo.ts';
import { HealthService } from './services/health.ts';

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
  logger?: boolean;
}

export interface RunningServer {
  url: string;
  store: Store;
  app: FastifyInstance;
  demoCampaigns: string[];
  close(): Promise<void>;
}

const REPO_TEMPLATES = resolve(import.meta.dirname, '../../../templates');

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const clock = systemClock;
  const ids = ulidIdSource();
  const store = await openStore(options, clock, ids);
  try {
    let demoCampaigns: string[] = [];
    if (options.demo ?? true) {
      const templates = readTemplates(options.templatesDir ?? REPO_TEMPLATES);
      demoCampaigns = (await seedDemo(store, templates)).created;
    }
    const app = buildApp(
      { health: new HealthService(store, clock, VERSION) },
      { logger: options.logger ?? false },
    );
    const address = await app.listen({
      port: options.port ?? 8080,
      host: options.host ?? '127.0.0.1',
    });
    return {
      url: address,
      store,
      app,
      demoCampaigns,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export interface StoreLocation {
  /** Folder of the embedded SQLite store. Default ./.poms-data */
  dataDir?: string;
  /** PostgreSQL connection string; wins over dataDir. */
  postgresUrl?: string;
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
    return openPostgresStore({ connectionString: location.postgresUrl, clock, ids });
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
