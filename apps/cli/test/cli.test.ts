import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

const execFileAsync = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/pgmcp.js', import.meta.url));
const db = useTestDatabase('cli');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** An environment without the caller's PGMCP_* settings, in a fresh directory. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PGMCP_')) env[key] = value;
  return { ...env, PGMCP_DATA_DIR: makeTempDir('pgmcp-cli-'), ...extra };
}

async function run(args: string[], env = cleanEnv()) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], {
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pgmcp (built CLI)', () => {
  it('prints help and version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pgmcp [options] [command]');
    expect(help.stdout).toContain('serve [options]');
    const serveHelp = await run(['serve', '--help']);
    expect(serveHelp.stdout).toContain('--stdio');
    expect(serveHelp.stdout).toContain('Examples:');
    const version = await run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 with a message naming the problem for bad usage and bad configuration', async () => {
    const badPort = await run(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("argument 'eighty' is invalid");
    const unknown = await run(['serve'], cleanEnv({ PGMCP_PROT: '1' }));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('pgmcp: unknown environment variable PGMCP_PROT. Did you mean PGMCP_PORT?\n');
    const noCommand = await run([]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('Usage: pgmcp');
  });

  it('warns when a password is passed on the command line', async () => {
    // With authentication off a non-loopback bind is refused, so the command ends at once.
    const result = await run(
      ['serve', '--database-url', 'postgres://u:secret@127.0.0.1:1/x', '--host', '0.0.0.0'],
      cleanEnv({ PGMCP_AUTH: 'off' }),
    );
    expect(result.stderr).toContain('a password in --database-url is visible to other users');
    expect(result.stderr).not.toContain('secret@');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('only binds to loopback');
  });

  it('serves MCP on stdio to the official client (--stdio --database-url)', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'serve', '--stdio', '--database-url', db.url, '--log-level', 'error'],
      env: cleanEnv() as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('query_database');
      const result = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT current_database() AS db, 6 * 7 AS answer' },
      });
      // The rows come fenced as data between two markers drawn for this call.
      const text = (result.content as { text: string }[])[0]?.text ?? '';
      const fence = /\n<(untrusted-data-[0-9a-f]{32})>\n([^]*)\n<\/\1>$/.exec(text);
      expect(fence?.[2]).toBe(`db\tanswer\n${db.name}\t42\n(1 row)`);
    } finally {
      await client.close();
    }
  });

  it('serves HTTP, prints the MCP URL and client setup, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn'], {
      env: cleanEnv({ PGMCP_DATABASE_URL: db.url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /MCP endpoint: +(http:\/\/127\.0\.0\.1:\d+\/mcp\/v1)/.exec(stdout);
        if (match?.[1] && stdout.includes('Press Ctrl-C')) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    // Authentication is on by default: the first admin is created and the setup lines carry a token.
    expect(stdout).toMatch(/created the superuser "admin" with the password\n {6}\S{12,}\n/);
    expect(stdout).toContain(
      `claude mcp add --transport http pgmcp ${url} --header "Authorization: Bearer <token>"`,
    );
    expect(stdout).toContain(
      `{"mcpServers":{"pgmcp":{"url":"${url}","headers":{"Authorization":"Bearer <token>"}}}}`,
    );
    expect(stdout).toContain(`npx @modelcontextprotocol/inspector --transport http --server-url ${url}`);
    // Anonymous callers (load balancers) learn the status only, never connection names or hosts.
    const health = await fetch(url.replace('/mcp/v1', '/health'));
    expect(await health.json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('the data directory', () => {
  it('is the same for npm start and npm run pgmcp in a checkout, and --help says which it is', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const home = makeTempDir('pgmcp-cli-home-');
    const env = cleanEnv({ HOME: home });
    delete env.PGMCP_DATA_DIR;
    delete env.XDG_DATA_HOME;
    const defaultOf = (help: string) => /default here: (\S+)\)/.exec(help.replace(/\s+/g, ' '))?.[1];

    // The installed command: the per-user data directory, as `pgmcp serve` uses.
    const installed = await run(['user', 'list', '--help'], env);
    expect(defaultOf(installed.stdout)).toBe(path.join(home, '.local', 'share', 'pgmcp'));

    // `npm run pgmcp -- …` goes through scripts/run.mjs like `npm start`: the checkout's .pgmcp-data.
    const checkout = await execFileAsync(
      process.execPath,
      [path.join(root, 'scripts', 'run.mjs'), 'pgmcp', 'user', 'list', '--help'],
      { env, cwd: root, timeout: 60_000 },
    );
    expect(defaultOf(checkout.stdout)).toBe(path.join(root, '.pgmcp-data'));
  });
});
