import { existsSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { fullAccess, type AuthStore } from '@pgmcp/auth-store';
import { type Compactor, createCompactor } from '@pgmcp/compactor';
import {
  compactorOptions,
  ConfigError,
  type ConfigFlags,
  loadConfig,
  PGMCP_VERSION,
  poolConnections,
} from '@pgmcp/config';
import type { ConnectionStore } from '@pgmcp/connection-store';
import { SecretsError } from '@pgmcp/secrets';
import { createEmbeddings, createLlmProviders } from '@pgmcp/config/llm';
import type { ConversationStore } from '@pgmcp/conversation-store';
import { createMcpHttpHandler, type ResolvedContext, serveMcpStdio } from '@pgmcp/mcp-core';
import { createMemoryConnectionStore, loadGuard } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Hono } from 'hono';
import { closePoolsOfEndedCredentials, openAccounts, prepareAccounts } from './accounts.js';
import { createApp } from './app.js';
import { createCallerResolver, unauthorized } from './auth/caller.js';
import { clientSetupText } from './banner.js';
import {
  loginResolver,
  openConnectionStore,
  startConnectionSync,
} from './connections/managed-connections.js';
import { openDatabases } from './databases.js';
import type { MetadataFetch } from './oauth/client-metadata.js';
import { issuerFor, mcpUnauthorized, oauthUrls } from './oauth/oauth-urls.js';
import { createLogger, type Logger } from './logger.js';
import { createServerRegistry } from './mcp-registry.js';
import { clientOf, mcpState, type ServerMcpState } from './mcp-state.js';
import { mcpAuditRecord } from './audit.js';
import { createCallLimits } from './limits.js';
import { type Monitoring, startMonitoring } from './monitoring.js';
import { connectionHostGuard, createAlertRelay, startNotifications } from './notifications.js';
import type { Notifier } from '@pgmcp/notifier';
import { surviveUncaughtErrors } from './process-faults.js';
import { createCustomItemsReloader, loadCustomItems } from './custom-items.js';
import { readTlsPair, type TlsPair, tlsFiles } from './tls.js';

/** Options of {@link startServer} and {@link startStdioServer}. */
export interface StartOptions {
  flags?: ConfigFlags;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Print the ready banner with client setup on stdout (default true for HTTP). */
  banner?: boolean;
  /**
   * Log and survive errors nobody caught instead of exiting (the `pgmcp serve` process sets it;
   * embedders and tests keep their own handlers). /health reports them.
   */
  surviveUncaughtErrors?: boolean;
  logger?: Logger;
  /**
   * How OAuth Client ID Metadata Documents are fetched (default: the global fetch); embedders route
   * it through their egress proxy, tests to a local server.
   */
  oauthFetch?: MetadataFetch;
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
  /** Connections managed at runtime. */
  connectionStore: ConnectionStore;
  /** The data directory (SQLite store, key file, embedded PostgreSQL). */
  dataDir: string;
  /** The metrics datastore and collector; absent when there is no PostgreSQL to keep metrics in. */
  monitoring?: Monitoring;
  /** Notification channels and deliveries of alerts; with monitoring. */
  notifier?: Notifier;
  logger: Logger;
  /**
   * What SIGHUP does: re-reads the TLS pair (when serving TLS) and the custom tools, resources and
   * prompts; a broken configuration keeps the current ones. Resolves whether the custom items swapped.
   */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The single user of stdio, or of HTTP with auth switched off. */
const LOCAL_CONTEXT: ResolvedContext<ServerMcpState> = {
  principal: { id: 'local', name: 'local', kind: 'local' },
  sessionKey: 'local',
  state: { access: fullAccess() },
};

/** What start-up opened, closed in reverse order on shutdown or when a later step fails. */
function createCleanup() {
  const steps: (() => unknown)[] = [];
  let closing: Promise<void> | undefined;
  return {
    add(step: () => unknown) {
      steps.push(step);
    },
    run(): Promise<void> {
      closing ??= (async () => {
        for (const step of steps.reverse()) await step();
      })();
      return closing;
    },
  };
}

function listen(
  app: Hono,
  host: string,
  port: number,
  timeouts: { request: number; headers: number },
  tls: TlsPair | undefined,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      hostname: host,
      port,
      ...(tls ? { createServer: createHttpsServer } : {}),
      serverOptions: {
        ...(tls ? { cert: tls.cert, key: tls.key } : {}),
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
              'CONFLICT',
            )
          : error,
      );
    });
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets would hold close() open.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

/**
 * Starts pgmcp over HTTP: `/mcp/v1`, the REST API and the web client on the configured address,
 * backed by the configured connections or, when none is configured, by the embedded demo
 * database. In order: configuration, stores, databases, the MCP registry, the app, the socket.
 *
 * @example
 *   const server = await startServer({ flags: { port: 8080 } });
 *   console.log(server.mcpUrl);
 *   await server.close();
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const loaded = loadConfig(options.flags, options.env, options.cwd);
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.log_level);
  const { host } = config.http;
  const authEnabled = config.auth.enabled;
  if (!authEnabled && !LOOPBACK.has(host)) {
    throw new ConfigError(
      `Authentication is off (PGMCP_AUTH=off), so pgmcp only binds to loopback (127.0.0.1, ::1 or localhost); "${host}" would expose every database without a login. Switch auth on or bind to 127.0.0.1.`,
      'CONFLICT',
    );
  }
  // A wrong certificate or key stops the start before anything is opened.
  const tlsSource = config.http.tls ? tlsFiles(config.http.tls, options.cwd ?? process.cwd()) : undefined;
  const tlsPair = tlsSource ? readTlsPair(tlsSource) : undefined;
  // The SQL parser (WASM) loads while the stores and databases open, rather than on the first call.
  const guardReady = loadGuard();
  // Bad custom tools stop the start before anything is opened (checking SQL loads the parser).
  const customItems = await loadCustomItems(config);
  const cleanup = createCleanup();
  const faults = options.surviveUncaughtErrors ? surviveUncaughtErrors(logger) : undefined;
  if (faults) cleanup.add(() => faults.stop());
  try {
    const llm = createLlmProviders(config.llm, logger);

    const accounts = await openAccounts(loaded, logger);
    cleanup.add(() => accounts.close());

    let connectionStore: ConnectionStore;
    try {
      connectionStore = await openConnectionStore({
        database: accounts.database,
        keyFile: loaded.secretKeyFile,
        reservedNames: () =>
          poolConnections(config)
            .map((c) => c.name)
            .concat('demo'),
        logger,
      });
    } catch (error) {
      // A missing or wrong key file is a start-up error naming the file, never dropped connections.
      if (error instanceof SecretsError) throw new ConfigError(error.message);
      throw error;
    }

    const databases = await openDatabases(loaded, logger, { resolveLogin: loginResolver(connectionStore) });
    cleanup.add(() => databases.close());
    const { pools } = databases;
    const connectionSync = await startConnectionSync({
      store: connectionStore,
      pools,
      intervalMs: config.connection_store.poll_interval_ms,
      logger,
    });
    cleanup.add(() => connectionSync.stop());
    const hostGuard = connectionHostGuard(config);
    const relay = createAlertRelay();
    const monitoring = await startMonitoring({
      loaded,
      embedded: databases.embedded,
      connectionStore,
      pollIntervalMs: config.connection_store.poll_interval_ms,
      logger,
      onAlertEvent: relay.onAlertEvent,
    });
    if (monitoring) cleanup.add(() => monitoring.close());
    const notifications = monitoring
      ? await startNotifications({
          monitoring,
          relay,
          keyRing: connectionStore.keyRing,
          hostGuard,
          config: config.notifications,
          logger,
        })
      : undefined;
    if (notifications) cleanup.add(() => notifications.close());

    const embeddings = createEmbeddings(config);
    // Where a call without connection_id runs when the caller chose none (for the activity log).
    const defaultConnection = config.default_connection ?? pools.listConnections()[0]?.name;
    const limits = createCallLimits(config.limits, accounts.limiter);
    const { registry, tools } = createServerRegistry({
      config,
      pools,
      sessions: accounts.currentConnections,
      ...(embeddings ? { embeddings } : {}),
      ...(monitoring ? { monitoring: monitoring.backend } : {}),
      logger,
      customItems,
      ...(config.audit.enabled
        ? { onCall: (report) => accounts.audit.write(mcpAuditRecord(report, defaultConnection)) }
        : {}),
      limits,
    });
    const admin = await prepareAccounts(accounts.auth, registry, {
      authEnabled,
      ...(loaded.adminPassword ? { adminPassword: loaded.adminPassword } : {}),
    });
    cleanup.add(closePoolsOfEndedCredentials(accounts.auth, pools, logger));

    // One compactor for the server's life, so its cache hits across requests.
    const compactor: Compactor = createCompactor(compactorOptions(config, llm));
    cleanup.add(() => compactor.close());
    await guardReady;

    const resolveCaller = createCallerResolver(authEnabled ? accounts.auth : undefined);
    const mcp = createMcpHttpHandler(registry, {
      resolveContext: async (request) => {
        const caller = await resolveCaller(request);
        if (!caller)
          throw config.oauth.enabled ? mcpUnauthorized(request, config.oauth.issuer) : unauthorized();
        // RFC 8707: a token issued for another resource (another pgmcp, another URL) is refused here.
        if (
          caller.oauth &&
          caller.oauth.resource !== oauthUrls(issuerFor(request, config.oauth.issuer)).resource
        ) {
          throw mcpUnauthorized(request, config.oauth.issuer);
        }
        if (caller.kind === 'local') return LOCAL_CONTEXT;
        return {
          principal: { id: caller.user.id, name: caller.user.username, kind: caller.kind },
          sessionKey: caller.credentialId,
          state: mcpState(caller.access, {
            hideOtherSessions: config.privacy.hide_other_sessions,
            caller: {
              ...(caller.kind === 'api_token' ? { tokenId: caller.credentialId } : {}),
              ...clientOf(request.headers.get('user-agent')),
            },
            ...(caller.currentConnection !== undefined
              ? { currentConnection: caller.currentConnection }
              : {}),
          }),
        };
      },
      maxBodyBytes: config.http.max_body_bytes,
      onError: (error) => logger.debug({ err: error }, 'MCP transport'),
    });
    cleanup.add(() => mcp.close());

    const { webDir } = loaded;
    const app = createApp({
      version: PGMCP_VERSION,
      logger,
      auth: accounts.auth,
      audit: accounts.audit,
      authEnabled,
      authConfig: config.auth,
      resolveCaller,
      trustedProxies: new Set(config.auth.trusted_proxies),
      limiter: accounts.limiter,
      limits,
      checkStore: () => accounts.checkStore(),
      conversations: accounts.conversations,
      queries: accounts.queries,
      currentConnections: accounts.currentConnections,
      pools,
      connectionStore,
      connectionSync,
      hostGuard,
      ...(monitoring && notifications
        ? { alerting: { alerter: monitoring.alerter, notifier: notifications.notifier } }
        : {}),
      registry,
      ...(monitoring ? { monitoring: monitoring.backend } : {}),
      hideOtherSessions: config.privacy.hide_other_sessions,
      llm,
      compactor,
      mcp,
      ...(faults ? { faults } : {}),
      http: {
        host,
        tls: tlsPair !== undefined,
        allowedOrigins: config.http.allowed_origins,
        maxBodyBytes: config.http.max_body_bytes,
        requestTimeoutMs: config.http.request_timeout_ms,
      },
      webDir,
      oauth: config.oauth,
      ...(options.oauthFetch ? { oauthFetch: options.oauthFetch } : {}),
    });
    const server = await listen(
      app,
      host,
      config.http.port,
      { request: config.http.request_timeout_ms, headers: config.http.headers_timeout_ms },
      tlsPair,
    );
    cleanup.add(() => closeServer(server));
    const reloadCustomItems = createCustomItemsReloader({
      readConfig: () => loadConfig(options.flags, options.env, options.cwd).config,
      registry,
      handle: tools,
      registerItems: (items) => accounts.auth.registerMcpItems(items),
      logger,
    });
    const reloadTls = () => {
      if (!tlsSource) return;
      // A renewal: new connections get the new pair, open ones keep theirs; a bad pair is logged
      // and the serving one kept.
      try {
        (server as HttpsServer).setSecureContext(readTlsPair(tlsSource));
        logger.info({ cert: tlsSource.certFile }, 'TLS certificate reloaded');
      } catch (error) {
        logger.error(
          `TLS reload failed, still serving the previous certificate: ${(error as Error).message}`,
        );
      }
    };
    const reload = () => {
      reloadTls();
      return reloadCustomItems();
    };
    // SIGHUP: the one reload signal (TLS pair, custom tools/resources/prompts).
    const onHangup = () => void reload();
    process.on('SIGHUP', onHangup);
    cleanup.add(() => void process.off('SIGHUP', onHangup));

    const { port } = server.address() as AddressInfo;
    const url = `${tlsPair ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const mcpUrl = `${url}/mcp/v1`;
    logger.info({ address: url }, `pgmcp ${PGMCP_VERSION} listening`);
    if (!authEnabled) {
      logger.warn(
        'AUTHENTICATION IS OFF (PGMCP_AUTH=off): every local process can use every database through pgmcp without logging in. Use this only on a single-user machine.',
      );
    } else if (!LOOPBACK.has(host) && !tlsPair) {
      logger.warn(
        `Listening on ${host} over plain HTTP: put a TLS-terminating proxy in front before using it over a network.`,
      );
    }
    if (admin?.created) {
      logger.info(
        `Created the superuser "${admin.user.username}"${admin.generated ? '' : ' with the configured password'}`,
      );
    }
    if (options.banner ?? true) {
      process.stdout.write(
        clientSetupText({
          version: PGMCP_VERSION,
          mcpUrl,
          connections: pools.listConnections(),
          authEnabled,
          webClient: existsSync(path.join(webDir, 'index.html')),
          ...(admin?.created && admin.generated
            ? { generatedAdmin: { username: admin.user.username, password: admin.password } }
            : {}),
          ...(databases.embedded
            ? { embedded: { dataDir: loaded.dataDir, version: databases.embedded.postgres.version } }
            : {}),
        }),
      );
    }
    return {
      url,
      mcpUrl,
      app,
      pools,
      auth: accounts.auth,
      conversations: accounts.conversations,
      connectionStore,
      dataDir: loaded.dataDir,
      ...(monitoring ? { monitoring } : {}),
      ...(notifications ? { notifier: notifications.notifier } : {}),
      logger,
      reload,
      close: () => cleanup.run(),
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

/** Starts pgmcp on this process's stdin/stdout for one local user (desktop clients that spawn servers). */
export async function startStdioServer(options: StartOptions = {}): Promise<{ close(): Promise<void> }> {
  const loaded = loadConfig(options.flags, options.env, options.cwd);
  // In stdio mode stdout carries the protocol, so everything else goes to stderr (the logger does).
  const logger = options.logger ?? createLogger(loaded.config.log_level);
  const guardReady = loadGuard();
  const customItems = await loadCustomItems(loaded.config);
  const databases = await openDatabases(loaded, logger);
  try {
    const embeddings = createEmbeddings(loaded.config);
    const { registry, tools } = createServerRegistry({
      config: loaded.config,
      pools: databases.pools,
      sessions: createMemoryConnectionStore(),
      ...(embeddings ? { embeddings } : {}),
      logger,
      customItems,
    });
    await guardReady;
    const handle = serveMcpStdio(registry, LOCAL_CONTEXT, {
      onError: (error) => logger.debug({ err: error }, 'MCP stdio'),
    });
    // SIGHUP swaps the custom items; the session is told (notifications/…/list_changed).
    const reload = createCustomItemsReloader({
      readConfig: () => loadConfig(options.flags, options.env, options.cwd).config,
      registry,
      handle: tools,
      logger,
    });
    const onHangup = () => void reload();
    process.on('SIGHUP', onHangup);
    logger.info('pgmcp is serving MCP on stdio');
    return {
      async close() {
        process.off('SIGHUP', onHangup);
        await handle.close();
        await databases.close();
      },
    };
  } catch (error) {
    await databases.close();
    throw error;
  }
}
