import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { mcpClient, startTestServer, textOf } from '../helpers.js';

const db = useTestDatabase('server-alerts');
let store: TestDatabase;
let server: RunningServer;
let client: Client;
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

beforeAll(async () => {
  store = await createTestDatabase('server-alerts-store');
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
    // The test collects and evaluates on demand; the timers stay out of its way.
    'collector:',
    '  interval_scale: 100',
    'alerts:',
    '  evaluation_interval_s: 3600',
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

function structured<T>(result: unknown): T {
  return (result as { structuredContent: T }).structuredContent;
}

describe('the alerter in the server, and the alert tools through the MCP client', () => {
  it('offers the five alert tools (and no acknowledge tool)', async () => {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        'get_alert_history',
        'get_alert_rules',
        'get_metric_baselines',
        'get_blackouts',
        'get_timeline_events',
      ]),
    );
    expect(tools.filter((t) => /acknowledge/i.test(t))).toEqual([]);
  });

  it('evaluates the connection this instance collects: an alert fires, is acknowledged, and the tools show it', async () => {
    const monitoring = server.monitoring!;
    expect(monitoring.collector!.leading()).toEqual(['shop']);
    // Any client backend at all (the collector's own session counts) crosses this override at once.
    await monitoring.alerter.setOverride('connections_near_max', 'shop', {
      threshold: 0,
      clearThreshold: 0,
      durationS: 0,
    });
    await monitoring.collector!.collectNow('shop', ['connection_usage']);
    await monitoring.alertSchedule!.tick();
    const active = await call('get_alert_history', { connection_id: 'shop', status: 'active' });
    const [alert] = structured<{
      alerts: { id: number; rule_id: string; status: string; severity: string }[];
    }>(active).alerts;
    expect(alert).toMatchObject({ rule_id: 'connections_near_max', status: 'firing', severity: 'warning' });
    expect(textOf(active)).toMatch(
      /^1 alert\(s\):\n#\d+ \[warning\] firing connections_near_max on shop: Connections near max_connections: pct_used = [\d.]+ > 0/,
    );

    await monitoring.alerter.acknowledge(alert!.id, { by: 'ada', note: 'expected during the load test' });
    const acked = await call('get_alert_history', { status: 'acknowledged' });
    expect(textOf(acked)).toMatch(/acknowledged by ada .*\("expected during the load test"\)/);
    expect(
      structured<{ alerts: unknown[] }>(await call('get_alert_history', { status: 'cleared' })).alerts,
    ).toEqual([]);

    const timeline = await call('get_timeline_events', {
      connection_id: 'shop',
      event_types: ['alert_fired', 'alert_acknowledged'],
    });
    expect(structured<{ events: { type: string }[] }>(timeline).events.map((e) => e.type)).toEqual([
      'alert_acknowledged',
      'alert_fired',
    ]);
    expect(textOf(timeline)).toMatch(
      /alert_acknowledged: Alert acknowledged by ada: expected during the load test/,
    );
  });

  it('lists rules with the connection overrides applied, by category', async () => {
    const all = structured<{ rules: { id: string }[] }>(await call('get_alert_rules'));
    expect(all.rules.length).toBeGreaterThanOrEqual(15);
    const result = await call('get_alert_rules', { connection_id: 'shop', category: 'connections' });
    const rules = structured<{ rules: { id: string; threshold: number; overridden: string[] }[] }>(
      result,
    ).rules;
    expect(rules.map((r) => r.id).sort()).toEqual(['connections_exhausted', 'connections_near_max']);
    expect(rules.find((r) => r.id === 'connections_near_max')).toMatchObject({
      threshold: 0,
      overridden: ['threshold', 'clearThreshold', 'durationS'],
    });
    expect(textOf(result)).toMatch(
      /connections_near_max \(connections, warning\): connection_usage\.pct_used > 0 for 0 s, clears at 0 \[overridden here/,
    );
  });

  it('shows the baselines learned from hourly rollups', async () => {
    const monitoring = server.monitoring!;
    expect(textOf(await call('get_metric_baselines', { connection_id: 'shop' }))).toMatch(
      /No baselines learned for shop/,
    );
    // Three past weeks of this hour of the week, rolled into hourly rollups.
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    for (const week of [1, 2, 3])
      await monitoring.datastore.insertSamples([
        {
          connectionId: 'shop',
          probe: 'database_stats',
          time: new Date(hour - week * WEEK + 60_000),
          dims: { database_name: 'shop' },
          values: { xact_commit: 10 * week },
        },
      ]);
    await monitoring.datastore.runMaintenance();
    await monitoring.alerter.recomputeBaselines('shop');
    const result = await call('get_metric_baselines', { connection_id: 'shop', metric_name: 'xact_commit' });
    expect(textOf(result)).toMatch(
      /database_stats\.xact_commit \(database_name=shop\): 1 hour\(s\) of week learned; now mean 20, stddev 10, n 3/,
    );
    expect(structured<{ baselines: { n: number }[] }>(result).baselines).toHaveLength(1);
  });

  it('lists blackouts, one-off and scheduled, and which are in force', async () => {
    const alerter = server.monitoring!.alerter;
    const now = Date.now();
    await alerter.createBlackout({
      connectionId: 'shop',
      startsAt: new Date(now - HOUR),
      endsAt: new Date(now + HOUR),
      reason: 'migration',
    });
    await alerter.createBlackout({
      cron: '0 3 * * 0',
      durationS: 7200,
      timeZone: 'America/New_York',
      reason: 'weekly vacuum',
    });
    const all = await call('get_blackouts');
    expect(textOf(all)).toMatch(
      /#\d+ all connections: every "0 3 \* \* 0" \(America\/New_York\) for 7200 s — weekly vacuum/,
    );
    expect(textOf(all)).toMatch(/#\d+ ACTIVE shop: .* — migration/);
    const active = structured<{ blackouts: { reason: string; kind: string }[] }>(
      await call('get_blackouts', { active_only: true }),
    );
    expect(active.blackouts.map((b) => b.reason)).toEqual(['migration']);
    const oneOff = structured<{ blackouts: { kind: string }[] }>(
      await call('get_blackouts', { include_schedules: false }),
    );
    expect(oneOff.blackouts.map((b) => b.kind)).toEqual(['one_off']);
    // The evaluation records the start on the timeline and fires nothing.
    await server.monitoring!.alertSchedule!.tick();
    const events = await call('get_timeline_events', {
      connection_id: 'shop',
      event_types: ['blackout_started'],
    });
    expect(textOf(events)).toMatch(/blackout_started: Blackout started \(one-off: migration\)/);
  });

  it('refuses bad input with errors that say what is valid', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['get_alert_history', { limit: 101 }, /limit must be 1–100/],
      ['get_alert_history', { status: 'open' }, /active.*cleared.*acknowledged.*all/],
      ['get_alert_history', { time_start: 'last week' }, /time_start: "last week" is not a time/],
      [
        'get_alert_history',
        { connection_id: 'quiet' },
        /cannot read metrics of the connection "quiet".*"shop"/,
      ],
      ['get_timeline_events', { start_time: '1h', end_time: '2h' }, /start_time .* must be before end_time/],
      ['get_timeline_events', { event_types: ['coffee_break'] }, /setting_changed/],
      ['get_metric_baselines', { connection_id: 'nope' }, /cannot read metrics of the connection "nope"/],
    ];
    for (const [tool, args, message] of cases) {
      const result = await call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
  });

  it('shows a caller only the alerts and timelines of connections they may use', async () => {
    const guarded = await startTestServer(
      {
        PGMCP_DATASTORE_URL: store.url,
        PGMCP_COLLECTOR: 'off',
        PGMCP_AUTH: 'on',
        PGMCP_ADMIN_PASSWORD: 'an admin password for alerts',
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
      for (const name of ['get_alert_history', 'get_timeline_events'])
        await guarded.auth.grantPrivilege(group.id, { type: 'mcp_item', kind: 'tool', name });
      const { token } = await guarded.auth.createApiToken(user.id, { note: 'alerts' });
      const viewer = await mcpClient(guarded, { token });
      try {
        const mine = await viewer.callTool({ name: 'get_alert_history', arguments: {} });
        expect(structured<{ alerts: unknown[] }>(mine).alerts).toEqual([]);
        const refused = await viewer.callTool({
          name: 'get_alert_history',
          arguments: { connection_id: 'shop' },
        });
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/cannot read metrics of the connection "shop"/);
        const timeline = await viewer.callTool({
          name: 'get_timeline_events',
          arguments: { connection_id: 'shop' },
        });
        expect(timeline.isError).toBe(true);
      } finally {
        await viewer.close();
      }
      // The administrator sees the shop alert through the same datastore.
      const admin = await mcpClient(guarded, {
        token: (
          await guarded.auth.createApiToken((await guarded.auth.findUserByUsername('admin'))!.id, {
            note: 'a',
          })
        ).token,
      });
      try {
        const all = await admin.callTool({ name: 'get_alert_history', arguments: {} });
        expect(
          structured<{ alerts: { connection_id: string }[] }>(all).alerts.map((a) => a.connection_id),
        ).toContain('shop');
      } finally {
        await admin.close();
      }
    } finally {
      await guarded.close();
    }
  });
});
