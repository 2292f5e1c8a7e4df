// Serves the built browser app (packages/web/dist) at `/`: its files as they are, and index.html
// for every other path that is not the API, so each view's URL can be bookmarked and reloaded.
// Hashed assets are cached for good; index.html never is, so a new build is picked up at once.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * What the app's pages may load: only our own scripts, styles (inline style attributes too: the
 * graph positions its nodes with them), workers and API; nothing from elsewhere, no framing.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>POMS</title>
<p>The web app is not built. Run <code>npm run build</code> in the POMS folder, then reload.
The API is at <a href="/api/v1/reference">/api/v1/reference</a>.</p>`;

export interface WebApp {
  /** Answers a GET outside /api/; false when the request is not the app's to answer. */
  serve(request: FastifyRequest, reply: FastifyReply): Promise<boolean>;
}

export function webApp(root: string): WebApp {
  const base = resolve(root);
  return {
    async serve(request, reply) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const pathname = decodePath(request.url.split('?')[0] ?? '/');
      if (pathname === undefined || pathname.startsWith('/api/')) return false;
      const file = await fileUnder(base, pathname);
      if (file !== undefined) {
        const body = await readFile(file);
        const immutable = pathname.startsWith('/assets/');
        return send(reply, body, TYPES[extname(file)] ?? 'application/octet-stream', immutable);
      }
      // A missing asset is a 404, not the page: a stale page asking for an old chunk must fail
      // visibly instead of parsing HTML as JavaScript. Views of an experiment (`/e/…`) are the
      // page whatever their last segment looks like: file pages end in a file's name.
      if (pathname.startsWith('/assets/')) return false;
      if (extname(pathname) !== '' && !pathname.startsWith('/e/')) return false;
      const index = await fileUnder(base, '/index.html');
      const html = index === undefined ? Buffer.from(NOT_BUILT) : await readFile(index);
      return send(reply, html, TYPES['.html']!, false);
    },
  };
}

function send(reply: FastifyReply, body: Buffer, type: string, immutable: boolean): true {
  void reply
    .code(200)
    .header('content-type', type)
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('content-security-policy', APP_CSP)
    .send(body);
  return true;
}

function decodePath(raw: string): string | undefined {
  try {
    const decoded = decodeURIComponent(raw);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** The regular file at `pathname` inside `base`, never outside it (no `..`, no symlink out). */
async function fileUnder(base: string, pathname: string): Promise<string | undefined> {
  const candidate = resolve(join(base, pathname));
  if (candidate !== base && !candidate.startsWith(base + sep)) return undefined;
  try {
    const real = await realpath(candidate);
    const realBase = await realpath(base);
    if (!real.startsWith(realBase + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
