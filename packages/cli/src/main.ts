// The `poms` program: parses arguments and maps failures to exit codes. `main` returns the exit
// code instead of exiting, so tests can run the CLI in-process.
import { Command, CommanderError } from 'commander';
import { backupCommands } from './commands/backup.ts';
import { campaignCommands } from './commands/campaign.ts';
import { controlCommands } from './commands/control.ts';
import { demoCommand } from './commands/demo.ts';
import { fileCommands } from './commands/files.ts';
import { launchCommands } from './commands/launch.ts';
import { logsCommand } from './commands/logs.ts';
import { notifyCommands } from './commands/notify.ts';
import { scheduleCommands } from './commands/schedule.ts';
import { splitCommands } from './commands/split.ts';
import { startCommand } from './commands/start.ts';
import { submissionCommands } from './commands/submissions.ts';
import { triageCommands } from './commands/triage.ts';
import { watchCommands } from './commands/watch.ts';
import { EXIT_PROBLEMS, EXIT_USAGE, UsageError, processIo, type Io } from './output.ts';
import { RemoteError } from './remote/client.ts';
import { credentialCommands } from './remote/credentials.ts';

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const run = (action: () => number) => {
    exitCode = action();
  };
  const runAsync = async (action: () => Promise<number>) => {
    exitCode = await action();
  };
  const program = new Command('poms')
    .description('POMS-TS: production operations management for physics experiments')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  campaignCommands(program, io, run, runAsync);
  credentialCommands(program, io, runAsync);
  startCommand(program, io);
  splitCommands(program, io, runAsync);
  fileCommands(program, io, runAsync);
  launchCommands(program, io, runAsync);
  submissionCommands(program, io, runAsync);
  logsCommand(program, io, runAsync);
  controlCommands(program, io, runAsync);
  scheduleCommands(program, io, runAsync);
  triageCommands(program, io, runAsync);
  notifyCommands(program, io, runAsync);
  watchCommands(program, io, runAsync);
  demoCommand(program, io, runAsync);
  backupCommands(program, io, runAsync);
  for (const command of program.commands) command.exitOverride();
  for (const command of program.commands.flatMap((c) => c.commands)) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`poms: ${error.message}`);
      return EXIT_USAGE;
    }
    // The server's refusals carry its error code, whatever its shape.
    if (error instanceof RemoteError) {
      io.err(`poms: error ${error.code}: ${error.message}`);
      return EXIT_PROBLEMS;
    }
    // Our typed errors (store.conflict, store.not-found, split.changed, …) are the input's fault:
    // said in one line with their code. Anything else is a bug and keeps its stack.
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      /^[a-z]+\.[a-z-]+$/.test(error.code)
    ) {
      io.err(`poms: error ${error.code}: ${error.message}`);
      return EXIT_PROBLEMS;
    }
    throw error;
  }
}
