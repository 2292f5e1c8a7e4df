// The simulated jobs: each makes the job runtime's reports (runtime/poms-job.mjs) with its
// submission's job token — for its input either POST outputs (the input as parent) then POST
// files consumed, or (one input in ten) POST files failed; then POST end — a bounded number of
// jobs at a time. (The runtime's GET spec is left out: it reports nothing, and bench/b3 measures
// it.) What the server acknowledged (2xx) is written down, so the end of the run
// can hold the ledger and the outputs to it.
import { join } from 'node:path';
import { OutOfBudget, type LoadClient } from './load-client.ts';
import type { LoadJob } from './load-world.ts';

/** Reports the server acknowledged: the file states and the outputs declared. */
export interface Acknowledged {
  /** Input file → the state a 2xx answer accepted for it. */
  files: Map<string, 'consumed' | 'failed'>;
  /** Output file → how many 2xx declarations of it. */
  outputs: Map<string, number>;
  /** Jobs that got through their whole protocol. */
  jobsDone: number;
}

/** Whether a job fails its input (deterministic: the check knows what to expect). */
export const failsInput = (input: string) =>
  Number(/(\d+)\.root$/.exec(input)?.[1] ?? 0) % 10 === 3;
export const outputOf = (input: string) => input.replace(/^in_/, 'out_');

export async function playJobs(
  client: LoadClient,
  jobs: readonly LoadJob[],
  options: { concurrency: number; outputDir: string },
  acknowledged: Acknowledged,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await playJob(client, job, options.outputDir, acknowledged);
      } catch (error) {
        if (error instanceof OutOfBudget) return;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

export function nothingAcknowledged(): Acknowledged {
  return { files: new Map(), outputs: new Map(), jobsDone: 0 };
}

async function playJob(
  client: LoadClient,
  job: LoadJob,
  outputDir: string,
  acknowledged: Acknowledged,
): Promise<void> {
  const base = `/jobs/${job.submission}/${job.index}`;
  const ok = (status: number) => status >= 200 && status < 300;
  const post = (kind: string, path: string, body: unknown) =>
    client.call({ kind, method: 'POST', path: `${base}/${path}`, token: job.token, body });
  if (failsInput(job.input)) {
    const failed = await post('job.files', 'files', {
      files: [{ name: job.input, state: 'failed', reason: 'exit 3' }],
    });
    if (ok(failed.status)) acknowledged.files.set(job.input, 'failed');
  } else {
    const output = outputOf(job.input);
    const declared = await post('job.outputs', 'outputs', {
      files: [
        {
          name: output,
          size: 4096,
          checksum: 'adler32:0badc0de',
          metadata: { data_tier: 'reco', event_count: 500 },
          parents: [job.input],
          path: join(outputDir, output),
        },
      ],
    });
    if (ok(declared.status))
      acknowledged.outputs.set(output, (acknowledged.outputs.get(output) ?? 0) + 1);
    const consumed = await post('job.files', 'files', {
      files: [{ name: job.input, state: 'consumed' }],
    });
    if (ok(consumed.status)) acknowledged.files.set(job.input, 'consumed');
  }
  await post('job.end', 'end', { exit_code: failsInput(job.input) ? 3 : 0 });
  acknowledged.jobsDone++;
}
