import type { AgentTool, AgentToolAnnotations } from '@pgmcp/agent';
import {
  type ApiClient,
  type CompactResponse,
  type Connection,
  type Conversation,
  type ConversationInput,
  type ConversationSummary,
  createApiClient,
  type LlmModelsResponse,
  type LoginOptions,
  type LlmProvidersResponse,
  type MeResponse,
} from '@pgmcp/api-contract';
import { createWebApi } from '../api/web-api.js';
import { fakeAccountHandlers } from './fake-accounts.js';
import { type FakeCall, type FakeHandlers, FakeRefusal, fakeServerFetch } from './fake-server.js';
import type { McpSession, PromptInfo, ToolOutcome } from '../mcp/mcp-session.js';

// In-memory stand-ins for the server, for component tests. The browser suite (test/e2e) runs the
// same components against the real server.

/** A tool of the fake MCP server. */
export interface FakeTool {
  annotations?: AgentToolAnnotations;
  run: (input: Record<string, unknown>, signal: AbortSignal) => ToolOutcome | Promise<ToolOutcome>;
}

/** A fake {@link McpSession} with the given tools and prompts; records every call. */
export function createFakeMcp(
  tools: Record<string, FakeTool>,
  prompts: (PromptInfo & { text: (args: Record<string, string>) => string })[] = [],
): McpSession & { calls: { name: string; input: Record<string, unknown> }[] } {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const call = async (name: string, input: Record<string, unknown>, signal: AbortSignal) => {
    calls.push({ name, input });
    const tool = tools[name];
    if (!tool) return { text: `Unknown tool ${name}`, isError: true };
    return tool.run(input, signal);
  };
  return {
    calls,
    toolbox: {
      listTools: async () =>
        Object.entries(tools).map(([name, tool]): AgentTool => ({
          name,
          description: `The ${name} tool`,
          input_schema: { type: 'object', properties: {} },
          annotations: tool.annotations ?? { readOnlyHint: true },
        })),
      callTool: async (name, input, signal) => {
        const outcome = await call(name, input, signal);
        return {
          content: outcome.text,
          isError: outcome.isError,
          ...(outcome.structured ? { structuredContent: outcome.structured } : {}),
        };
      },
    },
    callTool: (name, input, signal) => call(name, input, signal ?? new AbortController().signal),
    listPrompts: async () => prompts.map(({ text: _text, ...info }) => info),
    getPrompt: async (name, args) => {
      const prompt = prompts.find((p) => p.name === name);
      if (!prompt) throw new Error(`No prompt ${name}`);
      return prompt.text(args);
    },
    close: async () => undefined,
  };
}

/** A query_database result with `count` rows of `(n, label)` starting at `offset`. */
export function fakeRows(offset: number, count: number, total: number): ToolOutcome {
  const rows = Array.from({ length: Math.max(0, Math.min(count, total - offset)) }, (_, i) => [
    offset + i + 1,
    `row ${offset + i + 1}`,
  ]);
  const more = offset + rows.length < total;
  return {
    text: `n\tlabel\n${rows.map((r) => r.join('\t')).join('\n')}\n(${rows.length} rows)`,
    isError: false,
    structured: {
      columns: [
        { name: 'n', type: 'int4' },
        { name: 'label', type: 'text' },
      ],
      rows,
      row_count: rows.length,
      truncated: more,
      offset,
      ...(more ? { next_offset: offset + rows.length } : {}),
      command: 'SELECT',
      duration_ms: 2,
    },
  };
}

/** Options of {@link createFakeApi}. */
export interface FakeApiOptions {
  /** The user's password; login fails with anything else. */
  password?: string;
  /** No LLM provider: providers() fails like the server does. */
  llmConfigured?: boolean;
  connections?: Connection[];
  authEnabled?: boolean;
  /** The user's admin permissions; by default a superuser. */
  admin?: MeResponse['access']['admin'];
  /** What the login page is offered (default: passwords for everyone, no single sign-on). */
  loginOptions?: LoginOptions;
  /** More routes (or other answers), e.g. an admin screen's own. */
  handlers?: FakeHandlers;
}

/** The server's message when no LLM provider is configured (as the server words it). */
export const FAKE_NOT_CONFIGURED =
  'No LLM provider is configured on this pgmcp server. An administrator must set ANTHROPIC_API_KEY.';

/** The fake server's state, visible to tests. */
export interface FakeApiState {
  loggedIn: boolean;
  conversations: Conversation[];
  current: string;
  compactCalls: number;
  failCompaction: boolean;
}

/**
 * The real typed client ({@link createApiClient}) talking to an in-memory server with a session,
 * conversations and connections. The returned object is the client plus the server's state.
 */
export function createFakeApi(
  options: FakeApiOptions = {},
): ApiClient & FakeApiState & { fetch: typeof fetch } {
  let ids = 0;
  const now = () => new Date(Date.now() + ids).toISOString();
  const connections: Connection[] = options.connections ?? [
    {
      id: 'demo',
      name: 'demo',
      source: 'builtin',
      credentials: 'shared',
      description: 'Demo data',
      host: '127.0.0.1',
      port: 5432,
      database: 'pgmcp_demo',
      access: 'read',
      writes_allowed: false,
      current: true,
    },
  ];
  const state: FakeApiState = {
    loggedIn: options.authEnabled === false,
    conversations: [],
    current: connections[0]?.name ?? '',
    compactCalls: 0,
    failCompaction: false,
  };
  const requireLogin = () => {
    if (!state.loggedIn) throw new FakeRefusal(401, 'UNAUTHORIZED', 'Log in first.');
  };
  const find = (id: string) => {
    const found = state.conversations.find((c) => c.id === id);
    if (!found) throw new FakeRefusal(404, 'NOT_FOUND', `No conversation ${id}`);
    return found;
  };
  const summary = (c: Conversation): ConversationSummary => {
    const first = c.messages.find((m) => m.role === 'user');
    const preview = typeof first?.content === 'string' ? first.content : '';
    return {
      id: c.id,
      title: c.title,
      provider: c.provider,
      model: c.model,
      connection: c.connection,
      preview: preview.slice(0, 120),
      message_count: c.messages.length,
      created_at: c.created_at,
      updated_at: c.updated_at,
    };
  };
  const store = (c: Conversation, input: ConversationInput) => {
    c.messages = input.messages;
    c.provider = input.provider ?? null;
    c.model = input.model ?? null;
    c.connection = input.connection ?? null;
    c.updated_at = now();
    if (input.title) c.title = input.title;
    return structuredClone(c);
  };
  /** Ids of the monitored connections (the built-in demo is, as on `npm start`). */
  const monitored = new Set(connections.filter((c) => c.source === 'builtin').map((c) => c.id));
  const findConnection = (id: string): Connection => {
    const found = connections.find((c) => c.id === id);
    if (!found) throw new FakeRefusal(404, 'NOT_FOUND', `There is no connection "${id}".`);
    return found;
  };
  const detailOf = (c: Connection) => ({
    ...c,
    username: null,
    has_password: false,
    sslmode: 'prefer',
    sslrootcert: null,
    sslcert: null,
    sslkey: null,
    has_sslpassword: false,
    allow_writes: c.writes_allowed,
    is_monitored: monitored.has(c.id),
    owner: null,
    created_at: now(),
    updated_at: now(),
  });
  const handlers: FakeHandlers = {
    health: () => ({ status: 'ok', version: '9.9.9' }),
    sessionState: (call) =>
      state.loggedIn
        ? { signed_in: true, auth_enabled: true, me: handlers.me!(call) }
        : { signed_in: false, auth_enabled: true, me: null },
    me: (): MeResponse => {
      requireLogin();
      return {
        user: {
          id: 'u1',
          username: 'admin',
          display_name: null,
          email: null,
          enabled: true,
          superuser: options.admin === undefined,
          service_account: false,
          created_at: now(),
          last_login_at: null,
          locked_until: null,
        },
        credential: { kind: 'session', id: 's1', expires_at: null },
        groups: [],
        access: {
          superuser: options.admin === undefined,
          tools: [],
          resources: [],
          prompts: [],
          connections: [],
          admin: options.admin ?? [],
        },
        auth_enabled: options.authEnabled !== false,
      };
    },
    loginOptions: () => options.loginOptions ?? { password_login: 'everyone', sso: null },
    login: ({ body }) => {
      const { username, password } = body as { username: string; password: string };
      if (username !== 'admin' || password !== (options.password ?? 'secret')) {
        throw new FakeRefusal(401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
      }
      state.loggedIn = true;
      return {
        token: 'fake-session',
        expires_at: now(),
        user: (handlers.me!({} as FakeCall) as MeResponse).user,
      };
    },
    logout: () => {
      state.loggedIn = false;
    },
    listConnections: () => {
      requireLogin();
      return { connections: connections.map((c) => ({ ...c, current: c.name === state.current })) };
    },
    createConnection: ({ body }) => {
      requireLogin();
      const input = body as {
        name: string;
        host: string;
        port?: number;
        database: string;
        credentials?: string;
      };
      if (input.port !== undefined && (input.port < 1 || input.port > 65535))
        throw new FakeRefusal(400, 'BAD_REQUEST', 'Invalid request: port: out of range (1-65535).');
      if (connections.some((c) => c.name.toLowerCase() === input.name.toLowerCase()))
        throw new FakeRefusal(
          400,
          'ALREADY_EXISTS',
          `name: a connection named "${input.name}" already exists.`,
        );
      const created: Connection = {
        id: `c_${++ids}`,
        name: input.name,
        source: 'store',
        credentials: input.credentials === 'per_user' ? 'per_user' : 'shared',
        description: null,
        host: input.host,
        port: input.port ?? 5432,
        database: input.database,
        access: 'read_write',
        writes_allowed: false,
        current: false,
      };
      connections.push(created);
      if ((body as { is_monitored?: boolean }).is_monitored) monitored.add(created.id);
      return detailOf(created);
    },
    getConnection: ({ params }) => {
      requireLogin();
      return detailOf(findConnection(params.id!));
    },
    updateConnection: ({ params, body }) => {
      requireLogin();
      const connection = findConnection(params.id!);
      const patch = body as { is_monitored?: boolean };
      if (patch.is_monitored === true) monitored.add(connection.id);
      if (patch.is_monitored === false) monitored.delete(connection.id);
      return detailOf(connection);
    },
    deleteConnection: ({ params }) => {
      requireLogin();
      const index = connections.findIndex((c) => c.id === params.id);
      if (index < 0) throw new FakeRefusal(404, 'NOT_FOUND', `There is no connection "${params.id}".`);
      connections.splice(index, 1);
    },
    testConnectionDefinition: ({ body }) => {
      requireLogin();
      const input = body as { password?: string; username?: string };
      return input.password === 'wrong'
        ? {
            ok: false,
            latency_ms: 4,
            error: {
              code: 'AUTHENTICATION_FAILED',
              reason: 'auth',
              message: `PostgreSQL refused the login of user "${input.username ?? ''}".`,
            },
          }
        : { ok: true, latency_ms: 3, server_version: '18.1' };
    },
    setCurrentConnection: ({ body }) => {
      requireLogin();
      state.current = (body as { connection: string }).connection;
      return body;
    },
    llmProviders: (): LlmProvidersResponse => {
      requireLogin();
      if (options.llmConfigured === false)
        return { providers: [], default_provider: null, not_configured: FAKE_NOT_CONFIGURED };
      return {
        providers: [
          { name: 'anthropic', default_model: 'claude-test' },
          { name: 'openai', default_model: 'gpt-test' },
        ],
        default_provider: 'anthropic',
      };
    },
    llmModels: ({ query }): LlmModelsResponse => ({
      models:
        query.provider === 'openai'
          ? [{ id: 'gpt-test', context_window: 128_000 }, { id: 'gpt-mini' }]
          : [{ id: 'claude-test', context_window: 200_000 }, { id: 'claude-small' }],
    }),
    listConversations: () => {
      requireLogin();
      const sorted = [...state.conversations].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return { conversations: sorted.map(summary), next_cursor: null };
    },
    getConversation: ({ params }) => {
      requireLogin();
      return structuredClone(find(params.id!));
    },
    createConversation: ({ body }) => {
      requireLogin();
      const input = body as ConversationInput;
      const first = input.messages.find((m) => m.role === 'user');
      const conversation: Conversation = {
        id: `c${++ids}`,
        title: input.title ?? (typeof first?.content === 'string' ? first.content.slice(0, 40) : 'New chat'),
        provider: null,
        model: null,
        connection: null,
        messages: [],
        created_at: now(),
        updated_at: now(),
      };
      state.conversations.push(conversation);
      return store(conversation, input);
    },
    replaceConversation: ({ params, body }) => {
      requireLogin();
      return store(find(params.id!), body as ConversationInput);
    },
    renameConversation: ({ params, body }) => {
      requireLogin();
      const c = find(params.id!);
      c.title = (body as { title: string }).title;
      return structuredClone(c);
    },
    deleteConversation: ({ params }) => {
      requireLogin();
      find(params.id!);
      state.conversations = state.conversations.filter((c) => c.id !== params.id);
    },
    deleteAllConversations: () => {
      requireLogin();
      const deleted = state.conversations.length;
      state.conversations = [];
      return { deleted };
    },
    compact: ({ body }) => {
      state.compactCalls++;
      if (state.failCompaction) throw new FakeRefusal(500, 'INTERNAL', 'Internal server error.');
      const { messages } = body as { messages: unknown[] };
      // The server keeps the first message and the last two: enough to tell it ran.
      const kept = [messages[0], ...messages.slice(-2)];
      const response: CompactResponse = {
        messages: kept as CompactResponse['messages'],
        summary: null,
        token_estimate: 0,
        token_counter_type: 'generic',
        fits_budget: true,
        cache_hit: false,
        compaction_info: {
          original_count: messages.length,
          compacted_count: kept.length,
          dropped_count: messages.length - kept.length,
          anchor_count: 0,
          original_tokens: 0,
          tokens_saved: 0,
          compression_ratio: 1,
          tier_counts: { anchor: 0, important: 0, contextual: 0, routine: 0, transient: 0 },
        },
        warnings: [],
      };
      return response;
    },
  };
  Object.assign(handlers, fakeAccountHandlers({ requireLogin, connections }));
  const fetch = fakeServerFetch({ ...handlers, ...options.handlers });
  return Object.assign(state, createApiClient({ fetch }), { fetch });
}

/** The fake API as the app builds it: 401s call `onUnauthorized`, except while probing the session. */
export function withUnauthorizedHook(api: { fetch: typeof fetch }, onUnauthorized: () => void): ApiClient {
  return createWebApi({ fetch: api.fetch, onUnauthorized });
}
