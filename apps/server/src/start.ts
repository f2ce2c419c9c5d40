import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import {
  createMcpHttpHandler,
  createMcpRegistry,
  type McpRegistry,
  type ResolvedContext,
  serveMcpStdio,
} from '@pgmcp/mcp-core';
import {
  createMemoryConnectionStore,
  loadGuard,
  PG_TOOLS_INSTRUCTIONS,
  type PgToolsState,
  registerPgTools,
} from '@pgmcp/pg-tools';
import { type ConnectionConfig, createPoolManager, type PoolManager } from '@pgmcp/pool-manager';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { clientSetupText } from './banner.js';
import { ConfigError, type ConfigFlags, type LoadedConfig, loadConfig, toPoolConnection } from './config.js';
import { type EmbeddedDemo, startEmbeddedDemo } from './embedded-demo.js';
import { createLogger, type Logger } from './logger.js';

/** pgmcp's version, from this package's package.json (src/ and dist/ sit one level below it). */
export const PGMCP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

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
  logger: Logger;
  close(): Promise<void>;
}

interface Runtime {
  loaded: LoadedConfig;
  logger: Logger;
  pools: PoolManager;
  registry: McpRegistry<PgToolsState>;
  embedded?: EmbeddedDemo;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The single-user caller of a server without accounts. */
const LOCAL_CONTEXT: ResolvedContext<PgToolsState> = {
  principal: { id: 'local', name: 'local', kind: 'local' },
  sessionKey: 'local',
  state: {},
};

async function prepareRuntime(options: StartOptions, stdio: boolean): Promise<Runtime> {
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
    pools = createPoolManager({
      connections,
      onWarning: (message) => logger.warn(message),
    });
  } catch (error) {
    await embedded?.postgres.stop();
    throw new ConfigError((error as Error).message);
  }
  const registry = createMcpRegistry<PgToolsState>({
    identity: { name: 'pgmcp', version: PGMCP_VERSION, title: 'pgmcp — PostgreSQL for AI assistants' },
    instructions: PG_TOOLS_INSTRUCTIONS,
    onError: (error, where) => logger.error({ err: error, ...where }, 'MCP handler failed'),
  });
  registerPgTools(registry, {
    pools,
    sessions: createMemoryConnectionStore(),
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
  const runtime = await prepareRuntime(options, false);
  const { config } = runtime.loaded;
  const host = config.http.host;
  try {
    if (!LOOPBACK.has(host)) {
      throw new ConfigError(
        `pgmcp has no accounts yet, so it only binds to loopback (127.0.0.1, ::1 or localhost); "${host}" would expose every database to the network. Bind to 127.0.0.1 and put an authenticating proxy in front if others need access.`,
      );
    }
    const mcp = createMcpHttpHandler(runtime.registry, {
      resolveContext: async () => LOCAL_CONTEXT,
      maxBodyBytes: config.http.max_body_bytes,
      onError: (error) => runtime.logger.debug({ err: error }, 'MCP transport'),
    });
    const app = createApp({
      version: PGMCP_VERSION,
      logger: runtime.logger,
      mcp,
      pools: runtime.pools,
      http: { host, allowedOrigins: config.http.allowed_origins, maxBodyBytes: config.http.max_body_bytes },
    });
    const server = await listen(app, host, config.http.port, {
      request: config.http.request_timeout_ms,
      headers: config.http.headers_timeout_ms,
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const mcpUrl = `${url}/mcp/v1`;
    runtime.logger.info({ address: url }, `pgmcp ${PGMCP_VERSION} listening`);
    if (options.banner ?? true) {
      process.stdout.write(
        clientSetupText({
          version: PGMCP_VERSION,
          mcpUrl,
          connections: runtime.pools.listConnections(),
          ...(runtime.embedded
            ? { embedded: { dataDir: runtime.loaded.dataDir, version: runtime.embedded.postgres.version } }
            : {}),
        }),
      );
    }
    let closing: Promise<void> | undefined;
    return {
      url,
      mcpUrl,
      app,
      pools: runtime.pools,
      logger: runtime.logger,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Idle keep-alive sockets would hold close() open.
            (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          });
          await mcp.close();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await runtime.close();
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
