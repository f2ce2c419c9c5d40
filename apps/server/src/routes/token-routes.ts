import type { AuthStore } from '@pgmcp/auth-store';
import type { Caller } from '../auth/caller.js';
import { narrowExpiry, narrowScope } from '../auth/narrow-scope.js';
import { createEscalationChecks } from '../auth/no-escalation.js';
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
  const checks = createEscalationChecks(auth);

  /** The user a new token is for: the caller, or (manage_tokens) the named user. */
  const ownerOf = async (caller: Caller, username: string | undefined) => {
    if (username && username.toLowerCase() !== caller.user.username.toLowerCase()) {
      if (!caller.access.hasAdmin('manage_tokens')) {
        throw new RestError(
          'FORBIDDEN',
          'Creating tokens for other users needs the manage_tokens permission.',
        );
      }
      const owner = await auth.getUserByUsername(username);
      checks.superuserAccount(caller, owner);
      return owner;
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
      const users = new Map((await auth.listUsers()).map((u) => [u.id, u]));
      // Superusers' tokens are theirs to see (and other superusers').
      const visible = (await auth.listApiTokens(all ? undefined : caller.user.id)).filter(
        (t) => t.userId === caller.user.id || caller.access.isSuperuser || !users.get(t.userId)?.superuser,
      );
      return { tokens: visible.map((t) => toApiToken(t, users.get(t.userId)?.username ?? t.userId)) };
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
      if (owner.id !== caller.user.id) {
        // Checked on the stored token, so scope narrowing is the store's own: refused ones are revoked.
        await checks.token(caller, created.apiToken.id).catch(async (error: unknown) => {
          await auth.revokeApiToken(created.apiToken.id);
          throw error;
        });
      }
      return { token: created.token, api_token: toApiToken(created.apiToken, owner.username) };
    },

    revokeToken: async ({ caller, params }) => {
      const token = await auth.findApiToken(params.id);
      const owner = token && token.userId !== caller.user.id ? await auth.findUser(token.userId) : undefined;
      // Another superuser's token looks like a missing one to an administrator who is not.
      const mayRevokeAny =
        caller.access.hasAdmin('manage_tokens') && (caller.access.isSuperuser || !owner?.superuser);
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
