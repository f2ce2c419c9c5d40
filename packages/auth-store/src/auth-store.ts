import { createRateLimiter, type RateLimiter } from '@pgmcp/rate-limiter';
import { openSqlDatabase, runMigrations } from '@pgmcp/sql-store';
import { createApiTokenMethods } from './api-tokens.js';
import type { AuthStore, AuthStoreConfig } from './auth-store-api.js';
import { resolveSettings } from './config.js';
import { createCurrentConnectionMethods } from './current-connection.js';
import { AuthStoreError } from './errors.js';
import { createExternalLoginMethods } from './external-logins.js';
import { createGroupMethods } from './groups.js';
import { createLoginMethods } from './logins.js';
import { authMigrations } from './migrations/index.js';
import { createOAuthStore } from './oauth-store.js';
import { createPrivilegeMethods } from './privileges.js';
import { createRevocationMethods } from './revocation.js';
import { createSessionMethods } from './sessions.js';
import { createStoreContext } from './store-context.js';
import { createUserMethods } from './users.js';

/**
 * Opens (and migrates) the auth store.
 *
 * @example
 *   const auth = await createAuthStore({ url: 'data/store.db' });
 *   const admin = await auth.ensureAdmin();
 *   if (admin.created) console.log(`admin password: ${admin.password}`);
 *   const { token } = await auth.login('admin', password, { ip: '127.0.0.1' });
 *   const principal = await auth.authenticate(token); // principal.access.canUseItem('tool', 'query_database')
 */
export async function createAuthStore(config: AuthStoreConfig): Promise<AuthStore> {
  if ((config.url === undefined) === (config.database === undefined)) {
    throw new AuthStoreError(
      'INVALID_INPUT',
      'Give the auth store either a url or an open database, not both.',
    );
  }
  const settings = resolveSettings(config);
  const owned = config.database === undefined;
  const database =
    config.database ??
    (await openSqlDatabase({
      url: config.url ?? '',
      ...(config.onWarning ? { onWarning: config.onWarning } : {}),
    }));
  let limiter: RateLimiter;
  try {
    await runMigrations(database, authMigrations);
    limiter = await createRateLimiter({ database, now: settings.now });
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  const ctx = createStoreContext({ database, owned, settings, limiter });
  const users = createUserMethods(ctx);
  const groups = createGroupMethods(ctx);
  return {
    dialect: database.dialect,
    ...users,
    ...createLoginMethods(ctx),
    ...createSessionMethods(ctx),
    ...createApiTokenMethods(ctx),
    ...createCurrentConnectionMethods(ctx),
    ...groups,
    ...createExternalLoginMethods(ctx, { ...users, ...groups }),
    ...createPrivilegeMethods(ctx),
    ...createRevocationMethods(ctx),
    oauth: createOAuthStore(ctx),
    async close() {
      ctx.generation += 1;
      ctx.cache.clear();
      ctx.listeners.clear();
      ctx.changeListeners.clear();
      await limiter.close();
      if (owned) await database.close();
    },
  };
}
