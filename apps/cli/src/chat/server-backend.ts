import { connectMcpClient, createMcpToolbox, createProxyLlm, isAgentError } from '@pgmcp/agent';
import { ApiError, isApiError } from '@pgmcp/api-contract';
import { type ChatBackend, type ConversationStore, type Prompter, toDatabaseInfo } from './backend.js';
import { ChatError, isChatError, messageOf } from './chat-error.js';
import type { CredentialStore } from './chat-files.js';
import { createChatApi } from './chat-api.js';

/** Options of {@link connectServer}. */
export interface ServerBackendOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** A token given with --token or PGMCP_TOKEN; it is used as is and never stored. */
  token?: { value: string; source: string };
  /** The username to log in with (else the one stored for this server, else asked). */
  username?: string;
  credentials: CredentialStore;
  /** Asks for username and password; undefined when there is no terminal. */
  prompter?: Prompter;
  /** Tells the user something (logged in, session ended). */
  notify(text: string): void;
  clientVersion: string;
  fetch?: typeof fetch;
}

/** The server URL as given, with `http://` added when no scheme is, and no trailing slash. */
export function normalizeServerUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ChatError(
      'USAGE',
      `--server: "${raw}" is not a URL; give the server like http://127.0.0.1:8080.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChatError(
      'USAGE',
      `--server: "${raw}" is not an http(s) URL; give the server like http://127.0.0.1:8080.`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

const MAX_LOGIN_ATTEMPTS = 3;

/**
 * Connects to a pgmcp server: checks the token (or logs in and stores the session token), then the MCP
 * endpoint. The model is reached through the server's LLM proxy.
 */
export async function connectServer(options: ServerBackendOptions): Promise<ChatBackend> {
  const url = normalizeServerUrl(options.url);
  const { credentials, prompter } = options;
  const explicit = options.token;
  let token: string | undefined = explicit?.value ?? credentials.find(url)?.token;
  let username: string | undefined = options.username ?? credentials.findUsername(url);
  const api = createChatApi({
    baseUrl: url,
    getToken: () => token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const login = async (why: string): Promise<void> => {
    if (!prompter) {
      throw new ChatError(
        'NOT_LOGGED_IN',
        `${why} Run \`pgmcp chat --server ${url}\` on a terminal once to log in (the session is kept for next time), or pass an API token with --token or PGMCP_TOKEN (pgmcp token create makes one).`,
      );
    }
    options.notify(why);
    let name = username;
    for (let attempt = 1; ; attempt++) {
      if (!name) name = (await prompter.ask('Username: ')).trim();
      const password = await prompter.ask(`Password for ${name}: `, { mask: true });
      try {
        const session = await api.login({ body: { username: name, password } });
        token = session.token;
        username = session.user.username;
        credentials.save(url, { token: session.token, expires_at: session.expires_at, username });
        options.notify(`Logged in to ${url} as ${username}.`);
        return;
      } catch (error) {
        const status = isChatError(error) && isApiError(error.cause) ? error.cause.status : 0;
        const retry = (status === 401 || status === 400) && attempt < MAX_LOGIN_ATTEMPTS;
        if (!retry) throw error;
        options.notify(messageOf(error));
        if (!options.username) name = undefined;
      }
    }
  };

  try {
    const me = await api.me();
    username = me.user.username;
  } catch (error) {
    if (!isChatError(error, 'UNAUTHORIZED')) throw error;
    if (explicit) {
      throw new ChatError(
        'UNAUTHORIZED',
        `${url} refused the token from ${explicit.source} (it has expired, was revoked or is mistyped). Create a new API token with \`pgmcp token create --user NAME\`, or leave out ${explicit.source} to log in with a password.`,
      );
    }
    const hadSession = token !== undefined;
    if (hadSession) credentials.remove(url);
    token = undefined;
    await login(hadSession ? `Your session on ${url} has ended; log in again.` : `Log in to ${url}.`);
  }

  const getToken = () => token;
  let mcp;
  try {
    mcp = await connectMcpClient({
      url: `${url}/mcp/v1`,
      getToken,
      clientInfo: { name: 'pgmcp-cli', version: options.clientVersion },
    });
  } catch (error) {
    throw new ChatError(
      isAgentError(error, 'UNAUTHORIZED') ? 'UNAUTHORIZED' : 'MCP_FAILED',
      `${messageOf(error)} Check --server: the MCP endpoint is ${url}/mcp/v1.`,
      { cause: error },
    );
  }

  const conversations: ConversationStore = {
    list: async (limit) => (await api.listConversations({ query: { limit } })).conversations,
    get: async (id) => {
      try {
        return await api.getConversation({ params: { id } });
      } catch (error) {
        if (isChatError(error, 'NOT_FOUND'))
          throw new ChatError(
            'NOT_FOUND',
            `There is no conversation "${id}". /list conversations shows yours.`,
          );
        throw error;
      }
    },
    create: (input) => api.createConversation({ body: input }),
    replace: (id, input) => api.replaceConversation({ params: { id }, body: input }),
    rename: (id, title) => api.renameConversation({ params: { id }, body: { title } }),
  };

  return {
    mode: 'server',
    get label() {
      return `${url}${username && username !== 'local' ? ` as ${username}` : ''}`;
    },
    settingsKey: url,
    llm: createProxyLlm({ baseUrl: url, getToken }),
    mcp,
    toolbox: createMcpToolbox(mcp),
    conversations,
    async providers() {
      const list = await api.llmProviders();
      // The server answers "none configured" as a state; here it stays the refusal it was.
      if (list.not_configured !== undefined || list.default_provider === null) {
        throw new ApiError(
          'LLM_NOT_CONFIGURED',
          list.not_configured ?? 'No LLM provider is configured.',
          503,
        );
      }
      return {
        providers: list.providers.map((p) => ({ name: p.name, defaultModel: p.default_model })),
        defaultProvider: list.default_provider,
      };
    },
    models: async (provider) => (await api.llmModels({ query: { provider } })).models,
    async databases() {
      return (await api.listConnections()).connections.map(toDatabaseInfo);
    },
    selectDatabase: async (name, database) => {
      await api.setCurrentConnection({ body: { connection: name, ...(database ? { database } : {}) } });
    },
    compact: (request, signal) => api.compact({ body: request }, signal ? { signal } : {}),
    async relogin() {
      if (explicit || !prompter) return false;
      credentials.remove(url);
      token = undefined;
      await login(`Your session on ${url} has ended (expired or logged out); log in again to go on.`);
      return true;
    },
    async close() {
      await mcp.close().catch(() => undefined);
    },
  };
}

/** Ends the stored session for `url` on the server (best effort) and forgets it. */
export async function logoutServer(rawUrl: string, credentials: CredentialStore): Promise<boolean> {
  const url = normalizeServerUrl(rawUrl);
  const stored = credentials.find(url);
  if (stored) {
    await createChatApi({ baseUrl: url, getToken: () => stored.token, timeoutMs: 5000 })
      .logout()
      .catch(() => undefined);
  }
  return credentials.remove(url);
}
