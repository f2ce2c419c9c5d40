import type {
  AuthStore,
  ConnectionGrant,
  McpItemRef,
  OAuthClient,
  OAuthGrant,
  TokenScope,
} from '@pgmcp/auth-store';
import type { OAuthClient as ApiOAuthClient, OAuthGrant as ApiOAuthGrant } from '@pgmcp/api-contract';
import type { OAuthConfig } from '@pgmcp/config';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import type { ServerMcpState } from '../mcp-state.js';
import { redirectWith } from '../oauth/oauth-server.js';
import { issuerFor } from '../oauth/oauth-urls.js';
import { redirectOrigin } from '../oauth/redirect-uris.js';
import type { RouteHandlers } from './register-routes.js';
import { iso, toApiScope } from './serialize.js';

/** What the consent page's routes and the OAuth administration need. */
export interface OAuthRouteDeps {
  auth: AuthStore;
  oauth: OAuthConfig;
  pools: Pick<PoolManager, 'listConnections'>;
  registry: Pick<McpRegistry<ServerMcpState>, 'names'>;
}

function toApiClient(client: OAuthClient): ApiOAuthClient {
  return {
    id: client.id,
    kind: client.kind,
    name: client.name,
    client_uri: client.clientUri ?? null,
    redirect_uris: [...client.redirectUris],
    status: client.status,
    created_at: client.createdAt.toISOString(),
  };
}

function toApiGrant(grant: OAuthGrant): ApiOAuthGrant {
  return {
    id: grant.id,
    client_id: grant.clientId,
    client_name: grant.clientName,
    user_id: grant.userId,
    username: grant.username ?? grant.userId,
    resource: grant.resource,
    scope: toApiScope(grant.scope) ?? {},
    created_at: grant.createdAt.toISOString(),
    expires_at: grant.expiresAt.toISOString(),
    last_refreshed_at: iso(grant.lastRefreshedAt),
  };
}

const GONE = 'This sign-in request expired or was already answered. Start again from your MCP client.';

/**
 * `/api/v1/oauth/*`: the consent page (what a client asks for, and the user's narrowed answer)
 * and the administration of OAuth clients and grants.
 */
export function oauthRoutes(
  deps: OAuthRouteDeps,
): RouteHandlers<
  | 'getOAuthRequest'
  | 'decideOAuthRequest'
  | 'listOAuthGrants'
  | 'revokeOAuthGrant'
  | 'listOAuthClients'
  | 'updateOAuthClient'
  | 'deleteOAuthClient'
> {
  const { auth } = deps;

  /** The user's own reach: connections with their access, and tools. */
  const reach = (caller: Caller) => ({
    connections: deps.pools.listConnections().flatMap((info): ConnectionGrant[] => {
      const access = caller.access.connectionAccess(info.name);
      return access ? [{ name: info.name, access }] : [];
    }),
    tools: deps.registry.names('tool').filter((name) => caller.access.canUseItem('tool', name)),
  });

  const pending = async (id: string) => {
    const authorization = await auth.oauth.findPendingAuthorization(id);
    const client = authorization && (await auth.oauth.findClient(authorization.clientId));
    if (!authorization || !client || client.status !== 'active') throw new RestError('NOT_FOUND', GONE);
    return { authorization, client };
  };

  return {
    getOAuthRequest: async ({ caller, params }) => {
      const { authorization, client } = await pending(params.id);
      const { connections, tools } = reach(caller);
      return {
        id: authorization.id,
        client: {
          id: client.id,
          kind: client.kind,
          name: client.name,
          client_uri: client.clientUri ?? null,
          redirect_uri: authorization.redirectUri,
          redirect_origin: redirectOrigin(authorization.redirectUri),
        },
        resource: authorization.resource,
        expires_at: authorization.expiresAt.toISOString(),
        connections: connections.map(({ name, access }) => ({ name, access })),
        tools,
      };
    },

    decideOAuthRequest: async ({ c, caller, params, body }) => {
      const { authorization } = await pending(params.id);
      const iss = issuerFor(c.req.raw, deps.oauth.issuer);
      const answer = (values: Record<string, string>) => ({
        redirect_to: redirectWith(authorization.redirectUri, { ...values, state: authorization.state, iss }),
      });
      if (!body.approve) {
        await auth.oauth.denyAuthorization(authorization.id);
        return answer({ error: 'access_denied', error_description: 'The user refused.' });
      }
      const mine = reach(caller);
      const connections = body.connections ?? mine.connections;
      for (const wanted of connections) {
        const own = mine.connections.find((g) => g.name === wanted.name);
        if (!own || (wanted.access === 'read_write' && own.access === 'read')) {
          throw new RestError(
            'BAD_REQUEST',
            `You cannot give ${wanted.access} on connection "${wanted.name}": you ${own ? 'only have read' : 'have no access to it'}.`,
          );
        }
      }
      const tools = body.tools ?? mine.tools;
      const unknown = tools.filter((t) => !mine.tools.includes(t));
      if (unknown.length > 0) {
        throw new RestError('BAD_REQUEST', `You cannot give tools you may not use: ${unknown.join(', ')}.`);
      }
      // Resources and prompts follow the user's rights; tools and connections are what the user chose.
      const mcpItems: McpItemRef[] = [
        ...tools.map((name) => ({ kind: 'tool' as const, name })),
        ...deps.registry.names('resource').map((name) => ({ kind: 'resource' as const, name })),
        ...deps.registry.names('prompt').map((name) => ({ kind: 'prompt' as const, name })),
      ];
      // No `admin` and no `api`: an OAuth token reaches only the MCP endpoint.
      const scope: TokenScope = { mcpItems, connections };
      const approved = await auth.oauth.approveAuthorization(
        authorization.id,
        caller.user.id,
        scope,
        deps.oauth.code_seconds * 1000,
      );
      if (!approved) throw new RestError('NOT_FOUND', GONE);
      return answer({ code: approved.code });
    },

    listOAuthGrants: async ({ caller, query }) => {
      const all = query.all === 'true' && caller.access.hasAdmin('manage_tokens');
      const grants = await auth.oauth.listGrants(all ? undefined : caller.user.id);
      return { grants: grants.map(toApiGrant) };
    },

    revokeOAuthGrant: async ({ caller, params }) => {
      const any = caller.access.hasAdmin('manage_tokens');
      if (!(await auth.oauth.revokeGrant(params.id, any ? {} : { userId: caller.user.id }))) {
        throw new RestError(
          'NOT_FOUND',
          `There is no OAuth grant ${params.id}${any ? '' : ' of yours'}. GET /api/v1/oauth/grants lists them.`,
        );
      }
    },

    listOAuthClients: async () => ({ clients: (await auth.oauth.listClients()).map(toApiClient) }),

    updateOAuthClient: async ({ params, body }) =>
      toApiClient(await auth.oauth.setClientStatus(params.id, body.status)),

    deleteOAuthClient: async ({ params }) => {
      if (!(await auth.oauth.deleteClient(params.id))) {
        throw new RestError(
          'NOT_FOUND',
          `There is no OAuth client ${params.id}. GET /api/v1/oauth/clients lists them.`,
        );
      }
    },
  };
}
