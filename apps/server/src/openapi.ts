import { toJSONSchema, type z } from 'zod';

/** How one route is documented. */
export interface RouteDoc {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path (`/admin/api/thresholds/:label/override`); rendered as `{label}` in the spec. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly body?: z.ZodType;
  /** Query parameters: name → description. */
  readonly query?: Readonly<Record<string, string>>;
  /** Status → description, and optionally the response schema. */
  readonly responses: Readonly<Record<number, string | { description: string; schema: z.ZodType }>>;
  /** Needs the admin token. */
  readonly admin?: boolean;
  /** Response media type when not JSON. */
  readonly produces?: string;
}

/**
 * Collects route documentation as routes are registered and renders an OpenAPI 3.1 document. Request bodies use
 * the same zod schemas that validate them, so the spec cannot drift from the checks.
 *
 * @example
 * ```ts
 * const docs = new OpenApiRegistry('MangaAssist', '0.1.0');
 * docs.add({ method: 'GET', path: '/healthz', summary: 'Liveness', tag: 'health', responses: { 200: 'alive' } });
 * const spec = docs.document();
 * ```
 */
export class OpenApiRegistry {
  private readonly routes: RouteDoc[] = [];
  private readonly servedRoutes: string[] = [];

  constructor(
    private readonly title: string,
    private readonly version: string,
  ) {}

  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }

  /** Records a route the app serves (from fastify's `onRoute` hook), to check that every route is documented. */
  served(method: string | string[], path: string): void {
    for (const m of [method].flat()) if (m !== 'HEAD') this.servedRoutes.push(`${m} ${path}`);
  }

  /** `METHOD path` of every route served but not documented. */
  undocumented(): string[] {
    const documented = new Set(this.routes.map((r) => `${r.method} ${r.path}`));
    return this.servedRoutes.filter((r) => !documented.has(r));
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const params = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
        name,
        in: 'query',
        required: false,
        description,
        schema: { type: 'string' },
      }));
      const responses = Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => {
          const description = typeof r === 'string' ? r : r.description;
          const schema = typeof r === 'string' ? errorOrNothing(Number(status)) : jsonSchema(r.schema, 'output');
          const media = route.produces && Number(status) < 400 ? route.produces : 'application/json';
          return [status, { description, ...(schema ? { content: { [media]: { schema } } } : {}) }];
        }),
      );
      (paths[path] ??= {})[route.method.toLowerCase()] = {
        summary: route.summary,
        tags: [route.tag],
        ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
        responses,
        ...(route.admin ? { security: [{ adminToken: [] }] } : {}),
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: this.title, version: this.version },
      paths,
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'serving.adminToken' } },
        schemas: { Error: ERROR_SCHEMA },
      },
    };
  }
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

function errorOrNothing(status: number): unknown {
  return status >= 400 ? { $ref: '#/components/schemas/Error' } : undefined;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
