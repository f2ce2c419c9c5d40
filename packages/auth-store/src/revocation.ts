import { toDbTime } from '@pgmcp/sql-store';
import type { AuthStore } from './auth-store-api.js';
import { revokeOAuthGrants } from './oauth-store.js';
import { asEnded, emitRevoked, type StoreContext } from './store-context.js';
import { credentialKindOfId } from './tokens.js';

const ID_CHUNK = 500;

/** The expiry and revocation part of the AuthStore. */
export type RevocationMethods = Pick<
  AuthStore,
  'onRevoke' | 'onCachedPrincipalsChanged' | 'forgetCachedPrincipals' | 'sweepExpired' | 'inactiveCredentials'
>;

/** Telling the server which credentials ended, here or on another replica. */
export function createRevocationMethods(ctx: StoreContext): RevocationMethods {
  const { db, settings } = ctx;
  return {
    onRevoke(listener) {
      ctx.listeners.add(listener);
      return () => void ctx.listeners.delete(listener);
    },

    onCachedPrincipalsChanged(listener) {
      ctx.changeListeners.add(listener);
      return () => void ctx.changeListeners.delete(listener);
    },

    forgetCachedPrincipals() {
      // Not forgetAll: that would tell the other replicas again.
      ctx.generation += 1;
      ctx.cache.clear();
    },

    async sweepExpired(now = settings.now()) {
      const at = toDbTime(now);
      // Login counters whose window ended go too.
      await ctx.limiter.sweep(now);
      const sessions = await db
        .deleteFrom('auth_sessions')
        .where('expires_at', '<=', at)
        .returning(['id', 'user_id'])
        .execute();
      // Grants whose refresh chain ended take their refresh tokens along (access tokens expire below).
      const endedGrants = await db
        .selectFrom('auth_oauth_grants')
        .select('id')
        .where('expires_at', '<=', at)
        .execute();
      await revokeOAuthGrants(
        ctx,
        endedGrants.map((g) => g.id),
      );
      const tokens = await db
        .deleteFrom('auth_api_tokens')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', at)
        .returning(['id', 'user_id'])
        .execute();
      return emitRevoked(
        ctx,
        [...sessions.map(asEnded('session')), ...tokens.map(asEnded('api_token'))],
        'expired',
      );
    },

    async inactiveCredentials(credentialIds, now = settings.now()) {
      const at = toDbTime(now);
      const active = new Set<string>();
      const sessionIds = credentialIds.filter((id) => credentialKindOfId(id) === 'session');
      const tokenIds = credentialIds.filter((id) => credentialKindOfId(id) === 'api_token');
      for (const chunk of chunks(sessionIds)) {
        const rows = await db
          .selectFrom('auth_sessions as s')
          .innerJoin('auth_users as u', 'u.id', 's.user_id')
          .select('s.id')
          .where('s.id', 'in', chunk)
          .where('s.expires_at', '>', at)
          .where('u.enabled', '=', 1)
          .execute();
        for (const row of rows) active.add(row.id);
      }
      for (const chunk of chunks(tokenIds)) {
        const rows = await db
          .selectFrom('auth_api_tokens as t')
          .innerJoin('auth_users as u', 'u.id', 't.user_id')
          .select('t.id')
          .where('t.id', 'in', chunk)
          .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', at)]))
          .where('u.enabled', '=', 1)
          .execute();
        for (const row of rows) active.add(row.id);
      }
      return credentialIds.filter((id) => !active.has(id));
    },
  };
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += ID_CHUNK) yield items.slice(start, start + ID_CHUNK);
}
