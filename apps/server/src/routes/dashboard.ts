import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';

// `static/` sits beside both `src/` and `dist/`, so the same relative path works from sources and from the build.
const STATIC_DIR = join(__dirname, '..', '..', 'static');

const FILES: Readonly<Record<string, string>> = {
  '/dashboard': 'dashboard.html',
  '/dashboard/dashboard.js': 'dashboard.js',
  '/dashboard/dashboard.css': 'dashboard.css',
};

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

// The page loads only its own script and style and talks only to this origin.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The operations dashboard: one static page (HTML, script, style; no build step). The page itself is public; its
 * data comes from the admin API, which needs the token the operator types in.
 */
export function registerDashboardRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.docs.add({
    method: 'GET',
    path: '/dashboard',
    summary: 'Operations dashboard (thresholds, overrides, audit trail)',
    tag: 'admin',
    produces: 'text/html',
    responses: { 200: 'HTML page' },
  });
  for (const [path, file] of Object.entries(FILES)) {
    const content = readFileSync(join(STATIC_DIR, file), 'utf8');
    const type = TYPES[file.split('.').pop() as string] as string;
    app.get(path, async (_request, reply) => reply.headers(SECURITY_HEADERS).type(type).send(content));
  }
}
