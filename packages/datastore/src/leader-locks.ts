import pg from 'pg';

/** Options of {@link createLeaderLocks}. */
export interface LeaderLocksConfig {
  /** The datastore's `postgres://` URL: every collector instance locks on the same server. */
  readonly url: string;
  /** Namespace of the lock keys (default `pgmcp-collector`). */
  readonly namespace?: string;
  /** `application_name` of the lock session (default `pgmcp-collector-leader`). */
  readonly applicationName?: string;
}

/**
 * Leader election through the datastore: one session-level advisory lock per key, held on a session
 * of this instance's own. When the instance dies its session ends and PostgreSQL releases its locks,
 * so another instance's next `tryAcquire` wins — fail-over without a heartbeat table.
 */
export interface LeaderLocks {
  /** Takes the lock of `key` unless another instance holds it; true while this instance holds it. */
  tryAcquire(key: string): Promise<boolean>;
  /** Releases the lock of `key` (no-op when not held). */
  release(key: string): Promise<void>;
  /** The keys this instance holds. */
  held(): string[];
  /** The backend pid of the lock session, or undefined while disconnected (for tests and diagnostics). */
  sessionPid(): number | undefined;
  /** Ends the session, releasing every lock. */
  close(): Promise<void>;
}

/**
 * Opens leader locks on the datastore's server (lazily: the session connects on first use and
 * again after it was lost).
 *
 * @example
 *   const locks = createLeaderLocks({ url });
 *   if (await locks.tryAcquire('demo')) collect();
 */
export function createLeaderLocks(config: LeaderLocksConfig): LeaderLocks {
  const namespace = config.namespace ?? 'pgmcp-collector';
  const held = new Set<string>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let pid: number | undefined;
  let closed = false;

  function lost(which: pg.Client): void {
    if (client !== which) return;
    // The session is gone, and with it every lock it held: another instance may hold them now.
    client = undefined;
    pid = undefined;
    held.clear();
  }

  async function session(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= (async () => {
      const fresh = new pg.Client({
        connectionString: config.url,
        application_name: config.applicationName ?? 'pgmcp-collector-leader',
      });
      fresh.on('error', () => lost(fresh));
      fresh.on('end', () => lost(fresh));
      await fresh.connect();
      pid = (await fresh.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      client = fresh;
      return fresh;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  const lockKey = (key: string) => `${namespace}:${key}`;

  return {
    async tryAcquire(key) {
      if (closed) return false;
      if (held.has(key) && client) return true;
      try {
        const c = await session();
        const { rows } = await c.query<{ ok: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
          [lockKey(key)],
        );
        if (rows[0]?.ok) held.add(key);
        return rows[0]?.ok === true;
      } catch {
        return false;
      }
    },
    async release(key) {
      if (!held.delete(key) || !client) return;
      await client
        .query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockKey(key)])
        .catch(() => undefined);
    },
    held: () => [...held],
    sessionPid: () => pid,
    async close() {
      closed = true;
      held.clear();
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
