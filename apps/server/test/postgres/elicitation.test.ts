import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

// Write confirmation by elicitation (writes.confirm): the official client's elicitation handler
// answers, and what was written is checked from an admin connection.

const db = useTestDatabase('server-elicitation');

function yaml(confirm?: string): string {
  return `auth:
  bcrypt_cost: 4
connections:
  - name: rw
    url: "${db.url}"
    allow_writes: true
${confirm ? `writes:\n  confirm: ${confirm}\n` : ''}tools:
  - name: add_note
    type: sql
    description: Adds a note.
    sql: INSERT INTO public.notes (body) VALUES ($1)
    parameters:
      - { name: body, type: string }
`;
}

type Action = 'accept' | 'decline' | 'cancel';
interface Asked {
  message: string;
}

/** A 2026-07-28 client that declares elicitation and answers every confirmation with `answer()`. */
async function elicitingClient(server: RunningServer, answer: () => Action, asked: Asked[]): Promise<Client> {
  const client = new Client(
    { name: 'eliciting-test', version: '1' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push({ message: (request.params as { message: string }).message });
    const action = answer();
    return action === 'accept' ? { action, content: {} } : { action };
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      fetch: async (url: string | URL, init?: RequestInit) => server.app.fetch(new Request(url, init)),
    }),
  );
  return client;
}

const notes = async () =>
  (await adminQuery<{ body: string }>(db.url, 'SELECT body FROM public.notes ORDER BY id')).map(
    (r) => r.body,
  );

beforeAll(async () => {
  await adminQuery(db.url, 'CREATE TABLE public.notes (id serial PRIMARY KEY, body text NOT NULL)');
});
beforeEach(async () => {
  await adminQuery(db.url, 'TRUNCATE public.notes');
});

describe('writes.confirm: elicit (the default)', () => {
  let server: RunningServer;
  let client: Client;
  let action: Action = 'accept';
  const asked: Asked[] = [];
  beforeAll(async () => {
    server = await startTestServer({}, { yaml: yaml() });
    client = await elicitingClient(server, () => action, asked);
  });
  beforeEach(() => {
    asked.length = 0;
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  const insert = "INSERT INTO public.notes (body) VALUES ('from query_database')";

  it('accept: the user saw the exact statement and the connection, and the row is written', async () => {
    action = 'accept';
    const result = await client.callTool({ name: 'query_database', arguments: { query: insert } });
    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toContain('INSERT completed on "rw" (1 rows affected)');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.message).toContain('"rw"');
    expect(asked[0]!.message).toContain(insert);
    expect(await notes()).toEqual(['from query_database']);
  });

  it.each(['decline', 'cancel'] as const)('%s: nothing runs and the result says so', async (answer) => {
    action = answer;
    const result = await client.callTool({ name: 'query_database', arguments: { query: insert } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(answer === 'decline' ? /user declined/ : /user cancelled/);
    expect(textOf(result)).toContain('nothing was run');
    expect(asked).toHaveLength(1);
    expect(await notes()).toEqual([]);
  });

  it('a writing custom tool asks too, showing its statement', async () => {
    action = 'decline';
    const declined = await client.callTool({ name: 'add_note', arguments: { body: 'no' } });
    expect(declined.isError).toBe(true);
    expect(asked[0]!.message).toContain('INSERT INTO public.notes (body) VALUES ($1)');
    expect(await notes()).toEqual([]);
    action = 'accept';
    const accepted = await client.callTool({ name: 'add_note', arguments: { body: 'yes' } });
    expect(accepted.isError).not.toBe(true);
    expect(await notes()).toEqual(['yes']);
  });

  it('reads are not asked about', async () => {
    const result = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } });
    expect(result.isError).not.toBe(true);
    expect(asked).toEqual([]);
  });

  it.each(['modern', 'legacy'] as const)(
    'a %s client without elicitation keeps today’s behaviour: the write runs unasked',
    async (era) => {
      const plain = await mcpClient(server, { era });
      try {
        const tool = (await plain.listTools()).tools.find((t) => t.name === 'query_database')!;
        expect(tool.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
        const result = await plain.callTool({ name: 'query_database', arguments: { query: insert } });
        expect(result.isError).not.toBe(true);
      } finally {
        await plain.close();
      }
      expect(asked).toEqual([]);
      expect(await notes()).toEqual(['from query_database']);
    },
  );
});

describe.each(['never', 'client'] as const)('writes.confirm: %s', (confirm) => {
  let server: RunningServer;
  let client: Client;
  const asked: Asked[] = [];
  beforeAll(async () => {
    server = await startTestServer({}, { yaml: yaml(confirm) });
    client = await elicitingClient(server, () => 'decline', asked);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('does not ask an eliciting client; the write runs', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: "INSERT INTO public.notes (body) VALUES ('unasked')" },
    });
    expect(result.isError).not.toBe(true);
    expect(asked).toEqual([]);
    expect(await notes()).toEqual(['unasked']);
  });
});
