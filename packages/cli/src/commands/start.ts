// `poms start`: the server with its demo campaigns on the embedded store, until Ctrl-C.
import type { Command } from 'commander';
import { loadServer } from '../lazy.ts';
import { DEMO_CAMPAIGN, DEMO_EXPERIMENT } from './demo.ts';
import { UsageError, type Io } from '../output.ts';

interface StartOptions {
  port: string;
  host: string;
  data?: string;
  demo: boolean;
  postgres?: string;
  slots?: string;
  logFormat: string;
}

export function startCommand(program: Command, io: Io): void {
  program
    .command('start')
    .description('run the POMS server (HTTP API, workers, embedded store)')
    .option('--port <n>', 'TCP port (0 picks a free one)', process.env.POMS_PORT ?? '8080')
    .option('--host <addr>', 'listen address', process.env.POMS_HOST ?? '127.0.0.1')
    .option('--data <dir>', 'folder of the embedded store', process.env.POMS_DATA)
    .option('--postgres <url>', 'use PostgreSQL instead of SQLite', process.env.POMS_POSTGRES_URL)
    .option('--no-demo', 'do not seed the demo experiment')
    .option('--slots <n>', 'jobs the local engine runs at once (default: the number of CPUs)')
    .option(
      '--log-format <format>',
      'text: what the server does, on stderr; json: JSON lines on stdout (requests with their ids, and the same lines with submission ids as fields), for a log collector',
      process.env.POMS_LOG_FORMAT ?? 'text',
    )
    .action(async (opts: StartOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a port number (0-65535), not '${opts.port}'`);
      }
      const slots = opts.slots === undefined ? undefined : Number(opts.slots);
      if (slots !== undefined && (!Number.isInteger(slots) || slots < 1)) {
        throw new UsageError(`--slots must be a whole number ≥ 1, not '${opts.slots}'`);
      }
      if (opts.logFormat !== 'text' && opts.logFormat !== 'json') {
        throw new UsageError(`--log-format is text or json, not '${opts.logFormat}'`);
      }
      const json = opts.logFormat === 'json';
      const { startServer } = await loadServer();
      const server = await startServer({
        port,
        host: opts.host,
        ...(opts.data ? { dataDir: opts.data } : {}),
        ...(opts.postgres ? { postgresUrl: opts.postgres } : {}),
        demo: opts.demo,
        ...(slots === undefined ? {} : { localSlots: slots }),
        ...(json ? { logger: { write: (line: string) => io.out(line.trimEnd()) } } : {}),
        ...(json ? {} : { log: (line: string) => io.err(line) }),
      });
      io.err(
        `POMS listening on ${server.url} (store: ${server.store.kind}, data: ${server.dataDir})`,
      );
      if (server.demoCampaigns.length > 0) {
        io.err(`demo experiment seeded with: ${server.demoCampaigns.join(', ')}`);
      }
      // A fresh data folder shows the system at work: the demo campaign runs at once.
      if (server.demoCampaigns.includes(DEMO_CAMPAIGN)) {
        const outcome = await server.execution.launches.launch({
          experiment: DEMO_EXPERIMENT,
          campaign: DEMO_CAMPAIGN,
          stage: 'generate',
          launcher: 'demo',
          reason: 'first start: the demo campaign',
        });
        if (outcome.kind === 'launched') {
          io.err(
            `demo campaign ${DEMO_CAMPAIGN} launched (experiment ${DEMO_EXPERIMENT}, as user demo): follow it with \`poms status --data ${server.dataDir}\``,
          );
        }
      }
      if (server.admin) {
        io.err(
          server.admin.oneTimePassword === undefined
            ? `administrator '${server.admin.username}' created with the password given`
            : `administrator '${server.admin.username}' created; one-time password (shown once, change it at first login): ${server.admin.oneTimePassword}`,
        );
      }
      io.err(`API reference: ${server.url}/api/v1/reference (log in first)`);
      io.err(`health: ${server.url}/api/v1/health`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          io.err('stopping');
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
