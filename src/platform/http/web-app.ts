// Serves the built React app (Vite's output) from the same process as the API. Files under
// /assets carry a content hash in their names and are cached for a year; index.html is never cached,
// and any other GET for a page path answers with index.html so the app's own router takes over.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export function webAppAvailable(webDir: string | null): webDir is string {
  return webDir !== null && fs.existsSync(path.join(webDir, 'index.html'));
}

export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(reply, filePath) {
      if (filePath.includes(`${path.sep}assets${path.sep}`)) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      } else {
        reply.header('cache-control', 'no-cache');
      }
    },
  });
}

/**
 * Whether a client with this Accept header can take an HTML page: a browser (text/html), curl and
 * most tools (star-slash-star, or no Accept at all). A client that asks only for something else (JSON)
 * gets the API's problem+json 404 instead.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'text/html' || type === '*/*' || type === 'text/*');
}

/** index.html for a client asking for one of the app's pages; false for API and file requests. */
export function spaFallback(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (pathname.startsWith('/api/') || pathname.startsWith('/docs') || path.extname(pathname) !== '')
    return false;
  if (!acceptsHtml(request.headers.accept)) return false;
  reply.header('cache-control', 'no-cache');
  void reply.sendFile('index.html');
  return true;
}
