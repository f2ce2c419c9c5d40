import type { AuthStore } from '@pgmcp/auth-store';
import type { Caller } from '../auth/caller.js';
import { narrowExpiry, narrowScope } from '../auth/narrow-scope.js';
import { RestError } from '../errors/rest-error.js';
import type { RouteHandlers } from './register-routes.js';
import { fromApiScope, toApiToken } from './serialize.js';

/** What the API token routes need. */
export interface TokenRouteDeps {
  auth: AuthStore;
}

function requestedExpiry(body: { expires_at?: string; expires_in_days?: number }): Date | undefined {
  if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
    throw new RestError('BAD_REQUEST', 'Give either expires_at or expires_in_days, not both.');
  }
  const expiresAt =
    body.expires_at !== undefined
      ? new Date(body.expires_at)
      : body.expires_in_days !== undefined
        ? new Date(Date.now() + body.expires_in_days * 86_400_000)
        : undefined;
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
    throw new RestError('BAD_REQUEST', 'expires_at must be a valid time in the future.');
  }
  return expiresAt;
}

/** `/api/v1/tokens*`: the caller's API tokens (everyone's for holders of manage_tokens). */
export function tokenRoutes(
  deps: TokenRouteDeps,
): RouteHandlers<'listTokens' | 'createToken' | 'revokeToken'> {
  const { auth } = deps;

  /** The user a new token is for: the caller, or (manage_tokens) the named user. */
  const ownerOf = async (caller: Caller, username: string | undefined) => {
    if (username && username.toLowerCase() !== caller.user.username.toLowerCase()) {
      if (!caller.access.hasAdmin('manage_tokens')) {
        throw new RestError(
          'FORBIDDEN',
          'Creating tokens for other users needs the manage_tokens permission.',
        );
      }
      return auth.getUserByUsername(username);
    }
    if (caller.kind === 'local') {
      throw new RestError(
        'BAD_REQUEST',
        'Authentication is switched off: name the user the token is for (username).',
      );
    }
    return caller.user;
  };

  return {
    listTokens: async ({ caller, query }) => {
      const all = query.all === 'true' && caller.access.hasAdmin('manage_tokens');
      const tokens = await auth.listApiTokens(all ? undefined : caller.user.id);
      const names = new Map((await auth.listUsers()).map((u) => [u.id, u.username]));
      return { tokens: tokens.map((t) => toApiToken(t, names.get(t.userId) ?? t.userId)) };
    },

    createToken: async ({ caller, body }) => {
      const owner = await ownerOf(caller, body.username);
      // A token made with an API token is never wider or longer-lived than that token.
      const scope = narrowScope(caller.token?.scope, fromApiScope(body.scope));
      const expiresAt = narrowExpiry(caller.token?.expiresAt, requestedExpiry(body));
      const created = await auth.createApiToken(owner.id, {
        ...(body.note ? { note: body.note } : {}),
        ...(scope ? { scope } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
      return { token: created.token, api_token: toApiToken(created.apiToken, owner.username) };
    },

    revokeToken: async ({ caller, params }) => {
      const mayRevokeAny = caller.access.hasAdmin('manage_tokens');
      const revoked = await auth.revokeApiToken(params.id, mayRevokeAny ? {} : { userId: caller.user.id });
      if (!revoked) {
        throw new RestError(
          'NOT_FOUND',
          `There is no API token ${params.id}${mayRevokeAny ? '' : ' of yours'}. GET /api/v1/tokens lists them.`,
        );
      }
    },
  };
}
