import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createMcpHttpHandler,
  createMcpRegistry,
  type McpContext,
  type McpRegistry,
  ToolError,
} from '../src/index.js';

interface State {
  writes: boolean;
  denied: string[];
}

function buildRegistry(onError = vi.fn()) {
  const registry = createMcpRegistry<State>({
    identity: { name: 'test-server', version: '1.2.3' },
    instructions: 'Use the tools.',
    authorize: (item, context) => !context.state.denied.includes(`${item.kind}:${item.name}`),
    onError,
  });
  registry.addTool({
    name: 'zeta',
    description: 'Last by name.',
    input: z.object({}),
    handler: async () => ({ content: [{ type: 'text', text: 'z' }] }),
  });
  registry.addTool({
    name: 'add',
    title: 'Add numbers',
    description: (context) => (context.state.writes ? 'Adds (writes enabled).' : 'Adds.'),
    input: z.object({ a: z.number().int(), b: z.number().int().max(100).default(1) }),
    annotations: (context) => ({ readOnlyHint: !context.state.writes }),
    handler: async ({ a, b }, context) => ({
      content: [{ type: 'text', text: `${a + b} for ${context.principal.name}` }],
      structuredContent: { sum: a + b },
    }),
  });
  registry.addTool({
    name: 'fails',
    description: 'Fails on purpose.',
    input: z.object({ expected: z.boolean() }),
    handler: async ({ expected }) => {
      if (expected) throw new ToolError('The table "x" does not exist. Call get_schema_info to list tables.');
      throw new Error('secret internal detail at /srv/app.js:12');
    },
  });
  registry.addTool({
    name: 'slow',
    description: 'Waits until cancelled.',
    input: z.object({}),
    handler: (_args, context) =>
      new Promise((resolve) => {
        context.signal.addEventListener('abort', () =>
          resolve({ content: [{ type: 'text', text: 'aborted' }] }),
        );
      }),
  });
  registry.addResource({
    uri: 'test://info',
    name: 'info',
    mimeType: 'application/json',
    read: async (context) => JSON.stringify({ who: context.principal.name }),
  });
  registry.addPrompt({
    name: 'explain',
    description: 'Explains a topic.',
    args: z.object({ topic: z.string().describe('What to explain'), depth: z.string().optional() }),
    render: ({ topic, depth }) => [
      { role: 'user', content: { type: 'text', text: `Explain ${topic} (${depth ?? 'short'}).` } },
    ],
  });
  return { registry, onError };
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

type Era = 'modern' | 'legacy';

async function connect(registry: McpRegistry<State>, era: Era, state: Partial<State> = {}) {
  const handler = createMcpHttpHandler(registry, {
    resolveContext: async (request) => {
      if (request.headers.get('authorization') === 'Bearer bad') {
        return new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'bad token' } }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        });
      }
      return {
        principal: { id: 'u1', name: 'alice', kind: 'user' },
        sessionKey: 's1',
        state: { writes: false, denied: [], ...state },
      };
    },
  });
  const transport = new StreamableHTTPClientTransport(new URL('http://mcp.test/mcp/v1'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  const client = new Client(
    { name: 'vitest', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(transport);
  clients.push(client);
  return client;
}

describe.each<Era>(['modern', 'legacy'])('over Streamable HTTP (%s protocol)', (era) => {
  it('negotiates the expected protocol revision', async () => {
    const client = await connect(buildRegistry().registry, era);
    if (era === 'modern') expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    else expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    expect(client.getServerVersion()).toMatchObject({ name: 'test-server', version: '1.2.3' });
  });

  it('lists tools sorted by name, with descriptions and annotations computed per caller', async () => {
    const { registry } = buildRegistry();
    const readOnly = await (await connect(registry, era)).listTools();
    expect(readOnly.tools.map((t) => t.name)).toEqual(['add', 'fails', 'slow', 'zeta']);
    const add = readOnly.tools[0]!;
    expect(add).toMatchObject({
      title: 'Add numbers',
      description: 'Adds.',
      annotations: { readOnlyHint: true },
    });
    expect(add.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer', maximum: 100, default: 1 } },
      required: ['a'],
    });
    const writable = await (await connect(registry, era, { writes: true })).listTools();
    expect(writable.tools[0]).toMatchObject({
      description: 'Adds (writes enabled).',
      annotations: { readOnlyHint: false },
    });
  });

  it('calls a tool with validated arguments and the caller\u2019s context', async () => {
    const client = await connect(buildRegistry().registry, era);
    const result = await client.callTool({ name: 'add', arguments: { a: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '3 for alice' }]);
    expect(result.structuredContent).toEqual({ sum: 3 });
  });

  it('answers bad arguments with an isError result that names the field', async () => {
    const client = await connect(buildRegistry().registry, era);
    const result = await client.callTool({ name: 'add', arguments: { a: 'two', b: 500 } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toMatch(/^Invalid arguments for add: a: .*expected number.*; b: .*100/);
  });

  it('answers an unknown tool with a protocol error', async () => {
    const client = await connect(buildRegistry().registry, era);
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool "nope"/);
  });

  it('hides items the caller may not use and refuses them with a clear message', async () => {
    const client = await connect(buildRegistry().registry, era, {
      denied: ['tool:add', 'resource:test://info', 'prompt:explain'],
    });
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('add');
    const refused = await client.callTool({ name: 'add', arguments: { a: 1 } });
    expect(refused.isError).toBe(true);
    const refusal = (refused.content as { text: string }[])[0]!.text;
    expect(refusal).toContain('not allowed to use the tool "add"');
    // People read this too (chat tool cards, the SQL console): no protocol method names.
    expect(refusal).not.toMatch(/tools\/list/);
    expect((await client.listResources()).resources).toEqual([]);
    await expect(client.readResource({ uri: 'test://info' })).rejects.toThrow(/not allowed to read/);
    expect((await client.listPrompts()).prompts).toEqual([]);
    await expect(client.getPrompt({ name: 'explain', arguments: { topic: 'x' } })).rejects.toThrow(
      /not allowed to use the prompt/,
    );
  });

  it('shows ToolError messages to the model and hides unexpected failures', async () => {
    const { registry, onError } = buildRegistry();
    const client = await connect(registry, era);
    const expected = await client.callTool({ name: 'fails', arguments: { expected: true } });
    expect(expected).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'The table "x" does not exist. Call get_schema_info to list tables.' }],
    });
    const unexpected = await client.callTool({ name: 'fails', arguments: { expected: false } });
    expect(unexpected.isError).toBe(true);
    const text = (unexpected.content as { text: string }[])[0]!.text;
    expect(text).toBe('The tool fails failed unexpectedly. Try again; if it keeps failing, report it.');
    expect(text).not.toContain('secret');
    expect(onError).toHaveBeenCalledWith(expect.any(Error), {
      kind: 'tool',
      name: 'fails',
      principal: 'alice',
    });
  });

  it('reads resources and reports unknown ones', async () => {
    const client = await connect(buildRegistry().registry, era);
    expect((await client.listResources()).resources).toEqual([
      { uri: 'test://info', name: 'info', mimeType: 'application/json' },
    ]);
    const read = await client.readResource({ uri: 'test://info' });
    expect(read.contents).toEqual([
      { uri: 'test://info', mimeType: 'application/json', text: '{"who":"alice"}' },
    ]);
    await expect(client.readResource({ uri: 'test://missing' })).rejects.toThrow();
  });

  it('lists prompts with their arguments and renders them, refusing missing arguments', async () => {
    const client = await connect(buildRegistry().registry, era);
    expect((await client.listPrompts()).prompts).toEqual([
      {
        name: 'explain',
        description: 'Explains a topic.',
        arguments: [
          { name: 'topic', description: 'What to explain', required: true },
          { name: 'depth', required: false },
        ],
      },
    ]);
    const prompt = await client.getPrompt({ name: 'explain', arguments: { topic: 'MVCC' } });
    expect(prompt.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Explain MVCC (short).' } },
    ]);
    await expect(client.getPrompt({ name: 'explain', arguments: {} })).rejects.toThrow(
      /Invalid arguments for prompt explain: topic/,
    );
    await expect(client.getPrompt({ name: 'nope' })).rejects.toThrow(/Unknown prompt "nope"/);
  });

  it('passes cancellation to the handler', async () => {
    const client = await connect(buildRegistry().registry, era);
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: {} }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toThrow();
  });
});

describe('http handler', () => {
  it('lets the app refuse a request before dispatch', async () => {
    const { registry } = buildRegistry();
    const handler = createMcpHttpHandler(registry, {
      resolveContext: async () =>
        new Response('{"error":{"code":"UNAUTHORIZED","message":"no"}}', { status: 401 }),
    });
    const response = await handler.fetch(
      new Request('http://mcp.test/mcp/v1', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }),
    );
    expect(response.status).toBe(401);
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const { registry } = buildRegistry();
    const handler = createMcpHttpHandler(registry, {
      resolveContext: async () => ({
        principal: { id: 'a', name: 'a', kind: 'user' },
        sessionKey: 'a',
        state: { writes: false, denied: [] },
      }),
    });
    const response = await handler.fetch(
      new Request('http://mcp.test/mcp/v1', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{"jsonrpc": "2.0", "id": 1, "method": ',
      }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number } };
    expect(body.error.code).toBe(-32700);
  });
});

describe('the stateless fast path', () => {
  const post = (
    handler: ReturnType<typeof createMcpHttpHandler>,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    handler.fetch(
      new Request('http://mcp.test/mcp/v1', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    );
  const handler = () =>
    createMcpHttpHandler(buildRegistry().registry, {
      resolveContext: async () => ({
        principal: { id: 'u', name: 'ann', kind: 'user' },
        sessionKey: 's',
        state: { writes: false, denied: ['tool:zeta'] },
      }),
    });

  it('answers a legacy client\u2019s plain request as JSON, from the same dispatch as the SDK server', async () => {
    const response = await post(
      handler(),
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 } } },
      { 'mcp-protocol-version': '2025-11-25' },
    );
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: '3 for ann' }], structuredContent: { sum: 3 } },
    });
    const list = await post(handler(), { jsonrpc: '2.0', id: 'x', method: 'tools/list' });
    expect(
      ((await list.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name),
    ).toEqual(['add', 'fails', 'slow']);
  });

  it('answers protocol errors as JSON-RPC errors with the SDK\u2019s codes', async () => {
    const unknown = await post(handler(), {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'nope' },
    });
    expect(await unknown.json()).toMatchObject({
      id: 1,
      error: { code: -32602, message: expect.stringContaining('Unknown tool "nope"') },
    });
    const badParams = await post(handler(), {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 5 },
    });
    expect(await badParams.json()).toMatchObject({
      id: 2,
      error: { code: -32602, message: 'Invalid params: "name" must be a string.' },
    });
    const missing = await post(handler(), {
      jsonrpc: '2.0',
      id: 3,
      method: 'resources/read',
      params: { uri: 'test://none' },
    });
    expect(await missing.json()).toMatchObject({ id: 3, error: { code: -32602 } });
  });

  /** A 2026-07-28 tools/call as the official client sends it (envelope in _meta, the three headers). */
  const modernCall = (id: number, name: string, args: unknown, meta: Record<string, unknown> = {}) => ({
    body: {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name,
        arguments: args,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'wire', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
          ...meta,
        },
      },
    },
    headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name },
  });
  /** The same registry served by the SDK alone (a server per request), to compare answers with. */
  const sdkOnly = () => {
    const { registry } = buildRegistry();
    const sdk = createMcpHandler(
      () =>
        registry.createServer({
          principal: { id: 'u', name: 'ann', kind: 'user' },
          sessionKey: 's',
          state: { writes: false, denied: ['tool:zeta'] },
          signal: new AbortController().signal,
        }),
      { legacy: 'stateless' },
    );
    return { fetch: (request: Request) => sdk.fetch(request), close: () => sdk.close() };
  };

  it('answers a plain 2026-07-28 tool call as the SDK server does: results, tool errors, refusals, protocol errors', async () => {
    const calls = [
      modernCall(1, 'add', { a: 1, b: 2 }),
      modernCall(2, 'fails', { expected: true }),
      modernCall(3, 'zeta', {}),
      modernCall(4, 'add', { a: 'x' }),
      modernCall(5, 'nope', {}),
    ];
    const { registry } = buildRegistry();
    const servers = vi.spyOn(registry, 'createServer');
    const fastHandler = createMcpHttpHandler(registry, {
      resolveContext: async () => ({
        principal: { id: 'u', name: 'ann', kind: 'user' },
        sessionKey: 's',
        state: { writes: false, denied: ['tool:zeta'] },
      }),
    });
    for (const { body, headers } of calls) {
      const fast = await post(fastHandler, body, headers);
      const viaSdk = await post(sdkOnly(), body, headers);
      expect(fast.status).toBe(viaSdk.status);
      expect(fast.headers.get('content-type')).toBe(viaSdk.headers.get('content-type'));
      expect(await fast.json()).toEqual(await viaSdk.json());
    }
    // None of them built an SDK server.
    expect(servers).not.toHaveBeenCalled();
    const answer = await post(fastHandler, calls[0]!.body, calls[0]!.headers);
    expect(await answer.json()).toMatchObject({
      result: {
        resultType: 'complete',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'test-server', version: '1.2.3' } },
      },
    });
  });

  it('leaves 2026-07-28 requests it does not mirror exactly to the SDK, which refuses the malformed ones', async () => {
    const { body, headers } = modernCall(1, 'add', { a: 1 });
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      // The headers must match the body: the SDK answers the mismatch.
      [body, { ...headers, 'mcp-name': 'zeta' }],
      [body, { ...headers, 'mcp-method': 'tools/list' }],
      [body, { 'mcp-method': 'tools/call', 'mcp-name': 'add' }],
      // A retry carrying request state is the SDK's to verify.
      [{ ...body, params: { ...body.params, requestState: 'forged' } }, headers],
    ];
    const { registry } = buildRegistry();
    const servers = vi.spyOn(registry, 'createServer');
    const fastHandler = createMcpHttpHandler(registry, {
      resolveContext: async () => ({
        principal: { id: 'u', name: 'ann', kind: 'user' },
        sessionKey: 's',
        state: { writes: false, denied: ['tool:zeta'] },
      }),
    });
    for (const [request, requestHeaders] of cases) {
      const fast = await post(fastHandler, request, requestHeaders);
      const viaSdk = await post(sdkOnly(), request, requestHeaders);
      expect(fast.status).toBe(viaSdk.status);
      expect(await fast.json()).toEqual(await viaSdk.json());
    }
    // The SDK refuses the three header mismatches before it builds a server; it serves the retry.
    expect(servers).toHaveBeenCalledTimes(1);
    const mismatch = await post(fastHandler, body, { ...headers, 'mcp-name': 'zeta' });
    expect(mismatch.status).toBe(400);
  });

  it('leaves initialize, notifications and the 2026-07-28 envelope to the SDK', async () => {
    const init = await post(handler(), {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    expect(init.headers.get('content-type')).toMatch(/text\/event-stream/);
    const notification = await post(handler(), { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notification.status).toBe(202);
    const unsupported = await post(
      handler(),
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { 'mcp-protocol-version': '1999-01-01' },
    );
    expect(unsupported.status).toBe(400);
  });
});

describe('registry', () => {
  it('refuses duplicate and invalid names', () => {
    const { registry } = buildRegistry();
    expect(() =>
      registry.addTool({
        name: 'add',
        description: '',
        input: z.object({}),
        handler: async () => ({ content: [] }),
      }),
    ).toThrow('A tool named "add" is already registered.');
    expect(() =>
      registry.addTool({
        name: 'bad name',
        description: '',
        input: z.object({}),
        handler: async () => ({ content: [] }),
      }),
    ).toThrow(/invalid/);
  });

  it('lists item names for privilege configuration', () => {
    const { registry } = buildRegistry();
    expect(registry.names('tool')).toEqual(['add', 'fails', 'slow', 'zeta']);
    expect(registry.names('resource')).toEqual(['test://info']);
    expect(registry.names('prompt')).toEqual(['explain']);
  });

  it('runs calls directly for in-process callers', async () => {
    const { registry } = buildRegistry();
    const context: McpContext<State> = {
      principal: { id: 'x', name: 'x', kind: 'local' },
      sessionKey: 'x',
      state: { writes: false, denied: [] },
      signal: new AbortController().signal,
    };
    expect(await registry.callTool('add', { a: 40, b: 2 }, context)).toMatchObject({
      structuredContent: { sum: 42 },
    });
  });
});
