import type { ConnectionStore } from './connection-store.js';
import type { StoredConnection } from './types.js';

/**
 * A stored connection in the shape @pgmcp/pool-manager's `ConnectionConfig` takes (structurally,
 * without importing it): secrets decrypted, for opening pools only — never for answers or logs.
 */
export interface PoolConnectionDefinition {
  name: string;
  id: string;
  source: 'store';
  description?: string;
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  sslmode: StoredConnection['sslmode'];
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  sslpassword?: string;
  allowWrites: boolean;
  credentials: StoredConnection['credentials'];
  isMonitored: boolean;
}

/** The pool definition of a stored connection (decrypts its secrets). */
export async function poolDefinition(
  store: Pick<ConnectionStore, 'secrets'>,
  c: StoredConnection,
): Promise<PoolConnectionDefinition> {
  const secrets = await store.secrets(c.id);
  return {
    name: c.name,
    id: c.id,
    source: 'store',
    ...(c.description ? { description: c.description } : {}),
    host: c.host,
    port: c.port,
    database: c.database,
    ...(c.username ? { user: c.username } : {}),
    ...(secrets.password !== undefined ? { password: secrets.password } : {}),
    sslmode: c.sslmode,
    ...(c.sslrootcert ? { sslrootcert: c.sslrootcert } : {}),
    ...(c.sslcert ? { sslcert: c.sslcert } : {}),
    ...(c.sslkey ? { sslkey: c.sslkey } : {}),
    ...(secrets.sslpassword !== undefined ? { sslpassword: secrets.sslpassword } : {}),
    allowWrites: c.allowWrites,
    credentials: c.credentials,
    isMonitored: c.isMonitored,
  };
}
