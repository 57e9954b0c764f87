import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';

// `static/` sits beside both `src/` and `dist/`, so the same relative path works from sources and from the build.
const STATIC_DIR = join(__dirname, '..', '..', 'static');

/**
 * URL path → file under `static/`: the page at `/dashboard`, every other file (the console's modules, its style)
 * under `/dashboard/<path>`. The list is read once at startup, so nothing outside `static/` can ever be served.
 */
function staticFiles(): Record<string, string> {
  const files: Record<string, string> = { '/dashboard': 'dashboard.html' };
  for (const entry of readdirSync(STATIC_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = relative(STATIC_DIR, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (file !== 'dashboard.html' && (file.split('.').pop() ?? '') in TYPES) files[`/dashboard/${file}`] = file;
  }
  return files;
}

/**
 * Charting library files served from the installed npm package itself (resolved, never copied into `static/`), so an
 * upgrade of the dependency is an upgrade of what the page loads. uPlot draws on a canvas and styles its elements
 * through the CSSOM, so the strict CSP below (no 'unsafe-inline') holds.
 */
const VENDOR_FILES: Readonly<Record<string, string>> = {
  '/dashboard/vendor/uplot/uPlot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  '/dashboard/vendor/uplot/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
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
 * The operations console: one static page with one ES module per panel (no build step). The page itself is public;
 * its data comes from the admin API, which needs the token the operator types in.
 */
export function registerDashboardRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.docs.add({
    method: 'GET',
    path: '/dashboard',
    summary: 'Operations console (thresholds, overrides, audit trail, agents\' feedback)',
    tag: 'admin',
    produces: 'text/html',
    responses: { 200: 'HTML page' },
  });
  for (const [path, file] of Object.entries(staticFiles())) {
    const content = readFileSync(join(STATIC_DIR, file), 'utf8');
    const type = TYPES[file.split('.').pop() as string] as string;
    app.get(path, async (_request, reply) => reply.headers(SECURITY_HEADERS).type(type).send(content));
  }
  for (const [path, file] of Object.entries(VENDOR_FILES)) {
    const content = readFileSync(file, 'utf8');
    const type = TYPES[file.split('.').pop() as string] as string;
    app.get(path, async (_request, reply) => reply.headers(SECURITY_HEADERS).type(type).send(content));
  }
}
