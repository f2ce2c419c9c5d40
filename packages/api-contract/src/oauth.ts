import { z } from 'zod';
import { ConnectionAccessSchema, ConnectionGrantSchema, TokenScopeSchema } from './auth.js';
import type { RouteContract } from './route-contract.js';

const Timestamp = z.string().describe('ISO 8601 timestamp');

/** An MCP client application known to pgmcp's OAuth authorization server. */
export const OAuthClientSchema = z.object({
  /** The client_id: generated (`mcp_…`) or the URL of its metadata document. */
  id: z.string(),
  kind: z.enum(['dynamic', 'metadata_document']),
  name: z.string(),
  client_uri: z.string().nullable(),
  redirect_uris: z.array(z.string()),
  status: z.enum(['active', 'pending', 'disabled']),
  created_at: Timestamp,
});
export type OAuthClient = z.infer<typeof OAuthClientSchema>;

/** What the consent page shows: who asks, and what the user could let it do. */
export const OAuthRequestSchema = z.object({
  id: z.string(),
  client: OAuthClientSchema.pick({ id: true, kind: true, name: true, client_uri: true }).extend({
    /** Where the browser returns to (its origin is what the user should recognise). */
    redirect_uri: z.string(),
    redirect_origin: z.string(),
  }),
  /** The MCP endpoint the tokens will be for. */
  resource: z.string(),
  expires_at: Timestamp,
  /** The connections the user may use, at most with this access. */
  connections: z.array(ConnectionGrantSchema),
  /** The tools the user may use. */
  tools: z.array(z.string()),
});
export type OAuthRequest = z.infer<typeof OAuthRequestSchema>;

/** `POST /api/v1/oauth/requests/{id}/decision`: allow (narrowed) or refuse. */
export const OAuthDecisionSchema = z.strictObject({
  approve: z.boolean(),
  /** Connections to allow, each at most the user's own access; default: all the user's. */
  connections: z
    .array(z.strictObject({ name: z.string().min(1), access: ConnectionAccessSchema }))
    .optional(),
  /** Tools to allow; default: all the user's. */
  tools: z.array(z.string().min(1)).optional(),
});
export type OAuthDecision = z.infer<typeof OAuthDecisionSchema>;

/** Where the browser goes next: the client's redirect URI with `code` or `error`, `state` and `iss`. */
export const OAuthDecisionResultSchema = z.object({ redirect_to: z.string() });

/** A user's grant to a client; its access tokens are API tokens with its scope. */
export const OAuthGrantSchema = z.object({
  id: z.string(),
  client_id: z.string(),
  client_name: z.string(),
  user_id: z.string(),
  /** The user's name (their id when the store did not say). */
  username: z.string(),
  resource: z.string(),
  scope: TokenScopeSchema,
  created_at: Timestamp,
  expires_at: Timestamp,
  last_refreshed_at: Timestamp.nullable(),
});
export type OAuthGrant = z.infer<typeof OAuthGrantSchema>;

/** `PATCH /api/v1/oauth/clients/{id}` */
export const UpdateOAuthClientSchema = z.strictObject({ status: z.enum(['active', 'disabled']) });

/** The consent page's routes and the administration of clients and grants. */
export const OAUTH_ROUTES = {
  getOAuthRequest: {
    method: 'get',
    path: '/api/v1/oauth/requests/{id}',
    summary: 'A pending OAuth authorization request, for the consent page',
    tag: 'oauth',
    auth: 'session',
    response: OAuthRequestSchema,
  },
  decideOAuthRequest: {
    method: 'post',
    path: '/api/v1/oauth/requests/{id}/decision',
    summary: 'Allow (possibly narrowed) or refuse an OAuth authorization request',
    tag: 'oauth',
    auth: 'session',
    body: OAuthDecisionSchema,
    response: OAuthDecisionResultSchema,
  },
  listOAuthGrants: {
    method: 'get',
    path: '/api/v1/oauth/grants',
    summary: "The caller's OAuth grants (all users' with ?all=true and manage_tokens)",
    tag: 'oauth',
    auth: 'session',
    query: z.object({ all: z.enum(['true', 'false']).optional() }),
    response: z.object({ grants: z.array(OAuthGrantSchema) }),
  },
  revokeOAuthGrant: {
    method: 'delete',
    path: '/api/v1/oauth/grants/{id}',
    summary: 'Revoke an OAuth grant with its tokens (its database pools close)',
    tag: 'oauth',
    auth: 'session',
    status: 204,
  },
  listOAuthClients: {
    method: 'get',
    path: '/api/v1/oauth/clients',
    summary: 'OAuth clients (registered or known by metadata document)',
    tag: 'oauth',
    auth: 'manage_tokens',
    response: z.object({ clients: z.array(OAuthClientSchema) }),
  },
  updateOAuthClient: {
    method: 'patch',
    path: '/api/v1/oauth/clients/{id}',
    summary: 'Approve or disable an OAuth client (disabling revokes its grants)',
    tag: 'oauth',
    auth: 'manage_tokens',
    body: UpdateOAuthClientSchema,
    response: OAuthClientSchema,
  },
  deleteOAuthClient: {
    method: 'delete',
    path: '/api/v1/oauth/clients/{id}',
    summary: 'Delete an OAuth client with its grants and tokens',
    tag: 'oauth',
    auth: 'manage_tokens',
    status: 204,
  },
} as const satisfies Record<string, RouteContract>;
