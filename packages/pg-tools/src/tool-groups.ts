import type { McpRegistry } from '@pgmcp/mcp-core';
import { PgToolsError } from './errors.js';

/** A set of tools that configuration switches on or off together (the config file's `toolsets`). */
export type PgToolGroup = 'query' | 'schema' | 'explain' | 'connections' | 'dba' | 'semantic';

/** Every group, in the order the docs list them. */
export const PG_TOOL_GROUP_NAMES: readonly PgToolGroup[] = Object.freeze([
  'query',
  'schema',
  'explain',
  'connections',
  'dba',
  'semantic',
]);

/** The group of every tool pg-tools registers. */
export const PG_TOOL_GROUPS: Readonly<Record<string, PgToolGroup>> = Object.freeze({
  query_database: 'query',
  count_rows: 'query',
  test_query: 'query',
  get_schema_info: 'schema',
  execute_explain: 'explain',
  list_database_connections: 'connections',
  select_database_connection: 'connections',
  read_resource: 'connections',
  get_top_queries: 'dba',
  analyze_db_health: 'dba',
  recommend_indexes: 'dba',
  get_active_queries: 'dba',
  get_locks: 'dba',
  generate_embedding: 'semantic',
  similarity_search: 'semantic',
});

/**
 * The registry as tool registration sees it: tools of disabled groups are left out, so
 * `tools/list` shrinks and their names cannot be called. Resources and prompts pass through.
 */
export function groupedRegistry<S>(
  registry: McpRegistry<S>,
  disabled: readonly PgToolGroup[],
): McpRegistry<S> {
  const unknown = disabled.filter((group) => !PG_TOOL_GROUP_NAMES.includes(group));
  if (unknown.length > 0) {
    throw new PgToolsError(
      'INVALID_OPTIONS',
      `Unknown tool group ${unknown.map((g) => `"${g}"`).join(', ')} in disabledGroups; the groups are ${PG_TOOL_GROUP_NAMES.join(', ')}.`,
    );
  }
  const off = new Set(disabled);
  return {
    ...registry,
    addTool(spec) {
      const group = PG_TOOL_GROUPS[spec.name];
      // A tool missing from the table is a bug here, not something config should be able to hide.
      if (group === undefined) {
        throw new PgToolsError('INVALID_OPTIONS', `pg-tools: tool "${spec.name}" has no group.`);
      }
      if (!off.has(group)) registry.addTool(spec);
    },
  };
}
