import {
  type Alerter,
  type AlertEvent,
  type AlertSchedule,
  createAlerter,
  startAlertSchedule,
} from '@pgmcp/alerter';
import {
  BUILTIN_PROBES,
  type Collector,
  type CollectorTarget,
  createCollector,
  targetFromUrl,
} from '@pgmcp/collector';
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
  /** Rules, alerts, blackouts, baselines and the timeline (the alert tools read it). */
  alerter: Alerter;
  /**
   * The alert evaluation timers, on the connections this instance collects (their leader). Absent
   * when `alerts.enabled` is false or this instance does not collect.
   */
  alertSchedule?: AlertSchedule;
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
  if (url) return targetFromUrl(config.name, url);
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
  /**
   * Told about every alert fired, re-opened, acknowledged or cleared (the notifier connects here).
   * Default: one log line each.
   */
  onAlertEvent?: (event: AlertEvent) => void | Promise<void>;
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

  const alerter = await createAlerter({
    database: datastore.database,
    probes: BUILTIN_PROBES,
    reopenWindowS: config.alerts.reopen_window_s,
    retentionDays: config.alerts.retention_days,
    baselineLookbackDays: config.alerts.baseline_lookback_days,
    onAlertEvent:
      options.onAlertEvent ??
      (({ type, alert }) =>
        logger.info(
          { alert: alert.id, connection: alert.connectionId, rule: alert.ruleId, severity: alert.severity },
          `alert ${type}: ${alert.message}`,
        )),
    onError: (error, context) => logger.warn({ err: error, context }, 'alert notification hook failed'),
  });
  // One evaluator per connection across replicas: only the connections this instance collects.
  // An evaluation failure is logged; collection runs on its own timers and never waits for it.
  const alertSchedule =
    collector && config.alerts.enabled
      ? startAlertSchedule({
          alerter,
          connections: () => collector.leading(),
          evaluateEveryS: config.alerts.evaluation_interval_s,
          baselinesEveryS: config.alerts.baseline_interval_s,
          onError: (error, context) => logger.warn({ err: error, context }, 'alert evaluation failed'),
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
    backend: { datastore, probes: BUILTIN_PROBES, datastorePools, alerter },
    alerter,
    ...(alertSchedule ? { alertSchedule } : {}),
    refresh,
    async close() {
      clearInterval(timer);
      alertSchedule?.stop();
      await collector?.stop();
      await datastorePools.close();
      await datastore.close();
    },
  };
}
