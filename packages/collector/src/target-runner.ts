import type { ConnectionOptions } from 'node:tls';
import type { CollectionStatus, Datastore } from '@pgmcp/datastore';
import pg from 'pg';
import { type ProbeDefinition, type ProbeRow, sqlFor, versionGap } from './probe.js';
import { convertRows, type Snapshot } from './rates.js';

/** A monitored connection: where to connect (the collector opens its own small pool). */
export interface CollectorTarget {
  /** The connection's name: samples and statuses are keyed by it. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly ssl?: false | ConnectionOptions;
}

/** The target of a postgres:// URL (host, port, database, user and password; no TLS). */
export function targetFromUrl(id: string, url: string): CollectorTarget {
  const parsed = new URL(url);
  return {
    id,
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ssl: false,
  };
}

/** How one probe run ended. */
export interface ProbeOutcome {
  probe: string;
  status: CollectionStatus['status'];
  /** Why it failed or was skipped (and how to fix it, where known). */
  message?: string;
  /** Rows written to the datastore. */
  rows: number;
}

/** Session limits of the collector's pools: it must never hold locks that block the application. */
export const COLLECTOR_SESSION = {
  applicationName: 'pgmcp-collector',
  statementTimeoutMs: 5000,
  lockTimeoutMs: 100,
  idleInTransactionTimeoutMs: 10000,
  maxConnections: 2,
};

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const CONNECTION_CODES = /^(08|57P0[1-3]|3D000|28)/;

function isLocal(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith('/');
}

function pgCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** A message fit for a status row: the first line, no stack. */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 500) ?? '';
}

/** Collects the probes of one monitored connection, through a pool of its own. */
export class TargetRunner {
  readonly target: CollectorTarget;
  readonly #pool: pg.Pool;
  readonly #datastore: Datastore;
  readonly #now: () => Date;
  readonly #snapshots = new Map<string, Snapshot>();
  #versionNum: number | undefined;
  /** Outcomes of runs whose session broke (worth one try on a new session). */
  readonly #sessionLost = new WeakSet<ProbeOutcome>();
  #closed = false;

  constructor(target: CollectorTarget, datastore: Datastore, now: () => Date) {
    this.target = target;
    this.#datastore = datastore;
    this.#now = now;
    this.#pool = new pg.Pool({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      ...(target.password === undefined ? {} : { password: target.password }),
      ssl: target.ssl ?? false,
      max: COLLECTOR_SESSION.maxConnections,
      idleTimeoutMillis: 60_000,
      connectionTimeoutMillis: 5_000,
      application_name: COLLECTOR_SESSION.applicationName,
      options: [
        `-c statement_timeout=${COLLECTOR_SESSION.statementTimeoutMs}`,
        `-c lock_timeout=${COLLECTOR_SESSION.lockTimeoutMs}`,
        `-c idle_in_transaction_session_timeout=${COLLECTOR_SESSION.idleInTransactionTimeoutMs}`,
        '-c default_transaction_read_only=on',
      ].join(' '),
    });
    // An idle pooled connection that dies (server restart) is dropped; the next run reconnects.
    this.#pool.on('error', () => undefined);
    // A checked-out one has no listener of the pool's: when the server goes away between two of
    // its queries (e.g. while the rows are written to the datastore), its 'error' event would be
    // an uncaught exception that takes the whole process down. The next query on it fails instead,
    // and the failed session is discarded.
    this.#pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Runs one probe now, writes its rows and its status; never throws. */
  async run(probe: ProbeDefinition): Promise<ProbeOutcome> {
    if (this.#closed)
      return {
        probe: probe.name,
        status: 'skipped',
        message: 'the connection is no longer monitored',
        rows: 0,
      };
    let outcome = await this.#collect(probe);
    // A pooled session can die between runs (a server restart, a terminated backend) before the
    // pool notices: one new session decides whether the server is really unreachable.
    if (this.#sessionLost.has(outcome) && !this.#closed) outcome = await this.#collect(probe);
    // Stopped meanwhile (unmarked or shut down): its pool's failure is no status of the connection.
    if (this.#closed) return outcome;
    const at = this.#now();
    await this.#record({
      connectionId: this.target.id,
      probe: probe.name,
      status: outcome.status,
      ...(outcome.message ? { message: outcome.message } : {}),
      lastRunAt: at,
      ...(outcome.status === 'ok' ? { lastOkAt: at } : {}),
    });
    return outcome;
  }

  async #record(status: CollectionStatus): Promise<void> {
    await this.#datastore.recordStatus(status).catch(() => undefined);
  }

  async #collect(probe: ProbeDefinition): Promise<ProbeOutcome> {
    const skipped = (message: string): ProbeOutcome => ({
      probe: probe.name,
      status: 'skipped',
      message,
      rows: 0,
    });
    if (probe.localOnly && !isLocal(this.target.host))
      return skipped(
        `runs only when PostgreSQL is on the collector's host (this connection is on ${this.target.host})`,
      );
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      this.#versionNum = undefined;
      const message = `cannot connect: ${messageOf(error)}`;
      await this.#record({
        connectionId: this.target.id,
        probe: '*',
        status: 'error',
        message,
        lastRunAt: this.#now(),
      });
      return { probe: probe.name, status: 'error', message, rows: 0 };
    }
    let discard = false;
    try {
      this.#versionNum ??= Number(
        (await client.query<{ server_version_num: string }>('show server_version_num')).rows[0]
          ?.server_version_num,
      );
      const at = this.#now();
      await this.#record({
        connectionId: this.target.id,
        probe: '*',
        status: 'ok',
        lastRunAt: at,
        lastOkAt: at,
      });
      const gap = versionGap(probe, this.#versionNum);
      if (gap) return skipped(gap);
      if (probe.extension) {
        const { rowCount } = await client.query('select 1 from pg_extension where extname = $1', [
          probe.extension.name,
        ]);
        if (!rowCount)
          return skipped(
            `extension ${probe.extension.name} is not installed: ${probe.extension.howToEnable}`,
          );
      }
      const time = this.#now().getTime();
      const rows = probe.collect
        ? await probe.collect({ query: (sql) => readOnly(client, sql, probe.timeoutMs) })
        : ((await readOnly(client, sqlFor(probe, this.#versionNum) ?? '', probe.timeoutMs)) as ProbeRow[]);
      const converted = convertRows(probe, rows, time, this.#snapshots.get(probe.name));
      this.#snapshots.set(probe.name, converted.snapshot);
      const written = await this.#datastore.insertSamples(
        converted.rows.map((row) => ({
          connectionId: this.target.id,
          probe: probe.name,
          time: new Date(time),
          dims: row.dims,
          values: row.values,
          ...(row.intervalS === undefined ? {} : { intervalS: row.intervalS }),
        })),
      );
      return { probe: probe.name, status: 'ok', rows: written };
    } catch (error) {
      const code = pgCode(error);
      const outcome = this.#classify(probe, error, code);
      if (CONNECTION_CODES.test(code) || !code) {
        discard = true;
        this.#versionNum = undefined;
        this.#sessionLost.add(outcome);
      }
      return outcome;
    } finally {
      client.release(discard);
    }
  }

  #classify(probe: ProbeDefinition, error: unknown, code: string): ProbeOutcome {
    const message = messageOf(error);
    const skipped = (text: string): ProbeOutcome => ({
      probe: probe.name,
      status: 'skipped',
      message: text,
      rows: 0,
    });
    if (code === '42501')
      return skipped(
        `permission denied (${message}): grant the monitoring role pg_monitor (GRANT pg_monitor TO <role>)`,
      );
    if (probe.extension && /shared_preload_libraries/.test(message))
      return skipped(`${probe.extension.name} is not loaded: ${probe.extension.howToEnable}`);
    if (code === '42P01' || code === '42703' || code === '42883')
      return skipped(`not available on this server: ${message}`);
    return { probe: probe.name, status: 'error', message, rows: 0 };
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.end().catch(() => undefined);
  }
}

/**
 * An object the statement reached from a catalog scan was dropped before the statement got to it
 * (`pg_database_size` of a database being dropped, the size of a table dropped meanwhile): another
 * snapshot sees a consistent catalog.
 */
function droppedMeanwhile(error: unknown): boolean {
  const code = pgCode(error);
  return (
    code === '3D000' ||
    code === '42P01' ||
    code === '42704' ||
    (code === 'XX000' && /with OID \d+/.test(messageOf(error)))
  );
}

/**
 * Runs one statement in a read-only transaction with the probe's timeout; always ends the
 * transaction. Tries once more on a fresh snapshot when an object vanished mid-statement.
 */
async function readOnly(
  client: pg.PoolClient,
  sql: string,
  timeoutMs: number,
  retry = true,
): Promise<Record<string, unknown>[]> {
  await client.query(`begin read only; set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    await client.query('commit');
    return rows;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if (retry && droppedMeanwhile(error)) return readOnly(client, sql, timeoutMs, false);
    throw error;
  }
}
