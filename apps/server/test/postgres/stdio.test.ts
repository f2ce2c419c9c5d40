import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, textOf } from '../helpers.js';
import { stdioServerArgs } from '../child-process.js';

// pgmcp on stdio in a process of its own: a session that can be asked confirms writes by
// elicitation, and SIGHUP tells it that the lists changed.

const db = useTestDatabase('server-stdio');
let transport: StdioClientTransport;
let client: Client;
let configFile = '';
let answer: 'accept' | 'decline' = 'decline';
const asked: string[] = [];
let toolListChanges = 0;

function yaml(tool: string): string {
  return `connections:
  - name: rw
    url: "${db.url}"
    allow_writes: true
tools:
  - name: ${tool}
    type: sql
    description: Counts the notes.
    sql: SELECT count(*) AS notes FROM public.stdio_notes
`;
}

const notes = async () =>
  (await adminQuery<{ body: string }>(db.url, 'SELECT body FROM public.stdio_notes ORDER BY id')).map(
    (r) => r.body,
  );

beforeAll(async () => {
  await adminQuery(db.url, 'CREATE TABLE public.stdio_notes (id serial PRIMARY KEY, body text NOT NULL)');
  const cwd = makeTempDir('pgmcp-stdio-');
  configFile = path.join(cwd, 'pgmcp.yaml');
  writeFileSync(configFile, yaml('count_notes'));
  transport = new StdioClientTransport({
    command: process.execPath,
    args: stdioServerArgs(),
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      TSX_DISABLE_CACHE: '1',
      PGMCP_DATA_DIR: path.join(cwd, 'data'),
      PGMCP_LOG_LEVEL: 'error',
    },
    stderr: 'pipe',
  });
  client = new Client({ name: 'stdio-test', version: '1' }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push((request.params as { message: string }).message);
    return answer === 'accept' ? { action: 'accept', content: {} } : { action: 'decline' };
  });
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    toolListChanges++;
  });
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close();
});

describe('pgmcp on stdio', () => {
  it('asks before a write: decline writes nothing, accept writes the row', async () => {
    const insert = "INSERT INTO public.stdio_notes (body) VALUES ('over stdio')";
    answer = 'decline';
    const declined = await client.callTool({ name: 'query_database', arguments: { query: insert } });
    expect(declined.isError).toBe(true);
    expect(textOf(declined)).toContain('declined');
    expect(asked).toEqual([expect.stringContaining(insert)]);
    expect(await notes()).toEqual([]);
    answer = 'accept';
    const accepted = await client.callTool({ name: 'query_database', arguments: { query: insert } });
    expect(accepted.isError).not.toBe(true);
    expect(asked).toHaveLength(2);
    expect(await notes()).toEqual(['over stdio']);
  });

  it('SIGHUP swaps the custom tools and the session is told the list changed', async () => {
    const names = async () => (await client.listTools()).tools.map((t) => t.name);
    expect(await names()).toContain('count_notes');
    writeFileSync(configFile, yaml('how_many_notes'));
    process.kill(transport.pid!, 'SIGHUP');
    await expect.poll(() => toolListChanges).toBeGreaterThan(0);
    const after = await names();
    expect(after).toContain('how_many_notes');
    expect(after).not.toContain('count_notes');
  });
});
