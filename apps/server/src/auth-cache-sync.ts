import { randomUUID } from 'node:crypto';
import type { AuthStore } from '@pgmcp/auth-store';
import pg from 'pg';
import type { Logger } from './logger.js';

const CHANNEL = 'pgmcp_auth_changed';
const RECONNECT_MS = 5_000;

/**
 * Keeps the login caches of replicas on one PostgreSQL store in step. Each replica caches who a
 * token belongs to for a short while (auth cache, 30 s); a logout, revocation or change of rights
 * made on one replica is announced with NOTIFY, and the others drop their cached principals when
 * it arrives (milliseconds later), so the change holds everywhere, not only after the cache expires.
 * A lost listening connection drops the cache and reconnects. Returns the function that stops it.
 */
export async function syncAuthCacheAcrossReplicas(
  storeUrl: string,
  auth: AuthStore,
  logger: Logger,
): Promise<() => Promise<void>> {
  const self = randomUUID();
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: storeUrl, application_name: 'pgmcp-auth-sync' });
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== self) auth.forgetCachedPrincipals();
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'auth cache sync: the store connection failed; reconnecting');
      lost(next);
    });
    next.on('end', () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
  };
  const lost = (which: pg.Client) => {
    if (client !== which || stopped) return;
    client = undefined;
    // Changes announced meanwhile are lost: start from what the store says.
    auth.forgetCachedPrincipals();
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'auth cache sync: reconnecting failed');
        auth.forgetCachedPrincipals();
      });
    }, RECONNECT_MS);
    retry.unref();
  };

  await connect();
  const unsubscribe = auth.onCachedPrincipalsChanged(() => {
    client?.query('SELECT pg_notify($1, $2)', [CHANNEL, self]).catch((error: unknown) => {
      logger.warn({ err: error }, 'auth cache sync: announcing a change failed');
    });
  });
  return async () => {
    stopped = true;
    unsubscribe();
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
}
