import pg from 'pg';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type ToolsHarness, toolsHarness } from './helpers.js';

const db = useTestDatabase('session-privacy');
let harness: ToolsHarness;
let victim: pg.Client;
let running: Promise<unknown>;

beforeAll(async () => {
  harness = toolsHarness([{ name: 'main', url: db.url }]);
  // Another user of the same database role, running a statement with a secret in it.
  victim = new pg.Client({ connectionString: db.url, application_name: 'victim' });
  await victim.connect();
  running = victim.query("SELECT 'card 4111-1111-1111-1111' AS secret, pg_sleep(60)").catch(() => undefined);
});
afterAll(async () => {
  await harness.close();
  await victim.end();
  await running;
});

const SEE = "SELECT query FROM pg_stat_activity WHERE application_name = 'victim'";

describe('other sessions’ statements (pg_stat_activity.query)', () => {
  it('are hidden from callers who are not administrators, with a message saying what to do', async () => {
    // The app sets this for callers who are not administrators while privacy hides other sessions.
    const user = await harness.client({ sessionKey: 'user', seesOtherSessions: false });
    const refused = await user.callTool({ name: 'query_database', arguments: { query: SEE } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /^query \(the query column of pg_stat_activity\) shows the statements other sessions run/,
    );
    expect(textOf(refused)).toContain('An administrator can see them.');
    expect(JSON.stringify(refused)).not.toContain('4111');
    for (const query of ['SELECT * FROM pg_stat_activity', 'SELECT row_to_json(a) FROM pg_stat_activity a']) {
      const result = await user.callTool({ name: 'query_database', arguments: { query } });
      expect(result.isError).toBe(true);
    }
    const counted = await user.callTool({
      name: 'count_rows',
      arguments: { schema: 'pg_catalog', table: 'pg_stat_activity', where: "query LIKE '%4111%'" },
    });
    expect(counted.isError).toBe(true);
    expect(textOf(counted)).toContain('only administrators may read here');
    // The other columns stay available.
    const states = () =>
      user.callTool({
        name: 'query_database',
        arguments: {
          query: "SELECT state, wait_event FROM pg_stat_activity WHERE application_name = 'victim'",
        },
      });
    await expect.poll(async () => textOf(await states())).toMatch(/^state\twait_event\nactive\tPgSleep\n/);
    const tested = await user.callTool({ name: 'test_query', arguments: { query: SEE } });
    expect(textOf(tested)).toMatch(/Refused on connection "main": query \(the query column/);
  });

  it('are shown to callers who may see them, and in single-user setups', async () => {
    const admin = await harness.client({ sessionKey: 'admin', seesOtherSessions: true });
    await expect
      .poll(async () => textOf(await admin.callTool({ name: 'query_database', arguments: { query: SEE } })))
      .toContain('card 4111-1111-1111-1111');
    // Without the flag (stdio, auth off): one user, nothing to hide.
    const anyone = await harness.client({ sessionKey: 'anyone' });
    expect(textOf(await anyone.callTool({ name: 'query_database', arguments: { query: SEE } }))).toContain(
      'card 4111-1111-1111-1111',
    );
  });
});
