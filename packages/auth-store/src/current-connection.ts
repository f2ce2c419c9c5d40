import type { AuthStore } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import type { StoreContext } from './store-context.js';
import { credentialKindOfId } from './tokens.js';
import { checkConnectionName, checkDatabaseName } from './validation.js';

/** The current-connection part of the AuthStore. */
export type CurrentConnectionMethods = Pick<AuthStore, 'getCurrentConnection' | 'setCurrentConnection'>;

/** The connection each session or API token works on, kept in the store so every replica agrees. */
export function createCurrentConnectionMethods(ctx: StoreContext): CurrentConnectionMethods {
  const { db } = ctx;
  return {
    async getCurrentConnection(credentialId) {
      const table = credentialTable(credentialId);
      if (!table) return undefined;
      const row = await db
        .selectFrom(table)
        .select(['current_connection', 'current_database'])
        .where('id', '=', credentialId)
        .executeTakeFirst();
      if (!row?.current_connection) return undefined;
      return { connection: row.current_connection, database: row.current_database ?? undefined };
    },

    async setCurrentConnection(credentialId, current) {
      const table = credentialTable(credentialId);
      const values = current
        ? {
            current_connection: checkConnectionName(current.connection),
            current_database: checkDatabaseName(current.database) ?? null,
          }
        : { current_connection: null, current_database: null };
      const result = table
        ? await db.updateTable(table).set(values).where('id', '=', credentialId).executeTakeFirst()
        : undefined;
      if (!result || result.numUpdatedRows === 0n) {
        throw new AuthStoreError('NOT_FOUND', `No session or API token with id '${credentialId}'.`);
      }
      // The cached principal carries the current connection: read it afresh next time.
      ctx.generation += 1;
      ctx.cache.deleteWhere((principal) => principal.credentialId === credentialId);
    },
  };
}

function credentialTable(credentialId: string): 'auth_sessions' | 'auth_api_tokens' | undefined {
  const kind = typeof credentialId === 'string' ? credentialKindOfId(credentialId) : undefined;
  return kind === 'session' ? 'auth_sessions' : kind === 'api_token' ? 'auth_api_tokens' : undefined;
}
