import { stripFences } from '@pgmcp/mcp-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger } from '../src/logger.js';
import { type RunningServer, type StartOptions, startServer } from '../src/start.js';

/**
 * A database URL nothing listens on (port 1 refuses at once): for suites that test the HTTP edge,
 * the REST API, the LLM proxy or static files, which need a configured connection but no PostgreSQL.
 */
export const NO_DATABASE_URL = 'postgres://pgmcp@127.0.0.1:1/none';

/**
 * Starts the real server on a free loopback port with only the given settings (no ambient env, no
 * banner), in a temporary directory that close() removes.
 */
export async function startTestServer(
  env: Record<string, string>,
  options: Partial<StartOptions> & { yaml?: string } = {},
): Promise<RunningServer> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'pgmcp-server-test-'));
  const removeCwd = () => rm(cwd, { recursive: true, force: true });
  // bcrypt cost 4 keeps logins fast in tests; tests that give their own YAML set what they need.
  writeFileSync(path.join(cwd, 'pgmcp.yaml'), options.yaml ?? 'auth:\n  bcrypt_cost: 4\n');
  let server: RunningServer;
  try {
    server = await startServer({
      // Suites about accounts switch authentication on; the others test the server without it.
      env: { PGMCP_PORT: '0', PGMCP_DATA_DIR: path.join(cwd, 'data'), PGMCP_AUTH: 'off', ...env },
      cwd,
      banner: false,
      logger: createLogger('silent', { pretty: false }),
      ...options,
    });
  } catch (error) {
    await removeCwd();
    throw error;
  }
  const close = server.close.bind(server);
  return Object.assign(server, { close: async () => (await close(), await removeCwd()) });
}

/** An official MCP client talking to `server` in-process (through app.fetch) or over its real socket. */
export async function mcpClient(
  server: RunningServer,
  {
    era = 'modern',
    socket = false,
    token,
  }: { era?: 'modern' | 'legacy'; socket?: boolean; token?: string } = {},
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
    ...(token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {}),
    ...(socket
      ? {}
      : { fetch: async (url: string | URL, init?: RequestInit) => server.app.fetch(new Request(url, init)) }),
  });
  const client = new Client(
    { name: 'server-test', version: '1' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first block, with the data fences pgmcp puts around database output taken off. */
export function textOf(result: unknown): string {
  return stripFences((result as { content: { text: string }[] }).content[0]?.text ?? '');
}

export { adminQuery } from '@pgmcp/vitest-config/postgres';
