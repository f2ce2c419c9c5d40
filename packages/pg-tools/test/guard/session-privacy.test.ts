import { describe, expect, it } from 'vitest';
import { analyzeStatement, checkStatement } from '../../src/guard/index.js';

const hidden = { allowWrites: false, hideOtherSessions: true } as const;
const shown = { allowWrites: false, hideOtherSessions: false } as const;

/** Statements that read other sessions' statement text, and the construct each is refused at. */
const READS_OTHER_SESSIONS: [sql: string, construct: string][] = [
  ['SELECT query FROM pg_stat_activity', 'query'],
  ['SELECT pid, query FROM pg_catalog.pg_stat_activity', 'query'],
  ['SELECT a.query FROM pg_stat_activity a', 'a.query'],
  ['SELECT "query" FROM "pg_stat_activity"', 'query'],
  ['SELECT * FROM pg_stat_activity', '*'],
  ['TABLE pg_stat_activity', '*'],
  ['SELECT * FROM pg_locks l JOIN pg_stat_activity a USING (pid)', '*'],
  ['SELECT a.* FROM pg_catalog.pg_stat_activity a', 'a.*'],
  ['SELECT row_to_json(a) FROM pg_stat_activity a', 'a'],
  ['SELECT to_jsonb(pg_stat_activity) FROM pg_stat_activity', 'pg_stat_activity'],
  ['SELECT a::text FROM pg_stat_activity AS a', 'a'],
  ['SELECT (a).query FROM pg_stat_activity a', '(…).query'],
  ['SELECT json_agg(s) FROM pg_stat_activity s WHERE s.pid <> pg_backend_pid()', 's'],
  ["SELECT pid FROM pg_stat_activity WHERE query LIKE '%password%'", 'query'],
  ['SELECT pid FROM pg_stat_activity ORDER BY query', 'query'],
  ['SELECT pid FROM pg_stat_activity WHERE length(query) > 100', 'query'],
  ['WITH x AS (SELECT query FROM pg_stat_activity) SELECT count(*) FROM x', 'query'],
  ['SELECT * FROM (SELECT * FROM pg_stat_activity) s', '*'],
  ["SELECT pid FROM pg_stat_activity JOIN (VALUES ('x')) v(query) USING (query)", 'USING (query)'],
  ["SELECT pid FROM pg_stat_activity NATURAL JOIN (SELECT 'x' AS query) t", 'NATURAL JOIN'],
  ['SELECT * FROM pg_stat_get_activity(NULL)', 'pg_stat_get_activity()'],
  ['SELECT pg_catalog.pg_stat_get_backend_activity(1)', 'pg_stat_get_backend_activity()'],
  ['EXPLAIN ANALYZE SELECT query FROM pg_stat_activity', 'query'],
  ['SELECT 1 WHERE EXISTS (SELECT 1 FROM pg_stat_activity WHERE query ~ $1)', 'query'],
];

/** Statements about other sessions that do not read their statement text. */
const ALLOWED: string[] = [
  'SELECT pid, usename, application_name, state, wait_event_type, wait_event, query_start FROM pg_stat_activity',
  'SELECT count(*) FROM pg_stat_activity WHERE state = $1',
  'WITH x AS (SELECT pid, state FROM pg_stat_activity) SELECT * FROM x',
  'SELECT a.pid, l.mode FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid',
  'SELECT pid AS query FROM pg_stat_activity',
  'SELECT query, calls FROM pg_stat_statements',
  'SELECT * FROM pg_locks',
];

describe('hiding other sessions’ statements', () => {
  it.each(READS_OTHER_SESSIONS)('refuses %s for callers who may not see them', async (sql, construct) => {
    const verdict = await checkStatement(sql, hidden);
    expect(verdict).toMatchObject({ ok: false, code: 'OTHER_SESSIONS_HIDDEN', construct });
    // Administrators (and setups with the option off) read them as before.
    expect(await checkStatement(sql, shown)).toMatchObject({ ok: true });
    expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({ ok: true });
  });

  it.each(ALLOWED)('lets %s through', async (sql) => {
    expect(await checkStatement(sql, hidden)).toMatchObject({ ok: true });
  });

  it('says what is refused, that an administrator can see it, and what to query instead', async () => {
    const verdict = await checkStatement('SELECT pid, query FROM pg_stat_activity', hidden);
    expect(verdict).toEqual({
      ok: false,
      code: 'OTHER_SESSIONS_HIDDEN',
      construct: 'query',
      position: 13,
      message:
        'query (the query column of pg_stat_activity) shows the statements other sessions run (with their literals), which only administrators may read here. An administrator can see them. Select the other columns instead, e.g. SELECT pid, usename, application_name, state, wait_event_type, wait_event, query_start, backend_type FROM pg_stat_activity.',
    });
    expect(await analyzeStatement('SELECT * FROM pg_stat_activity')).toMatchObject({
      readsOtherSessions: { construct: '*' },
    });
  });

  it('still applies every other rule first', async () => {
    expect(
      await checkStatement("SELECT query, pg_read_file('/etc/passwd') FROM pg_stat_activity", hidden),
    ).toMatchObject({ ok: false, code: 'DENIED_FUNCTION' });
  });
});
