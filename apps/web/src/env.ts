import type { AgentLlm } from '@pgmcp/agent';
import type { ApiClient } from '@pgmcp/api-contract';
import { createWebApi } from './api/web-api.js';
import type { McpSession } from './mcp/mcp-session.js';

/** Everything the app talks to: the REST API, the MCP endpoint and the LLM proxy. Tests pass fakes. */
export interface AppEnv {
  api: ApiClient;
  connectMcp(): Promise<McpSession>;
  llm: AgentLlm;
}

/** Builds the environment; `onUnauthorized` is called whenever the server says the session is gone. */
export type AppEnvFactory = (onUnauthorized: () => void) => AppEnv;

/** What survives a re-login: the message being typed and the conversation on screen. Memory only. */
export interface SessionMemory {
  draft: string;
  conversationId?: string;
}

/**
 * The real environment: same-origin REST and MCP with the httpOnly session cookie, and the LLM proxy
 * (provider keys stay on the server). No token is ever read, stored or put in a URL here. The agent
 * and the MCP client are imported on first use, so the login page does not download them.
 */
export const createBrowserEnv: AppEnvFactory = (onUnauthorized) => {
  let llm: Promise<AgentLlm> | undefined;
  const proxyLlm = () =>
    (llm ??= import('@pgmcp/agent').then((m) =>
      m.createProxyLlm({ baseUrl: '', credentials: 'same-origin' }),
    ));
  return {
    api: createWebApi({ onUnauthorized }),
    connectMcp: async () => (await import('./mcp/mcp-session.js')).connectMcpSession(onUnauthorized),
    llm: {
      async *stream(request, signal) {
        yield* (await proxyLlm()).stream(request, signal);
      },
    },
  };
};
