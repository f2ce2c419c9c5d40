import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAuditLog } from '@pgmcp/auth-store';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { describe, expect, it } from 'vitest';
import { pgmcp, workspace } from './admin-helpers.js';

/** A workspace whose store holds three records: 10 days ago, 2 days ago and now. */
async function seeded() {
  const ws = workspace();
  mkdirSync(ws.dataDir, { recursive: true });
  const database = await openSqlDatabase({ url: ws.storeUrl });
  try {
    const audit = await createAuditLog({ database });
    const day = 86_400_000;
    await audit.record({
      at: new Date(Date.now() - 10 * day),
      kind: 'login',
      action: 'login',
      outcome: 'ok',
      username: 'old',
    });
    await audit.record({
      at: new Date(Date.now() - 2 * day),
      kind: 'mcp',
      action: 'tool:query_database',
      outcome: 'refused',
      reason: 'Only reading statements are allowed.',
      username: 'ann',
      connection: 'shop',
      sql: 'DELETE FROM orders',
    });
    await audit.record({
      kind: 'token',
      action: 'createToken',
      outcome: 'ok',
      username: 'ann',
      target: 'id=tok_1',
    });
  } finally {
    await database.close();
  }
  return ws;
}

describe('pgmcp audit export', { timeout: 120_000 }, () => {
  it('prints the records since a time as JSON lines, oldest first, with filters', async () => {
    const ws = await seeded();
    const all = await pgmcp(ws, ['audit', 'export', '--since', '7d']);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(['tool:query_database', 'createToken']);
    expect(lines[0]).toMatchObject({
      kind: 'mcp',
      outcome: 'refused',
      reason: 'Only reading statements are allowed.',
      username: 'ann',
      connection: 'shop',
      sql: 'DELETE FROM orders',
      sql_fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const refused = await pgmcp(ws, ['audit', 'export', '--outcome', 'refused']);
    expect(refused.stdout.trim().split('\n')).toHaveLength(1);
    const file = path.join(ws.dir, 'out.jsonl');
    const written = await pgmcp(ws, ['audit', 'export', '--output', file]);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain('Exported 3 activity records');
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(3);
  });

  it('refuses a bad time range, naming the option', async () => {
    const ws = await seeded();
    const bad = await pgmcp(ws, ['audit', 'export', '--since', 'last week']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since "last week" is not a time: give a span back from now such as 7d/);
    const backwards = await pgmcp(ws, ['audit', 'export', '--since', '1d', '--until', '2d']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--since .* must be before --until/);
    const kind = await pgmcp(ws, ['audit', 'export', '--kind', 'sql']);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toMatch(/--kind/);
  });
});
