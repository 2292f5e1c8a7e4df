// The submission folder on the submit host, written and read through a CommandRunner (here or
// over ssh) with plain argv: `mkdir -p`, `dd of=FILE status=none` fed the content on its standard
// input, `cat`. No shell and no quoting: the content never appears on a command line.
import { CommandError, runChecked, type CommandRunner } from '../commands/runner.ts';

export async function makeFolder(runner: CommandRunner, folder: string): Promise<void> {
  await runChecked(runner, ['mkdir', '-p', '--', folder]);
}

export async function writeFile(
  runner: CommandRunner,
  path: string,
  content: string,
): Promise<void> {
  await runChecked(runner, ['dd', `of=${path}`, 'status=none'], { input: content });
}

export async function makeExecutable(runner: CommandRunner, path: string): Promise<void> {
  await runChecked(runner, ['chmod', '0755', '--', path]);
}

/** A small file's text, or undefined when it does not exist. */
export async function readFileIfAny(
  runner: CommandRunner,
  path: string,
): Promise<string | undefined> {
  const result = await runner.run(['cat', '--', path]);
  if (result.code === 0) return result.stdout;
  if (/No such file or directory/.test(result.stderr)) return undefined;
  throw new CommandError(`cat ${path} on ${runner.where}: ${result.stderr.trim()}`, result);
}

/** The last `maxBytes` bytes of a file; '' when it does not exist (yet). */
export async function tailFile(
  runner: CommandRunner,
  path: string,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  // One byte more than asked tells whether older output was left out.
  const result = await runner.run(['tail', '-c', String(maxBytes + 1), '--', path]);
  if (result.code !== 0) {
    if (/No such file or directory/.test(result.stderr)) return { text: '', truncated: false };
    throw new CommandError(`tail ${path} on ${runner.where}: ${result.stderr.trim()}`, result);
  }
  const bytes = Buffer.from(result.stdout, 'utf8');
  if (bytes.length <= maxBytes) return { text: result.stdout, truncated: false };
  return { text: bytes.subarray(bytes.length - maxBytes).toString('utf8'), truncated: true };
}
