// The folders and marker files the Slurm engine keeps on the submit host. On this machine they
// are made in-process, so that a launch spawns sbatch and nothing else (each spawned command
// costs a fork and an exec, tens of ms on a busy host); on a launch host they are made with
// commands over the runner (ssh), one round trip each.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LocalRunner, runChecked, type CommandRunner } from '../commands/runner.ts';

export interface SubmitHostFiles {
  /**
   * Makes the folder; true when it did not exist before. The engine makes a submission's folder
   * before its sbatch, so a folder made now means no sbatch of that submission has happened.
   */
  makeFresh(dir: string): Promise<boolean>;
  /** Makes the folder and its parents when missing. */
  makeAll(dir: string): Promise<void>;
  /** The file's text, or undefined when it cannot be read. */
  read(path: string): Promise<string | undefined>;
  write(path: string, content: string): Promise<void>;
}

export function submitHostFiles(runner: CommandRunner): SubmitHostFiles {
  return runner instanceof LocalRunner ? localFiles : remoteFiles(runner);
}

const localFiles: SubmitHostFiles = {
  async makeFresh(dir) {
    try {
      await mkdir(dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'ENOENT') throw error;
    }
    // The root folder itself is new.
    await mkdir(dirname(dir), { recursive: true });
    return localFiles.makeFresh(dir);
  },
  async makeAll(dir) {
    await mkdir(dir, { recursive: true });
  },
  async read(path) {
    return readFile(path, 'utf8').catch(() => undefined);
  },
  async write(path, content) {
    await writeFile(path, content);
  },
};

function remoteFiles(runner: CommandRunner): SubmitHostFiles {
  return {
    async makeFresh(dir) {
      if ((await runner.run(['mkdir', dir])).code === 0) return true;
      // It exists, or its parent does not: either way, make sure it is there now.
      await runChecked(runner, ['mkdir', '-p', dir]);
      return false;
    },
    async makeAll(dir) {
      await runChecked(runner, ['mkdir', '-p', dir]);
    },
    async read(path) {
      const result = await runner.run(['cat', path]);
      return result.code === 0 ? result.stdout : undefined;
    },
    async write(path, content) {
      await runChecked(runner, ['dd', `of=${path}`, 'status=none'], { input: content });
    },
  };
}
