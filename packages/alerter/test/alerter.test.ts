import { BUILTIN_PROBES } from '@pgmcp/collector';
import { describe, expect, it } from 'vitest';
import { AlerterError, DEFAULT_RULES, parseRule } from '../src/index.js';
import { useAlerter } from './helpers.js';

const t = useAlerter('alerter');

/** The error an async call throws. */
async function failure(run: () => Promise<unknown>): Promise<AlerterError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlerterError);
  return error as AlerterError;
}

async function usage(connectionId: string, pct: number): Promise<void> {
  await t.collect(connectionId, 'connection_usage', [
    { values: { connections: pct, max_connections: 100, pct_used: pct } },
  ]);
}

async function alertsOf(connectionId: string, ruleId: string) {
  return t.alerter().listAlerts({ connectionId, ruleId });
}

describe('default rules', () => {
  it('has at least 15, each over a real probe metric (or a derived one)', () => {
    expect(DEFAULT_RULES.length).toBeGreaterThanOrEqual(15);
    for (const rule of DEFAULT_RULES) expect(() => parseRule(rule, BUILTIN_PROBES)).not.toThrow();
    expect(new Set(DEFAULT_RULES.map((r) => r.id)).size).toBe(DEFAULT_RULES.length);
  });

  it('are seeded once, and an edited default rule is left as edited', async () => {
    const rules = await t.alerter().listRules();
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(DEFAULT_RULES.map((r) => r.id)));
    await t.alerter().updateRule('deadlocks', { severity: 'critical' });
    const { createAlerter } = await import('../src/index.js');
    const again = await createAlerter({ database: t.datastore().database });
    expect((await again.getRule('deadlocks')).severity).toBe('critical');
    await t.alerter().updateRule('deadlocks', { severity: 'warning' });
  });
});

describe('threshold rules', () => {
  it('fire only after the duration, and clear only below the hysteresis threshold', async () => {
    const c = 'hyst';
    t.clock.set('2026-03-10T08:00:00Z');
    const step = async (seconds: number, pct: number) => {
      t.clock.set(new Date(Date.parse('2026-03-10T08:00:00Z') + seconds * 1000).toISOString());
      await usage(c, pct);
      return t.alerter().evaluate(c);
    };
    // connections_near_max: > 80 for 300 s, clears at ≤ 70.
    expect((await step(0, 85)).fired).toBe(0);
    expect((await step(120, 85)).fired).toBe(0);
    await step(180, 75); // below the threshold: the pending condition resets
    expect((await step(240, 85)).fired).toBe(0);
    expect((await step(480, 85)).fired).toBe(0); // 240 s since it started again
    const fired = await step(540, 85);
    expect(fired.fired).toBe(1);
    const [alert] = await alertsOf(c, 'connections_near_max');
    expect(alert).toMatchObject({ status: 'firing', severity: 'warning', value: 85, threshold: 80 });
    expect(alert!.firedAt.toISOString()).toBe('2026-03-10T08:09:00.000Z');
    expect(alert!.message).toMatch(/pct_used = 85 > 80/);
    // Between the clear threshold and the threshold: still firing; back above: no new alert.
    expect((await step(600, 75)).cleared).toBe(0);
    expect(await step(660, 85)).toMatchObject({ fired: 0, reopened: 0, cleared: 0 });
    expect((await alertsOf(c, 'connections_near_max')).length).toBe(1);
    const cleared = await step(720, 65);
    expect(cleared.cleared).toBe(1);
    expect((await alertsOf(c, 'connections_near_max'))[0]).toMatchObject({
      status: 'cleared',
      id: alert!.id,
    });
    expect(t.events.filter((e) => e.alert.id === alert!.id).map((e) => e.type)).toEqual(['fired', 'cleared']);
  });

  it('re-opens the same alert within the window, and opens a new one after it', async () => {
    const c = 'reopen';
    t.clock.set('2026-03-10T08:00:00Z');
    // connections_exhausted: >= 95 for 60 s, clears at ≤ 90.
    const at = async (iso: string, pct: number) => {
      t.clock.set(iso);
      await usage(c, pct);
      return t.alerter().evaluate(c);
    };
    await at('2026-03-10T08:00:00Z', 96);
    expect((await at('2026-03-10T08:01:00Z', 96)).fired).toBe(1);
    expect((await at('2026-03-10T08:02:00Z', 50)).cleared).toBe(1);
    await at('2026-03-10T08:10:00Z', 97);
    expect((await at('2026-03-10T08:11:00Z', 97)).reopened).toBe(1);
    const alerts = await alertsOf(c, 'connections_exhausted');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'firing', reopenCount: 1, clearedAt: null });
    expect(alerts[0]!.firedAt.toISOString()).toBe('2026-03-10T08:01:00.000Z');
    // Cleared, then firing again two hours later (window 1 h): a new alert.
    await at('2026-03-10T08:12:00Z', 40);
    await at('2026-03-10T10:12:00Z', 99);
    expect((await at('2026-03-10T10:13:00Z', 99)).fired).toBe(1);
    expect(await alertsOf(c, 'connections_exhausted')).toHaveLength(2);
    const timeline = await t.alerter().listTimeline({
      connectionId: c,
      start: new Date('2026-03-10T00:00:00Z'),
      end: new Date('2026-03-11T00:00:00Z'),
      types: ['alert_fired', 'alert_reopened', 'alert_cleared'],
    });
    // connections_near_max (> 80 for 300 s) never held long enough to fire.
    expect(timeline.map((e) => e.type).reverse()).toEqual([
      'alert_fired',
      'alert_cleared',
      'alert_reopened',
      'alert_cleared',
      'alert_fired',
    ]);
  });

  it('takes per-connection overrides (threshold, duration, enabled)', async () => {
    await t.alerter().setOverride('sequence_near_exhaustion', 'ovr', { threshold: 10, clearThreshold: 5 });
    await t.alerter().setOverride('deadlocks', 'ovr', { enabled: false });
    const rules = await t.alerter().listRules({ connectionId: 'ovr' });
    expect(rules.find((r) => r.id === 'sequence_near_exhaustion')).toMatchObject({
      threshold: 10,
      overridden: ['threshold', 'clearThreshold'],
    });
    expect(
      (await t.alerter().listRules({ connectionId: 'ovr', enabledOnly: true })).some(
        (r) => r.id === 'deadlocks',
      ),
    ).toBe(false);
    t.clock.set('2026-03-10T08:00:00Z');
    await t.collect('ovr', 'sequences', [
      {
        dims: { database_name: 'shop', schema_name: 'public', object_name: 'orders_id_seq' },
        values: { last_value: 9, pct_used: 12 },
      },
    ]);
    await t.collect('ovr', 'database_stats', [{ dims: { database_name: 'shop' }, values: { deadlocks: 1 } }]);
    await t.alerter().evaluate('ovr');
    const alerts = await t.alerter().listAlerts({ connectionId: 'ovr' });
    expect(alerts.map((a) => a.ruleId)).toEqual(['sequence_near_exhaustion']);
    expect(alerts[0]!.dims).toEqual({
      database_name: 'shop',
      schema_name: 'public',
      object_name: 'orders_id_seq',
    });
    // The same data on another connection (no override): no sequence alert, a deadlock alert.
    await t.collect('plain', 'sequences', [
      {
        dims: { database_name: 'shop', schema_name: 'public', object_name: 'orders_id_seq' },
        values: { last_value: 9, pct_used: 12 },
      },
    ]);
    await t.collect('plain', 'database_stats', [
      { dims: { database_name: 'shop' }, values: { deadlocks: 1 } },
    ]);
    await t.alerter().evaluate('plain');
    expect((await t.alerter().listAlerts({ connectionId: 'plain' })).map((a) => a.ruleId)).toEqual([
      'deadlocks',
    ]);
  });
});

describe('rules over the collector status and derived metrics', () => {
  it('database unreachable: fires after 2 minutes of failed connects, clears when it answers again', async () => {
    const c = 'down';
    const status = async (iso: string, ok: boolean) => {
      t.clock.set(iso);
      const at = t.clock.now();
      await t.datastore().recordStatus({
        connectionId: c,
        probe: '*',
        status: ok ? 'ok' : 'error',
        lastRunAt: at,
        ...(ok ? { lastOkAt: at } : { message: 'cannot connect: ECONNREFUSED' }),
      });
      return t.alerter().evaluate(c);
    };
    expect((await status('2026-03-10T08:00:00Z', false)).fired).toBe(0);
    expect((await status('2026-03-10T08:01:00Z', false)).fired).toBe(0);
    expect((await status('2026-03-10T08:02:00Z', false)).fired).toBe(1);
    expect((await t.alerter().listAlerts({ connectionId: c }))[0]).toMatchObject({
      ruleId: 'collector_unreachable',
      severity: 'critical',
    });
    expect((await status('2026-03-10T08:03:00Z', true)).cleared).toBe(1);
  });

  it('cache hit ratio: judged on the 15-minute average of blks_hit and blks_read, not one snapshot', async () => {
    const c = 'cache';
    const put = async (iso: string, hit: number, read: number) => {
      t.clock.set(iso);
      await t.collect(c, 'database_stats', [
        { dims: { database_name: 'shop' }, values: { blks_hit: hit, blks_read: read } },
      ]);
      return t.alerter().evaluate(c);
    };
    // 80 % held 5 minutes: fires. Then one snapshot at 99 %: the 15-minute average (86 %) is still
    // under the clear threshold (95 %), so the alert stays.
    await put('2026-03-10T08:00:00Z', 800, 200);
    expect((await put('2026-03-10T08:05:00Z', 800, 200)).fired).toBe(1);
    expect((await put('2026-03-10T08:10:00Z', 990, 10)).cleared).toBe(0);
    const [alert] = await t.alerter().listAlerts({ connectionId: c, ruleId: 'cache_hit_ratio_low' });
    expect(alert).toMatchObject({ status: 'firing', dims: { database_name: 'shop' }, value: 80 });
    expect(alert!.message).toMatch(/cache_hit_pct \(avg over 900 s\)/);
  });
});

describe('acknowledgement', () => {
  it('stores who and the note, tells the hook, and refuses a cleared alert', async () => {
    const c = 'ack';
    t.clock.set('2026-03-10T08:00:00Z');
    await t.collect(c, 'database_stats', [{ dims: { database_name: 'app' }, values: { deadlocks: 0.5 } }]);
    await t.alerter().evaluate(c);
    const [alert] = await t.alerter().listAlerts({ connectionId: c, status: 'active' });
    t.clock.advance(30);
    const acked = await t.alerter().acknowledge(alert!.id, { by: 'ada', note: 'looking at the batch job' });
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ada',
      ackNote: 'looking at the batch job',
    });
    expect(acked.acknowledgedAt?.toISOString()).toBe('2026-03-10T08:00:30.000Z');
    expect(await t.alerter().listAlerts({ connectionId: c, status: 'acknowledged' })).toHaveLength(1);
    expect(t.events.at(-1)).toMatchObject({ type: 'acknowledged', alert: { id: alert!.id } });
    const [event] = await t.alerter().listTimeline({
      connectionId: c,
      start: new Date('2026-03-10T00:00:00Z'),
      end: new Date('2026-03-11T00:00:00Z'),
      types: ['alert_acknowledged'],
    });
    expect(event).toMatchObject({
      alertId: alert!.id,
      details: { by: 'ada', note: 'looking at the batch job' },
    });
    // The deadlock rate falls to 0: the acknowledged alert clears.
    t.clock.advance(60);
    await t.collect(c, 'database_stats', [{ dims: { database_name: 'app' }, values: { deadlocks: 0 } }]);
    expect((await t.alerter().evaluate(c)).cleared).toBe(1);
    const error = await failure(() => t.alerter().acknowledge(alert!.id, { by: 'ada' }));
    expect(error.field).toBe('alert_id');
  });
});

describe('bad input', () => {
  it('names the field: threshold of the wrong type, unknown metric, invalid cron and time zone', async () => {
    const base = { id: 'custom_x', name: 'X', probe: 'connection_usage', metric: 'pct_used', operator: '>' };
    expect((await failure(() => t.alerter().createRule({ ...base, threshold: 'high' }))).field).toBe(
      'threshold',
    );
    expect(
      (await failure(() => t.alerter().createRule({ ...base, threshold: 1, metric: 'nope' }))).message,
    ).toMatch(
      /metric: "nope" is not a numeric metric of connection_usage; its metrics are connections, max_connections, pct_used/,
    );
    expect(
      (await failure(() => t.alerter().createRule({ ...base, threshold: 1, operator: '!=' }))).field,
    ).toBe('operator');
    expect(
      (await failure(() => t.alerter().createRule({ ...base, threshold: 50, clearThreshold: 60 }))).field,
    ).toBe('clear_threshold');
    expect((await failure(() => t.alerter().setOverride('deadlocks', 'x', { threshold: '1' }))).field).toBe(
      'threshold',
    );
    expect(
      (await failure(() => t.alerter().createBlackout({ cron: 'every night', durationS: 3600 }))).field,
    ).toBe('cron');
    expect(
      (
        await failure(() =>
          t.alerter().createBlackout({ cron: '0 2 * * *', durationS: 3600, timeZone: 'Mars/Base' }),
        )
      ).field,
    ).toBe('time_zone');
    expect((await failure(() => t.alerter().createBlackout({ cron: '0 2 * * *' }))).field).toBe('duration_s');
    expect(
      (
        await failure(() =>
          t.alerter().createBlackout({ startsAt: '2026-03-10T10:00:00Z', endsAt: '2026-03-10T09:00:00Z' }),
        )
      ).field,
    ).toBe('ends_at');
    const rule = await t.alerter().createRule({ ...base, threshold: 50, severity: 'info' });
    expect(rule).toMatchObject({ id: 'custom_x', builtin: false, category: 'custom' });
    expect((await failure(() => t.alerter().deleteRule('deadlocks'))).field).toBe('rule_id');
    await t.alerter().deleteRule('custom_x');
  });
});
