import { fromDbJson, fromDbTime, fromDbTimeOrUndefined, toDbJson } from '@pgmcp/sql-store';
import { AuthStoreError } from './errors.js';
import type {
  IssuedOAuthTokens,
  OAuthAuthorization,
  OAuthClient,
  OAuthClientKind,
  OAuthClientStatus,
  OAuthGrant,
  OAuthLifetimes,
  OAuthStore,
} from './oauth-types.js';
import type {
  ApiTokensTable,
  OAuthAuthorizationsTable,
  OAuthClientsTable,
  OAuthGrantsTable,
} from './schema.js';
import { asEnded, emitRevoked, type StoreContext } from './store-context.js';
import { hashToken, newApiToken, newAuthorizationCode, newId, newRefreshToken } from './tokens.js';
import type { TokenScope } from './types.js';
import { checkScope, checkText } from './validation.js';

function toClient(row: OAuthClientsTable): OAuthClient {
  return {
    id: row.id,
    kind: row.kind as OAuthClientKind,
    name: row.name,
    clientUri: row.client_uri ?? undefined,
    redirectUris: fromDbJson<string[]>(row.redirect_uris),
    status: row.status as OAuthClientStatus,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

function toAuthorization(row: OAuthAuthorizationsTable): OAuthAuthorization {
  return {
    id: row.id,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    state: row.state ?? undefined,
    resource: row.resource,
    userId: row.user_id ?? undefined,
    scope: row.scope === null ? undefined : fromDbJson<TokenScope>(row.scope),
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTime(row.expires_at),
  };
}

function toGrant(row: OAuthGrantsTable, clientName: string, username?: string): OAuthGrant {
  return {
    id: row.id,
    clientId: row.client_id,
    clientName,
    userId: row.user_id,
    ...(username !== undefined ? { username } : {}),
    resource: row.resource,
    scope: fromDbJson<TokenScope>(row.scope),
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTime(row.expires_at),
    lastRefreshedAt: fromDbTimeOrUndefined(row.last_refreshed_at),
  };
}

const CLIENT_STATUSES: readonly OAuthClientStatus[] = ['active', 'pending', 'disabled'];

/** Deletes grants with their refresh and access tokens, and tells the pools; returns how many grants went. */
export async function revokeOAuthGrants(ctx: StoreContext, grantIds: readonly string[]): Promise<number> {
  if (grantIds.length === 0) return 0;
  const { db } = ctx;
  const tokens = await db
    .deleteFrom('auth_api_tokens')
    .where('oauth_grant_id', 'in', grantIds)
    .returning(['id', 'user_id'])
    .execute();
  await db.deleteFrom('auth_oauth_refresh_tokens').where('grant_id', 'in', grantIds).execute();
  const grants = await db
    .deleteFrom('auth_oauth_grants')
    .where('id', 'in', grantIds)
    .returning('id')
    .execute();
  emitRevoked(ctx, tokens.map(asEnded('api_token')), 'revoked');
  return grants.length;
}

/** The OAuth part of the store (see {@link OAuthStore}). */
export function createOAuthStore(ctx: StoreContext): OAuthStore {
  const { db, settings } = ctx;
  const now = () => settings.now().getTime();

  async function clientName(clientId: string): Promise<string> {
    const row = await db
      .selectFrom('auth_oauth_clients')
      .select('name')
      .where('id', '=', clientId)
      .executeTakeFirst();
    return row?.name ?? clientId;
  }

  async function issueTokens(grant: OAuthGrantsTable, lifetimes: OAuthLifetimes): Promise<IssuedOAuthTokens> {
    const at = now();
    const accessToken = newApiToken();
    const name = await clientName(grant.client_id);
    const accessExpires = Math.min(at + lifetimes.accessTokenMs, grant.expires_at);
    const row: ApiTokensTable = {
      id: newId('api_token'),
      token_hash: hashToken(accessToken),
      user_id: grant.user_id,
      note: `OAuth: ${name}`.slice(0, 200),
      token_prefix: accessToken.slice(0, 10),
      scope: grant.scope,
      created_at: at,
      expires_at: accessExpires,
      last_used_at: null,
      current_connection: null,
      current_database: null,
      oauth_grant_id: grant.id,
      oauth_client_id: grant.client_id,
      oauth_resource: grant.resource,
    };
    await db.insertInto('auth_api_tokens').values(row).execute();
    const refreshToken = newRefreshToken();
    await db
      .insertInto('auth_oauth_refresh_tokens')
      .values({ token_hash: hashToken(refreshToken), grant_id: grant.id, created_at: at, used_at: null })
      .execute();
    return {
      accessToken,
      accessTokenExpiresAt: new Date(accessExpires),
      refreshToken,
      grant: toGrant(grant, name),
    };
  }

  const store: OAuthStore = {
    async registerClient(input) {
      const at = now();
      const name = checkText('client name', input.name, 200) ?? 'Unnamed client';
      if (input.redirectUris.length === 0) {
        throw new AuthStoreError('INVALID_INPUT', 'A client needs at least one redirect URI.');
      }
      const row: OAuthClientsTable = {
        id: input.id ?? newId('oauth_client'),
        kind: input.kind,
        name,
        client_uri: input.clientUri ?? null,
        redirect_uris: toDbJson([...input.redirectUris]),
        metadata: toDbJson(input.metadata),
        status: input.status,
        created_at: at,
        updated_at: at,
      };
      if (input.id !== undefined) {
        // A metadata document is fetched again now and then: keep the row, refresh what it says.
        const existing = await db
          .selectFrom('auth_oauth_clients')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirst();
        if (existing) {
          await db
            .updateTable('auth_oauth_clients')
            .set({
              name: row.name,
              client_uri: row.client_uri,
              redirect_uris: row.redirect_uris,
              metadata: row.metadata,
              updated_at: at,
            })
            .where('id', '=', row.id)
            .execute();
          return toClient({ ...existing, ...row, status: existing.status, created_at: existing.created_at });
        }
      }
      await db.insertInto('auth_oauth_clients').values(row).execute();
      return toClient(row);
    },

    async findClient(clientId) {
      const row = await db
        .selectFrom('auth_oauth_clients')
        .selectAll()
        .where('id', '=', clientId)
        .executeTakeFirst();
      return row && toClient(row);
    },

    async listClients() {
      const rows = await db
        .selectFrom('auth_oauth_clients')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async setClientStatus(clientId, status) {
      if (!CLIENT_STATUSES.includes(status)) {
        throw new AuthStoreError(
          'INVALID_INPUT',
          `Unknown client status '${String(status)}': use ${CLIENT_STATUSES.join(', ')}.`,
        );
      }
      const updated = await db
        .updateTable('auth_oauth_clients')
        .set({ status, updated_at: now() })
        .where('id', '=', clientId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        throw new AuthStoreError('NOT_FOUND', `No OAuth client with id '${clientId}'.`);
      }
      if (status === 'disabled') {
        const grants = await db
          .selectFrom('auth_oauth_grants')
          .select('id')
          .where('client_id', '=', clientId)
          .execute();
        await revokeOAuthGrants(
          ctx,
          grants.map((g) => g.id),
        );
      }
      return (await store.findClient(clientId))!;
    },

    async deleteClient(clientId) {
      const grants = await db
        .selectFrom('auth_oauth_grants')
        .select('id')
        .where('client_id', '=', clientId)
        .execute();
      await revokeOAuthGrants(
        ctx,
        grants.map((g) => g.id),
      );
      await db.deleteFrom('auth_oauth_authorizations').where('client_id', '=', clientId).execute();
      const deleted = await db.deleteFrom('auth_oauth_clients').where('id', '=', clientId).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    },

    async startAuthorization(input) {
      const at = now();
      const row: OAuthAuthorizationsTable = {
        id: newId('oauth_authorization'),
        client_id: input.clientId,
        redirect_uri: input.redirectUri,
        code_challenge: input.codeChallenge,
        state: input.state ?? null,
        resource: input.resource,
        user_id: null,
        scope: null,
        code_hash: null,
        grant_id: null,
        created_at: at,
        expires_at: at + input.ttlMs,
        used_at: null,
      };
      // Requests nobody finished are dropped here rather than by a timer.
      await db.deleteFrom('auth_oauth_authorizations').where('expires_at', '<', at).execute();
      await db.insertInto('auth_oauth_authorizations').values(row).execute();
      return toAuthorization(row);
    },

    async findPendingAuthorization(id) {
      const row = await db
        .selectFrom('auth_oauth_authorizations')
        .selectAll()
        .where('id', '=', id)
        .where('code_hash', 'is', null)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now())
        .executeTakeFirst();
      return row && toAuthorization(row);
    },

    async approveAuthorization(id, userId, scope, codeTtlMs) {
      const checked = checkScope(scope);
      const code = newAuthorizationCode();
      const at = now();
      const updated = await db
        .updateTable('auth_oauth_authorizations')
        .set({
          user_id: userId,
          scope: toDbJson(checked),
          code_hash: hashToken(code),
          expires_at: at + codeTtlMs,
        })
        .where('id', '=', id)
        .where('code_hash', 'is', null)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return undefined;
      const row = await db
        .selectFrom('auth_oauth_authorizations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { code, authorization: toAuthorization(row) };
    },

    async denyAuthorization(id) {
      const deleted = await db
        .deleteFrom('auth_oauth_authorizations')
        .where('id', '=', id)
        .where('code_hash', 'is', null)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    },

    async consumeCode(code) {
      const codeHash = hashToken(code);
      const at = now();
      const row = await db
        .selectFrom('auth_oauth_authorizations')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      if (!row) return 'invalid';
      // Marking it used is the one atomic step: of two concurrent exchanges, one wins.
      const claimed = await db
        .updateTable('auth_oauth_authorizations')
        .set({ used_at: at })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) {
        // RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
        const used = await db
          .selectFrom('auth_oauth_authorizations')
          .select('grant_id')
          .where('id', '=', row.id)
          .executeTakeFirst();
        if (used?.grant_id) await revokeOAuthGrants(ctx, [used.grant_id]);
        return 'reused';
      }
      if (row.expires_at <= at) return 'invalid';
      if (row.user_id === null || row.scope === null) return 'undecided';
      return toAuthorization(row);
    },

    async issueGrant(authorization, lifetimes) {
      if (authorization.userId === undefined || authorization.scope === undefined) {
        throw new AuthStoreError('INVALID_INPUT', 'The authorization has no consent to issue a grant for.');
      }
      const at = now();
      const grant: OAuthGrantsTable = {
        id: newId('oauth_grant'),
        client_id: authorization.clientId,
        user_id: authorization.userId,
        resource: authorization.resource,
        scope: toDbJson(authorization.scope),
        created_at: at,
        expires_at: at + lifetimes.refreshTokenMs,
        last_refreshed_at: null,
      };
      await db.insertInto('auth_oauth_grants').values(grant).execute();
      await db
        .updateTable('auth_oauth_authorizations')
        .set({ grant_id: grant.id })
        .where('id', '=', authorization.id)
        .execute();
      return issueTokens(grant, lifetimes);
    },

    async refresh(refreshToken, clientId, lifetimes) {
      const at = now();
      const tokenHash = hashToken(refreshToken);
      const row = await db
        .selectFrom('auth_oauth_refresh_tokens as r')
        .innerJoin('auth_oauth_grants as g', 'g.id', 'r.grant_id')
        .selectAll('g')
        .select(['r.used_at as refresh_used_at'])
        .where('r.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row || row.client_id !== clientId) return 'invalid';
      const { refresh_used_at: usedAt, ...grant } = row;
      if (usedAt !== null) {
        await revokeOAuthGrants(ctx, [grant.id]);
        return 'reused';
      }
      const claimed = await db
        .updateTable('auth_oauth_refresh_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) {
        await revokeOAuthGrants(ctx, [grant.id]);
        return 'reused';
      }
      if (grant.expires_at <= at) return 'invalid';
      await db
        .updateTable('auth_oauth_grants')
        .set({ last_refreshed_at: at })
        .where('id', '=', grant.id)
        .execute();
      return issueTokens({ ...grant, last_refreshed_at: at }, lifetimes);
    },

    async revokeToken(token, clientId) {
      const tokenHash = hashToken(token);
      const refresh = await db
        .selectFrom('auth_oauth_refresh_tokens as r')
        .innerJoin('auth_oauth_grants as g', 'g.id', 'r.grant_id')
        .select(['g.id', 'g.client_id'])
        .where('r.token_hash', '=', tokenHash)
        .executeTakeFirst();
      const access = refresh
        ? undefined
        : await db
            .selectFrom('auth_api_tokens')
            .select(['oauth_grant_id as id', 'oauth_client_id as client_id'])
            .where('token_hash', '=', tokenHash)
            .where('oauth_grant_id', 'is not', null)
            .executeTakeFirst();
      const found = refresh ?? access;
      if (!found?.id || (clientId !== undefined && found.client_id !== clientId)) return false;
      return (await revokeOAuthGrants(ctx, [found.id])) > 0;
    },

    async listGrants(userId) {
      let query = db
        .selectFrom('auth_oauth_grants as g')
        .innerJoin('auth_oauth_clients as c', 'c.id', 'g.client_id')
        .innerJoin('auth_users as u', 'u.id', 'g.user_id')
        .selectAll('g')
        .select(['c.name as client_name', 'u.username as username']);
      if (userId !== undefined) query = query.where('g.user_id', '=', userId);
      const rows = await query.orderBy('g.created_at', 'desc').orderBy('g.id').execute();
      return rows.map(({ client_name, username, ...row }) => toGrant(row, client_name, username));
    },

    async revokeGrant(grantId, options = {}) {
      let query = db.selectFrom('auth_oauth_grants').select('id').where('id', '=', grantId);
      if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
      const row = await query.executeTakeFirst();
      if (!row) return false;
      return (await revokeOAuthGrants(ctx, [row.id])) > 0;
    },
  };
  return store;
}
