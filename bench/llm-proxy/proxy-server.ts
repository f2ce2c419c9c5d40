/**
 * Child process of run.ts: the real pgmcp server (auth on, no rate limit) in front of the fake
 * provider whose URL is argv[2]. Reports its URL and a session token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, startServer } from '@pgmcp/server';
import type { Ready } from './scenario.js';

const ADMIN_PASSWORD = 'bench admin password';
const cwd = mkdtempSync(path.join(tmpdir(), 'pgmcp-bench-llm-'));
writeFileSync(path.join(cwd, 'pgmcp.yaml'), 'auth:\n  bcrypt_cost: 4\nllm:\n  requests_per_minute: 0\n');
const server = await startServer({
  env: {
    PGMCP_PORT: '0',
    PGMCP_DATA_DIR: path.join(cwd, 'data'),
    PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // The proxy needs no database; nothing listens here and start-up only warns.
    PGMCP_DATABASE_URL: 'postgres://bench@127.0.0.1:1/none',
    ANTHROPIC_API_KEY: 'sk-ant-bench-key-0000000000',
    PGMCP_ANTHROPIC_BASE_URL: process.argv[2]!,
    PGMCP_LLM_MODEL: 'bench-model',
  },
  cwd,
  banner: false,
  logger: createLogger('silent', { pretty: false }),
});
const login = await fetch(`${server.url}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
});
const { token } = (await login.json()) as { token: string };
process.send!({ url: server.url, token } satisfies Ready);
process.once('disconnect', () => {
  void server.close().then(() => {
    rmSync(cwd, { recursive: true, force: true });
    process.exit(0);
  });
});
