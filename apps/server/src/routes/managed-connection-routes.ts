import type { ConnectionDetail, ConnectionPatchBody, ConnectionTestResult } from '@pgmcp/api-contract';
import {
  type ConnectionInput,
  connectionJson,
  type ConnectionStore,
  type HostGuard,
  type StoredConnection,
} from '@pgmcp/connection-store';
import type { ConnectionCheck, ConnectionInfo, PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from '../auth/caller.js';
import type { ConnectionSync } from '../connections/managed-connections.js';
import { RestError } from '../errors/rest-error.js';
import type { RouteHandlers } from './register-routes.js';

/** What the runtime-managed connection routes need. */
export interface ManagedConnectionRouteDeps {
  connectionStore: ConnectionStore;
  pools: Pick<
    PoolManager,
    'findConnection' | 'check' | 'checkDefinition' | 'withSession' | 'closeConnectionPools'
  >;
  hostGuard: HostGuard;
  connectionSync: Pick<ConnectionSync, 'refresh'>;
}

/** A config-file connection: what the pool manager knows (no secrets, no store fields). */
function configDetail(info: ConnectionInfo): ConnectionDetail {
  return {
    id: info.name,
    name: info.name,
    source: info.source === 'builtin' ? 'builtin' : 'config',
    description: info.description ?? null,
    host: info.host,
    port: info.port,
    database: info.database,
    username: info.user,
    has_password: false,
    sslmode: info.sslmode,
    sslrootcert: null,
    sslcert: null,
    sslkey: null,
    has_sslpassword: false,
    allow_writes: info.allowWrites,
    credentials: info.credentials,
    is_monitored: info.isMonitored,
    owner: null,
    created_at: null,
    updated_at: null,
  };
}

/** API field names → store input. Fields left out stay out. */
function toInput(body: ConnectionPatchBody): Partial<ConnectionInput> {
  const input: Partial<ConnectionInput> = {};
  const copy = <K extends keyof ConnectionInput>(key: K, value: ConnectionInput[K] | undefined) => {
    if (value !== undefined) input[key] = value;
  };
  copy('name', body.name);
  copy('description', body.description);
  copy('host', body.host);
  copy('port', body.port);
  copy('database', body.database);
  copy('username', body.username);
  copy('password', body.password);
  copy('sslmode', body.sslmode);
  copy('sslrootcert', body.sslrootcert);
  copy('sslcert', body.sslcert);
  copy('sslkey', body.sslkey);
  copy('sslpassword', body.sslpassword);
  copy('allowWrites', body.allow_writes);
  copy('credentials', body.credentials);
  copy('isMonitored', body.is_monitored);
  copy('ownerUserId', body.owner);
  return input;
}

function testAnswer(check: ConnectionCheck): ConnectionTestResult {
  return {
    ok: check.ok,
    latency_ms: check.latencyMs,
    ...(check.serverVersion !== undefined ? { server_version: check.serverVersion } : {}),
    ...(check.error ? { error: check.error } : {}),
  };
}

const DATABASES_SQL = `
  SELECT d.datname AS name, pg_get_userbyid(d.datdba) AS owner,
         pg_encoding_to_char(d.encoding) AS encoding, pg_database_size(d.oid) AS size_bytes
  FROM pg_database d
  WHERE d.datallowconn AND NOT d.datistemplate AND has_database_privilege(d.datname, 'CONNECT')
  ORDER BY d.datname`;

/**
 * `/api/v1/connections` (create), `/api/v1/connections/{id}` and its `test`, `databases` and
 * `my-credentials`: connections managed at runtime. Config-file connections are read-only here.
 */
export function managedConnectionRoutes(
  deps: ManagedConnectionRouteDeps,
): RouteHandlers<
  | 'createConnection'
  | 'getConnection'
  | 'replaceConnection'
  | 'updateConnection'
  | 'deleteConnection'
  | 'testConnection'
  | 'testConnectionDefinition'
  | 'listDatabases'
  | 'setMyCredentials'
  | 'deleteMyCredentials'
> {
  const { connectionStore: store, pools, hostGuard, connectionSync } = deps;

  /** The stored connection `id` names, or undefined for a config-file one; 404 for neither. */
  async function lookup(id: string): Promise<{ stored?: StoredConnection; info?: ConnectionInfo }> {
    const stored = await store.find(id);
    if (stored)
      return {
        stored,
        ...(pools.findConnection(stored.name) ? { info: pools.findConnection(stored.name)! } : {}),
      };
    const info = pools.findConnection(id);
    if (info && info.source !== 'store') return { info };
    throw new RestError('NOT_FOUND', `There is no connection "${id}". GET /api/v1/connections lists them.`);
  }

  async function writable(id: string): Promise<StoredConnection> {
    const { stored, info } = await lookup(id);
    if (!stored) {
      throw new RestError(
        'CONFLICT',
        `Connection "${info?.name ?? id}" comes from the config file (pgmcp.yaml) and is read-only here; change it there.`,
      );
    }
    return stored;
  }

  async function saved(work: Promise<StoredConnection>): Promise<ConnectionDetail> {
    const connection = await work;
    await connectionSync.refresh();
    return connectionJson(connection);
  }

  function usable(caller: Caller, name: string): void {
    if (!caller.access.connectionAccess(name)) {
      throw new RestError(
        'NOT_FOUND',
        `There is no connection "${name}" you may use. GET /api/v1/connections lists yours.`,
      );
    }
  }

  return {
    createConnection: async ({ caller, body }) => {
      await hostGuard.check(body.host);
      const input = toInput(body) as ConnectionInput;
      return saved(store.create({ ...input, ownerUserId: body.owner ?? caller.user.id }));
    },

    getConnection: async ({ params }) => {
      const { stored, info } = await lookup(params.id);
      return stored ? connectionJson(stored) : configDetail(info!);
    },

    replaceConnection: async ({ params, body }) => {
      const current = await writable(params.id);
      await hostGuard.check(body.host);
      return saved(store.replace(current.id, toInput(body) as ConnectionInput));
    },

    updateConnection: async ({ params, body }) => {
      const current = await writable(params.id);
      if (body.host !== undefined) await hostGuard.check(body.host);
      return saved(store.update(current.id, toInput(body)));
    },

    deleteConnection: async ({ params }) => {
      const current = await writable(params.id);
      await store.delete(current.id);
      // Applying the store closes the connection's pools here; other replicas follow at their next poll.
      await connectionSync.refresh();
    },

    testConnectionDefinition: async ({ body }) => {
      await hostGuard.check(body.host);
      const check = await pools.checkDefinition(
        {
          name: body.name ?? 'unsaved',
          host: body.host,
          ...(body.port !== undefined ? { port: body.port } : {}),
          database: body.database,
          ...(body.username ? { user: body.username } : {}),
          ...(body.password ? { password: body.password } : {}),
          ...(body.sslmode ? { sslmode: body.sslmode } : {}),
          ...(body.sslrootcert ? { sslrootcert: body.sslrootcert } : {}),
          ...(body.sslcert ? { sslcert: body.sslcert } : {}),
          ...(body.sslkey ? { sslkey: body.sslkey } : {}),
          ...(body.sslpassword ? { sslpassword: body.sslpassword } : {}),
        },
        5_000,
      );
      return testAnswer(check);
    },

    testConnection: async ({ caller, params }) => {
      const { stored, info } = await lookup(params.id);
      if (stored) await hostGuard.check(stored.host);
      const name = stored?.name ?? info!.name;
      let login: { user: string; password?: string } | undefined;
      if ((stored?.credentials ?? info?.credentials) === 'per_user' && stored) {
        const own = await store.findUserCredentials(stored.id, caller.user.id);
        if (own) login = { user: own.username, ...(own.password ? { password: own.password } : {}) };
      }
      return testAnswer(await pools.check(name, 5_000, login));
    },

    listDatabases: async ({ caller, params }) => {
      const { stored, info } = await lookup(params.id);
      const name = stored?.name ?? info!.name;
      usable(caller, name);
      const rows = await pools.withSession(
        { sessionKey: caller.credentialId, userKey: caller.user.id, connection: name, readOnly: true },
        async ({ client }) =>
          (
            await client.query<{ name: string; owner: string; encoding: string; size_bytes: string | null }>(
              DATABASES_SQL,
            )
          ).rows,
      );
      return {
        databases: rows.map((r) => ({
          name: r.name,
          owner: r.owner,
          encoding: r.encoding,
          size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
        })),
      };
    },

    setMyCredentials: async ({ caller, params, body }) => {
      const { stored, info } = await lookup(params.id);
      usable(caller, stored?.name ?? info!.name);
      if (!stored || stored.credentials !== 'per_user') {
        throw new RestError(
          'CONFLICT',
          `Connection "${stored?.name ?? info!.name}" uses one shared database login; there is nothing of yours to store.`,
        );
      }
      await store.setUserCredentials(stored.id, caller.user.id, {
        username: body.username,
        ...(body.password !== undefined ? { password: body.password } : {}),
      });
      // The next call connects with the new login.
      await pools.closeConnectionPools(stored.name, caller.user.id);
    },

    deleteMyCredentials: async ({ caller, params }) => {
      const { stored } = await lookup(params.id);
      if (!stored || !(await store.deleteUserCredentials(stored.id, caller.user.id))) {
        throw new RestError('NOT_FOUND', `You have no database login stored for connection "${params.id}".`);
      }
      await pools.closeConnectionPools(stored.name, caller.user.id);
    },
  };
}
