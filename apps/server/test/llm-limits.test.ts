import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type FakeProvider, startFakeProvider, textReply } from '@pgmcp/llm-clients/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@pgmcp/config';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { captureLogger, parseSse, type RestClient, restClient, startAccountsServer } from './rest-helpers.js';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

// What the LLM proxy refuses: no provider configured, a wrong server key, too many calls, too
// much data; and how its configuration is read.

const WRONG_KEY = 'sk-ant-api03-WRONG-server-key-9999';
const hello = { messages: [{ role: 'user', content: 'hello' }] };

describe('with no provider configured', () => {
  let server: RunningServer;
  let api: RestClient;
  let token: string;
  beforeAll(async () => {
    ({ server, api, adminToken: token } = await startAccountsServer());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists no providers (200, an expected state) and says exactly which variables to set', async () => {
    const response = await api.call('GET', '/api/v1/llm/providers', { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ providers: [], default_provider: null });
    for (const variable of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_HOST', 'PGMCP_LLM_PROVIDER'])
      expect(response.body.not_configured).toContain(variable);
  });

  it('answers every other LLM route with 503 saying exactly which variables to set', async () => {
    for (const [method, route] of [
      ['GET', '/api/v1/llm/models'],
      ['POST', '/api/v1/llm/chat'],
      ['POST', '/api/v1/llm/chat/stream'],
    ] as const) {
      const response = await api.call(method, route, {
        token,
        ...(method === 'POST' ? { body: hello } : {}),
      });
      expect(response.status, route).toBe(503);
      const error = response.body.error as { code: string; message: string };
      expect(error.code).toBe('LLM_NOT_CONFIGURED');
      for (const variable of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_HOST', 'PGMCP_LLM_PROVIDER'])
        expect(error.message).toContain(variable);
    }
  });

  it('still asks for a login first', async () => {
    expect((await api.call('GET', '/api/v1/llm/providers')).status).toBe(401);
  });
});

describe('limits and a wrong server key', () => {
  let fake: FakeProvider;
  let server: RunningServer;
  let api: RestClient;
  let adminToken: string;
  const logs = captureLogger();

  beforeAll(async () => {
    // This fake only accepts its own key and echoes a wrong one back in its 401, as some providers do.
    fake = await startFakeProvider({ provider: 'anthropic', apiKey: 'sk-ant-api03-RIGHT-key-0000' });
    ({ server, api, adminToken } = await startAccountsServer(
      {
        ANTHROPIC_API_KEY: WRONG_KEY,
        PGMCP_ANTHROPIC_BASE_URL: fake.url,
      },
      {
        logger: logs.logger,
        yaml: `auth:
  bcrypt_cost: 4
llm:
  requests_per_minute: 3
  max_messages: 4
  max_request_bytes: 2048
  providers:
    anthropic: { max_retries: 0 }
    # Nothing listens on port 1: the provider is unreachable.
    openai: { base_url: "http://127.0.0.1:1/v1", max_retries: 0 }
`,
      },
    ));
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('answers 502 BAD_API_KEY naming the variable to fix, never the key', async () => {
    const { token } = await api.createUser(adminToken, 'keyuser');
    const response = await api.call('POST', '/api/v1/llm/chat', { token, body: hello });
    expect(response.status).toBe(502);
    expect(response.body.error).toEqual({
      code: 'BAD_API_KEY',
      message:
        "Anthropic rejected this server's API key, so the LLM proxy cannot call it. An administrator must set a valid ANTHROPIC_API_KEY (or llm.providers.anthropic.api_key) and restart pgmcp.",
    });
    const streamed = await api.call('POST', '/api/v1/llm/chat/stream', { token, body: hello });
    expect(parseSse(streamed.text).events.map((e) => e.data)).toEqual([
      { type: 'error', code: 'BAD_API_KEY', message: (response.body.error as { message: string }).message },
    ]);
    // The provider did receive the (wrong) key; nothing we sent back or logged contains it.
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
    const everything = [...api.seen, ...logs.lines].join('\n');
    expect(logs.lines.some((line) => line.includes('BAD_API_KEY'))).toBe(true);
    expect(everything).not.toContain(WRONG_KEY);
    expect(everything).not.toContain('WRONG-server-key');
  });

  it('answers 503 PROVIDER_UNREACHABLE when the provider cannot be reached', async () => {
    const { token } = await api.createUser(adminToken, 'unreachable');
    const response = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: { ...hello, provider: 'openai' },
    });
    expect(response.status).toBe(503);
    expect((response.body.error as { code: string }).code).toBe('PROVIDER_UNREACHABLE');
  });

  it('limits model calls per user and minute with 429 and Retry-After', async () => {
    const alice = await api.createUser(adminToken, 'alice');
    const bob = await api.createUser(adminToken, 'bob');
    // Calls count whether or not the provider accepts them (here it refuses the server's key).
    for (let i = 0; i < 3; i++) {
      const response = await api.call('POST', '/api/v1/llm/chat', { token: alice.token, body: hello });
      expect(response.status, `call ${i + 1}`).toBe(502);
    }
    const limited = await api.call('POST', '/api/v1/llm/chat/stream', { token: alice.token, body: hello });
    expect(limited.status).toBe(429);
    expect((limited.body.error as { code: string; message: string }).message).toMatch(
      /more than 3 model calls in a minute \(llm\.requests_per_minute\)/,
    );
    // The minute counts from the user's first call (in the store, shared by replicas).
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another user has their own allowance.
    expect((await api.call('POST', '/api/v1/llm/chat', { token: bob.token, body: hello })).status).not.toBe(
      429,
    );
    fake.respond(undefined);
  });

  it('charges LLM summaries of compaction to the same per-user limit (no upstream call once spent)', async () => {
    const carol = await api.createUser(adminToken, 'carol');
    for (let i = 0; i < 3; i++) {
      expect((await api.call('POST', '/api/v1/llm/chat', { token: carol.token, body: hello })).status).toBe(
        502,
      );
    }
    const before = fake.requests.length;
    const messages = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `message ${i} ${'about the orders table '.repeat(40)}`,
    }));
    const compact = (options: Record<string, unknown>) =>
      api.call('POST', '/api/v1/chat/compact', {
        token: carol.token,
        body: {
          messages,
          max_tokens: 2000,
          recent_window: 2,
          options: { enable_caching: false, ...options },
        },
      });
    const refused = await compact({ enable_llm_summarization: true });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fake.requests.length).toBe(before);
    // Compaction without a model call is not a model call.
    expect((await compact({})).status).toBe(200);
  });

  it('refuses more messages than llm.max_messages with 413', async () => {
    const { token } = await api.createUser(adminToken, 'chatty');
    const messages = Array.from({ length: 5 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `message ${i}`,
    }));
    const response = await api.call('POST', '/api/v1/llm/chat', { token, body: { messages } });
    expect(response.status).toBe(413);
    expect((response.body.error as { message: string }).message).toMatch(
      /5 messages; this server accepts at most 4 .*llm\.max_messages/,
    );
  });

  it('refuses bodies over llm.max_request_bytes with 413 before parsing them', async () => {
    const { token } = await api.createUser(adminToken, 'verbose');
    const response = await api.call('POST', '/api/v1/llm/chat/stream', {
      token,
      body: { messages: [{ role: 'user', content: 'x'.repeat(3000) }] },
    });
    expect(response.status).toBe(413);
    expect((response.body.error as { code: string; message: string }).message).toMatch(
      /at most 2 KiB per model call \(llm\.max_request_bytes\)/,
    );
    expect(fake.chatRequests.filter((r) => JSON.stringify(r.body).includes('xxxx'))).toHaveLength(0);
  });
});

describe('with authentication off', () => {
  let fake: FakeProvider;
  let server: RunningServer;
  beforeAll(async () => {
    fake = await startFakeProvider({ provider: 'ollama' });
    server = await startTestServer({ PGMCP_DATABASE_URL: NO_DATABASE_URL, OLLAMA_HOST: fake.origin });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('serves the local user without a login', async () => {
    fake.script(textReply('Hi from Ollama.'));
    const api = restClient(server);
    const providers = await api.call('GET', '/api/v1/llm/providers');
    expect(providers.body).toEqual({
      providers: [{ name: 'ollama', default_model: 'llama3.2' }],
      default_provider: 'ollama',
    });
    const answer = await api.call('POST', '/api/v1/llm/chat', { body: hello });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ provider: 'ollama', model: 'llama3.2' });
  });
});

describe('configuration', () => {
  const cwd = makeTempDir('pgmcp-llm-config-');
  const load = (env: Record<string, string>, yaml = '') => {
    writeFileSync(path.join(cwd, 'pgmcp.yaml'), yaml);
    return loadConfig({}, env, cwd).config.llm;
  };

  it('reads keys, base URLs and defaults from the environment', () => {
    const llm = load({
      ANTHROPIC_API_KEY: 'sk-ant-1234567890',
      PGMCP_ANTHROPIC_BASE_URL: 'http://gateway.internal/anthropic',
      PGMCP_OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      PGMCP_LLM_PROVIDER: 'openai',
      PGMCP_LLM_MODEL: 'qwen2.5-coder',
    });
    expect(llm.providers.anthropic).toEqual({
      api_key: 'sk-ant-1234567890',
      base_url: 'http://gateway.internal/anthropic',
    });
    expect(llm.providers.openai).toEqual({ base_url: 'http://127.0.0.1:8000/v1' });
    expect(llm).toMatchObject({ default_provider: 'openai', default_model: 'qwen2.5-coder' });
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    ['0.0.0.0:11500', 'http://127.0.0.1:11500'],
    ['ollama.internal', 'http://ollama.internal:11434'],
    ['https://ollama.example.com', 'https://ollama.example.com'],
    ['http://10.0.0.5:8080/', 'http://10.0.0.5:8080'],
  ])('reads OLLAMA_HOST=%s as %s', (value, expected) => {
    expect(load({ OLLAMA_HOST: value }).providers.ollama?.base_url).toBe(expected);
  });

  it('reads keys from *_FILE variables and api_key_file, the environment winning over the file', () => {
    writeFileSync(path.join(cwd, 'openai.key'), 'sk-from-env-file-123\n');
    writeFileSync(path.join(cwd, 'anthropic.key'), 'sk-ant-from-yaml-file\n');
    const llm = load(
      { OPENAI_API_KEY_FILE: path.join(cwd, 'openai.key') },
      'llm:\n  providers:\n    anthropic: { api_key_file: anthropic.key }\n    openai: { api_key: sk-from-yaml-0000 }\n',
    );
    expect(llm.providers.anthropic?.api_key).toBe('sk-ant-from-yaml-file');
    expect(llm.providers.openai?.api_key).toBe('sk-from-env-file-123');
  });

  it('names unknown keys and bad values', () => {
    expect(() => load({}, 'llm:\n  providers:\n    gemini: { api_key: x }\n')).toThrow(
      /unknown key "llm\.providers\.gemini"/,
    );
    expect(() => load({ PGMCP_LLM_PROVIDER: 'mistral' })).toThrow(/llm\.default_provider/);
    expect(() => load({}, 'llm:\n  requests_per_minute: -1\n')).toThrow(/llm\.requests_per_minute/);
    expect(() => load({}, 'llm:\n  providers:\n    openai: { api_key_file: missing.key }\n')).toThrow(
      /llm\.providers\.openai\.api_key_file: cannot read/,
    );
  });

  it('refuses to start when the default provider is not configured', async () => {
    await expect(
      startTestServer({
        PGMCP_DATABASE_URL: NO_DATABASE_URL,
        PGMCP_LLM_PROVIDER: 'openai',
        ANTHROPIC_API_KEY: 'sk-ant-1234567890',
      }),
    ).rejects.toThrow(ConfigError);
    await expect(
      startTestServer({ PGMCP_DATABASE_URL: NO_DATABASE_URL, PGMCP_LLM_PROVIDER: 'openai' }),
    ).rejects.toThrow(/PGMCP_LLM_PROVIDER\) is "openai", but OpenAI is not configured: set OPENAI_API_KEY/);
  });

  it('refuses a provider base URL that is not http(s), naming the setting', async () => {
    await expect(
      startTestServer({
        PGMCP_DATABASE_URL: NO_DATABASE_URL,
        OPENAI_API_KEY: 'sk-1234567890',
        PGMCP_OPENAI_BASE_URL: 'ftp://x',
      }),
    ).rejects.toThrow(/llm\.providers\.openai: .*baseUrl must be an http\(s\) URL.*PGMCP_OPENAI_BASE_URL/);
  });
});
