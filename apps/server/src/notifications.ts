import type { Alerter, AlertEvent } from '@pgmcp/alerter';
import type { NotificationsFileConfig, PgmcpConfig } from '@pgmcp/config';
import { type ConnectionStore, createHostGuard, type HostGuard } from '@pgmcp/connection-store';
import { createNotifier, type AlertEvent as Notice, type Notifier } from '@pgmcp/notifier';
import type { Logger } from './logger.js';
import type { Monitoring } from './monitoring.js';

/** The SSRF guard of `connection_security`: stored connections and notification targets pass it. */
export function connectionHostGuard(config: PgmcpConfig): HostGuard {
  return createHostGuard({
    allowedHosts: config.connection_security.allowed_hosts,
    blockedHosts: config.connection_security.blocked_hosts,
    allowInternalNetworks: config.connection_security.allow_internal_networks,
  });
}

/** How often finished deliveries past their retention are deleted. */
const MAINTENANCE_EVERY_MS = 3_600_000;

/**
 * The alerter's `onAlertEvent` hook, handed to monitoring before the notifier exists (the notifier
 * lives in the datastore monitoring opens). Events wait for `connect`, so none fired in between is lost.
 */
export interface AlertRelay {
  readonly onAlertEvent: (event: AlertEvent) => Promise<void>;
  readonly connect: (target: (event: AlertEvent) => Promise<void>) => void;
}

export function createAlertRelay(): AlertRelay {
  let connect!: (target: (event: AlertEvent) => Promise<void>) => void;
  const ready = new Promise<(event: AlertEvent) => Promise<void>>((resolve) => (connect = resolve));
  return {
    onAlertEvent: async (event) => (await ready)(event),
    connect,
  };
}

/** An alerter event as the notifier routes it: with the rule's name, and who acknowledged it. */
export async function toNotice(alerter: Alerter, { type, alert, at }: AlertEvent): Promise<Notice> {
  const ruleName = await alerter.getRule(alert.ruleId).then(
    (rule) => rule.name,
    () => alert.ruleId,
  );
  return {
    kind: type,
    alertId: String(alert.id),
    ruleId: alert.ruleId,
    ruleName,
    connectionId: alert.connectionId,
    severity: alert.severity,
    metric: alert.metric,
    value: alert.value,
    threshold: alert.threshold,
    message: alert.message,
    at,
    ...(type === 'acknowledged' && alert.acknowledgedBy ? { actor: alert.acknowledgedBy } : {}),
    ...(type === 'acknowledged' && alert.ackNote ? { note: alert.ackNote } : {}),
  };
}

/**
 * Opens the notifier on the metrics datastore (channels' secrets encrypted with the connection
 * store's key ring, URLs and SMTP hosts through the SSRF guard), connects the alerter's events to
 * it, resumes due retries where this instance collects, and runs delivery retention hourly.
 */
export async function startNotifications(options: {
  monitoring: Monitoring;
  relay: AlertRelay;
  keyRing: ConnectionStore['keyRing'];
  hostGuard: HostGuard;
  config: NotificationsFileConfig;
  logger: Logger;
}): Promise<{ notifier: Notifier; close(): Promise<void> }> {
  const { monitoring, config, logger } = options;
  const notifier = await createNotifier({
    database: monitoring.datastore.database,
    keyRing: options.keyRing,
    hostGuard: options.hostGuard,
    retry: {
      attempts: config.retry_attempts,
      baseDelayMs: config.retry_base_delay_ms,
      maxDelayMs: config.retry_max_delay_ms,
    },
    timeoutMs: config.timeout_ms,
    deliveryRetentionDays: config.delivery_retention_days,
    onError: (message) => logger.warn({ context: 'notifier' }, message),
  });
  options.relay.connect(async (event) => notifier.dispatch(await toNotice(monitoring.alerter, event)));
  const background = (work: Promise<unknown>, what: string) =>
    work.catch((error: unknown) => logger.warn({ err: error }, `${what} failed`));
  // Retries a stopped process left are picked up where alerts are evaluated (the collector's leader).
  if (monitoring.collector) void background(notifier.resumeDue(), 'resuming notification deliveries');
  const timer = setInterval(
    () => void background(notifier.runMaintenance(), 'notification delivery retention'),
    MAINTENANCE_EVERY_MS,
  );
  timer.unref();
  return {
    notifier,
    async close() {
      clearInterval(timer);
      await notifier.close();
    },
  };
}
