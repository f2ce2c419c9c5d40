import { existsSync } from 'node:fs';
import { chmod, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { createTestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError } from '@pgmcp/config';
import { defaultClusterDir } from '../../src/embedded-demo.js';
import { mcpClient, startTestServer, textOf } from '../helpers.js';

const db = useTestDatabase('server-start');

async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('startServer', () => {
  it('runs the embedded demo database, created on first start and kept across restarts', async () => {
    // Like a checkout under /root (mode 0700): as root, PostgreSQL runs as the postgres OS user,
    // who cannot enter it; the cluster is then kept outside, and the data directory stays private.
    const home = makeTempDir('pgmcp-home-');
    await chmod(home, 0o700);
    const dataDir = path.join(home, '.pgmcp-data');
    const clusterDir = defaultClusterDir(dataDir);
    onTestFinished(() => rm(clusterDir, { recursive: true, force: true }));
    const env: Record<string, string> = { PGMCP_DATA_DIR: dataDir };
    if (process.env.PGMCP_TEST_PG_BIN) env.PGMCP_EMBEDDED_BIN_DIR = process.env.PGMCP_TEST_PG_BIN;
    const first = await startTestServer(env);
    try {
      const client = await mcpClient(first);
      const count = await client.callTool({
        name: 'count_rows',
        arguments: { schema: 'sales', table: 'orders' },
      });
      expect(count.structuredContent).toMatchObject({ count: 40_000 });
      // pgmcp connects as a least-privilege role, so even the server cannot be asked to read files.
      const info = JSON.parse(
        textOf(await client.callTool({ name: 'read_resource', arguments: { uri: 'pg://system_info' } })),
      );
      expect(info).toMatchObject({ user: 'pgmcp_reader', database: 'pgmcp_demo', connection: 'demo' });
      // Monitored out of the box: metrics go to pgmcp_metrics in the same cluster, pg_stat_statements included.
      const collector = first.monitoring?.collector;
      expect(collector?.targetIds()).toEqual(['demo']);
      const outcomes = await collector!.collectNow('demo', [
        'database_stats',
        'statements',
        'activity_by_state',
      ]);
      expect(outcomes.map((o) => `${o.probe}: ${o.status}`)).toEqual([
        'database_stats: ok',
        'statements: ok',
        'activity_by_state: ok',
      ]);
      await client.close();
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(clusterDir, 'PG_VERSION'))).toBe(true);
    expect(clusterDir.startsWith(dataDir)).toBe(process.getuid?.() !== 0);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const second = await startTestServer(env);
    try {
      const client = await mcpClient(second);
      const count = await client.callTool({
        name: 'count_rows',
        arguments: { schema: 'sales', table: 'customers' },
      });
      expect(count.structuredContent).toMatchObject({ count: 5_000 });
      await client.close();
      // No file defines the demo: it is listed as built in, not as coming from pgmcp.yaml.
      const listed = (await (await fetch(`${second.url}/api/v1/connections`)).json()) as {
        connections: { name: string; source: string }[];
      };
      expect(listed.connections.map((c) => [c.name, c.source])).toEqual([['demo', 'builtin']]);
      const detail = (await (await fetch(`${second.url}/api/v1/connections/demo`)).json()) as {
        source: string;
      };
      expect(detail.source).toBe('builtin');
    } finally {
      await second.close();
    }
  }, 120_000);

  it('refuses to bind beyond loopback with authentication off, and allows it with accounts', async () => {
    await expect(startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_HOST: '0.0.0.0' })).rejects.toThrow(
      /Authentication is off \(PGMCP_AUTH=off\), so pgmcp only binds to loopback .*"0\.0\.0\.0" would expose every database without a login/,
    );
    const server = await startTestServer({
      PGMCP_DATABASE_URL: db.url,
      PGMCP_HOST: '0.0.0.0',
      PGMCP_AUTH: 'on',
    });
    try {
      const port = new URL(server.url).port;
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const mcp = await fetch(`http://127.0.0.1:${port}/mcp/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(mcp.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('says which port is taken', async () => {
    const server = await startTestServer({ PGMCP_DATABASE_URL: db.url });
    try {
      const port = new URL(server.url).port;
      await expect(startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_PORT: port })).rejects.toThrow(
        ConfigError,
      );
      await expect(startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_PORT: port })).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use`,
      );
    } finally {
      await server.close();
    }
  });

  it('starts with a database that is down, reports it clearly and keeps serving', async () => {
    const port = await deadPort();
    const server = await startTestServer(
      {},
      {
        yaml: `connections:\n  - name: up\n    url: ${db.url}\n  - name: down\n    host: 127.0.0.1\n    port: ${port}\n    database: x\n    user: x\n    pool:\n      connect_timeout_ms: 1000\n`,
      },
    );
    try {
      const health = await server.app.request('http://127.0.0.1/health');
      expect(await health.json()).toMatchObject({
        status: 'degraded',
        connections: [
          { name: 'up', ok: true },
          { name: 'down', ok: false, error: { code: 'CONNECTION_FAILED' } },
        ],
      });
      const client = await mcpClient(server);
      const down = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT 1', connection_id: 'down' },
      });
      expect(down.isError).toBe(true);
      expect(textOf(down)).toContain('connection refused. Check that the database server is running');
      const up = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 2 AS two' } });
      expect(textOf(up)).toBe('two\n2\n(1 row)');
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('reports the store in /health and answers 503 when it stops answering', async () => {
    const store = await createTestDatabase('health-store');
    const server = await startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_STORE_URL: store.url });
    try {
      const healthy = await server.app.request('http://127.0.0.1/health');
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ status: 'ok', store: { ok: true, dialect: 'postgres' } });
      await store.drop();
      // Health answers are reused for 5 s; wait for a fresh check.
      await new Promise((r) => setTimeout(r, 5_100));
      const down = await server.app.request('http://127.0.0.1/health');
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        status: 'unavailable',
        store: { ok: false, dialect: 'postgres' },
      });
    } finally {
      await server.close();
    }
  });

  it('applies a connection\u2019s statement timeout from the config file', async () => {
    const server = await startTestServer(
      {},
      { yaml: `connections:\n  - name: main\n    url: ${db.url}\n    statement_timeout_ms: 250\n` },
    );
    try {
      const client = await mcpClient(server);
      const slow = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT pg_sleep(5)' },
      });
      expect(textOf(slow)).toContain('stopped after 0.3 s (the statement timeout)');
      await client.close();
    } finally {
      await server.close();
    }
  });
});
