import { z } from 'zod';
import {
  ChangePasswordRequestSchema,
  ConnectionListSchema,
  CreateGroupRequestSchema,
  CreateTokenRequestSchema,
  CreateTokenResponseSchema,
  CreateUserRequestSchema,
  CurrentConnectionSchema,
  GroupDetailSchema,
  GroupListSchema,
  GroupMemberRequestSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  McpItemListSchema,
  MeResponseSchema,
  PrivilegeChangeSchema,
  SetItemPublicSchema,
  SetPasswordRequestSchema,
  TokenListSchema,
  UpdateGroupRequestSchema,
  UpdateUserRequestSchema,
  UserListSchema,
  UserSchema,
} from './auth.js';
import { ErrorBodySchema } from './errors.js';

/** Who may call a route: anyone, any logged-in caller, or a holder of an admin permission. */
export type RouteAuth =
  'public' | 'user' | 'manage_users' | 'manage_groups' | 'manage_permissions' | 'manage_tokens';

/** One REST route: the single source for validation and the OpenAPI document. */
export interface RouteContract {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path, e.g. /api/v1/tokens/{id}. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
}

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptime_seconds: z.number(),
  connections: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      latency_ms: z.number(),
      server_version: z.string().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

/** The routes of the accounts issue: auth, tokens, users, groups, privileges, connections. */
export const ACCOUNT_ROUTES: RouteContract[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and readiness',
    tag: 'system',
    auth: 'public',
    response: HealthSchema,
  },
  {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in with a password: returns a session token and sets an httpOnly session cookie',
    tag: 'auth',
    auth: 'public',
    body: LoginRequestSchema,
    response: LoginResponseSchema,
  },
  {
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'End the current session server-side',
    tag: 'auth',
    auth: 'user',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/v1/auth/me',
    summary: 'The caller: user, groups, effective privileges',
    tag: 'auth',
    auth: 'user',
    response: MeResponseSchema,
  },
  {
    method: 'post',
    path: '/api/v1/auth/password',
    summary: "Change one's own password (ends the other sessions)",
    tag: 'auth',
    auth: 'user',
    body: ChangePasswordRequestSchema,
    status: 204,
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    summary: "The caller's API tokens (all users' with ?all=true and manage_tokens)",
    tag: 'tokens',
    auth: 'user',
    query: z.object({ all: z.enum(['true', 'false']).optional() }),
    response: TokenListSchema,
  },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create an API token (shown once); a scope can only narrow the owner\u2019s rights',
    tag: 'tokens',
    auth: 'user',
    body: CreateTokenRequestSchema,
    response: CreateTokenResponseSchema,
    status: 201,
  },
  {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: 'Revoke an API token',
    tag: 'tokens',
    auth: 'user',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/v1/users',
    summary: 'List users',
    tag: 'users',
    auth: 'manage_users',
    response: UserListSchema,
  },
  {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a user',
    tag: 'users',
    auth: 'manage_users',
    body: CreateUserRequestSchema,
    response: UserSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/users/{id}',
    summary: 'One user',
    tag: 'users',
    auth: 'manage_users',
    response: UserSchema,
  },
  {
    method: 'patch',
    path: '/api/v1/users/{id}',
    summary: 'Change a user (name, enabled, superuser, ...)',
    tag: 'users',
    auth: 'manage_users',
    body: UpdateUserRequestSchema,
    response: UserSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/users/{id}',
    summary: 'Delete a user',
    tag: 'users',
    auth: 'manage_users',
    status: 204,
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/password',
    summary: "Set a user's password (ends their sessions)",
    tag: 'users',
    auth: 'manage_users',
    body: SetPasswordRequestSchema,
    status: 204,
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/unlock',
    summary: 'Unlock a locked-out user',
    tag: 'users',
    auth: 'manage_users',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/v1/groups',
    summary: 'List groups',
    tag: 'groups',
    auth: 'manage_groups',
    response: GroupListSchema,
  },
  {
    method: 'post',
    path: '/api/v1/groups',
    summary: 'Create a group',
    tag: 'groups',
    auth: 'manage_groups',
    body: CreateGroupRequestSchema,
    response: GroupDetailSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/v1/groups/{id}',
    summary: 'A group with members and privileges',
    tag: 'groups',
    auth: 'manage_groups',
    response: GroupDetailSchema,
  },
  {
    method: 'patch',
    path: '/api/v1/groups/{id}',
    summary: 'Rename or describe a group',
    tag: 'groups',
    auth: 'manage_groups',
    body: UpdateGroupRequestSchema,
    response: GroupDetailSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/groups/{id}',
    summary: 'Delete a group',
    tag: 'groups',
    auth: 'manage_groups',
    status: 204,
  },
  {
    method: 'post',
    path: '/api/v1/groups/{id}/members',
    summary: 'Add a user or a group to a group (cycles are refused)',
    tag: 'groups',
    auth: 'manage_groups',
    body: GroupMemberRequestSchema,
    response: GroupDetailSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/groups/{id}/members',
    summary: 'Remove a user or a group from a group',
    tag: 'groups',
    auth: 'manage_groups',
    body: GroupMemberRequestSchema,
    response: GroupDetailSchema,
  },
  {
    method: 'get',
    path: '/api/v1/privileges/items',
    summary: 'The MCP items privileges can name, with their public flag',
    tag: 'privileges',
    auth: 'manage_permissions',
    response: McpItemListSchema,
  },
  {
    method: 'put',
    path: '/api/v1/privileges/items/{kind}/{name}',
    summary: 'Make an MCP item public (usable by every logged-in caller) or not',
    tag: 'privileges',
    auth: 'manage_permissions',
    body: SetItemPublicSchema,
    status: 204,
  },
  {
    method: 'post',
    path: '/api/v1/privileges',
    summary: 'Grant a privilege to a group',
    tag: 'privileges',
    auth: 'manage_permissions',
    body: PrivilegeChangeSchema,
    response: GroupDetailSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/privileges',
    summary: 'Revoke a privilege from a group',
    tag: 'privileges',
    auth: 'manage_permissions',
    body: PrivilegeChangeSchema,
    response: GroupDetailSchema,
  },
  {
    method: 'get',
    path: '/api/v1/connections',
    summary: 'The connections the caller may use, the current one marked',
    tag: 'connections',
    auth: 'user',
    response: ConnectionListSchema,
  },
  {
    method: 'get',
    path: '/api/v1/connections/current',
    summary: "The caller's current connection (kept per token)",
    tag: 'connections',
    auth: 'user',
    response: CurrentConnectionSchema,
  },
  {
    method: 'post',
    path: '/api/v1/connections/current',
    summary: "Set the caller's current connection",
    tag: 'connections',
    auth: 'user',
    body: CurrentConnectionSchema,
    response: CurrentConnectionSchema,
  },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document', tag: 'system', auth: 'public' },
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** Builds the OpenAPI 3.1 document of `routes`. */
export function buildOpenApiDocument(
  routes: readonly RouteContract[],
  info: { version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = {
    description: 'Error',
    content: { 'application/json': { schema: jsonSchema(ErrorBodySchema, 'output') } },
  };
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const status = String(route.status ?? 200);
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'public' ? { security: [] } : {}),
      ...(route.auth !== 'public' && route.auth !== 'user' ? { 'x-pgmcp-permission': route.auth } : {}),
      ...(parameters.length > 0 || route.query
        ? {
            parameters: [
              ...parameters,
              ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
                name,
                in: 'query',
                required: !(schema as z.ZodType).safeParse(undefined).success,
                schema: jsonSchema(schema as z.ZodType, 'input'),
              })),
            ],
          }
        : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]: route.response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
            }
          : { description: status === '204' ? 'No content' : 'OK' },
        ...(route.body ? { '400': errorResponse } : {}),
        ...(route.auth !== 'public' ? { '401': errorResponse } : {}),
        ...(route.auth !== 'public' && route.auth !== 'user' ? { '403': errorResponse } : {}),
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
