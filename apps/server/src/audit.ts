import { createWriteStream, type WriteStream } from 'node:fs';
import type { RouteContract, RouteName } from '@pgmcp/api-contract';
import { auditEventJson, type AuditEventInput, type AuditLog, createAuditLog } from '@pgmcp/auth-store';
import type { PgmcpConfig } from '@pgmcp/config';
import { type McpCallReport, stripFences } from '@pgmcp/mcp-core';
import type { SqlDatabase } from '@pgmcp/sql-store';
import type { Caller } from './auth/caller.js';
import type { Logger } from './logger.js';
import type { ServerMcpState } from './mcp-state.js';

/** How often records past the retention are removed. */
const PRUNE_INTERVAL_MS = 3600_000;
/** How long a record may wait to be written with others. */
const BATCH_DELAY_MS = 50;
/** Records written in one statement at most. */
const BATCH_MAX = 500;

/** The activity log as the server uses it: writes never fail a request, they are logged instead. */
export interface ServerAudit {
  log: AuditLog;
  /** Writes a record in the background (the answer does not wait for the store). */
  write(input: AuditEventInput): void;
  /** Resolves when every write started so far has ended (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the activity log on the account store's database, with its stream and hourly pruning. */
export async function openServerAudit(
  database: SqlDatabase,
  config: PgmcpConfig['audit'],
  logger: Logger,
): Promise<ServerAudit> {
  let stream: WriteStream | undefined;
  let toStdout = false;
  if (config.stream === 'stdout') toStdout = true;
  else if (config.stream) {
    stream = createWriteStream(config.stream, { flags: 'a', mode: 0o600 });
    stream.on('error', (error) => logger.error({ err: error }, 'writing the audit stream failed'));
  }
  const log = await createAuditLog({
    database,
    mode: config.mode,
    retentionMs: config.retention_days * 86_400_000,
    onRecord: (event) => {
      const line = `${JSON.stringify(auditEventJson(event))}\n`;
      if (toStdout) process.stdout.write(line);
      else stream?.write(line);
    },
  });
  // Records wait up to BATCH_DELAY_MS (or until BATCH_MAX are queued) and are then written together
  // in one statement: one commit for every call that finished meanwhile instead of one each. A
  // commit on SQLite blocks the event loop, so per-call commits would cost every request.
  let queue: AuditEventInput[] = [];
  let writing: Promise<void> = Promise.resolve();
  let scheduled: NodeJS.Timeout | undefined;
  const drain = () => {
    clearTimeout(scheduled);
    scheduled = undefined;
    const batch = queue;
    queue = [];
    writing = writing.then(() =>
      log.recordMany(batch).then(
        () => undefined,
        (error: unknown) => logger.error({ err: error, records: batch.length }, 'audit records not written'),
      ),
    );
  };
  const prune = () => {
    log.prune().catch((error: unknown) => logger.warn({ err: error }, 'pruning the activity log failed'));
  };
  prune();
  const timer = setInterval(prune, PRUNE_INTERVAL_MS);
  timer.unref();
  const flush = async () => {
    if (scheduled) drain();
    await writing;
  };
  return {
    log,
    write(input) {
      if (!config.enabled) return;
      queue.push(input);
      if (queue.length >= BATCH_MAX) drain();
      else scheduled ??= setTimeout(drain, BATCH_DELAY_MS);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      if (stream) await new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The activity record of one MCP tool call, resource read or prompt request. */
export function mcpAuditRecord(
  report: McpCallReport<ServerMcpState>,
  defaultConnection: string | undefined,
): AuditEventInput {
  const { context } = report;
  const args = (report.arguments ?? {}) as Record<string, unknown>;
  const current = context.state.currentConnection ?? undefined;
  const connection = str(args.connection_id) ?? current?.connection ?? defaultConnection;
  const database = str(args.database_name) ?? (str(args.connection_id) ? undefined : current?.database);
  const structured = report.result?.structuredContent as
    { row_count?: unknown; affected_rows?: unknown } | undefined;
  const rows =
    typeof structured?.affected_rows === 'number'
      ? structured.affected_rows
      : typeof structured?.row_count === 'number'
        ? structured.row_count
        : undefined;
  const who = context.state.caller;
  const sql = report.kind === 'tool' ? (str(args.query) ?? str(args.where)) : undefined;
  return {
    kind: 'mcp',
    action: `${report.kind}:${report.name}`,
    outcome: report.outcome,
    ...(report.reason !== undefined ? { reason: stripFences(report.reason) } : {}),
    ...(context.principal.kind !== 'local' || who ? { userId: context.principal.id } : {}),
    username: context.principal.name,
    ...(who?.tokenId ? { tokenId: who.tokenId } : {}),
    ...(context.client
      ? {
          clientName: context.client.name,
          ...(context.client.version ? { clientVersion: context.client.version } : {}),
        }
      : {
          ...(who?.clientName ? { clientName: who.clientName } : {}),
          ...(who?.clientVersion ? { clientVersion: who.clientVersion } : {}),
        }),
    ...(who?.ip ? { ip: who.ip } : {}),
    ...(connection ? { connection } : {}),
    ...(database ? { database } : {}),
    ...(sql ? { sql } : {}),
    ...(rows !== undefined ? { rows } : {}),
    bytes: report.bytes,
    durationMs: report.durationMs,
  };
}

/** The kind of activity a changing REST route is, or undefined for routes the log leaves out. */
export function routeAuditKind(
  name: RouteName,
  route: RouteContract,
): 'token' | 'admin' | 'login' | undefined {
  if (route.method === 'get') return undefined;
  if (name === 'createToken' || name === 'revokeToken') return 'token';
  if (name === 'logout' || name === 'changePassword') return 'login';
  if (route.auth !== 'public' && route.auth !== 'user' && route.auth !== 'session') return 'admin';
  return undefined;
}

/** The activity record of a token, password or admin change made through the REST API. */
export function routeAuditRecord(event: {
  name: RouteName;
  kind: 'token' | 'admin' | 'login';
  caller: Caller | undefined;
  params: Record<string, string>;
  outcome: 'ok' | 'refused' | 'error';
  reason?: string;
  ip?: string;
  result?: unknown;
}): AuditEventInput {
  // What a create made: its id (a new token's id sits beside its secret, which is never read here;
  // blackouts have numeric ids).
  const answer = event.result as { id?: unknown; api_token?: { id?: unknown } } | undefined;
  const created = answer?.id ?? answer?.api_token?.id;
  const target =
    Object.entries(event.params)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ') ||
    (typeof created === 'string' || typeof created === 'number' ? `id=${created}` : undefined);
  return {
    kind: event.kind,
    action: event.name,
    outcome: event.outcome,
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
    ...(event.caller ? { userId: event.caller.user.id, username: event.caller.user.username } : {}),
    ...(event.caller?.kind === 'api_token' ? { tokenId: event.caller.credentialId } : {}),
    ...(event.ip ? { ip: event.ip } : {}),
    ...(target ? { target } : {}),
  };
}
