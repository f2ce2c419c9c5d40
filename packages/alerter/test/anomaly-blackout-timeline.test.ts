import { describe, expect, it } from 'vitest';
import { hourOfWeek } from '../src/index.js';
import { useAlerter } from './helpers.js';

const t = useAlerter('alerter_more');
const DAY = 86_400_000;

function between(from: string, to: string) {
  return { start: new Date(from), end: new Date(to) };
}

describe('anomaly rules', () => {
  it('learn a baseline by hour of week from history and fire on a spike over it', async () => {
    const c = 'anom';
    // Three Tuesdays before 2026-03-10 at 10:00–11:00 UTC: about 20 commits/s; other hours 5/s.
    const now = Date.parse('2026-03-10T10:20:00Z');
    for (let week = 3; week >= 1; week--) {
      for (let minute = 0; minute < 120; minute += 10) {
        const at = now - week * 7 * DAY - 20 * 60_000 - 60 * 60_000 + minute * 60_000; // 09:00–11:00
        t.clock.set(new Date(at).toISOString());
        const busy = new Date(at).getUTCHours() === 10;
        await t.collect(c, 'database_stats', [
          { dims: { database_name: 'shop' }, values: { xact_commit: busy ? 19 + week : 5 } },
        ]);
      }
    }
    t.clock.set(new Date(now).toISOString());
    await t.datastore().runMaintenance(); // rolls the history into hourly rollups
    expect(await t.alerter().recomputeBaselines(c)).toBeGreaterThan(0);
    const [baseline] = await t
      .alerter()
      .listBaselines({ connectionId: c, metric: 'xact_commit', hourOfWeek: hourOfWeek(new Date(now)) });
    expect(baseline).toMatchObject({ probe: 'database_stats', dims: { database_name: 'shop' }, n: 3 });
    expect(baseline!.mean).toBeCloseTo(21, 5); // (20 + 21 + 22) / 3
    expect(baseline!.stddev).toBeCloseTo(1, 5);

    // 50/s is under 3 × 21: nothing. 90/s held for 10 minutes (the rule's duration): fires.
    await t.collect(c, 'database_stats', [{ dims: { database_name: 'shop' }, values: { xact_commit: 50 } }]);
    expect((await t.alerter().evaluate(c)).fired).toBe(0);
    for (const minute of [1, 6, 11]) {
      t.clock.set(new Date(now + minute * 60_000).toISOString());
      await t.collect(c, 'database_stats', [
        { dims: { database_name: 'shop' }, values: { xact_commit: 90 } },
      ]);
      await t.alerter().evaluate(c);
    }
    const [alert] = await t.alerter().listAlerts({ connectionId: c, ruleId: 'transactions_anomaly' });
    expect(alert).toMatchObject({ status: 'firing', value: 90, dims: { database_name: 'shop' } });
    expect(alert!.threshold).toBeCloseTo(63, 5);
    expect(alert!.firedAt.toISOString()).toBe('2026-03-10T10:31:00.000Z');
    // Back to the usual: under 2 × the mean (clear factor) clears it.
    t.clock.set(new Date(now + 12 * 60_000).toISOString());
    await t.collect(c, 'database_stats', [{ dims: { database_name: 'shop' }, values: { xact_commit: 22 } }]);
    expect((await t.alerter().evaluate(c)).cleared).toBe(1);
  });
});

describe('blackouts', () => {
  it('suppress firing while in force, and their start and end are on the timeline', async () => {
    const c = 'maint';
    // Every day at 10:00 Berlin time (09:00 UTC in March) for an hour.
    const blackout = await t.alerter().createBlackout({
      connectionId: c,
      cron: '0 10 * * *',
      durationS: 3600,
      timeZone: 'Europe/Berlin',
      reason: 'nightly batch',
      createdBy: 'ada',
    });
    const step = async (iso: string) => {
      t.clock.set(iso);
      await t.collect(c, 'connection_usage', [
        { values: { connections: 99, max_connections: 100, pct_used: 99 } },
      ]);
      return t.alerter().evaluate(c);
    };
    t.clock.set('2026-03-10T09:05:00Z');
    expect((await t.alerter().listBlackouts({ connectionId: c, activeOnly: true })).map((b) => b.id)).toEqual(
      [blackout.id],
    );
    for (const iso of ['2026-03-10T09:05:00Z', '2026-03-10T09:20:00Z', '2026-03-10T09:50:00Z'])
      expect(await step(iso)).toMatchObject({ blackedOut: true, fired: 0 });
    expect(await t.alerter().listAlerts({ connectionId: c })).toEqual([]);
    // Over: the condition has to hold its duration again from here.
    expect(await step('2026-03-10T10:00:30Z')).toMatchObject({ blackedOut: false, fired: 0 });
    expect((await step('2026-03-10T10:01:30Z')).fired).toBe(1); // connections_exhausted (60 s)
    const events = await t.alerter().listTimeline({
      connectionId: c,
      ...between('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'),
    });
    expect(events.map((e) => [e.type, e.at.toISOString()]).reverse()).toEqual([
      ['blackout_started', '2026-03-10T09:05:00.000Z'],
      ['blackout_ended', '2026-03-10T10:00:30.000Z'],
      ['alert_fired', '2026-03-10T10:01:30.000Z'],
    ]);
    expect(events.at(-1)!.title).toMatch(/scheduled "0 10 \* \* \*" Europe\/Berlin: nightly batch/);
  });

  it('one-off for every connection, ended early by someone', async () => {
    t.clock.set('2026-03-11T12:00:00Z');
    const b = await t
      .alerter()
      .createBlackout({ startsAt: '2026-03-11T11:00:00Z', endsAt: '2026-03-11T15:00:00Z' });
    await t.collect('other', 'database_stats', [{ dims: { database_name: 'x' }, values: { deadlocks: 1 } }]);
    expect(await t.alerter().evaluate('other')).toMatchObject({ blackedOut: true, fired: 0 });
    t.clock.set('2026-03-11T12:10:00Z');
    await t.alerter().endBlackout(b.id);
    await t.collect('other', 'database_stats', [{ dims: { database_name: 'x' }, values: { deadlocks: 1 } }]);
    expect(await t.alerter().evaluate('other')).toMatchObject({ blackedOut: false, fired: 1 });
    expect(await t.alerter().listBlackouts({ activeOnly: true })).toEqual([]);
    expect((await t.alerter().listBlackouts({ includeSchedules: false })).map((x) => x.id)).toEqual([b.id]);
    const types = (
      await t
        .alerter()
        .listTimeline({ connectionId: 'other', ...between('2026-03-11T00:00:00Z', '2026-03-12T00:00:00Z') })
    ).map((e) => e.type);
    expect(types.reverse()).toEqual(['blackout_started', 'blackout_ended', 'alert_fired']);
  });
});

describe('timeline from the collected data', () => {
  it('records setting changes, hba changes, extensions and a restart (postmaster start time moved)', async () => {
    const c = 'tl';
    t.clock.set('2026-03-12T08:00:00Z');
    await t.collect(c, 'settings', [
      { dims: { object_name: 'work_mem' }, values: { value: '4096kB', pending_restart: 0 } },
      { dims: { object_name: 'max_connections' }, values: { value: '100', pending_restart: 0 } },
    ]);
    await t.collect(c, 'hba_rules', [{ values: { rules: 5, errors: 0, checksum: 'aaa' } }]);
    await t.collect(c, 'extensions', [
      {
        dims: { database_name: 'shop', object_name: 'plpgsql' },
        values: { version: '1.0', update_available: 0 },
      },
    ]);
    await t.collect(c, 'server_info', [
      { values: { uptime_s: 86_400, version_num: 180000, in_recovery: 0 } },
    ]);
    await t.alerter().evaluate(c);
    // Same start time five minutes later: no restart.
    t.clock.set('2026-03-12T08:05:00Z');
    await t.collect(c, 'server_info', [
      { values: { uptime_s: 86_700, version_num: 180000, in_recovery: 0 } },
    ]);
    await t.alerter().evaluate(c);
    t.clock.set('2026-03-12T08:15:00Z');
    await t.collect(c, 'settings', [
      { dims: { object_name: 'work_mem' }, values: { value: '16384kB', pending_restart: 0 } },
      { dims: { object_name: 'max_connections' }, values: { value: '100', pending_restart: 0 } },
      { dims: { object_name: 'log_min_duration_statement' }, values: { value: '250ms', pending_restart: 0 } },
    ]);
    await t.collect(c, 'hba_rules', [{ values: { rules: 6, errors: 0, checksum: 'bbb' } }]);
    await t.collect(c, 'extensions', [
      {
        dims: { database_name: 'shop', object_name: 'plpgsql' },
        values: { version: '1.0', update_available: 0 },
      },
      {
        dims: { database_name: 'shop', object_name: 'pg_stat_statements' },
        values: { version: '1.11', update_available: 0 },
      },
    ]);
    await t.collect(c, 'server_info', [{ values: { uptime_s: 120, version_num: 180000, in_recovery: 0 } }]);
    await t.alerter().evaluate(c);
    await t.alerter().evaluate(c); // nothing new: no duplicates
    const events = await t
      .alerter()
      .listTimeline({ connectionId: c, ...between('2026-03-12T00:00:00Z', '2026-03-13T00:00:00Z') });
    expect(events.map((e) => e.title).sort()).toEqual(
      [
        'Extension pg_stat_statements 1.11 installed in shop',
        'Server restarted at 2026-03-12T08:13:00.000Z',
        'Setting log_min_duration_statement changed from default to 250ms',
        'Setting work_mem changed from 4096kB to 16384kB',
        'pg_hba.conf changed (5 → 6 rules)',
      ].sort(),
    );
    expect(events.find((e) => e.type === 'server_restarted')!.at.toISOString()).toBe(
      '2026-03-12T08:13:00.000Z',
    );
    const only = await t.alerter().listTimeline({
      connectionId: c,
      ...between('2026-03-12T00:00:00Z', '2026-03-13T00:00:00Z'),
      types: ['setting_changed'],
    });
    expect(only.map((e) => e.details.name).sort()).toEqual(['log_min_duration_statement', 'work_mem']);
  });

  it('keeps alerts and events 90 days (retention)', async () => {
    t.clock.set('2026-07-01T00:00:00Z');
    const removed = await t.alerter().maintain();
    expect(removed.deletedEvents).toBeGreaterThan(0);
    expect(removed.deletedAlerts).toBeGreaterThan(0);
    expect(
      await t
        .alerter()
        .listTimeline({ connectionId: 'tl', ...between('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z') }),
    ).toEqual([]);
  });
});
