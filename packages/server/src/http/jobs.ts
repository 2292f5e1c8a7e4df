// The job runtime's endpoints: /api/v1/jobs/:submission/:index/{spec,files,outputs,end}. Only the
// submission's job token (Authorization: Bearer) opens them; a wrong token, an unknown
// submission and a token of another submission all get the same 401, so a job learns nothing
// about submissions that are not its own.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { JobReportService } from '../services/execution/job-reports.ts';
import type { SubmissionRecord } from '../ports/submissions.ts';

interface JobParams {
  submission: string;
  index: string;
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export function jobRoutes(jobs: JobReportService): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  return async (app) => {
    /** Authenticates, then runs `action`; our errors become answers in the app's handler. */
    const handle =
      (action: (submission: SubmissionRecord, index: number, body: unknown) => Promise<unknown>) =>
      async (request: FastifyRequest<{ Params: JobParams }>, reply: FastifyReply) => {
        const index = Number(request.params.index);
        const submission = await jobs.authenticate(
          request.params.submission,
          index,
          bearer(request),
        );
        return reply.send(await action(submission, index, request.body));
      };

    // Answers without touching the store or a token: the job runtime's (and the B3 benchmark's)
    // way to tell that the server is reachable, and the floor of what a job endpoint costs.
    app.get('/jobs/ping', (_request, reply) => reply.send({ ok: true }));
    app.get<{ Params: JobParams }>(
      '/jobs/:submission/:index/spec',
      handle((submission, index) => jobs.spec(submission, index)),
    );
    app.post<{ Params: JobParams }>(
      '/jobs/:submission/:index/files',
      handle(async (submission, index, body) => {
        const result = await jobs.reportFiles(submission, index, body);
        return { ok: true, changed: result.changed };
      }),
    );
    app.post<{ Params: JobParams }>(
      '/jobs/:submission/:index/outputs',
      handle(async (submission, index, body) => ({
        ok: true,
        ...(await jobs.declareOutputs(submission, index, body)),
      })),
    );
    app.post<{ Params: JobParams }>(
      '/jobs/:submission/:index/end',
      // eslint-disable-next-line @typescript-eslint/require-await -- handle() takes async actions
      handle(async () => {
        jobs.end();
        return { ok: true };
      }),
    );
  };
}
