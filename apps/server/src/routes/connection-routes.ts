import type { Connection } from '@pgmcp/api-contract';
import type { CurrentConnectionStore } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import type { RouteHandlers } from './register-routes.js';

/** What the caller's connection routes need. */
export interface ConnectionRouteDeps {
  pools: Pick<PoolManager, 'listConnections' | 'findConnection'>;
  currentConnections: CurrentConnectionStore;
}

/** `/api/v1/connections` and `/api/v1/connections/current`: the connections the caller may use. */
export function connectionRoutes(
  deps: ConnectionRouteDeps,
): RouteHandlers<'listConnections' | 'getCurrentConnection' | 'setCurrentConnection'> {
  const usable = (caller: Caller) =>
    deps.pools.listConnections().filter((info) => caller.access.connectionAccess(info.name));

  return {
    listConnections: async ({ caller }) => {
      const current = await deps.currentConnections.get(caller.credentialId);
      const mine = usable(caller);
      const currentName =
        current && mine.some((u) => u.name === current.connection) ? current.connection : mine[0]?.name;
      const connections: Connection[] = mine.map((info) => {
        const access = caller.access.connectionAccess(info.name)!;
        return {
          id: info.id ?? info.name,
          name: info.name,
          source: info.source,
          credentials: info.credentials,
          description: info.description ?? null,
          host: info.host,
          port: info.port,
          database: info.name === current?.connection && current.database ? current.database : info.database,
          access,
          writes_allowed: info.allowWrites && access === 'read_write',
          current: info.name === currentName,
        };
      });
      return { connections };
    },

    getCurrentConnection: async ({ caller }) => {
      const current = await deps.currentConnections.get(caller.credentialId);
      const mine = usable(caller);
      const chosen =
        current && mine.some((u) => u.name === current.connection)
          ? current
          : mine[0]
            ? { connection: mine[0].name }
            : undefined;
      if (!chosen)
        throw new RestError('NOT_FOUND', 'You have access to no connection. Ask an administrator for one.');
      return { connection: chosen.connection, ...(chosen.database ? { database: chosen.database } : {}) };
    },

    setCurrentConnection: async ({ caller, body }) => {
      const info = deps.pools.findConnection(body.connection);
      if (!info || !caller.access.connectionAccess(body.connection)) {
        throw new RestError(
          'NOT_FOUND',
          `There is no connection "${body.connection}" you may use. GET /api/v1/connections lists yours.`,
        );
      }
      await deps.currentConnections.set(caller.credentialId, body);
      return body;
    },
  };
}
