// A test double of the batch system's command line (HTCondor cannot run here): records every argv
// and input, and answers each program from a queue of results, most read from __fixtures__.
import { readFileSync } from 'node:fs';
import type { CommandOptions, CommandResult, CommandRunner } from '../commands/runner.ts';

export interface RecordedCall {
  argv: string[];
  input?: string;
}

type Answer = CommandResult | ((argv: readonly string[]) => CommandResult);

/** Programs that stage files: they succeed silently unless told otherwise. */
const STAGING = new Set(['mkdir', 'dd', 'chmod']);

export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

export function ok(stdout = ''): CommandResult {
  return { code: 0, signal: null, stdout, stderr: '' };
}

export function exit(code: number, stdout: string, stderr = ''): CommandResult {
  return { code, signal: null, stdout, stderr };
}

export class FixtureRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  private readonly answers = new Map<string, Answer[]>();

  constructor(readonly where = 'this machine') {}

  /** Queues answers for a program, given in the order it will be run. */
  on(program: string, ...answers: Answer[]): this {
    this.answers.set(program, [...(this.answers.get(program) ?? []), ...answers]);
    return this;
  }

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    this.calls.push({
      argv: [...argv],
      ...(options?.input === undefined ? {} : { input: options.input }),
    });
    const program = argv[0] ?? '';
    const queue = this.answers.get(program) ?? [];
    const answer = queue.shift();
    if (answer === undefined) {
      if (STAGING.has(program)) return Promise.resolve(ok());
      if (program === 'cat') {
        return Promise.resolve(exit(1, '', `cat: ${argv.at(-1)}: No such file or directory\n`));
      }
      return Promise.reject(new Error(`FixtureRunner: no answer for ${JSON.stringify(argv)}`));
    }
    return Promise.resolve(typeof answer === 'function' ? answer(argv) : answer);
  }

  /** The argv of every call to `program`. */
  argvOf(program: string): string[][] {
    return this.calls.filter((c) => c.argv[0] === program).map((c) => c.argv);
  }
}
