import type { StoredConnection } from './types.js';

/**
 * A stored connection as the REST API and `pgmcp connection … --json` show it (the api-contract's
 * `ConnectionDetail`, structurally): snake_case, secrets only as `has_…` flags, times in ISO 8601.
 */
export function connectionJson(c: StoredConnection) {
  return {
    id: c.id,
    name: c.name,
    source: 'store' as const,
    description: c.description ?? null,
    host: c.host,
    port: c.port,
    database: c.database,
    username: c.username ?? null,
    has_password: c.hasPassword,
    sslmode: c.sslmode,
    sslrootcert: c.sslrootcert ?? null,
    sslcert: c.sslcert ?? null,
    sslkey: c.sslkey ?? null,
    has_sslpassword: c.hasSslPassword,
    allow_writes: c.allowWrites,
    credentials: c.credentials,
    is_monitored: c.isMonitored,
    owner: c.ownerUserId ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
