import { type AuditEventJson, createApiClient } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ActivityAdmin } from './activity-admin.js';

// The screen against a stand-in of GET /api/v1/audit that filters like the server (newest first,
// `until` exclusive, `limit`), and records every query it was asked.

function event(n: number, extra: Partial<AuditEventJson> = {}): AuditEventJson {
  return {
    id: `evt_${n}`,
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    kind: 'mcp',
    action: 'tool:query_database',
    outcome: 'ok',
    username: n % 2 ? 'ann' : 'bob',
    token_id: `tok_${n}`,
    connection: 'shop',
    sql: `SELECT ${n}`,
    sql_fingerprint: 'abcdef0123456789',
    rows: 1,
    duration_ms: 2.25,
    ...extra,
  };
}

function auditApi(events: AuditEventJson[], scope: 'all' | 'own') {
  const queries: URLSearchParams[] = [];
  const api = createApiClient({
    baseUrl: 'http://pgmcp.test',
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : input);
      queries.push(url.searchParams);
      const q = url.searchParams;
      const until = q.get('until');
      const answer = events
        .filter((e) => !q.get('outcome') || e.outcome === q.get('outcome'))
        .filter((e) => !q.get('connection') || e.connection === q.get('connection'))
        .filter((e) => !q.get('user') || e.username === q.get('user'))
        .filter((e) => !until || e.at < until)
        .sort((a, b) => (a.at < b.at ? 1 : -1))
        .slice(0, Number(q.get('limit') ?? 100));
      return new Response(JSON.stringify({ events: answer, scope }), {
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  return { api, queries };
}

const items = () => within(screen.getByRole('list', { name: 'Activity records' })).queryAllByRole('listitem');

describe('ActivityAdmin', () => {
  it('lists records newest first, highlights a refused call with its reason, shows SQL or only the fingerprint', async () => {
    const { api } = auditApi(
      [
        event(1),
        event(2, {
          outcome: 'refused',
          reason: 'Only one statement per call.',
          sql: 'SELECT 1; DROP TABLE t',
        }),
        event(3, { sql: undefined }),
      ],
      'all',
    );
    render(<ActivityAdmin api={api} />);
    await expect.poll(() => items().length).toBe(3);
    const [metadata, refused, plain] = items();
    expect(metadata!.textContent).toContain('fingerprint only: abcdef0123456789');
    expect(metadata!.querySelector('.activity-sql')).toBeNull();
    expect(refused!.className).toContain('activity-refused');
    expect(within(refused!).getByText('Only one statement per call.').closest('p')!.textContent).toBe(
      'Refused: Only one statement per call.',
    );
    expect(refused!.querySelector('.activity-sql')!.textContent).toBe('SELECT 1; DROP TABLE t');
    expect(plain!.textContent).toMatch(/ann.*tool:query_database.*ok/);
    expect(plain!.textContent).toContain('shop · token tok_1 · 1 row · 2.3 ms');
  });

  it('sends the filters to the server and pages back by time', async () => {
    const { api, queries } = auditApi(
      Array.from({ length: 5 }, (_, i) => event(i + 1, i === 1 ? { outcome: 'refused', reason: 'no' } : {})),
      'all',
    );
    const user = userEvent.setup();
    render(<ActivityAdmin api={api} pageSize={2} />);
    await expect
      .poll(() => items().map((li) => li.querySelector('code')?.textContent))
      .toEqual(['SELECT 5', 'SELECT 4']);
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await expect
      .poll(() => items().map((li) => li.querySelector('code')?.textContent))
      .toEqual(['SELECT 3', 'SELECT 2']);
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await expect.poll(() => items().map((li) => li.querySelector('code')?.textContent)).toEqual(['SELECT 1']);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Older' }).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await expect.poll(() => items().length).toBe(2);

    await user.selectOptions(screen.getByLabelText('Outcome'), 'refused');
    await expect.poll(() => items().map((li) => li.dataset.outcome)).toEqual(['refused']);
    await user.type(screen.getByLabelText('User'), 'bob');
    await user.type(screen.getByLabelText('Connection'), 'shop');
    await user.selectOptions(screen.getByLabelText('Since'), '24h');
    await expect
      .poll(() => Object.fromEntries(queries[queries.length - 1]!))
      .toMatchObject({ outcome: 'refused', user: 'bob', connection: 'shop', since: '24h', limit: '3' });
    expect(Object.fromEntries(queries[queries.length - 1]!)).not.toHaveProperty('until');
  });

  it('offers no user filter to a user who sees only their own records', async () => {
    const { api } = auditApi([event(1)], 'own');
    render(<ActivityAdmin api={api} />);
    await expect.poll(() => items().length).toBe(1);
    expect(screen.queryByLabelText('User')).toBeNull();
    expect(screen.getByText('Your MCP calls, logins and token changes.')).toBeTruthy();
    expect(items()[0]!.querySelector('.activity-user')).toBeNull();
  });
});
