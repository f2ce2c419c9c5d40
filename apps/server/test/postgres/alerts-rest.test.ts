import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type ApiClient, ApiError, createApiClient } from '@pgmcp/api-contract';
import { verifyWebhookSignature } from '@pgmcp/notifier';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { startTestServer } from '../helpers.js';

// Alerts over REST against the real server: the alerter evaluates a real collected snapshot, a
// person acknowledges over REST, and a webhook channel made over REST receives the signed event.

const ADMIN_PASSWORD = 'alerts admin password';
const PASSWORD = 'a long enough password 42';
const SECRET = 'a webhook signing secret';
const db = useTestDatabase('server-alerts-rest');
let store: TestDatabase;
let server: RunningServer;
let admin: ApiClient;
let outsider: ApiClient;

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

/** Collects the connection's usage now and runs one evaluation, as the schedule would. */
async function collectAndEvaluate(): Promise<void> {
  const monitoring = server.monitoring!;
  await monitoring.collector!.collectNow('shop', ['connection_usage']);
  await monitoring.alertSchedule!.tick();
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
  store = await createTestDatabase('server-alerts-rest-store');
  const yaml = [
    'auth:',
    '  bcrypt_cost: 4',
    'connections:',
    '  - name: shop',
    `    url: ${db.url}`,
    '    is_monitored: true',
    // The test collects and evaluates on demand; the timers stay out of its way.
    'collector:',
    '  interval_scale: 100',
    'alerts:',
    '  evaluation_interval_s: 3600',
    'notifications:',
    '  retry_attempts: 1',
  ].join('\n');
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATASTORE_URL: store.url },
    { yaml },
  );
  admin = await login('admin', ADMIN_PASSWORD);
  await admin.createUser({ body: { username: 'outsider', password: PASSWORD } });
  outsider = await login('outsider', PASSWORD);
});
afterAll(async () => {
  await server?.close();
  await store?.drop();
});

describe('alerts over REST', () => {
  it('fires an alert from an override set over REST, acknowledges it with a note, and lists it', async () => {
    // Any client backend at all (the collector's own session counts) crosses this override at once.
    const rule = await admin.setAlertRuleOverride({
      params: { id: 'connections_near_max', connection: 'shop' },
      body: { threshold: 0, clear_threshold: 0, duration_s: 0 },
    });
    expect(rule).toMatchObject({ threshold: 0, duration_s: 0, connection_id: 'shop' });
    expect(rule.overridden).toEqual(expect.arrayContaining(['threshold', 'durationS']));
    await collectAndEvaluate();

    const { alerts } = await admin.listAlerts({ query: { connection: 'shop' } });
    const alert = alerts.find((a) => a.rule_id === 'connections_near_max');
    expect(alert).toMatchObject({ status: 'firing', connection_id: 'shop', acknowledged_by: null });

    const acked = await admin.acknowledgeAlert({
      params: { id: String(alert!.id) },
      body: { note: 'load test, expected' },
    });
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledged_by: 'admin',
      ack_note: 'load test, expected',
    });
    const listed = await admin.listAlerts({ query: { status: 'acknowledged' } });
    expect(listed.alerts.map((a) => a.id)).toContain(alert!.id);
    expect((await admin.getAlert({ params: { id: String(alert!.id) } })).status).toBe('acknowledged');

    const timeline = await admin.getTimeline({
      query: { connection: 'shop', types: 'alert_fired,alert_acknowledged' },
    });
    expect(timeline.events.map((e) => e.type)).toEqual(['alert_acknowledged', 'alert_fired']);
  });

  it('shows a connection only to callers with access to it', async () => {
    const { alerts } = await admin.listAlerts({ query: { status: 'all' } });
    const id = String(alerts[0]!.id);
    expect((await outsider.listAlerts({ query: { status: 'all' } })).alerts).toEqual([]);
    expect((await failure(outsider.getAlert({ params: { id } }))).status).toBe(404);
    expect((await failure(outsider.acknowledgeAlert({ params: { id }, body: {} }))).status).toBe(404);
    expect((await failure(outsider.getTimeline({ query: { connection: 'shop' } }))).status).toBe(404);
    // Managing rules, blackouts and channels needs the admin permissions.
    expect(
      (await failure(outsider.createBlackout({ body: { cron: '0 2 * * *', duration_s: 3600 } }))).status,
    ).toBe(403);
    expect((await failure(outsider.listNotificationChannels({}))).status).toBe(403);
  });

  it('records blackout and rule changes in the activity log, with the blackout made', async () => {
    const blackout = await admin.createBlackout({
      body: { connection_id: 'shop', cron: '0 3 * * *', duration_s: 1800, time_zone: 'Europe/Paris' },
    });
    expect(blackout).toMatchObject({ kind: 'scheduled', created_by: 'admin', time_zone: 'Europe/Paris' });
    expect(
      (await admin.listBlackouts({ query: { connection: 'shop' } })).blackouts.map((b) => b.id),
    ).toContain(blackout.id);
    const ended = await admin.endBlackout({ params: { id: String(blackout.id) } });
    expect(ended.ended_at).not.toBeNull();
    await expect
      .poll(async () =>
        (await admin.listAudit({ query: { kind: 'admin' } })).events.map((e) => `${e.action} ${e.target}`),
      )
      .toEqual(
        expect.arrayContaining([
          `createBlackout id=${blackout.id}`,
          `endBlackout id=${blackout.id}`,
          'setAlertRuleOverride id=connections_near_max connection=shop',
        ]),
      );
  });

  it('refuses bad input naming the field', async () => {
    const bad = async (promise: Promise<unknown>) => (await failure(promise)).message;
    expect(
      await bad(admin.createBlackout({ body: { cron: 'every night', duration_s: 3600, time_zone: 'UTC' } })),
    ).toMatch(/^cron: /);
    expect(
      await bad(
        admin.createBlackout({ body: { cron: '0 2 * * *', duration_s: 3600, time_zone: 'Mars/Base' } }),
      ),
    ).toMatch(/^time_zone: /);
    expect(
      await bad(
        admin.updateAlertRule({
          params: { id: 'connections_near_max' },
          body: { threshold: 'high' as unknown as number },
        }),
      ),
    ).toMatch(/threshold: /);
    expect(
      await bad(
        admin.createNotificationChannel({
          body: { kind: 'webhook', name: 'metadata', url: 'http://169.254.169.254/latest' },
        }),
      ),
    ).toMatch(/^url: /);
  });
});

describe('a webhook channel created over REST', () => {
  let receiver: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => receiver?.close());

  it('receives the signed notification of an alert that fires', async () => {
    const port = (receiver.address() as { port: number }).port;
    const channel = await admin.createNotificationChannel({
      body: {
        kind: 'webhook',
        name: 'on call',
        url: `http://127.0.0.1:${port}/hook`,
        secret: SECRET,
        min_severity: 'critical',
      },
    });
    expect(channel).toMatchObject({ kind: 'webhook', has_secret: true });
    expect(JSON.stringify(channel)).not.toContain(SECRET);
    await admin.createAlertRule({
      body: {
        id: 'any_backend',
        name: 'Any backend at all',
        probe: 'connection_usage',
        metric: 'pct_used',
        threshold: 0,
        severity: 'critical',
      },
    });
    await collectAndEvaluate();

    await expect.poll(() => received.length).toBeGreaterThan(0);
    const delivery = received.find((r) => r.body.includes('"any_backend"'))!;
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: delivery.body,
        header: delivery.headers['x-pgmcp-signature'] as string,
      }),
    ).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'alert.fired',
      alert: {
        rule_id: 'any_backend',
        rule_name: 'Any backend at all',
        connection_id: 'shop',
        severity: 'critical',
      },
    });
    await expect
      .poll(
        async () => (await admin.listChannelDeliveries({ params: { id: channel.id } })).deliveries[0]?.status,
      )
      .toBe('delivered');
  });
});
