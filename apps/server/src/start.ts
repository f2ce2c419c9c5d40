import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import {
  createMcpHttpHandler,
  createMcpRegistry,
  type McpRegistry,
  type ResolvedContext,
  serveMcpStdio,
} from '@pgmcp/mcp-core';
import { type Access, type AuthStore, fullAccess } from '@pgmcp/auth-store';
import type { ConversationStore } from '@pgmcp/conversation-store';
import { type Compactor, createCompactor } from '@pgmcp/compactor';
import {
  createMemoryConnectionStore,
  type CurrentConnectionStore,
  loadGuard,
  PG_TOOLS_INSTRUCTIONS,
  registerPgTools,
} from '@pgmcp/pg-tools';
import { type ConnectionConfig, createPoolManager, type PoolManager } from '@pgmcp/pool-manager';
import type { Hono } from 'hono';
import { type Accounts, openAccounts } from './accounts.js';
import { createApp } from './app.js';
import { createCallerResolver, UNAUTHORIZED_MESSAGE } from './auth/caller.js';
import { clientSetupText } from './banner.js';
import { ConfigError, type ConfigFlags, type LoadedConfig, loadConfig, toPoolConnection } from './config.js';
import type { ServerMcpState } from './deps.js';
import { type EmbeddedDemo, startEmbeddedDemo } from './embedded-demo.js';
import { createLlmProviders } from './llm-providers.js';
import { createLogger, type Logger } from './logger.js';
import { PGMCP_VERSION } from './version.js';

/** Options of {@link startServer} and {@link startStdioServer}. */
export interface StartOptions {
  flags?: ConfigFlags;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Print the ready banner with client setup on stdout (default true for HTTP). */
  banner?: boolean;
  logger?: Logger;
}

/** A running HTTP server. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  mcpUrl: string;
  app: Hono;
  pools: PoolManager;
  /** The account store, for administration in-process (tests, embedding). */
  auth: AuthStore;
  /** The stored conversations. */
  conversations: ConversationStore;
  logger: Logger;
  close(): Promise<void>;
}

interface Runtime {
  loaded: LoadedConfig;
  logger: Logger;
  pools: PoolManager;
  registry: McpRegistry<ServerMcpState>;
  embedded?: EmbeddedDemo;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The single user of stdio, or of HTTP with auth switched off. */
const LOCAL_CONTEXT: ResolvedContext<ServerMcpState> = {
  principal: { id: 'local', name: 'local', kind: 'local' },
  sessionKey: 'local',
  state: { access: fullAccess() },
};

/** MCP state for a caller: authorisation and connection rights both come from their access. */
function mcpState(access: Access): ServerMcpState {
  return { access, connectionAccess: (name) => access.connectionAccess(name) };
}

/** Config, logger, connections (or the embedded demo), pools and the MCP registry with pgmcp's tools. */
async function prepareRuntime(
  options: StartOptions,
  stdio: boolean,
  sessions: (pools: PoolManager) => CurrentConnectionStore = () => createMemoryConnectionStore(),
): Promise<Runtime & { sessions: CurrentConnectionStore }> {
  const loaded = loadConfig(options.flags, options.env, options.cwd);
  const { config } = loaded;
  // The SQL parser (WASM) loads once here rather than on the first call.
  const guardReady = loadGuard();
  // In stdio mode stdout carries the protocol, so everything else goes to stderr (the logger does).
  const logger = options.logger ?? createLogger(config.log_level);

  const connections: ConnectionConfig[] = config.connections.map(toPoolConnection);
  if (config.database_url) {
    connections.unshift({
      name: 'default',
      url: config.database_url,
      description: 'Set by PGMCP_DATABASE_URL',
    });
  }
  let embedded: EmbeddedDemo | undefined;
  if (connections.length === 0) {
    embedded = await startEmbeddedDemo({
      dataDir: loaded.dataDir,
      ...(config.embedded.bin_dir ? { binDir: config.embedded.bin_dir } : {}),
      logger,
    });
    connections.push(embedded.connection);
  }

  let pools: PoolManager;
  try {
    pools = createPoolManager({ connections, onWarning: (message) => logger.warn(message) });
  } catch (error) {
    await embedded?.postgres.stop();
    throw new ConfigError((error as Error).message);
  }
  const registry = createMcpRegistry<ServerMcpState>({
    identity: { name: 'pgmcp', version: PGMCP_VERSION, title: 'pgmcp — PostgreSQL for AI assistants' },
    instructions: PG_TOOLS_INSTRUCTIONS,
    authorize: (item, context) => context.state.access.canUseItem(item.kind, item.name),
    onError: (error, where) => logger.error({ err: error, ...where }, 'MCP handler failed'),
  });
  const store = sessions(pools);
  registerPgTools(registry, {
    pools,
    sessions: store,
    ...(config.default_connection ? { defaultConnection: config.default_connection } : {}),
    limits: {
      defaultLimit: config.limits.default_rows,
      maxLimit: config.limits.max_rows,
      maxBytes: config.limits.max_output_bytes,
    },
    onSecurityEvent: (event) => logger.warn({ security: event }, 'statement refused by the SQL guard'),
  });

  await guardReady;
  // A database that is down at start is a warning, not a crash: calls retry it.
  for (const check of await Promise.all(pools.listConnections().map((c) => pools.check(c.name)))) {
    if (check.ok)
      logger.info(`Connection "${check.connection}" is reachable (PostgreSQL ${check.serverVersion})`);
    else logger.warn(`Connection "${check.connection}" is not reachable yet: ${check.error?.message ?? ''}`);
  }
  if (stdio) logger.info('pgmcp is serving MCP on stdio');

  return {
    loaded,
    logger,
    pools,
    registry,
    sessions: store,
    ...(embedded ? { embedded } : {}),
    async close() {
      await pools.close();
      await embedded?.postgres.stop();
    },
  };
}

function listen(
  app: Hono,
  host: string,
  port: number,
  timeouts: { request: number; headers: number },
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      hostname: host,
      port,
      serverOptions: {
        requestTimeout: timeouts.request,
        headersTimeout: timeouts.headers,
        keepAliveTimeout: 5_000,
        // Node only checks the two timeouts above this often (30 s by default).
        connectionsCheckingInterval: Math.min(1_000, timeouts.headers),
      },
    });
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(
              `Port ${port} on ${host} is already in use. Stop the other program or choose another port (--port or PGMCP_PORT).`,
            )
          : error,
      );
    });
  });
}

/**
 * Starts pgmcp over HTTP: `/mcp/v1` and `/health` on the configured address, backed by the
 * configured connections or, when none is configured, by the embedded demo database.
 *
 * @example
 *   const server = await startServer({ flags: { port: 8080 } });
 *   console.log(server.mcpUrl);
 *   await server.close();
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  // The current connection of each credential lives in the account store once it is open.
  let accounts: Accounts | undefined;
  const runtime = await prepareRuntime(options, false, () => ({
    get: (key) => (accounts && key !== 'local' ? accounts.currentConnections.get(key) : memory.get(key)),
    set: (key, value) =>
      accounts && key !== 'local' ? accounts.currentConnections.set(key, value) : memory.set(key, value),
  }));
  const memory = createMemoryConnectionStore();
  const { config } = runtime.loaded;
  const host = config.http.host;
  const authEnabled = config.auth.enabled;
  let compactor: Compactor | undefined;
  try {
    if (!authEnabled && !LOOPBACK.has(host)) {
      throw new ConfigError(
        `Authentication is off (PGMCP_AUTH=off), so pgmcp only binds to loopback (127.0.0.1, ::1 or localhost); "${host}" would expose every database without a login. Switch auth on or bind to 127.0.0.1.`,
      );
    }
    const llm = createLlmProviders(config.llm, runtime.logger);
    // One compactor for the server's life, so its cache hits across requests; the default provider writes LLM summaries.
    compactor = createCompactor({
      cache: {
        ttlMs: config.compaction.cache_ttl_seconds * 1000,
        maxEntries: config.compaction.cache_max_entries,
      },
      ...(llm.defaultProvider
        ? {
            llm: {
              client: llm.defaultProvider.client,
              model: config.compaction.summary_model ?? llm.defaultProvider.defaultModel,
              timeoutMs: config.compaction.summary_timeout_ms,
            },
          }
        : {}),
    });
    accounts = await openAccounts({
      loaded: runtime.loaded,
      logger: runtime.logger,
      pools: runtime.pools,
      registry: runtime.registry,
    });
    const auth = accounts.auth;
    if (!authEnabled) {
      runtime.logger.warn(
        'AUTHENTICATION IS OFF (PGMCP_AUTH=off): every local process can use every database through pgmcp without logging in. Use this only on a single-user machine.',
      );
    } else if (!LOOPBACK.has(host)) {
      runtime.logger.warn(
        `Listening on ${host} over plain HTTP: put a TLS-terminating proxy in front before using it over a network.`,
      );
    }
    const resolveCaller = createCallerResolver(authEnabled ? auth : undefined);
    const mcp = createMcpHttpHandler(runtime.registry, {
      resolveContext: async (request) => {
        const caller = await resolveCaller(request);
        if (!caller) {
          return new Response(
            JSON.stringify({ error: { code: 'UNAUTHORIZED', message: UNAUTHORIZED_MESSAGE } }),
            {
              status: 401,
              headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="pgmcp"' },
            },
          );
        }
        if (caller.kind === 'local') return LOCAL_CONTEXT;
        return {
          principal: { id: caller.user.id, name: caller.user.username, kind: caller.kind },
          sessionKey: caller.credentialId,
          state: mcpState(caller.access),
        };
      },
      maxBodyBytes: config.http.max_body_bytes,
      onError: (error) => runtime.logger.debug({ err: error }, 'MCP transport'),
    });
    const app = createApp({
      version: PGMCP_VERSION,
      logger: runtime.logger,
      mcp,
      pools: runtime.pools,
      registry: runtime.registry,
      auth,
      authEnabled,
      resolveCaller,
      currentConnections: runtime.sessions,
      trustedProxies: new Set(config.auth.trusted_proxies),
      checkStore: () => accounts!.checkStore(),
      llm,
      compactor,
      conversations: accounts.conversations,
      http: { host, allowedOrigins: config.http.allowed_origins, maxBodyBytes: config.http.max_body_bytes },
      webDir: runtime.loaded.webDir,
    });
    const server = await listen(app, host, config.http.port, {
      request: config.http.request_timeout_ms,
      headers: config.http.headers_timeout_ms,
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const mcpUrl = `${url}/mcp/v1`;
    runtime.logger.info({ address: url }, `pgmcp ${PGMCP_VERSION} listening`);
    const admin = accounts.admin;
    if (admin?.created) {
      runtime.logger.info(
        `Created the superuser "${admin.user.username}"${admin.generated ? '' : ' with the configured password'}`,
      );
    }
    if (options.banner ?? true) {
      process.stdout.write(
        clientSetupText({
          version: PGMCP_VERSION,
          mcpUrl,
          connections: runtime.pools.listConnections(),
          authEnabled,
          webClient: existsSync(path.join(runtime.loaded.webDir, 'index.html')),
          ...(admin?.created && admin.generated
            ? { generatedAdmin: { username: admin.user.username, password: admin.password } }
            : {}),
          ...(runtime.embedded
            ? { embedded: { dataDir: runtime.loaded.dataDir, version: runtime.embedded.postgres.version } }
            : {}),
        }),
      );
    }
    const opened = accounts;
    const openCompactor = compactor;
    let closing: Promise<void> | undefined;
    return {
      url,
      mcpUrl,
      app,
      pools: runtime.pools,
      auth,
      conversations: opened.conversations,
      logger: runtime.logger,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Idle keep-alive sockets would hold close() open.
            (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          });
          await mcp.close();
          openCompactor.close();
          await runtime.close();
          await opened.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    compactor?.close();
    await runtime.close();
    await accounts?.close();
    throw error;
  }
}

/** Starts pgmcp on this process's stdin/stdout for one local user (desktop clients that spawn servers). */
export async function startStdioServer(options: StartOptions = {}): Promise<{ close(): Promise<void> }> {
  const runtime = await prepareRuntime(options, true);
  const handle = serveMcpStdio(runtime.registry, LOCAL_CONTEXT, {
    onError: (error) => runtime.logger.debug({ err: error }, 'MCP stdio'),
  });
  return {
    async close() {
      await handle.close();
      await runtime.close();
    },
  };
}
