import { ConfigError, loadConfig, poolConnections } from '@pgmcp/config';
import type { Notifier } from '@pgmcp/notifier';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { openConnectionStore } from './connections/managed-connections.js';
import { createLogger } from './logger.js';
import { datastoreUrl, type Monitoring, startMonitoring } from './monitoring.js';
import { connectionHostGuard, createAlertRelay, startNotifications } from './notifications.js';
import type { StartOptions } from './start.js';

/** A running `pgmcp collector`. */
export interface RunningCollector {
  monitoring: Monitoring;
  /** Notifications of the alerts evaluated here. */
  notifier: Notifier;
  close(): Promise<void>;
}

/**
 * Runs the collector as a process of its own (`pgmcp collector`), for installs where collection
 * should not share the server's process: the same configuration, the monitored connections of the
 * config file and of the connection store, the same datastore. Replicas of it and of the server
 * share the work through leader locks on the datastore. The embedded demo database belongs to the
 * server and is not collected here.
 */
export async function startCollectorProcess(
  options: Pick<StartOptions, 'flags' | 'env' | 'cwd' | 'logger'> = {},
): Promise<RunningCollector> {
  const loaded = loadConfig(options.flags, options.env, options.cwd);
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.log_level);
  if (!datastoreUrl(loaded, undefined)) {
    throw new ConfigError(
      'pgmcp collector needs a PostgreSQL datastore: set datastore.url (PGMCP_DATASTORE_URL) or a postgres:// store_url.',
    );
  }
  const database = await openSqlDatabase({
    url: loaded.storeUrl,
    applicationName: 'pgmcp-collector-store',
    privateDirectory: true,
    onWarning: (message) => logger.warn(message),
  });
  try {
    const connectionStore = await openConnectionStore({
      database,
      keyFile: loaded.secretKeyFile,
      reservedNames: () => poolConnections(config).map((c) => c.name),
      logger,
    });
    // Alerts are evaluated where the collector leader runs, so their notifications leave from here too.
    const relay = createAlertRelay();
    const monitoring = await startMonitoring({
      loaded,
      embedded: undefined,
      connectionStore,
      pollIntervalMs: config.connection_store.poll_interval_ms,
      logger,
      forceCollector: true,
      onAlertEvent: relay.onAlertEvent,
    });
    if (!monitoring) throw new ConfigError('pgmcp collector: the datastore could not be opened.');
    const notifications = await startNotifications({
      monitoring,
      relay,
      keyRing: connectionStore.keyRing,
      hostGuard: connectionHostGuard(config),
      config: config.notifications,
      logger,
    }).catch(async (error: unknown) => {
      await monitoring.close();
      throw error;
    });
    return {
      monitoring,
      notifier: notifications.notifier,
      async close() {
        await notifications.close();
        await monitoring.close();
        await connectionStore.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
