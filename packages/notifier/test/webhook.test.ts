import { createHmac } from 'node:crypto';
import path from 'node:path';
import { openKeyRing } from '@pgmcp/secrets';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/index.js';
import { openNotifier, startReceiver } from './harness.js';

const db = useTestDatabase('notifier_webhook');
const SECRET = 'a-shared-secret-of-32-characters!';

function event(more: Partial<AlertEvent> = {}): AlertEvent {
  return {
    kind: 'fired',
    alertId: 'a1',
    ruleId: 'connections_near_max',
    ruleName: 'Connections near max_connections',
    connectionId: 'prod',
    severity: 'critical',
    metric: 'connections_used_pct',
    value: 93.5,
    threshold: 90,
    message: 'connections at 93.5% of max_connections',
    at: new Date('2026-12-07T06:00:00Z'),
    link: 'https://pgmcp.example/alerts/a1',
    ...more,
  };
}

describe('webhook channel', () => {
  it('POSTs the event as JSON with an HMAC signature the receiver verifies', async () => {
    const receiver = await startReceiver();
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel({
      kind: 'webhook',
      name: 'ops-hook',
      url: `${receiver.url}/hook`,
      secret: SECRET,
      headers: { 'X-Team': 'dba' },
      min_severity: 'warning',
    });

    notifier.dispatch(event());
    await expect.poll(() => receiver.received.length).toBe(1);

    const [request] = receiver.received;
    // The receiver's check, written from the README's recipe (not with the package's helper).
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request!.headers['x-pgmcp-signature']));
    expect(match).not.toBeNull();
    const expected = createHmac('sha256', SECRET).update(`${match![1]}.${request!.body}`).digest('hex');
    expect(match![2]).toBe(expected);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-team']).toBe('dba');
    expect(request!.headers['x-pgmcp-event']).toBe('fired');
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'alert.fired',
      alert: {
        id: 'a1',
        rule_id: 'connections_near_max',
        connection_id: 'prod',
        severity: 'critical',
        value: 93.5,
        threshold: 90,
        at: '2026-12-07T06:00:00.000Z',
        link: 'https://pgmcp.example/alerts/a1',
      },
    });
    expect(body.delivery_id).toBe(request!.headers['x-pgmcp-delivery']);

    await notifier.idle();
    const [delivery] = await notifier.listDeliveries({ channelId: channel.id });
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      response: 'HTTP 200',
      last_error: null,
    });
  });

  it('retries with exponential backoff after the receiver fails twice, keeping the last error', async () => {
    const receiver = await startReceiver({ statuses: [500, 503] });
    const { notifier, timers } = await openNotifier(db.url);
    const channel = await notifier.createChannel({
      kind: 'webhook',
      name: 'flaky-hook',
      url: receiver.url,
      min_severity: 'info',
    });

    notifier.dispatch(event({ alertId: 'retry-1' }));
    await expect
      .poll(async () => (await notifier.listDeliveries({ alertId: 'retry-1' }))[0]?.status)
      .toBe('delivered');

    expect(receiver.received).toHaveLength(3);
    const [delivery] = await notifier.listDeliveries({ channelId: channel.id, alertId: 'retry-1' });
    expect(delivery).toMatchObject({
      attempts: 3,
      status: 'delivered',
      response: 'HTTP 200',
      next_attempt_at: null,
    });
    expect(delivery!.last_error).toBe('url: HTTP 503 receiver down');
    expect(delivery!.attempt_log.map((a) => [a.ok, a.response])).toEqual([
      [false, 'HTTP 500'],
      [false, 'HTTP 503'],
      [true, 'HTTP 200'],
    ]);
    // base 1 s, doubled per attempt.
    expect(timers.delays).toEqual([1_000, 2_000]);
    // Each retry was the same delivery: receivers can drop duplicates by this id.
    expect(new Set(receiver.received.map((r) => r.headers['x-pgmcp-delivery'])).size).toBe(1);
  });

  it('gives up after the configured attempts, and does not retry a 4xx', async () => {
    const down = await startReceiver({ statuses: [500, 500, 500, 500, 500] });
    const gone = await startReceiver({ statuses: [404] });
    const { notifier, timers } = await openNotifier(db.url, {
      more: { retry: { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 1_500 } },
    });
    const a = await notifier.createChannel({
      kind: 'webhook',
      name: 'down',
      url: down.url,
      min_severity: 'info',
    });
    const b = await notifier.createChannel({
      kind: 'webhook',
      name: 'gone',
      url: gone.url,
      min_severity: 'info',
    });

    notifier.dispatch(event({ alertId: 'give-up' }));
    await expect
      .poll(async () => (await notifier.listDeliveries({ alertId: 'give-up' })).map((d) => d.status).sort())
      .toEqual(['failed', 'failed']);
    const [downDelivery] = await notifier.listDeliveries({ alertId: 'give-up', channelId: a.id });
    const [goneDelivery] = await notifier.listDeliveries({ alertId: 'give-up', channelId: b.id });
    expect(downDelivery).toMatchObject({
      attempts: 4,
      max_attempts: 4,
      last_error: 'url: HTTP 500 receiver down',
    });
    expect(goneDelivery).toMatchObject({ attempts: 1, last_error: 'url: HTTP 404 receiver down' });
    expect(down.received).toHaveLength(4);
    // Doubling, capped at maxDelayMs; the 404 was not retried at all.
    expect(timers.delays).toEqual([1_000, 1_500, 1_500]);
  });

  it('returns at once, and a hanging channel holds up neither the caller nor the other channels', async () => {
    const hanging = await startReceiver({ hold: true });
    const fine = await startReceiver();
    const { notifier } = await openNotifier(db.url);
    await notifier.createChannel({
      kind: 'webhook',
      name: 'hanging',
      url: hanging.url,
      min_severity: 'info',
    });
    const ok = await notifier.createChannel({
      kind: 'webhook',
      name: 'fine',
      url: fine.url,
      min_severity: 'info',
    });

    expect(notifier.dispatch(event({ alertId: 'parallel' }))).toBeUndefined();
    await expect.poll(() => fine.received.length).toBe(1);
    await expect
      .poll(async () => (await notifier.listDeliveries({ channelId: ok.id, alertId: 'parallel' }))[0]?.status)
      .toBe('delivered');
    // The hanging receiver has its request too, and has not answered it.
    await expect.poll(() => hanging.received.length).toBe(1);
    const held = await notifier.listDeliveries({ alertId: 'parallel', status: 'sending' });
    expect(held).toHaveLength(1);
    hanging.release();
    await expect
      .poll(async () => (await notifier.listDeliveries({ alertId: 'parallel' })).map((d) => d.status))
      .toEqual(['delivered', 'delivered']);
  });

  it('resumes a retry that a stopped process left due', async () => {
    const receiver = await startReceiver({ statuses: [502] });
    let clock = new Date('2026-12-07T06:00:00Z');
    const parked = { setTimeout: () => 0, clearTimeout: () => {} };
    const first = await openNotifier(db.url, { more: { now: () => clock, timers: parked } });
    const channel = await first.notifier.createChannel({
      kind: 'webhook',
      name: 'resume',
      url: receiver.url,
      min_severity: 'info',
    });
    first.notifier.dispatch(event({ alertId: 'resume-1' }));
    await expect
      .poll(async () => (await first.notifier.listDeliveries({ alertId: 'resume-1' }))[0]?.status)
      .toBe('retrying');
    const [waiting] = await first.notifier.listDeliveries({ alertId: 'resume-1' });
    expect(waiting!.next_attempt_at).toBe('2026-12-07T06:00:01.000Z');

    const second = await openNotifier(db.url, { more: { now: () => clock } });
    expect(await second.notifier.resumeDue()).toBe(0);
    clock = new Date('2026-12-07T06:00:02Z');
    expect(await second.notifier.resumeDue()).toBe(1);
    await second.notifier.idle();
    const [done] = await second.notifier.listDeliveries({ channelId: channel.id });
    expect(done).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_error: 'url: HTTP 502 receiver down',
    });
    expect(receiver.received).toHaveLength(2);
  });

  it('delivers to the other channels when one channel cannot be read (its key is gone)', async () => {
    const receiver = await startReceiver();
    const first = await openNotifier(db.url);
    const lost = await first.notifier.createChannel({
      kind: 'slack',
      name: 'lost-key',
      url: `${receiver.url}/lost`,
      min_severity: 'info',
    });
    // Another key file: the Slack channel's secret no longer decrypts.
    const keyRing = openKeyRing({
      file: path.join(makeTempDir('pgmcp-notifier-other-'), 'k'),
      createIfMissing: true,
    });
    const second = await openNotifier(db.url, { more: { keyRing } });
    await second.notifier.createChannel({
      kind: 'webhook',
      name: 'readable',
      url: `${receiver.url}/ok`,
      min_severity: 'info',
    });

    second.notifier.dispatch(event({ alertId: 'lost-key' }));
    await expect.poll(() => receiver.received.map((r) => r.path)).toEqual(['/ok']);
    await expect
      .poll(async () => (await second.notifier.listDeliveries({ channelId: lost.id }))[0]?.status)
      .toBe('failed');
    const [failed] = await second.notifier.listDeliveries({ channelId: lost.id });
    expect(failed!.last_error).toMatch(/^channel: A stored secret was encrypted with key/);
  });

  it('routes per severity and per rule', async () => {
    const receiver = await startReceiver();
    const { notifier } = await openNotifier(db.url);
    const critical = await notifier.createChannel({
      kind: 'webhook',
      name: 'critical-only',
      url: `${receiver.url}/critical`,
      min_severity: 'critical',
    });
    const ruled = await notifier.createChannel({
      kind: 'webhook',
      name: 'rule-only',
      url: `${receiver.url}/rule`,
    });
    await notifier.setRuleChannels('replication_lag', [ruled.id]);
    await notifier.createChannel({
      kind: 'webhook',
      name: 'disabled',
      url: `${receiver.url}/disabled`,
      min_severity: 'info',
      enabled: false,
    });

    notifier.dispatch(event({ alertId: 'r1', severity: 'warning', ruleId: 'replication_lag' }));
    notifier.dispatch(event({ alertId: 'r2', severity: 'critical', ruleId: 'other' }));
    notifier.dispatch(event({ alertId: 'r3', severity: 'info', ruleId: 'other' }));
    await expect.poll(() => receiver.received.length).toBe(2);
    await notifier.idle();
    const routed = receiver.received.map((r) => [
      r.path,
      (JSON.parse(r.body) as { alert: { id: string } }).alert.id,
    ]);
    expect(routed.sort()).toEqual([
      ['/critical', 'r2'],
      ['/rule', 'r1'],
    ]);
    expect(await notifier.getRuleChannels('replication_lag')).toEqual([ruled.id]);
    expect((await notifier.getChannel(ruled.id)).rule_ids).toEqual(['replication_lag']);
    expect(critical.rule_ids).toEqual([]);
  });

  it('sends a test message synchronously and reports the receiver error', async () => {
    const receiver = await startReceiver({ statuses: [401] });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel({ kind: 'webhook', name: 'test-me', url: receiver.url });

    const refused = await notifier.sendTest(channel.id);
    expect(refused).toMatchObject({ ok: false, response: 'HTTP 401', error: 'url: HTTP 401 receiver down' });
    const accepted = await notifier.sendTest(channel.id);
    expect(accepted).toMatchObject({ ok: true, response: 'HTTP 200', error: null });
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ type: 'test', channel: 'test-me' });
    const history = await notifier.listDeliveries({ channelId: channel.id });
    expect(history.map((d) => [d.event_kind, d.status])).toEqual([
      ['test', 'delivered'],
      ['test', 'failed'],
    ]);
  });
});

describe('slack channel', () => {
  it('posts a Slack incoming-webhook payload: text and blocks', async () => {
    const receiver = await startReceiver();
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel({
      kind: 'slack',
      name: 'slack-ops',
      url: `${receiver.url}/services/T000/B000/XXXX`,
      min_severity: 'critical',
    });
    expect(channel.settings).toEqual({ kind: 'slack', host: receiver.url.replace('http://', '') });
    expect(channel.has_secret).toBe(true);
    expect(JSON.stringify(channel)).not.toContain('/services/');

    notifier.dispatch(event({ message: 'connections <at> 93.5% & rising' }));
    await expect.poll(() => receiver.received.length).toBe(1);
    const payload = JSON.parse(receiver.received[0]!.body) as {
      text: string;
      blocks: {
        type: string;
        text?: { type: string; text: string };
        fields?: { text: string }[];
        elements?: { text: string }[];
      }[];
    };
    expect(receiver.received[0]!.path).toBe('/services/T000/B000/XXXX');
    expect(payload.text).toContain('Connections near max_connections on prod');
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(payload.blocks[0]!.text).toEqual({
      type: 'plain_text',
      text: '[critical] FIRED: Connections near max_connections on prod',
      emoji: false,
    });
    expect(payload.blocks[1]!.text).toEqual({
      type: 'mrkdwn',
      text: 'connections &lt;at&gt; 93.5% &amp; rising',
    });
    expect(payload.blocks[2]!.fields!.map((f) => f.text)).toContain('*Value*\n93.5');
    expect(payload.blocks[3]!.elements![0]!.text).toBe('<https://pgmcp.example/alerts/a1|Open in pgmcp>');
  });
});
