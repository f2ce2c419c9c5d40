import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminQuery } from '../helpers.js';
import { type DbaHarness, dbaHarness, text } from './harness.js';

const db = useTestDatabase('dba-activity');
let harness: DbaHarness;
let admin: Client;
let restricted: Client;
let holder: pg.Client;
let waiter: pg.Client;
let waiting: Promise<unknown>;

const WAITER_SQL = 'SELECT count(*) FROM public.parcels /* waiter-marker */';

beforeAll(async () => {
  await adminQuery(db.url, 'CREATE TABLE public.parcels (id int); INSERT INTO public.parcels VALUES (1)');
  harness = dbaHarness([{ name: 'main', url: db.url }]);
  admin = await harness.client({}, 'admin');
  restricted = await harness.client({ seesOtherSessions: false }, 'restricted');
  holder = new pg.Client({ connectionString: db.url, application_name: 'holder-app' });
  waiter = new pg.Client({ connectionString: db.url, application_name: 'waiter-app' });
  await holder.connect();
  await waiter.connect();
  await holder.query('BEGIN; LOCK TABLE public.parcels IN ACCESS EXCLUSIVE MODE /* holder-marker */');
  waiting = waiter.query(WAITER_SQL);
  // The waiter is really queued on the lock before any assertion runs.
  await vi.waitFor(
    async () => {
      const rows = await adminQuery(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'waiter-app' AND wait_event_type = 'Lock'",
      );
      if (rows.length !== 1) throw new Error('the waiter is not waiting yet');
    },
    { timeout: 10_000, interval: 20 },
  );
});

afterAll(async () => {
  await holder?.query('ROLLBACK').catch(() => undefined);
  await waiting?.catch(() => undefined);
  await holder?.end();
  await waiter?.end();
  await harness?.close();
});

async function pidOf(application: string): Promise<number> {
  const rows = await adminQuery<{ pid: number }>(
    db.url,
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [application],
  );
  return rows[0]!.pid;
}

describe('get_locks', () => {
  it('shows the blocking chain root first, with the lock waited for', async () => {
    const [holderPid, waiterPid] = [await pidOf('holder-app'), await pidOf('waiter-app')];
    const result = await harness.call(admin, 'get_locks');
    expect(result.isError).toBeFalsy();
    const body = text(result);
    const holderLine = body.split('\n').findIndex((l) => l.startsWith(`pid ${holderPid} `));
    const waiterLine = body.split('\n').findIndex((l) => l.includes(`└ pid ${waiterPid} `));
    expect(holderLine).toBeGreaterThan(0);
    expect(waiterLine).toBe(holderLine + 1);
    expect(body).toContain(`blocked by ${holderPid}`);
    expect(body).toContain('waiter-marker');
    expect(body).toContain(`pid ${waiterPid} waits for AccessShareLock on public.parcels`);
    expect(body).toMatch(/idle in a transaction: it holds its locks/);
    const structured = result.structuredContent as { locks: { pid: number; granted: boolean }[] };
    expect(structured.locks).toContainEqual(expect.objectContaining({ pid: waiterPid, granted: false }));
  });

  it('lists held table locks only when asked', async () => {
    const holderPid = await pidOf('holder-app');
    const plain = text(await harness.call(admin, 'get_locks'));
    expect(plain).not.toContain(`pid ${holderPid} holds AccessExclusiveLock`);
    const withHeld = text(await harness.call(admin, 'get_locks', { include_granted: true }));
    expect(withHeld).toContain(`pid ${holderPid} holds AccessExclusiveLock on public.parcels`);
  });

  it('hides other sessions’ statements from callers who may not see them, keeping the chain', async () => {
    const waiterPid = await pidOf('waiter-app');
    const result = await harness.call(restricted, 'get_locks');
    const body = text(result);
    expect(body).not.toContain('waiter-marker');
    expect(body).not.toContain('holder-marker');
    expect(body).toContain(`└ pid ${waiterPid} `);
    expect(body).toContain('[statement hidden]');
    expect(body).toMatch(/hidden from you/);
    expect(result.structuredContent?.query_text_hidden).toBe(true);
  });
});

describe('get_active_queries', () => {
  it('lists running statements with state, wait event and blocker', async () => {
    const [holderPid, waiterPid] = [await pidOf('holder-app'), await pidOf('waiter-app')];
    const result = await harness.call(admin, 'get_active_queries');
    expect(result.isError).toBeFalsy();
    const sessions = (result.structuredContent as { sessions: Record<string, unknown>[] }).sessions;
    const waiterRow = sessions.find((s) => s.pid === waiterPid);
    expect(waiterRow).toMatchObject({
      state: 'active',
      wait_event_type: 'Lock',
      blocked_by: [holderPid],
      application: 'waiter-app',
      query: WAITER_SQL,
    });
    expect(sessions.find((s) => s.pid === holderPid)).toMatchObject({ state: 'idle in transaction' });
    expect(text(result)).toMatch(/1 blocked by others \(see get_locks\)/);
  });

  it('hides statement text but not the facts from restricted callers', async () => {
    const waiterPid = await pidOf('waiter-app');
    const result = await harness.call(restricted, 'get_active_queries');
    const sessions = (result.structuredContent as { sessions: Record<string, unknown>[] }).sessions;
    expect(sessions.find((s) => s.pid === waiterPid)).toMatchObject({
      query: null,
      query_hidden: true,
      wait_event_type: 'Lock',
    });
    expect(text(result)).not.toContain('waiter-marker');
  });

  it('filters by duration and rejects bad arguments with the valid range', async () => {
    const none = await harness.call(admin, 'get_active_queries', { min_duration_seconds: 1e9 });
    expect(text(none)).toMatch(/^No non-idle sessions running for 1000000000 s or more/);
    const bad = await harness.call(admin, 'get_active_queries', { limit: 0 });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/limit/);
  });
});
