// The API's own description: /openapi.json (OpenAPI 3.1, generated from the declared routes)
// and /reference, a plain page listing every operation with its parameters — no scripts, no
// assets from elsewhere, readable in any browser.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { openApiDocument } from '../openapi.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(document: Record<string, unknown>): string {
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const parameters = (op.parameters as { name: string; in: string }[] | undefined) ?? [];
      const params = parameters.map((p) => `${p.name} (${p.in})`).join(', ');
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(typeof op.summary === 'string' ? op.summary : '')}</td><td>${escape(params)}${op.requestBody ? `${params ? '; ' : ''}JSON body` : ''}</td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>POMS-TS API reference</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:80em}td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}code{font-size:13px}</style>
</head><body><h1>POMS-TS API reference</h1>
<p>Every operation below, generated from the server's routes. The machine-readable document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors answer <code>{"error": {"code", "message", "field"?, "details"?}}</code>; codes are listed in docs/errors.md.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>input</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>`;
}

export function referenceRoutes(app: FastifyInstance, routes: RouteRegistry, version: string) {
  let cached: Record<string, unknown> | undefined;
  const document = () => (cached ??= openApiDocument(routes.routes, version));
  routes.add(app, {
    method: 'GET',
    url: '/openapi.json',
    tag: 'reference',
    summary: 'This API as an OpenAPI 3.1 document',
    response: z.record(z.string(), z.unknown()),
    handler: () => Promise.resolve(document()),
  });
  app.get('/reference', async (request, reply) => {
    callerOf(request);
    return reply.type('text/html; charset=utf-8').send(page(document()));
  });
}
