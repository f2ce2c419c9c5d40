import { toDbJson, toDbTime } from '@pgmcp/sql-store';
import type { AuthStore } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { revokeOAuthGrants } from './oauth-store.js';
import { requireUserRow } from './queries.js';
import { toApiToken } from './rows.js';
import type { ApiTokensTable } from './schema.js';
import { asEnded, emitRevoked, type StoreContext } from './store-context.js';
import { hashToken, newApiToken, newId } from './tokens.js';
import { checkFuture, checkScope, checkText } from './validation.js';

/** The API-token part of the AuthStore. */
export type ApiTokenMethods = Pick<
  AuthStore,
  'createApiToken' | 'listApiTokens' | 'findApiToken' | 'getApiToken' | 'revokeApiToken'
>;

/** API tokens: created (shown once), listed, revoked. */
export function createApiTokenMethods(ctx: StoreContext): ApiTokenMethods {
  const { db, settings } = ctx;
  const methods: ApiTokenMethods = {
    async createApiToken(userId, input = {}) {
      await requireUserRow(db, userId);
      const now = settings.now();
      const note = checkText('note', input.note, 200);
      const scope = input.scope === undefined ? undefined : checkScope(input.scope);
      const expiresAt =
        input.expiresAt === undefined ? undefined : checkFuture('expiry', input.expiresAt, now);
      const token = newApiToken();
      const row: ApiTokensTable = {
        id: newId('api_token'),
        token_hash: hashToken(token),
        user_id: userId,
        note,
        token_prefix: token.slice(0, 10),
        scope: scope === undefined ? null : toDbJson(scope),
        created_at: toDbTime(now),
        expires_at: expiresAt === undefined ? null : toDbTime(expiresAt),
        last_used_at: null,
        current_connection: null,
        current_database: null,
        oauth_grant_id: null,
        oauth_client_id: null,
        oauth_resource: null,
      };
      await db.insertInto('auth_api_tokens').values(row).execute();
      return { token, apiToken: toApiToken(row) };
    },

    async listApiTokens(userId) {
      let query = db.selectFrom('auth_api_tokens').selectAll();
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(toApiToken);
    },

    async findApiToken(id) {
      const row = await db.selectFrom('auth_api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApiToken(row);
    },

    async getApiToken(id) {
      const token = await methods.findApiToken(id);
      if (!token) throw new AuthStoreError('NOT_FOUND', `No API token with id '${id}'.`);
      return token;
    },

    async revokeApiToken(tokenId, options = {}) {
      // An OAuth access token goes with its grant, or the client would just refresh another one.
      const token = await methods.findApiToken(tokenId);
      if (token?.oauth && (options.userId === undefined || token.userId === options.userId)) {
        return (await revokeOAuthGrants(ctx, [token.oauth.grantId])) > 0;
      }
      let query = db.deleteFrom('auth_api_tokens').where('id', '=', tokenId);
      if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
      const ended = await query.returning(['id', 'user_id']).execute();
      emitRevoked(ctx, ended.map(asEnded('api_token')), 'revoked');
      return ended.length > 0;
    },
  };
  return methods;
}
