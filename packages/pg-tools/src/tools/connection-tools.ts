import { McpCoreError, type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import {
  accessOf,
  type PgToolsRuntime,
  type PgToolsState,
  resolveTarget,
  usableConnections,
} from '../context.js';
import { withTarget } from './common.js';

/** Registers `list_database_connections`, `select_database_connection` and `read_resource`. */
export function registerConnectionTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'list_database_connections',
    title: 'List database connections',
    description: `List the database connections you may use, marking the current one: name, description, server, database, and whether writes are allowed.

Use it when the user mentions another database or you need to know where queries run. Switch with select_database_connection, or pass connection_id to a single call.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({}),
    handler: async (_args, context) => {
      const connections = usableConnections(runtime, context.state);
      if (connections.length === 0) {
        return {
          content: [
            {
              type: 'text',
              text: 'You have access to no database connection. Ask an administrator for one.',
            },
          ],
          structuredContent: { connections: [] },
        };
      }
      const current = await resolveTarget(runtime, context, {}).catch(() => undefined);
      const list = connections.map((info) => {
        const access = accessOf(context.state, info) ?? 'read';
        return {
          name: info.name,
          ...(info.description ? { description: info.description } : {}),
          host: info.host,
          port: info.port,
          database: current?.info.name === info.name ? current.database : info.database,
          writes_allowed: info.allowWrites && access === 'read_write',
          access,
          current: current?.info.name === info.name,
        };
      });
      const text = list
        .map(
          (c) =>
            `${c.current ? '* ' : '  '}${c.name} — ${c.host}:${c.port}/${c.database}, ${c.writes_allowed ? 'READ-WRITE' : 'read-only'}${c.description ? ` — ${c.description}` : ''}`,
        )
        .join('\n');
      return {
        content: [{ type: 'text', text: `${text}\n(* = current connection)` }],
        structuredContent: { connections: list },
      };
    },
  });

  registry.addTool({
    name: 'select_database_connection',
    title: 'Switch database connection',
    description: `Make another connection (and optionally another database on its server) the current one for the following calls in this session. The connection is tested first.

Example: {"connection_id": "analytics"} or {"connection_id": "default", "database_name": "reporting"}`,
    // It changes which connection later calls use, never any data.
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    input: z.object({
      connection_id: z.string().min(1).describe('Name of the connection (see list_database_connections).'),
      database_name: z
        .string()
        .min(1)
        .optional()
        .describe("A database on that server; default: the connection's own."),
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      const server = await withTarget(runtime, context, target, async ({ client }) => {
        const { rows } = await client.query<{ version: string; db: string }>(
          "SELECT current_setting('server_version') AS version, current_database() AS db",
        );
        return rows[0];
      });
      if (!server) throw new ToolError(`Connection "${target.info.name}" did not answer.`);
      await runtime.sessions.set(context.sessionKey, {
        connection: target.info.name,
        ...(args.database_name ? { database: args.database_name } : {}),
      });
      return {
        content: [
          {
            type: 'text',
            text: `Now using "${target.info.name}" (database "${server.db}", PostgreSQL ${server.version}, ${target.writes ? 'READ-WRITE' : 'read-only'}).`,
          },
        ],
        structuredContent: {
          connection: target.info.name,
          database: server.db,
          server_version: server.version,
          writes_allowed: target.writes,
        },
      };
    },
  });

  registry.addTool({
    name: 'read_resource',
    title: 'Read a resource',
    description: `Read an MCP resource by URI, for clients that cannot read resources themselves. Known URIs: pg://system_info (server version, database, user, whether writes are allowed) and pg://connection_info (the current connection).

Example: {"uri": "pg://system_info"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({ uri: z.string().min(1).describe('Resource URI, e.g. pg://system_info.') }),
    handler: async (args, context) => {
      try {
        const text = await registry.readResource(args.uri, context);
        return { content: [{ type: 'text', text }] };
      } catch (error) {
        if (error instanceof McpCoreError) throw new ToolError(error.message);
        throw error;
      }
    },
  });
}
