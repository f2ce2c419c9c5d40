import { describe, expect, it } from 'vitest';
import {
  buildOpenApiDocument,
  ChatRequestSchema,
  CreateTokenRequestSchema,
  MessageSchema,
  PrivilegeSchema,
  ROUTES,
  StreamEventSchema,
} from './index.js';

describe('the chat message model', () => {
  it('accepts text, tool_use, tool_result and image blocks', () => {
    const message = {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'SELECT 1' } },
      ],
    };
    expect(MessageSchema.parse(message)).toEqual(message);
    expect(
      MessageSchema.parse({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: '1', is_error: false },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      }).content,
    ).toHaveLength(2);
  });

  it('names what is wrong with a malformed message', () => {
    const result = MessageSchema.safeParse({
      role: 'system',
      content: [{ type: 'tool_use', id: '', name: 'x' }],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toContain('role');
  });

  it('requires at least one message in a chat request and bounds max_tokens', () => {
    expect(ChatRequestSchema.safeParse({ messages: [] }).success).toBe(false);
    expect(
      ChatRequestSchema.safeParse({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 }).success,
    ).toBe(false);
    expect(
      ChatRequestSchema.parse({ messages: [{ role: 'user', content: 'hi' }], tool_choice: { type: 'auto' } }),
    ).toMatchObject({
      tool_choice: { type: 'auto' },
    });
  });

  it('discriminates stream events by type', () => {
    expect(StreamEventSchema.parse({ type: 'tool_use_end', id: 'a', input: { q: 1 } })).toEqual({
      type: 'tool_use_end',
      id: 'a',
      input: { q: 1 },
    });
    expect(StreamEventSchema.safeParse({ type: 'done', stop_reason: 'finished', usage: {} }).success).toBe(
      false,
    );
  });
});

describe('account schemas', () => {
  it('refuses unknown fields in requests', () => {
    const result = CreateTokenRequestSchema.safeParse({ note: 'ci', scopes: {} });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['scopes'] });
  });

  it('describes privileges of the three kinds', () => {
    expect(PrivilegeSchema.parse({ type: 'connection', name: 'main', access: 'read_write' })).toMatchObject({
      type: 'connection',
    });
    expect(PrivilegeSchema.safeParse({ type: 'admin', permission: 'manage_everything' }).success).toBe(false);
  });
});

describe('buildOpenApiDocument', () => {
  const routes = Object.values(ROUTES);
  const doc = buildOpenApiDocument(routes, { version: '9.9.9' }) as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('documents every route of the contract once', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('marks public routes, path parameters, bodies and permissions', () => {
    expect(doc.paths['/api/v1/auth/login']!.post).toMatchObject({ security: [] });
    expect(doc.paths['/api/v1/tokens/{id}']!.delete).toMatchObject({
      parameters: [{ name: 'id', in: 'path', required: true }],
      responses: { '204': { description: 'No content' } },
    });
    expect(doc.paths['/api/v1/users']!.post).toMatchObject({
      'x-pgmcp-permission': 'manage_users',
      requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
      responses: { '201': {}, '400': {}, '401': {}, '403': {} },
    });
  });
});
