import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequest, StreamEvent } from '@pgmcp/api-contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectMcpClient,
  createAgent,
  createMcpToolbox,
  createProxyLlm,
  findHistoryProblem,
  isAgentError,
} from '../src/index.js';
import { startFixture } from './mcp-fixture.js';

/** A tiny stand-in for pgmcp's `/api/v1/llm/chat/stream`, speaking its exact SSE format. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: ChatRequest;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: ChatRequest) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let handler: Handler;
let received: Received[];
let closedEarly: Promise<void>;
let markClosed: () => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sse(event: StreamEvent, eol = '\n'): string {
  return `event: ${event.type}${eol}data: ${JSON.stringify(event)}${eol}${eol}`;
}

/** Writes `text` a few bytes at a time, so events, lines and UTF-8 characters are split across chunks. */
async function writeInPieces(res: ServerResponse, text: string, size = 7): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    res.write(bytes.subarray(i, i + size));
    await sleep(1);
  }
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

async function collect(iterable: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

const request: ChatRequest = {
  messages: [{ role: 'user', content: 'hi' }],
  model: 'claude-x',
  provider: 'anthropic',
};
const never = new AbortController().signal;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as ChatRequest;
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) markClosed();
      });
      void handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  closedEarly = new Promise((resolve) => (markClosed = resolve));
});

describe('createProxyLlm', () => {
  it('POSTs the §5.1 body with the token and headers, and parses events split across chunks, CRLF, comments', async () => {
    const events: StreamEvent[] = [
      { type: 'text', text: 'Größe 🐘 ' },
      { type: 'tool_use_start', id: 'tu_1', name: 'query_database' },
      { type: 'tool_use_delta', id: 'tu_1', partial_json: '{"query":' },
      { type: 'tool_use_delta', id: 'tu_1', partial_json: '"SELECT 1"}' },
      { type: 'tool_use_end', id: 'tu_1', input: { query: 'SELECT 1' } },
      {
        type: 'done',
        stop_reason: 'tool_use',
        usage: { input_tokens: 12, output_tokens: 7, cache_read_tokens: 3 },
      },
    ];
    handler = async (_req, res) => {
      startStream(res);
      const [first, ...rest] = events;
      await writeInPieces(res, ': connected\r\n\r\n' + sse(first!, '\r\n') + ':keep-alive\r\n\r\n');
      for (const event of rest) await writeInPieces(res, sse(event, '\r\n'), 5);
      res.end();
    };
    const llm = createProxyLlm({
      baseUrl: `${baseUrl}/`,
      getToken: async () => 'sess_abc',
      headers: { 'x-client': 'web' },
    });
    expect(await collect(llm.stream(request, never))).toEqual(events);

    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/v1/llm/chat/stream', body: request });
    expect(received[0]!.headers).toMatchObject({
      authorization: 'Bearer sess_abc',
      'x-client': 'web',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
  });

  it('accepts data without a type field, taking it from the event name, and LF-only streams', async () => {
    handler = (_req, res) => {
      startStream(res);
      res.end(
        'event: text\ndata: {"text":"hello"}\n\nevent: done\ndata: {"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}\n\n',
      );
    };
    expect(await collect(createProxyLlm({ baseUrl }).stream(request, never))).toEqual([
      { type: 'text', text: 'hello' },
      { type: 'done', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
    ]);
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('passes a mid-stream error event through and reads nothing after it', async () => {
    handler = async (_req, res) => {
      startStream(res);
      await writeInPieces(res, sse({ type: 'text', text: 'partial' }));
      await writeInPieces(
        res,
        sse({ type: 'error', code: 'RATE_LIMITED', message: 'Provider rate limit, retry in 20 s' }),
      );
      res.end(sse({ type: 'text', text: 'never read' }));
    };
    expect(await collect(createProxyLlm({ baseUrl }).stream(request, never))).toEqual([
      { type: 'text', text: 'partial' },
      { type: 'error', code: 'RATE_LIMITED', message: 'Provider rate limit, retry in 20 s' },
    ]);
  });

  it('turns a 401 JSON answer into an UNAUTHORIZED error event, and the agent into an UNAUTHORIZED AgentError', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'UNAUTHORIZED', message: 'The session has expired; log in again.' },
        }),
      );
    };
    const llm = createProxyLlm({ baseUrl, getToken: () => 'old' });
    expect(await collect(llm.stream(request, never))).toEqual([
      { type: 'error', code: 'UNAUTHORIZED', message: 'The session has expired; log in again.' },
    ]);
    const result = await createAgent({ llm }).runTurn([{ role: 'user', content: 'q' }]);
    expect(result.stopReason).toBe('error');
    expect(isAgentError(result.error, 'UNAUTHORIZED')).toBe(true);
    expect(result.error?.upstreamCode).toBe('UNAUTHORIZED');
  });

  it('maps statuses without a JSON body to the REST codes', async () => {
    for (const [status, code] of [
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [429, 'RATE_LIMITED'],
      [502, 'INTERNAL'],
      [418, 'PROXY_ERROR'],
    ] as const) {
      handler = (_req, res) => {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<html>gateway</html>');
      };
      const [event] = await collect(createProxyLlm({ baseUrl }).stream(request, never));
      expect(event, String(status)).toEqual({
        type: 'error',
        code,
        message: `The LLM proxy answered HTTP ${status} without an error body.`,
      });
    }
  });

  it('reports malformed streams as BAD_STREAM', async () => {
    const cases: [string, (res: ServerResponse) => void, RegExp][] = [
      [
        'not an event stream',
        (res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.end('{}')),
        /answered application\/json, not an event stream/,
      ],
      [
        'ends before done',
        (res) => (startStream(res), res.end(sse({ type: 'text', text: 'a' }))),
        /ended before the model finished/,
      ],
      [
        'data is not JSON',
        (res) => (startStream(res), res.end('event: text\ndata: {oops\n\n')),
        /the data of a "text" event is not JSON/,
      ],
      [
        'wrong shape',
        (res) => (startStream(res), res.end('event: done\ndata: {"stop_reason":"sleepy"}\n\n')),
        /a "done" event does not have the shape/,
      ],
      [
        'name and payload disagree',
        (res) => (
          startStream(res),
          res.end(`event: done\ndata: ${JSON.stringify({ type: 'text', text: 'x' })}\n\n`)
        ),
        /named "done" carries a "text" payload/,
      ],
    ];
    for (const [name, respond, message] of cases) {
      handler = (_req, res) => respond(res);
      const events = await collect(createProxyLlm({ baseUrl }).stream(request, never));
      expect(events.at(-1), name).toMatchObject({
        type: 'error',
        code: 'BAD_STREAM',
        message: expect.stringMatching(message),
      });
    }
  });

  it('aborts mid-stream: yields CANCELLED and closes the connection', async () => {
    handler = async (_req, res) => {
      startStream(res);
      res.write(sse({ type: 'text', text: 'thinking' }));
      // then nothing more, as a provider that stalls
    };
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    for await (const event of createProxyLlm({ baseUrl }).stream(request, controller.signal)) {
      events.push(event);
      if (event.type === 'text') controller.abort();
    }
    expect(events).toEqual([
      { type: 'text', text: 'thinking' },
      { type: 'error', code: 'CANCELLED', message: 'The model call was cancelled.' },
    ]);
    await closedEarly; // the server saw the client hang up
  });

  it('closes the connection when the caller stops reading early', async () => {
    handler = async (_req, res) => {
      startStream(res);
      res.write(sse({ type: 'text', text: 'one' }));
    };
    for await (const event of createProxyLlm({ baseUrl }).stream(request, never)) {
      expect(event).toEqual({ type: 'text', text: 'one' });
      break;
    }
    await closedEarly;
  });

  it('reports an unreachable proxy as PROXY_UNREACHABLE, and bad options at once', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const [event] = await collect(
      createProxyLlm({ baseUrl: `http://127.0.0.1:${port}` }).stream(request, never),
    );
    expect(event).toMatchObject({
      type: 'error',
      code: 'PROXY_UNREACHABLE',
      message: expect.stringContaining(`http://127.0.0.1:${port}/api/v1/llm/chat/stream`),
    });

    expect(() => createProxyLlm({ baseUrl: 'ftp://x' })).toThrow(
      /baseUrl must be an http\(s\) URL or "", got "ftp:\/\/x"/,
    );
    const failingToken = createProxyLlm({
      baseUrl,
      getToken: () => Promise.reject(new Error('no stored login')),
    });
    expect(await collect(failingToken.stream(request, never))).toEqual([
      {
        type: 'error',
        code: 'UNAUTHORIZED',
        message: 'Could not get credentials for the LLM proxy: no stored login',
      },
    ]);
  });

  it('drives a whole agent turn with tools over the proxy', async () => {
    const fixture = await startFixture();
    try {
      handler = async (_req, res, body) => {
        startStream(res);
        const last = body.messages.at(-1)!;
        const result =
          typeof last.content === 'string' ? undefined : last.content.find((b) => b.type === 'tool_result');
        const usage = { input_tokens: 5, output_tokens: 2 };
        if (!result) {
          await writeInPieces(res, sse({ type: 'tool_use_start', id: 'p1', name: 'query_database' }));
          await writeInPieces(
            res,
            sse({ type: 'tool_use_end', id: 'p1', input: { query: 'SELECT count(*) FROM orders' } }),
          );
          await writeInPieces(res, sse({ type: 'done', stop_reason: 'tool_use', usage }));
        } else {
          const text = typeof result.content === 'string' ? result.content : '';
          await writeInPieces(res, sse({ type: 'text', text: `The count is ${text.split('\n')[1]}.` }));
          await writeInPieces(res, sse({ type: 'done', stop_reason: 'end_turn', usage }));
        }
        res.end();
      };
      const agent = createAgent({
        llm: createProxyLlm({ baseUrl, getToken: () => 't' }),
        toolbox: createMcpToolbox(fixture.client),
      });
      const result = await agent.runTurn([{ role: 'user', content: 'How many orders?' }]);
      expect(result).toMatchObject({ stopReason: 'end_turn', text: 'The count is 1234.', iterations: 2 });
      expect(findHistoryProblem(result.messages)).toBeUndefined();
      expect(received[0]!.body.tools!.map((t) => t.name)).toContain('query_database');
      expect(received[0]!.body.system).toMatch(/get_schema_info/);
    } finally {
      await fixture.close();
    }
  });
});

describe('connectMcpClient', () => {
  it('says UNAUTHORIZED when the MCP endpoint answers 401, and rejects a bad URL', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'A token is required.' } }));
    };
    await expect(
      connectMcpClient({ url: `${baseUrl}/mcp/v1`, getToken: () => 'expired' }),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(received[0]!.headers.authorization).toBe('Bearer expired');
    await expect(connectMcpClient({ url: 'not a url' })).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
  });
});
