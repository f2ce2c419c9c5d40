import { z } from 'zod';
import { ErrorBodySchema } from './errors.js';
import { errorStatuses, pathParameters, type RouteContract, successStatus } from './route-contract.js';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (the message names the field)',
  401: 'Not logged in',
  403: 'Not allowed (missing permission, token scope, or an API token where a session is needed)',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  415: 'Not JSON',
  423: 'Locked',
  429: 'Too many requests (see Retry-After)',
  502: 'Upstream failed',
  503: 'Unavailable',
  504: 'Upstream timed out',
};

function success(route: RouteContract): Record<string, unknown> {
  const status = successStatus(route);
  if (route.response) {
    return {
      description: 'OK',
      content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
    };
  }
  if (route.stream) {
    return {
      description: 'Server-sent events; each data line is one of these JSON events',
      content: { 'text/event-stream': { schema: jsonSchema(route.stream, 'output') } },
    };
  }
  if (status === 302) return { description: 'Found: the browser is redirected (Location)' };
  return { description: status === 204 ? 'No content' : 'OK' };
}

/** Builds the OpenAPI 3.1 document of `routes`. */
export function buildOpenApiDocument(
  routes: readonly RouteContract[],
  info: { version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = jsonSchema(ErrorBodySchema, 'output');
  for (const route of routes) {
    const parameters = [
      ...pathParameters(route.path).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(schema as z.ZodType, 'input'),
      })),
    ];
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'public' ? { security: [] } : {}),
      ...(route.auth !== 'public' && route.auth !== 'user' && route.auth !== 'session'
        ? { 'x-pgmcp-permission': route.auth }
        : {}),
      ...(route.auth === 'session' ? { 'x-pgmcp-session-only': true } : {}),
      ...(route.scope ? { 'x-pgmcp-token-scope': route.scope } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(successStatus(route))]: success(route),
        ...Object.fromEntries(
          errorStatuses(route).map((status) => [
            String(status),
            {
              description: ERROR_DESCRIPTIONS[status] ?? 'Error',
              content: { 'application/json': { schema: errorSchema } },
            },
          ]),
        ),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pgmcp REST API',
      version: info.version,
      description:
        'Accounts, tokens, connections, the LLM proxy and stored conversations of pgmcp. The MCP endpoint is /mcp/v1.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token from /api/v1/auth/login or an API token (pgmcp_…)',
        },
        cookie: { type: 'apiKey', in: 'cookie', name: 'pgmcp_session' },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}
