// The OpenAPI 3.1 document, generated from the declared routes (route.ts): parameters, query,
// body and answer schemas are the same zod schemas that parse the requests, converted to JSON
// Schema 2020-12 (OpenAPI 3.1's dialect). Served at /api/v1/openapi.json.
import { z } from 'zod';
import type { RouteSpec } from './route.ts';

type JsonSchema = Record<string, unknown>;

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable code, documented in docs/errors.md' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The input at fault, as a path (body.name)' },
        details: { description: 'More about the error (every invalid field, the problems)' },
      },
    },
  },
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** `/submissions/:id/jobs` → `/submissions/{id}/jobs`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (schema === undefined) continue;
    const json = schemaOf(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: property,
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
      });
    }
  }
  return out;
}

function operationId(spec: RouteSpec): string {
  const words = `${spec.method.toLowerCase()} ${spec.url}`
    .replace(/:([A-Za-z_]+)/g, 'by $1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join('');
}

export function openApiDocument(routes: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    const path = `/api/v1${openApiPath(spec.url)}`;
    const status = String(spec.status ?? 200);
    const operation: JsonSchema = {
      operationId: operationId(spec),
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      parameters: parameters(spec),
      ...(spec.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
            },
          }),
      responses: {
        [status]:
          status === '204'
            ? { description: 'Done' }
            : {
                description: 'OK',
                content: { 'application/json': { schema: schemaOf(spec.response, 'output') } },
              },
        '4XX': {
          description: 'The request was at fault (code says why)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        '5XX': {
          description: 'A server fault',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      ...(spec.auth === false ? { security: [] } : {}),
    };
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'POMS-TS API',
      version,
      description:
        'Production operations management for physics experiments. Every route but health and login needs a session cookie or an API token (Authorization: Bearer).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: ERROR_BODY },
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'A personal API token (poms_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'poms_session' },
      },
    },
    security: [{ token: [] }, { session: [] }],
  };
}
