import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { sql } from 'kysely';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

/** The built CLI, as users run it. */
export const BIN = fileURLToPath(new URL('../bin/pgmcp.js', import.meta.url));

/** A strong enough password for the store's policy (12+ characters). */
export const PASSWORD = 'correct horse battery';

/** A fresh working directory with a pgmcp.yaml that keeps bcrypt cheap, and the environment to run in it. */
export interface Workspace {
  readonly dir: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The auth store the CLI uses here: the SQLite file in the data dir, or `storeUrl` when given. */
  readonly storeUrl: string;
}

/** A workspace without the caller's PGMCP_* settings; times print in UTC. */
export function workspace(options: { storeUrl?: string } = {}): Workspace {
  const dir = makeTempDir('pgmcp-admin-');
  writeFileSync(path.join(dir, 'pgmcp.yaml'), 'auth:\n  bcrypt_cost: 4\n');
  const dataDir = path.join(dir, 'data');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PGMCP_')) env[key] = value;
  Object.assign(env, { PGMCP_DATA_DIR: dataDir, TZ: 'UTC' });
  if (options.storeUrl) env.PGMCP_STORE_URL = options.storeUrl;
  return { dir, dataDir, env, storeUrl: options.storeUrl ?? path.join(dataDir, 'pgmcp.sqlite') };
}

/** What one run of the CLI printed and returned. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pgmcp ...args` in the workspace; `input` is piped to stdin (otherwise stdin is empty, not a terminal). */
export function pgmcp(ws: Workspace, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs a command that must succeed with --json and returns the parsed output. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on the JSON's shape.
export async function pgmcpJson<T = any>(ws: Workspace, args: string[], input?: string): Promise<T> {
  const result = await pgmcp(ws, [...args, '--json'], input);
  if (result.code !== 0) throw new Error(`pgmcp ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Every row of a store table, read with plain SQL beside the CLI. */
export async function rawRows(storeUrl: string, table: string): Promise<Record<string, unknown>[]> {
  const database = await openSqlDatabase({ url: storeUrl });
  try {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      database.kysely,
    );
    return rows;
  } finally {
    await database.close();
  }
}

/** SHA-256 hex, the only form in which tokens are stored. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
