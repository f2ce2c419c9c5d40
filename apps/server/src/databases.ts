import { ConfigError, type LoadedConfig, poolConnections, poolManagerOptions } from '@pgmcp/config';
import { createPoolManager, type PoolManager, type PoolManagerOptions } from '@pgmcp/pool-manager';
import { type EmbeddedDemo, startEmbeddedDemo } from './embedded-demo.js';
import type { Logger } from './logger.js';

/** The databases pgmcp serves: the configured connections, or the embedded demo when there are none. */
export interface Databases {
  pools: PoolManager;
  embedded?: EmbeddedDemo;
  close(): Promise<void>;
}

/**
 * Opens the pool manager on the configured connections (starting the embedded demo database when
 * none is configured) and logs which ones answer: a database that is down at start is a warning,
 * not a crash, since calls retry it.
 */
export async function openDatabases(
  loaded: LoadedConfig,
  logger: Logger,
  extra: Pick<PoolManagerOptions, 'resolveLogin'> = {},
): Promise<Databases> {
  const { config } = loaded;
  const connections = poolConnections(config);
  let embedded: EmbeddedDemo | undefined;
  if (connections.length === 0) {
    embedded = await startEmbeddedDemo({
      dataDir: loaded.dataDir,
      ...(config.embedded.bin_dir ? { binDir: config.embedded.bin_dir } : {}),
      ...(config.embedded.cluster_dir ? { clusterDir: config.embedded.cluster_dir } : {}),
      logger,
    });
    connections.push(embedded.connection);
  }
  let pools: PoolManager;
  try {
    pools = createPoolManager({
      ...poolManagerOptions(config),
      connections,
      ...extra,
      onWarning: (message) => logger.warn(message),
    });
  } catch (error) {
    await embedded?.postgres.stop();
    throw new ConfigError((error as Error).message);
  }
  for (const check of await Promise.all(pools.listConnections().map((c) => pools.check(c.name)))) {
    if (check.ok)
      logger.info(`Connection "${check.connection}" is reachable (PostgreSQL ${check.serverVersion})`);
    else logger.warn(`Connection "${check.connection}" is not reachable yet: ${check.error?.message ?? ''}`);
  }
  return {
    pools,
    ...(embedded ? { embedded } : {}),
    async close() {
      await pools.close();
      await embedded?.postgres.stop();
    },
  };
}
