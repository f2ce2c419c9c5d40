import { BUILTIN_PROBES, type Collector, type CollectorTarget, createCollector } from '@pgmcp/collector';
import { type LoadedConfig, poolConnections } from '@pgmcp/config';
import { type ConnectionStore, poolDefinition } from '@pgmcp/connection-store';
import { createDatastore, createLeaderLocks, type Datastore } from '@pgmcp/datastore';
import { DATASTORE_CONNECTION, type MonitoringBackend } from '@pgmcp/pg-tools';
import { type ConnectionConfig, createPoolManager, resolveConnection } from '@pgmcp/pool-manager';
import type { EmbeddedDemo } from './embedded-demo.js';
import type { Logger } from './logger.js';

/** The datastore, the collector and what the monitoring tools read. */
export interface Monitoring {
  datastore: Datastore;
  /** Absent when `collector.enabled` is false (the tools still read what was collected). */
  collector?: Collector;
  backend: MonitoringBackend;
  /** Re-reads which connections are monitored now (after a change made on this replica). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** The datastore URL: `datastore.url`, else the account store's PostgreSQL, else the embedded cluster's. */
export function datastoreUrl(loaded: LoadedConfig, embedded: EmbeddedDemo | undefined): string | undefined {
  if (loaded.config.datastore.url) return loaded.config.datastore.url;
  if (/^postgres(ql)?:\/\//i.test(loaded.storeUrl)) return loaded.storeUrl;
  return embedded?.metricsUrl;
}

function toTarget(config: ConnectionConfig, url?: string): CollectorTarget {
  if (url) {
    const parsed = new URL(url);
    return {
      id: config.name,
      host: parsed.hostname,
      port: Number(parsed.port || 5432),
      database: decodeURIComponent(parsed.pathname.slice(1)),
      user: decodeURIComponent(parsed.username),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ssl: false,
    };
  }
  const resolved = resolveConnection(config);
  return {
    id: resolved.info.name,
    host: resolved.info.host,
    port: resolved.info.port,
    database: resolved.info.database,
    user: resolved.info.user,
    ...(resolved.password === undefined ? {} : { password: resolved.password }),
    ssl: resolved.ssl,
  };
}

/**
 * Opens the metrics datastore and starts the collector on every connection marked monitored
 * (config file, stored connections, the embedded demo), following the connection store's change
 * counter so marking or unmarking a connection needs no restart. Undefined when there is no
 * PostgreSQL to keep metrics in (said once in the log).
 */
export async function startMonitoring(options: {
  loaded: LoadedConfig;
  embedded: EmbeddedDemo | undefined;
  connectionStore: ConnectionStore;
  pollIntervalMs: number;
  logger: Logger;
  /** Collect whatever `collector.enabled` says (the separate `pgmcp collector` process). */
  forceCollector?: boolean;
}): Promise<Monitoring | undefined> {
  const { loaded, embedded, connectionStore, logger } = options;
  const { config } = loaded;
  const url = datastoreUrl(loaded, embedded);
  if (!url) {
    logger.info(
      'Monitoring is off: the metrics datastore needs PostgreSQL. Set datastore.url (PGMCP_DATASTORE_URL) or a postgres:// store_url.',
    );
    return undefined;
  }
  const datastore = await createDatastore({
    url,
    retention: {
      rawDays: config.datastore.raw_retention_days,
      hourlyDays: config.datastore.hourly_retention_days,
    },
  });
  const datastorePools = createPoolManager({
    connections: [
      { name: DATASTORE_CONNECTION, url, description: 'The metrics datastore', allowWrites: false },
    ],
    onWarning: (message) => logger.warn(message),
  });
  const collector =
    config.collector.enabled || options.forceCollector
      ? createCollector({
          datastore,
          probes: BUILTIN_PROBES,
          intervals: config.collector.intervals,
          intervalScale: config.collector.interval_scale,
          maintenanceIntervalS: config.collector.maintenance_interval_s,
          // With several replicas on one datastore, each connection is collected by one of them.
          leaderLocks: createLeaderLocks({ url }),
          onError: (error, context) => logger.warn({ err: error, context }, 'collector failure'),
        })
      : undefined;

  async function targets(): Promise<CollectorTarget[]> {
    const fromConfig = poolConnections(config).filter((c) => c.isMonitored);
    const stored = (await connectionStore.list()).filter((c) => c.isMonitored);
    const fromStore = await Promise.all(stored.map((c) => poolDefinition(connectionStore, c)));
    const configNames = new Set(fromConfig.map((c) => c.name));
    return [
      ...(embedded?.connection.isMonitored ? [toTarget(embedded.connection, embedded.monitorUrl)] : []),
      ...fromConfig.map((c) => toTarget(c)),
      ...fromStore.filter((c) => !configNames.has(c.name)).map((c) => toTarget(c)),
    ];
  }

  let seen = -1;
  async function refresh(): Promise<void> {
    if (!collector) return;
    const version = await connectionStore.version();
    const list = await targets();
    await collector.setTargets(list);
    seen = version;
  }
  await refresh();
  if (collector) logger.info(`Collecting metrics of ${collector.targetIds().length} monitored connection(s)`);
  const timer = setInterval(() => {
    connectionStore
      .version()
      .then((version) => (version !== seen ? refresh() : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, 'updating the monitored connections failed'));
  }, options.pollIntervalMs);
  timer.unref();

  return {
    datastore,
    ...(collector ? { collector } : {}),
    backend: { datastore, probes: BUILTIN_PROBES, datastorePools },
    refresh,
    async close() {
      clearInterval(timer);
      await collector?.stop();
      await datastorePools.close();
      await datastore.close();
    },
  };
}
