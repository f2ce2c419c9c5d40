import { openSqlDatabase, runMigrations, type SqlDatabase } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';
import { downsample } from './downsample.js';
import { DatastoreError } from './errors.js';
import { datastoreMigrations } from './migrations/index.js';
import { createDayPartitions, dayStart, daysAhead, dropExpiredPartitions } from './partitions.js';
import { queryMetrics } from './query-metrics.js';
import { queryTotals, type TotalsQuery, type TotalsResult } from './query-totals.js';
import {
  type CollectionStatus,
  DEFAULT_RETENTION,
  type MetricsQuery,
  type MetricsResult,
  type Retention,
  type Sample,
} from './types.js';

/** Options of {@link createDatastore}. */
export interface DatastoreConfig {
  /** A `postgres://` URL. Give this or `database`. */
  readonly url?: string;
  /** An open PostgreSQL store database (migrated here, not closed here). */
  readonly database?: SqlDatabase;
  /** Retention in days (default raw 7, hourly 90). */
  readonly retention?: Partial<Retention>;
  /** Days of partitions created ahead of the clock (default 2). */
  readonly partitionsAheadDays?: number;
  /** The clock (tests pass a fake one). */
  readonly now?: () => Date;
}

/** What one maintenance run did. */
export interface MaintenanceReport {
  hourlyRowsWritten: number;
  droppedPartitions: string[];
}

/** The metrics datastore. */
export interface Datastore {
  /** The store database (for read-only SQL over it, e.g. the `query_datastore` tool). */
  readonly database: SqlDatabase;
  readonly retention: Retention;
  /** Writes samples in one statement, creating the day partitions they need. */
  insertSamples(samples: readonly Sample[]): Promise<number>;
  /** Buckets a probe's metrics on the server; throws INVALID_INPUT naming the bad argument. */
  queryMetrics(query: MetricsQuery): Promise<MetricsResult>;
  /** Sums counters over a range per object, highest total first (e.g. top statements by time). */
  queryTotals(query: TotalsQuery): Promise<TotalsResult>;
  /** Creates partitions ahead, rolls complete hours into hourly rollups, drops expired partitions. */
  runMaintenance(): Promise<MaintenanceReport>;
  /** Records the collector's latest outcome for a connection and probe. */
  recordStatus(status: CollectionStatus): Promise<void>;
  /** The latest outcomes, of some connections or all. */
  listStatus(connectionIds?: readonly string[]): Promise<CollectionStatus[]>;
  /** The last successful collection per connection. */
  lastCollectionTimes(): Promise<Map<string, Date>>;
  /** Closes the database when the datastore opened it. */
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the metrics datastore on PostgreSQL.
 *
 * @example
 *   const store = await createDatastore({ url: 'postgres://localhost/pgmcp_metrics' });
 *   await store.insertSamples([{ connectionId: 'demo', probe: 'database_stats', time: new Date(), values: { xact_commit: 12.5 } }]);
 */
export async function createDatastore(config: DatastoreConfig): Promise<Datastore> {
  const owned = !config.database;
  if (config.url !== undefined && !/^postgres(ql)?:\/\//i.test(config.url))
    throw new DatastoreError(
      'NOT_POSTGRES',
      'The metrics datastore needs PostgreSQL (native partitioning): give a postgres:// URL.',
    );
  const database =
    config.database ??
    (await openSqlDatabase({ url: requireUrl(config.url), applicationName: 'pgmcp-datastore' }));
  try {
    if (database.dialect !== 'postgres')
      throw new DatastoreError(
        'NOT_POSTGRES',
        'The metrics datastore needs a PostgreSQL database, not SQLite.',
      );
    await runMigrations(database, datastoreMigrations);
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  const db: Kysely<unknown> = database.kysely;
  const now = config.now ?? (() => new Date());
  const retention: Retention = { ...DEFAULT_RETENTION, ...config.retention };
  const ahead = config.partitionsAheadDays ?? 2;
  const knownDays = new Set<number>();

  async function ensureDays(days: Iterable<number>): Promise<void> {
    const missing = [...days].filter((day) => !knownDays.has(day));
    if (missing.length === 0) return;
    await createDayPartitions(db, 'metrics_samples', missing);
    for (const day of missing) knownDays.add(day);
  }

  await ensureDays(daysAhead(now(), ahead));

  return {
    database,
    retention,
    async insertSamples(samples) {
      if (samples.length === 0) return 0;
      await ensureDays(new Set(samples.map((s) => dayStart(s.time))));
      const rows = samples.map((s) => ({
        connection_id: s.connectionId,
        probe: s.probe,
        ts: s.time.toISOString(),
        database_name: s.dims?.database_name ?? '',
        schema_name: s.dims?.schema_name ?? '',
        table_name: s.dims?.table_name ?? '',
        object_name: s.dims?.object_name ?? '',
        interval_s: s.intervalS ?? null,
        values: s.values,
      }));
      const result = await sql`
        insert into metrics_samples (connection_id, probe, ts, database_name, schema_name, table_name,
          object_name, interval_s, "values")
        select connection_id, probe, ts, database_name, schema_name, table_name, object_name,
          interval_s, "values"
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(connection_id text, probe text,
          ts timestamptz, database_name text, schema_name text, table_name text, object_name text,
          interval_s float8, "values" jsonb)`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
    queryMetrics: (query) => queryMetrics(db, query, { now: now(), rawDays: retention.rawDays }),
    queryTotals: (query) => queryTotals(db, query, { now: now(), rawDays: retention.rawDays }),
    async runMaintenance() {
      const at = now();
      // A partition dropped by retention may have been created by this process: forget them all.
      knownDays.clear();
      await ensureDays(daysAhead(at, ahead));
      const hourlyRowsWritten = await downsample(db, at);
      const droppedPartitions = [
        ...(await dropExpiredPartitions(db, 'metrics_samples', at, retention.rawDays)),
        ...(await dropExpiredPartitions(db, 'metrics_hourly', at, retention.hourlyDays)),
      ];
      return { hourlyRowsWritten, droppedPartitions };
    },
    async recordStatus(status) {
      await sql`
        insert into metrics_status (connection_id, probe, status, message, last_run_at, last_ok_at)
        values (${status.connectionId}, ${status.probe}, ${status.status}, ${status.message ?? null},
          ${status.lastRunAt.toISOString()}::timestamptz, ${status.lastOkAt?.toISOString() ?? null}::timestamptz)
        on conflict (connection_id, probe) do update set status = excluded.status,
          message = excluded.message, last_run_at = excluded.last_run_at,
          last_ok_at = coalesce(excluded.last_ok_at, metrics_status.last_ok_at)`.execute(db);
    },
    async listStatus(connectionIds) {
      const { rows } = await sql<{
        connection_id: string;
        probe: string;
        status: CollectionStatus['status'];
        message: string | null;
        last_run_at: Date;
        last_ok_at: Date | null;
      }>`select * from metrics_status
        ${connectionIds ? sql`where connection_id = any(${[...connectionIds]}::text[])` : sql``}
        order by connection_id, probe`.execute(db);
      return rows.map((r) => ({
        connectionId: r.connection_id,
        probe: r.probe,
        status: r.status,
        ...(r.message ? { message: r.message } : {}),
        lastRunAt: new Date(r.last_run_at),
        ...(r.last_ok_at ? { lastOkAt: new Date(r.last_ok_at) } : {}),
      }));
    },
    async lastCollectionTimes() {
      const { rows } = await sql<{ connection_id: string; ts: Date }>`
        select connection_id, max(last_ok_at) as ts from metrics_status
        where last_ok_at is not null group by 1`.execute(db);
      return new Map(rows.map((r) => [r.connection_id, new Date(r.ts)]));
    },
    async close() {
      if (owned) await database.close();
    },
  };
}

function requireUrl(url: string | undefined): string {
  if (!url)
    throw new DatastoreError('INVALID_INPUT', 'createDatastore: give `url` or `database`.', { field: 'url' });
  return url;
}
