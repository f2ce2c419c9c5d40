import type { McpRegistry } from '@pgmcp/mcp-core';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from './context.js';
import { inReadOnlyTransaction, withTarget } from './tools/common.js';

/** Registers `pg://system_info` and `pg://connection_info`. */
export function registerPgResources<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addResource({
    uri: 'pg://system_info',
    name: 'system_info',
    title: 'PostgreSQL server information',
    description:
      'Server version, database, user, host and port of the current connection, and whether writes are allowed.',
    mimeType: 'application/json',
    read: async (context) => {
      const target = await resolveTarget(runtime, context, {});
      const row = await withTarget(runtime, context, target, (lease) =>
        inReadOnlyTransaction(lease, target.info.statementTimeoutMs, async (client) => {
          const { rows } = await client.query<{ version: string; num: string; db: string; usr: string }>(
            "SELECT version() AS version, current_setting('server_version_num') AS num, current_database() AS db, current_user AS usr",
          );
          return rows[0]!;
        }),
      );
      return JSON.stringify(
        {
          server_version: row.version,
          version_number: Number(row.num),
          database: row.db,
          user: row.usr,
          host: target.info.host,
          port: target.info.port,
          allow_writes: target.writes,
          connection: target.info.name,
        },
        null,
        2,
      );
    },
  });

  registry.addResource({
    uri: 'pg://connection_info',
    name: 'connection_info',
    title: 'Current connection',
    description: 'The current connection: name, server, database, user, TLS mode, access, statement timeout.',
    mimeType: 'application/json',
    read: async (context) => {
      const target = await resolveTarget(runtime, context, {});
      const { info } = target;
      return JSON.stringify(
        {
          connection: info.name,
          ...(info.description ? { description: info.description } : {}),
          host: info.host,
          port: info.port,
          database: target.database,
          user: info.user,
          sslmode: info.sslmode,
          access: target.access,
          allow_writes: target.writes,
          statement_timeout_ms: info.statementTimeoutMs,
          row_limit: { default: runtime.limits.defaultLimit, max: runtime.limits.maxLimit },
          max_output_bytes: runtime.limits.maxBytes,
        },
        null,
        2,
      );
    },
  });
}
