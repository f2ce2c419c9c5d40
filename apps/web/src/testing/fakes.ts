import type { AgentTool, AgentToolAnnotations } from '@pgmcp/agent';
import type {
  Connection,
  Conversation,
  ConversationInput,
  ConversationSummary,
  LlmModel,
  LlmProvidersResponse,
  MeResponse,
} from '@pgmcp/api-contract';
import type { ApiClient, HealthInfo } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
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
}

/** The server's message when no LLM provider is configured (as the server words it). */
export const FAKE_NOT_CONFIGURED =
  'No LLM provider is configured on this pgmcp server. An administrator must set ANTHROPIC_API_KEY.';

/** An in-memory {@link ApiClient} with a session, conversations and connections. */
export function createFakeApi(options: FakeApiOptions = {}): ApiClient & {
  loggedIn: boolean;
  conversations: Conversation[];
  current: string;
  compactCalls: number;
  failCompaction: boolean;
} {
  let ids = 0;
  const now = () => new Date(Date.now() + ids).toISOString();
  const connections: Connection[] = options.connections ?? [
    {
      name: 'demo',
      description: 'Demo data',
      host: '127.0.0.1',
      port: 5432,
      database: 'pgmcp_demo',
      access: 'read',
      writes_allowed: false,
      current: true,
    },
  ];
  const state = {
    loggedIn: options.authEnabled === false,
    conversations: [] as Conversation[],
    current: connections[0]?.name ?? '',
    compactCalls: 0,
    failCompaction: false,
  };
  const requireLogin = () => {
    if (!state.loggedIn) throw new ApiError('UNAUTHORIZED', 'Log in first.', 401);
  };
  const find = (id: string) => {
    const found = state.conversations.find((c) => c.id === id);
    if (!found) throw new ApiError('NOT_FOUND', `No conversation ${id}`, 404);
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
  const api: ApiClient = {
    health: async (): Promise<HealthInfo> => ({ status: 'ok', version: '9.9.9' }),
    me: async (): Promise<MeResponse> => {
      requireLogin();
      return {
        user: {
          id: 'u1',
          username: 'admin',
          display_name: null,
          email: null,
          enabled: true,
          superuser: true,
          service_account: false,
          created_at: now(),
          last_login_at: null,
          locked_until: null,
        },
        credential: { kind: 'session', id: 's1', expires_at: null },
        groups: [],
        access: { superuser: true, tools: [], resources: [], prompts: [], connections: [], admin: [] },
        auth_enabled: options.authEnabled !== false,
      };
    },
    login: async (username, password) => {
      if (username !== 'admin' || password !== (options.password ?? 'secret')) {
        throw new ApiError('INVALID_CREDENTIALS', 'Wrong username or password.', 401);
      }
      state.loggedIn = true;
    },
    logout: async () => {
      state.loggedIn = false;
    },
    connections: async () => {
      requireLogin();
      return connections.map((c) => ({ ...c, current: c.name === state.current }));
    },
    setCurrentConnection: async (name) => {
      requireLogin();
      state.current = name;
    },
    providers: async (): Promise<LlmProvidersResponse> => {
      requireLogin();
      if (options.llmConfigured === false) throw new ApiError('LLM_NOT_CONFIGURED', FAKE_NOT_CONFIGURED, 503);
      return {
        providers: [
          { name: 'anthropic', default_model: 'claude-test' },
          { name: 'openai', default_model: 'gpt-test' },
        ],
        default_provider: 'anthropic',
      };
    },
    models: async (provider): Promise<LlmModel[]> =>
      provider === 'openai'
        ? [{ id: 'gpt-test', context_window: 128_000 }, { id: 'gpt-mini' }]
        : [{ id: 'claude-test', context_window: 200_000 }, { id: 'claude-small' }],
    listConversations: async () => {
      requireLogin();
      const sorted = [...state.conversations].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return { conversations: sorted.map(summary), next_cursor: null };
    },
    getConversation: async (id) => {
      requireLogin();
      return structuredClone(find(id));
    },
    createConversation: async (input) => {
      requireLogin();
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
    saveConversation: async (id, input) => {
      requireLogin();
      return store(find(id), input);
    },
    renameConversation: async (id, title) => {
      requireLogin();
      const c = find(id);
      c.title = title;
      return structuredClone(c);
    },
    deleteConversation: async (id) => {
      requireLogin();
      find(id);
      state.conversations = state.conversations.filter((c) => c.id !== id);
    },
    deleteAllConversations: async () => {
      requireLogin();
      const n = state.conversations.length;
      state.conversations = [];
      return n;
    },
    compact: async (messages) => {
      state.compactCalls++;
      if (state.failCompaction) throw new ApiError('INTERNAL', 'Internal server error.', 500);
      // The server keeps the first message and the last two: enough to tell it ran.
      return [messages[0]!, ...messages.slice(-2)];
    },
  };
  return Object.assign(state, api);
}

/** Wraps a fake API so that 401s call `onUnauthorized`, as the real client does (except me/login/logout). */
export function withUnauthorizedHook(api: ApiClient, onUnauthorized: () => void): ApiClient {
  const quiet = new Set(['me', 'login', 'logout']);
  return Object.fromEntries(
    Object.entries(api).map(([name, value]) => [
      name,
      typeof value === 'function' && !quiet.has(name)
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              if (error instanceof ApiError && error.status === 401) onUnauthorized();
              throw error;
            }
          }
        : value,
    ]),
  ) as unknown as ApiClient;
}
