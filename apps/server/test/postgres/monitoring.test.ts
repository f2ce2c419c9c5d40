import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

const db = useTestDatabase('server-monitoring');
let store: TestDatabase;
let server: RunningServer;
let client: Client;

beforeAll(async () => {
  store = await createTestDatabase('server-metrics');
  const yaml = [
    'auth:',
    '  bcrypt_cost: 4',
    'connections:',
    '  - name: shop',
    `    url: ${db.url}`,
    '    is_monitored: true',
    '  - name: quiet',
    `    url: ${db.url}`,
    'connection_store:',
    '  poll_interval_ms: 100',
    // Long intervals: the test collects on demand, the timers stay out of its way.
    'collector:',
    '  interval_scale: 100',
  ].join('\n');
  server = await startTestServer({ PGMCP_DATASTORE_URL: store.url }, { yaml });
  client = await mcpClient(server);
});
afterAll(async () => {
  await client?.close();
  await server?.close();
  await store?.drop();
});

async function call(name: string, args: Record<string, unknown> = {}) {
  return client.callTool({ name, arguments: args });
}

/** Runs `n` transactions on a connection of its own and disconnects (flushing its statistics). */
async function drive(n: number): Promise<void> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  for (let i = 0; i < n; i++) await c.query('select 1');
  await c.end();
}

describe('monitoring in the server, through the MCP client', () => {
  it('collects the monitored config connection only, and offers the datastore tools', async () => {
    const collector = server.monitoring?.collector;
    expect(collector?.targetIds()).toEqual(['shop']);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        'list_probes',
        'describe_probe',
        'query_metrics',
        'list_connections',
        'query_datastore',
      ]),
    );
    const probes = await call('list_probes');
    expect((probes.structuredContent as { probes: unknown[] }).probes.length).toBeGreaterThanOrEqual(30);
    const described = await call('describe_probe', { probe_name: 'checkpointer' });
    expect(textOf(described)).toMatch(/checkpoints_requested\tcheckpoints\/s\tcounter/);
  });

  it('answers transactions per second from collected data, and lists the connection as collected', async () => {
    const collector = server.monitoring!.collector!;
    await collector.collectNow('shop', ['database_stats']);
    await drive(200);
    // The driving session's statistics reach pg_stat_database shortly after it disconnects.
    await expect
      .poll(async () => {
        await collector.collectNow('shop', ['database_stats']);
        const result = await call('query_metrics', {
          probe_name: 'database_stats',
          connection_id: 'shop',
          metrics: ['xact_commit'],
          database_name: db.name,
          time_start: '10m',
          buckets: 1,
          aggregation: 'max',
        });
        const structured = result.structuredContent as {
          series: { points: { values: { xact_commit: number } }[] }[];
        };
        return structured.series[0]?.points[0]?.values.xact_commit ?? 0;
      })
      .toBeGreaterThan(0);
    const listed = await call('list_connections');
    const [shop] = (
      listed.structuredContent as {
        connections: { connection_id: string; status: string; last_collected_at: string | null }[];
      }
    ).connections;
    expect(shop).toMatchObject({ connection_id: 'shop', status: 'ok' });
    expect(shop?.last_collected_at).not.toBeNull();
    expect(textOf(listed)).toMatch(/^shop: ok; last collected 20/);
  });

  it('refuses bad input with errors that say what is valid', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { probe_name: 'nope', connection_id: 'shop' },
        /Unknown probe "nope". The probes are: .*database_stats/,
      ],
      [
        { probe_name: 'database_stats', connection_id: 'shop', metrics: ['tps'] },
        /Unknown metric "tps" of probe database_stats; its metrics are: numbackends, xact_commit/,
      ],
      [
        { probe_name: 'database_stats', connection_id: 'shop', time_start: '1h', time_end: '2h' },
        /time_start .* must be before time_end/,
      ],
      [
        { probe_name: 'database_stats', connection_id: 'shop', time_start: 'yesterday' },
        /time_start: "yesterday" is not a time.*15m, 1h/,
      ],
      [{ probe_name: 'database_stats', connection_id: 'shop', buckets: 0 }, /buckets must be 1–500/],
      [{ probe_name: 'database_stats', connection_id: 'shop', buckets: 501 }, /buckets must be 1–500/],
      [
        { probe_name: 'database_stats', connection_id: 'quiet' },
        /cannot read metrics of the connection "quiet".*Monitored connections you may use: "shop"/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await call('query_metrics', args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
  });

  it('query_datastore reads the datastore through the read-only guard', async () => {
    const result = await call('query_datastore', {
      query:
        "select count(*) as n from metrics_samples where connection_id = 'shop' and probe = 'database_stats'",
    });
    expect(Number((result.structuredContent as { rows: string[][] }).rows[0]?.[0])).toBeGreaterThan(0);
    const write = await call('query_datastore', { query: 'delete from metrics_samples' });
    expect(write.isError).toBe(true);
    expect((await adminQuery(store.url, 'select 1 from metrics_samples limit 1')).length).toBe(1);
  });

  it('query_datastore is for administrators: it reads every connection, statement texts included', async () => {
    const guarded = await startTestServer(
      {
        PGMCP_DATASTORE_URL: store.url,
        PGMCP_COLLECTOR: 'off',
        PGMCP_AUTH: 'on',
        PGMCP_ADMIN_PASSWORD: 'an admin password for monitoring',
      },
      {
        yaml: [
          'auth:',
          '  bcrypt_cost: 4',
          'connections:',
          '  - name: shop',
          `    url: ${db.url}`,
          '    is_monitored: true',
          '  - name: quiet',
          `    url: ${db.url}`,
        ].join('\n'),
      },
    );
    try {
      const user = await guarded.auth.createUser({
        username: 'viewer',
        password: 'a long viewer password 1',
      });
      const group = await guarded.auth.createGroup({ name: 'viewers' });
      await guarded.auth.addGroupMember(group.id, { userId: user.id });
      await guarded.auth.grantPrivilege(group.id, { type: 'connection', name: 'quiet', access: 'read' });
      await guarded.auth.grantPrivilege(group.id, {
        type: 'mcp_item',
        kind: 'tool',
        name: 'query_datastore',
      });
      const { token } = await guarded.auth.createApiToken(user.id, { note: 'monitoring' });
      const viewer = await mcpClient(guarded, { token });
      try {
        const refused = await viewer.callTool({
          name: 'query_datastore',
          arguments: { query: 'select connection_id, "values" from metrics_samples' },
        });
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/only administrators may run it.*query_metrics/);
      } finally {
        await viewer.close();
      }
    } finally {
      await guarded.close();
    }
  });

  it('starts and stops collecting a stored connection when its is_monitored flag changes, without a restart', async () => {
    const url = new URL(db.url);
    const collector = server.monitoring!.collector!;
    await server.connectionStore.create({
      name: 'stored',
      host: url.hostname,
      port: Number(url.port),
      database: db.name,
      username: decodeURIComponent(url.username),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      sslmode: 'disable',
      isMonitored: true,
    });
    await expect.poll(() => collector.targetIds(), { timeout: 10_000 }).toContain('stored');
    await server.connectionStore.update('stored', { isMonitored: false });
    await expect.poll(() => collector.targetIds(), { timeout: 10_000 }).not.toContain('stored');
  });
});
