import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { stripFences } from '@pgmcp/mcp-core';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers.js';
import { freePort, type Proc, startServeProcess, stop, waitForLine } from '../child-process.js';

// SIGHUP to a real `pgmcp serve` process swaps the custom tools while a call is in flight (it
// finishes on the definition it started with); a broken config keeps the previous set and says why.

const db = useTestDatabase('server-reload');
let proc: Proc | undefined;
let client: Client;
let configFile = '';

function tools(body: string): string {
  return `auth:\n  bcrypt_cost: 4\ntools:\n${body}`;
}

const OLD = tools(`  - name: sleepy
    type: sql
    description: Sleeps, then says which definition ran.
    sql: SELECT pg_sleep($1) AS slept, 'old definition' AS version
    parameters:
      - { name: seconds, type: number }
`);
const NEW = tools(`  - name: sleepy
    type: sql
    description: The new definition.
    sql: SELECT 'new definition' AS version
  - name: added
    type: sql
    description: Added by the reload.
    sql: SELECT 42 AS answer
`);
const BROKEN = tools(`  - name: sleepy
    type: sql
    description: Broken.
    sql: SELECT $1::int
    parameters:
      - { name: x, type: int32 }
`);

const text = (result: unknown) => stripFences((result as { content: { text: string }[] }).content[0]!.text);
const toolNames = async () =>
  (await client.listTools()).tools.map((t) => t.name).filter((n) => ['sleepy', 'added'].includes(n));
const linesMatching = (pattern: RegExp) => proc!.out.filter((line) => pattern.test(line)).length;

beforeAll(async () => {
  const cwd = makeTempDir('pgmcp-reload-');
  configFile = path.join(cwd, 'pgmcp.yaml');
  writeFileSync(configFile, OLD);
  const port = await freePort();
  proc = startServeProcess(cwd, {
    PGMCP_HOST: '127.0.0.1',
    PGMCP_PORT: String(port),
    PGMCP_DATA_DIR: path.join(cwd, 'data'),
    PGMCP_AUTH: 'off',
    PGMCP_DATABASE_URL: db.url,
    PGMCP_LOG_LEVEL: 'info',
  });
  await waitForLine(proc, /listening/, 'pgmcp serve');
  client = new Client({ name: 'reload-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp/v1`)));
});
afterAll(async () => {
  await client?.close();
  await stop(proc);
});

describe('SIGHUP reloads custom tools in a running pgmcp serve', () => {
  it('swaps the set while a call is in flight; that call finishes on its old definition', async () => {
    expect(await toolNames()).toEqual(['sleepy']);
    const inFlight = client.callTool({ name: 'sleepy', arguments: { seconds: 4 } });
    await expect
      .poll(
        async () =>
          (await adminQuery(db.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep($1)%'"))
            .length,
      )
      .toBe(1);
    writeFileSync(configFile, NEW);
    const before = linesMatching(/custom tools, resources and prompts reloaded/);
    proc!.child.kill('SIGHUP');
    await expect.poll(() => linesMatching(/custom tools, resources and prompts reloaded/)).toBe(before + 1);
    // The call was still running when the new set went in.
    expect(
      (await adminQuery(db.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep($1)%'"))
        .length,
    ).toBe(1);
    expect(await toolNames()).toEqual(['added', 'sleepy']);
    const finished = await inFlight;
    expect(finished.isError).not.toBe(true);
    expect(text(finished)).toContain('old definition');
    expect(text(await client.callTool({ name: 'sleepy', arguments: {} }))).toContain('new definition');
    expect(text(await client.callTool({ name: 'added', arguments: {} }))).toContain('42');
  });

  it('a broken config on SIGHUP keeps serving the previous set and logs why', async () => {
    writeFileSync(configFile, BROKEN);
    const before = linesMatching(/Config reload failed/);
    proc!.child.kill('SIGHUP');
    await expect.poll(() => linesMatching(/Config reload failed/)).toBe(before + 1);
    const line = proc!.out.filter((l) => /Config reload failed/.test(l)).at(-1)!;
    expect((JSON.parse(line) as { msg: string }).msg).toContain(
      'still serving the previous custom tools, resources and prompts: tools[0] "sleepy": parameter "x": unknown type "int32"',
    );
    expect(await toolNames()).toEqual(['added', 'sleepy']);
    expect(text(await client.callTool({ name: 'sleepy', arguments: {} }))).toContain('new definition');
    expect(proc!.child.exitCode).toBeNull();
  });
});
