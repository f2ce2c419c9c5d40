import { type ApiClient, ApiError, createApiClient } from '@pgmcp/api-contract';
import {
  adminQuery,
  createTestDatabase,
  type TestDatabase,
  useTestDatabase,
} from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { mcpClient, startTestServer } from '../helpers.js';

// The monitoring REST routes against a real collected database: the server collects `shop` into a
// datastore of its own, and users read it back over REST — one with access to `shop`, one with
// none, and the administrator. `other` is monitored too, but only the administrator may use it.

const ADMIN_PASSWORD = 'metrics admin password';
const PASSWORD = 'a long enough password 42';
const MARKER = 'select pg_sleep(0.02) as metrics_rest_marker';
const db = useTestDatabase('server-metrics-rest');
let store: TestDatabase;
let server: RunningServer;
let admin: ApiClient;
let analyst: ApiClient;
let stranger: ApiClient;
let statementsAvailable = true;

function clientOf(token?: string): ApiClient {
  return createApiClient({
    baseUrl: 'http://127.0.0.1',
    fetch: async (url, init) => server.app.fetch(new Request(url, init)),
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  });
}

async function login(username: string, password: string): Promise<ApiClient> {
  return clientOf((await clientOf().login({ body: { username, password } })).token);
}

async function newUser(username: string, group?: string): Promise<ApiClient> {
  await admin.createUser({ body: { username, password: PASSWORD } });
  if (group) await admin.addGroupMember({ params: { id: group }, body: { username } });
  return login(username, PASSWORD);
}

/** Runs `sql` `n` times on a session of its own and disconnects (flushing its statistics). */
async function drive(sql: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  for (let i = 0; i < n; i++) await c.query(sql);
  await c.end();
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  store = await createTestDatabase('server-metrics-rest-store');
  try {
    await adminQuery(db.url, 'create extension if not exists pg_stat_statements');
  } catch {
    // An external test server may not preload it (see the harness); the statement checks skip.
    statementsAvailable = false;
  }
  await adminQuery(
    db.url,
    "create table big_orders as select g as id, repeat('x', 200) as note from generate_series(1, 20000) g",
  );
  await adminQuery(db.url, 'create table small_notes (id int)');
  const yaml = [
    'auth:',
    '  bcrypt_cost: 4',
    'connections:',
    '  - name: shop',
    `    url: ${db.url}`,
    '    is_monitored: true',
    '  - name: other',
    `    url: ${db.url}`,
    '    is_monitored: true',
    'connection_store:',
    '  poll_interval_ms: 100',
    // Long intervals: the test collects on demand, the timers stay out of its way.
    'collector:',
    '  interval_scale: 100',
  ].join('\n');
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATASTORE_URL: store.url },
    { yaml },
  );
  admin = await login('admin', ADMIN_PASSWORD);
  const readers = await admin.createGroup({ body: { name: 'shop-readers' } });
  await admin.grantPrivilege({
    body: { group: 'shop-readers', privilege: { type: 'connection', name: 'shop', access: 'read' } },
  });
  await admin.grantPrivilege({
    body: { group: 'shop-readers', privilege: { type: 'mcp_item', kind: 'tool', name: 'query_metrics' } },
  });
  analyst = await newUser('analyst', readers.id);
  stranger = await newUser('stranger');
});

afterAll(async () => {
  await server?.close();
  await store?.drop();
});

describe('monitoring over REST', () => {
  // The later tests read what this one collected.
  it('collects the monitored database: a baseline snapshot, a workload, then rates', async () => {
    // The marker runs once before the baseline: a statement needs a previous snapshot for a rate.
    const collector = server.monitoring!.collector!;
    const probes = ['database_stats', 'table_sizes', ...(statementsAvailable ? ['statements'] : [])];
    await drive(MARKER, 1);
    await collector.collectNow('shop', probes);
    await drive(MARKER, 25);
    const collected = async () => {
      await collector.collectNow('shop', probes);
      const tps = await admin.queryMetrics({
        params: { connection: 'shop', probe: 'database_stats' },
        query: {
          metrics: 'xact_commit',
          database_name: db.name,
          time_start: '10m',
          buckets: 1,
          aggregation: 'max',
        },
      });
      const top = statementsAvailable
        ? await admin.topQueries({ params: { connection: 'shop' }, query: { time_start: '10m', limit: 100 } })
        : undefined;
      const transactions = (tps.series[0]?.points[0]?.values.xact_commit ?? 0) as number;
      return transactions > 0 && (!top || top.queries.some((q) => q.query?.includes('metrics_rest_marker')));
    };
    // The driving session's statistics reach pg_stat_database shortly after it disconnects.
    await expect.poll(collected, { timeout: 30_000 }).toBe(true);
  });

  it('lists every probe with units, kinds and requirements', async () => {
    const { probes } = await analyst.listProbes();
    expect(probes.length).toBeGreaterThanOrEqual(30);
    const statements = probes.find((p) => p.name === 'statements')!;
    expect(statements.requirements).toMatchObject({ extension: 'pg_stat_statements', local_only: false });
    expect(statements.requirements.how_to_enable).toMatch(/shared_preload_libraries/);
    expect(statements.columns.find((c) => c.name === 'calls')).toMatchObject({
      kind: 'counter',
      unit: 'calls/s',
    });
    expect(probes.find((p) => p.name === 'io')?.requirements).toMatchObject({ min_version: 16 });
    expect(probes.find((p) => p.name === 'hba_rules')?.requirements.privilege).toMatch(/superuser/);
  });

  it('lists only the monitored connections a caller may use, with their collection status', async () => {
    const mine = await analyst.listMetricsConnections();
    expect(mine.connections.map((c) => c.name)).toEqual(['shop']);
    expect(mine.connections[0]).toMatchObject({ status: 'ok', message: null });
    expect(mine.connections[0]!.probes.ok).toBeGreaterThanOrEqual(2);
    expect(Date.parse(mine.connections[0]!.last_collected_at!)).toBeGreaterThan(Date.now() - 600_000);
    expect((await admin.listMetricsConnections()).connections.map((c) => c.name)).toEqual(['other', 'shop']);
    expect((await stranger.listMetricsConnections()).connections).toEqual([]);
  });

  it('reads transactions per second back as numbers with their units, for a user with access', async () => {
    const result = await analyst.queryMetrics({
      params: { connection: 'shop', probe: 'database_stats' },
      query: { database_name: db.name, time_start: '15m', buckets: 15 },
    });
    expect(result).toMatchObject({
      connection: 'shop',
      probe: 'database_stats',
      source: 'raw',
      bucket_seconds: 60,
    });
    // Every numeric metric by default, each with its unit for the chart's axis.
    expect(result.metrics.find((m) => m.name === 'xact_commit')).toMatchObject({
      kind: 'counter',
      unit: 'transactions/s',
    });
    expect(result.series).toHaveLength(1);
    expect(result.series[0]!.dims.database_name).toBe(db.name);
    const points = result.series[0]!.points;
    expect(points.length).toBeGreaterThan(0);
    expect(Math.max(...points.map((p) => p.values.xact_commit as number))).toBeGreaterThan(0);
    for (const point of points) {
      expect(new Date(point.time).toISOString()).toBe(point.time);
      for (const value of Object.values(point.values)) expect(typeof value).toBe('number');
    }
  });

  it('ranks series by a metric: the largest table first', async () => {
    const result = await analyst.queryMetrics({
      params: { connection: 'shop', probe: 'table_sizes' },
      query: {
        metrics: 'total_bytes',
        rank_by: 'total_bytes',
        max_series: 1,
        aggregation: 'last',
        buckets: 1,
      },
    });
    expect(result.series.map((s) => s.dims.table_name)).toEqual(['big_orders']);
    expect(result.truncated).toBe(true);
    expect(result.metrics).toEqual([expect.objectContaining({ name: 'total_bytes', unit: 'bytes' })]);
  });

  it('answers a caller without access to a connection as if it did not exist', async () => {
    const names = async (client: ApiClient, connection: string) => {
      const error = await failure(client.queryMetrics({ params: { connection, probe: 'database_stats' } }));
      expect(error.status).toBe(404);
      return error.message.replace(connection, '<name>');
    };
    const unknown = await names(analyst, 'no-such-connection');
    expect(await names(analyst, 'other')).toBe(unknown);
    expect(await names(stranger, 'shop')).toBe(unknown);
    expect((await failure(stranger.topQueries({ params: { connection: 'shop' } }))).status).toBe(404);
  });

  it('ranks statements by total time, and shows their text only to those who may read other sessions', async (ctx) => {
    if (!statementsAvailable) ctx.skip();
    const top = async (client: ApiClient) =>
      client.topQueries({
        params: { connection: 'shop' },
        query: { time_start: '15m', database_name: db.name, limit: 20 },
      });
    const seen = await top(admin);
    expect(seen.query_text_hidden).toBe(false);
    const marker = seen.queries.find((q) => q.query?.includes('metrics_rest_marker'));
    expect(marker, JSON.stringify(seen.queries.slice(0, 5))).toBeDefined();
    // Deltas between the baseline and the later snapshots: exactly the workload's calls.
    expect(marker!.calls).toBeCloseTo(25, 6);
    expect(marker!.total_time_ms).toBeGreaterThanOrEqual(25 * 20);
    expect(marker!.mean_time_ms).toBeCloseTo(marker!.total_time_ms / 25, 6);
    expect(marker!.share).toBeGreaterThan(0);
    expect(seen.queries.map((q) => q.total_time_ms)).toEqual(
      [...seen.queries.map((q) => q.total_time_ms)].sort((a, b) => b - a),
    );

    // privacy.hide_other_sessions (the default): the same statements, without their text.
    const hidden = await top(analyst);
    expect(hidden.query_text_hidden).toBe(true);
    expect(hidden.queries.map((q) => q.queryid)).toEqual(seen.queries.map((q) => q.queryid));
    expect(hidden.queries.every((q) => q.query === null)).toBe(true);
    const series = await analyst.queryMetrics({
      params: { connection: 'shop', probe: 'statements' },
      query: { metrics: 'query,calls', time_start: '15m', buckets: 1 },
    });
    expect(series.query_text_hidden).toBe(true);
    expect(series.series.every((s) => s.points.every((p) => p.values.query === null))).toBe(true);

    // The MCP tool applies the same rule.
    const { token } = await analyst.createToken({ body: { note: 'mcp' } });
    const client = await mcpClient(server, { token });
    try {
      const result = await client.callTool({
        name: 'query_metrics',
        arguments: {
          probe_name: 'statements',
          connection_id: 'shop',
          metrics: ['query', 'calls'],
          buckets: 1,
        },
      });
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as {
        series: { points: { values: { query: unknown } }[] }[];
      };
      expect(structured.series.length).toBeGreaterThan(0);
      expect(structured.series.every((s) => s.points.every((p) => p.values.query === null))).toBe(true);
      expect(JSON.stringify(result.content)).not.toContain('metrics_rest_marker');
      expect(JSON.stringify(result.content)).toContain('Statement texts are withheld');
    } finally {
      await client.close();
    }
  });

  it('starts and stops collecting a connection marked monitored over REST, without a restart', async () => {
    const url = new URL(db.url);
    const created = await admin.createConnection({
      body: {
        name: 'stored',
        host: url.hostname,
        port: Number(url.port),
        database: db.name,
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password) || 'unused',
      },
    });
    expect(created.is_monitored).toBe(false);
    const collector = server.monitoring!.collector!;
    const listed = async () => (await admin.listMetricsConnections()).connections.map((c) => c.name);
    expect(await listed()).not.toContain('stored');
    await admin.updateConnection({ params: { id: created.id }, body: { is_monitored: true } });
    await expect.poll(() => collector.targetIds()).toContain('stored');
    expect(await listed()).toContain('stored');
    await admin.updateConnection({ params: { id: created.id }, body: { is_monitored: false } });
    await expect.poll(() => collector.targetIds()).not.toContain('stored');
    expect(await listed()).not.toContain('stored');
  });

  it('refuses bad input with 400 naming the field and what is valid', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{}, 'nope', /probe: Unknown probe "nope". The probes are: .*database_stats/],
      [
        { metrics: 'xact_commit,tps' },
        'database_stats',
        /metrics: Unknown metric "tps" of probe database_stats; its metrics are: .*xact_commit/,
      ],
      [{ time_start: '1h', time_end: '2h' }, 'database_stats', /time_start \(.*\) must be before time_end/],
      [{ time_start: 'yesterday' }, 'database_stats', /time_start: "yesterday" is not a time.*15m, 1h/],
      [{ buckets: 0 }, 'database_stats', /buckets: must be a whole number from 1 to 500/],
      [{ buckets: 501 }, 'database_stats', /buckets: must be a whole number from 1 to 500/],
      [{ aggregation: 'median' }, 'database_stats', /aggregation: .*"avg"/],
      [{ rank_by: 'size' }, 'table_sizes', /rank_by: Unknown metric "size" of probe table_sizes/],
    ];
    for (const [query, probe, message] of cases) {
      const error = await failure(analyst.queryMetrics({ params: { connection: 'shop', probe }, query }));
      expect(error.status, JSON.stringify(query)).toBe(400);
      expect(error.message).toMatch(message);
    }
    const reversed = await failure(
      analyst.topQueries({ params: { connection: 'shop' }, query: { time_start: '1h', time_end: '2h' } }),
    );
    expect(reversed.status).toBe(400);
    expect(reversed.message).toMatch(/time_start .* must be before time_end/);
  });
});
