import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAlerter, startAlertSchedule } from '../src/index.js';
import { useAlerter } from './helpers.js';

const t = useAlerter('alerter_schedule');

describe('the alert schedule', () => {
  it('evaluates only the connections this instance leads, and a failing hook stops nothing', async () => {
    t.clock.set('2026-03-10T08:00:00Z');
    for (const c of ['led', 'other', 'led2'])
      await t.collect(c, 'database_stats', [{ dims: { database_name: 'app' }, values: { deadlocks: 1 } }]);
    const failures: string[] = [];
    const alerter = await createAlerter({
      database: t.datastore().database,
      now: t.clock.now,
      onAlertEvent: () => {
        throw new Error('notifier down');
      },
      onError: (error, context) => failures.push(`${context}: ${(error as Error).message}`),
    });
    const schedule = startAlertSchedule({
      alerter,
      connections: () => ['led', 'led2'],
      evaluateEveryS: 3600,
    });
    try {
      await schedule.tick();
    } finally {
      schedule.stop();
    }
    const alerted = (await alerter.listAlerts({ ruleId: 'deadlocks' })).map((a) => a.connectionId).sort();
    expect(alerted).toEqual(['led', 'led2']);
    expect(failures).toEqual(['onAlertEvent(fired): notifier down', 'onAlertEvent(fired): notifier down']);
  });

  it('reports an evaluation that fails and goes on with the next connection', async () => {
    t.clock.set('2026-03-10T09:00:00Z');
    await t.collect('next', 'database_stats', [{ dims: { database_name: 'app' }, values: { deadlocks: 1 } }]);
    // A blackout row of 'broken' written around the checks, with a cron no parser accepts: its evaluation throws.
    await sql`insert into blackouts (connection_id, cron, duration_s, time_zone)
      values ('broken', 'not a cron', 60, 'UTC')`.execute(t.datastore().database.kysely);
    const failures: string[] = [];
    const schedule = startAlertSchedule({
      alerter: t.alerter(),
      connections: () => ['broken', 'next'],
      evaluateEveryS: 3600,
      onError: (_error, context) => failures.push(context),
    });
    try {
      await schedule.tick();
    } finally {
      schedule.stop();
    }
    expect(failures).toEqual(['alert evaluation of broken']);
    expect((await t.alerter().listAlerts({ connectionId: 'next' })).map((a) => a.ruleId)).toEqual([
      'deadlocks',
    ]);
  });
});
