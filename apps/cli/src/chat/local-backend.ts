import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { type AgentLlm, createDirectLlm, createMcpToolbox } from '@pgmcp/agent';
import type { StreamEvent } from '@pgmcp/api-contract';
import { createCompactor } from '@pgmcp/compactor';
import { ConfigError, loadConfig, type PgmcpConfig } from '@pgmcp/config';
import { type ConfiguredProvider, createLlmProviders, type LlmProviders } from '@pgmcp/config/llm';
import { type ChatBackend, toDatabaseInfo, type WireConnection } from './backend.js';
import { ChatError, messageOf } from './chat-error.js';
import { createLocalConversationStore } from './local-conversations.js';

/** What to set when local mode finds no provider. */
const NO_PROVIDER_MESSAGE =
  'No LLM provider is configured for local mode (--stdio). Set ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY_FILE), ' +
  'OPENAI_API_KEY (or OPENAI_API_KEY_FILE; PGMCP_OPENAI_BASE_URL for an OpenAI-compatible server) or OLLAMA_HOST ' +
  '(e.g. 127.0.0.1:11434), or an "llm.providers" section in pgmcp.yaml. PGMCP_LLM_PROVIDER and PGMCP_LLM_MODEL ' +
  'choose the default provider and model. Or leave out --stdio to use a pgmcp server, which holds the keys.';

/** The providers the `llm` settings configure, built exactly as the server builds them. */
function createLocalProviders(settings: PgmcpConfig['llm']): {
  providers: readonly ConfiguredProvider[];
  defaultProvider: ConfiguredProvider;
} {
  let built: LlmProviders;
  try {
    // Retries and readiness are the server's log lines; a chat has nothing to log them to.
    built = createLlmProviders(settings, { info: () => undefined, warn: () => undefined });
  } catch (error) {
    if (error instanceof ConfigError) throw new ChatError('USAGE', error.message);
    throw error;
  }
  if (!built.defaultProvider) throw new ChatError('NO_PROVIDER', NO_PROVIDER_MESSAGE);
  return { providers: built.providers, defaultProvider: built.defaultProvider };
}

/** Options of {@link startLocal}. */
export interface LocalBackendOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  /** --config: pgmcp.yaml for the MCP server and the LLM settings. */
  configFile?: string;
  /** --database-url (passed to the server in its environment, never on its command line). */
  databaseUrl?: string;
  /** The `pgmcp` script to run as `pgmcp serve --stdio`. */
  binPath: string;
  /** Where local conversations are kept. */
  dataDir: string;
  clientVersion: string;
}

/**
 * Local mode: spawns `pgmcp serve --stdio` (this same CLI) as the MCP server and calls the provider
 * directly with keys from the environment or pgmcp.yaml; conversations are JSON files.
 */
export async function startLocal(options: LocalBackendOptions): Promise<ChatBackend> {
  let config: PgmcpConfig;
  try {
    config = loadConfig(
      {
        ...(options.configFile ? { config: options.configFile } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      },
      options.env,
      options.cwd,
    ).config;
  } catch (error) {
    if (error instanceof ConfigError) throw new ChatError('USAGE', error.message);
    throw error;
  }
  const { providers, defaultProvider } = createLocalProviders(config.llm);

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  if (options.databaseUrl) env.PGMCP_DATABASE_URL = options.databaseUrl;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      options.binPath,
      'serve',
      '--stdio',
      '--log-level',
      'error',
      ...(options.configFile ? ['--config', path.resolve(options.cwd, options.configFile)] : []),
    ],
    env,
    cwd: options.cwd,
    stderr: 'pipe',
  });
  let serverErrors = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    serverErrors = (serverErrors + chunk.toString()).slice(-4000);
  });
  const mcp = new Client({ name: 'pgmcp-cli', version: options.clientVersion });
  try {
    await mcp.connect(transport);
  } catch (error) {
    await mcp.close().catch(() => undefined);
    const detail = serverErrors
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')
      .replace(/^pgmcp: /, '');
    throw new ChatError(
      'MCP_FAILED',
      `The local MCP server (pgmcp serve --stdio) did not start: ${detail || messageOf(error)}`,
      { cause: error },
    );
  }

  const byName = new Map(providers.map((p) => [p.name as string, p]));
  const llm: AgentLlm = {
    stream(request, signal) {
      const provider = byName.get(request.provider ?? defaultProvider.name);
      if (!provider) {
        return (async function* (): AsyncGenerator<StreamEvent> {
          yield {
            type: 'error',
            code: 'BAD_REQUEST',
            message: `The provider "${request.provider}" is not configured here; /list providers shows the configured ones.`,
          };
        })();
      }
      return createDirectLlm(provider.client, { model: provider.defaultModel }).stream(request, signal);
    },
  };

  const callTool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.callTool({ name, arguments: args });
    const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
    if (result.isError) throw new ChatError('SERVER_ERROR', text);
    return result.structuredContent as Record<string, unknown> | undefined;
  };
  const compactor = createCompactor();

  return {
    mode: 'local',
    label: `local (pgmcp serve --stdio, ${defaultProvider.name} direct)`,
    settingsKey: 'local',
    llm,
    mcp,
    toolbox: createMcpToolbox(mcp),
    conversations: createLocalConversationStore(path.join(options.dataDir, 'conversations')),
    async providers() {
      return {
        providers: providers.map((p) => ({ name: p.name, defaultModel: p.defaultModel })),
        defaultProvider: defaultProvider.name,
      };
    },
    async models(name) {
      const provider = byName.get(name);
      if (!provider) throw new ChatError('USAGE', `The provider "${name}" is not configured here.`);
      return provider.client.listModels();
    },
    async databases() {
      const structured = await callTool('list_database_connections', {});
      return ((structured?.connections ?? []) as WireConnection[]).map(toDatabaseInfo);
    },
    async selectDatabase(name, database) {
      await callTool('select_database_connection', {
        connection_id: name,
        ...(database ? { database_name: database } : {}),
      });
    },
    compact: (request) => compactor.compact(request),
    relogin: async () => false,
    async close() {
      compactor.close();
      await mcp.close().catch(() => undefined);
    },
  };
}
