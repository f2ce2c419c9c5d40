import type { Alerter } from '@pgmcp/alerter';
import type { ProbeDefinition } from '@pgmcp/collector';
import type { Datastore } from '@pgmcp/datastore';
import type { PoolManager } from '@pgmcp/pool-manager';

/** The connection name of the datastore in {@link MonitoringBackend.datastorePools}. */
export const DATASTORE_CONNECTION = 'datastore';

/** What the monitoring tools read: the datastore, the probe catalogue, and read-only pools on the datastore. */
export interface MonitoringBackend {
  datastore: Datastore;
  probes: readonly ProbeDefinition[];
  /**
   * A pool manager holding one read-only connection named {@link DATASTORE_CONNECTION}: `query_datastore`
   * runs through the same guard and bounded executor as `query_database` on it.
   */
  datastorePools: PoolManager;
  /** Rules, alerts, blackouts, baselines and timelines: registers the alert tools when present. */
  alerter?: Alerter;
  now?: () => Date;
}
