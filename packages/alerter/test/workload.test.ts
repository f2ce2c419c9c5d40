import { createCollector } from '@pgmcp/collector';
import { createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAlerter } from './helpers.js';

const t = useAlerter('alerter_workload');
let monitored: TestDatabase;

beforeAll(async () => {
  monitored = await createTestDatabase('alerter_wl_mon');
});
afterAll(async () => {
  await monitored?.drop();
});

function target(url: string) {
  const u = new URL(url);
  return {
    id: 'live',
    host: u.hostname,
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

describe('a real session idle in transaction, collected by the real collector', () => {
  it('fires after the duration and clears when the transaction ends', async () => {
    const collector = createCollector({ datastore: t.datastore(), schedule: false, now: t.clock.now });
    const session = new pg.Client({ connectionString: monitored.url, application_name: 'batch-job' });
    try {
      await collector.setTargets([target(monitored.url)]);
      // Any transaction left idle for more than 0 s, held 60 s, on this connection only.
      await t
        .alerter()
        .setOverride('idle_in_transaction', 'live', { threshold: 0, clearThreshold: 0, durationS: 60 });
      await session.connect();
      await session.query('begin');
      await session.query('select 1');
      const round = async (seconds: number) => {
        t.clock.set(new Date(Date.parse('2026-03-10T08:00:00Z') + seconds * 1000).toISOString());
        const [outcome] = await collector.collectNow('live', ['idle_in_transaction']);
        expect(outcome).toMatchObject({ status: 'ok' });
        return t.alerter().evaluate('live');
      };
      expect((await round(0)).fired).toBe(0);
      expect((await round(30)).fired).toBe(0);
      expect((await round(61)).fired).toBe(1);
      const [alert] = await t.alerter().listAlerts({ connectionId: 'live', status: 'active' });
      expect(alert).toMatchObject({ ruleId: 'idle_in_transaction', dims: { database_name: monitored.name } });
      expect(alert!.value).toBeGreaterThan(0);
      await session.query('commit');
      expect((await round(90)).cleared).toBe(1);
    } finally {
      await session.end().catch(() => undefined);
      await collector.stop();
    }
  });
});
