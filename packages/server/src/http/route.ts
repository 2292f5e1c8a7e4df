// Routes declared once, with zod schemas for their parameters, query, body and answer: the same
// declaration parses every request (one error body, naming the field), registers the Fastify
// route, and describes the operation in the OpenAPI document (openapi.ts). A route that is not
// declared here does not exist in the document, and the test that compares the two says so.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireChangeScope } from '../services/access.ts';
import { callerOf } from './caller.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Fastify path under /api/v1, with `:name` parameters. */
  url: string;
  /** One tag per area (experiments, campaigns, submissions, …). */
  tag: string;
  summary: string;
  description?: string;
  /** False only for health and login: everything else answers 401 without credentials. */
  auth?: boolean;
  /**
   * False for a POST or DELETE that changes nothing a read token may not (a dry run, logging out,
   * revoking one's own token). Every other method but GET needs a token that may change things.
   */
  changes?: false;
  params?: P;
  query?: Q;
  body?: B;
  /** The 2xx answer. */
  response: R;
  /** Default 200. */
  status?: 200 | 201 | 202 | 204;
  handler: (input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<z.infer<R>>;
}

/** An input that does not fit its schema: 400 with the field's path. */
export class RequestShapeError extends Error {
  readonly code = 'http.invalid';
  constructor(
    readonly field: string,
    message: string,
    readonly details: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.infer<T> {
  if (schema === undefined) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? (where === 'query' ? {} : value));
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = details[0] ?? { path: where, message: 'invalid' };
  throw new RequestShapeError(first.path, `${first.path}: ${first.message}`, details);
}

/** The declared routes of an app, in registration order: what the OpenAPI document describes. */
export class RouteRegistry {
  readonly routes: RouteSpec[] = [];
  /** Every route Fastify registered (declared or not), for the test that compares the two. */
  readonly registered: { method: string; url: string }[] = [];

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    app: FastifyInstance,
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    this.routes.push(spec);
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        // Credentials first: without them a route answers 401 whatever else is wrong.
        if (spec.auth !== false) {
          const caller = callerOf(request);
          if (spec.method !== 'GET' && spec.changes !== false) requireChangeScope(caller);
        }
        const params = parse(spec.params, request.params, 'params');
        const query = parse(spec.query, request.query, 'query');
        const body = parse(spec.body, request.body, 'body');
        const answer = await spec.handler({ params, query, body, request, reply });
        reply.code(spec.status ?? 200);
        return spec.status === 204 ? reply.send() : reply.send(answer);
      },
    });
  }
}

/** Query strings carry text: numbers and booleans in them are parsed from it. */
export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
