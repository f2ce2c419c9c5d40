import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgliteServer, startPgliteServer } from './pglite-server.js';

let server: PgliteServer;
beforeAll(async () => {
  server = await startPgliteServer({
    setupSql:
      "CREATE TABLE docs (id int PRIMARY KEY, body text, embedding vector(3)); INSERT INTO docs VALUES (1, 'near', '[1,0,0]'), (2, 'far', '[0,1,0]');",
  });
});
afterAll(async () => {
  await server?.stop();
});

describe('startPgliteServer', () => {
  it('serves PostgreSQL with pgvector to node-postgres over the wire protocol', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      expect(server.version).toMatch(/^PostgreSQL \d+\.\d+ \(PGlite/);
      const { rows } = await client.query<{ id: number }>(
        'SELECT id FROM docs ORDER BY embedding <=> $1::vector',
        ['[0.9,0.1,0]'],
      );
      expect(rows.map((r) => r.id)).toEqual([1, 2]);
      const ext = await client.query<{ extversion: string }>(
        "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
      );
      expect(ext.rows[0]?.extversion).toMatch(/^\d+\.\d+/);
    } finally {
      await client.end();
    }
  });

  it('listens on loopback only', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
  });
});
