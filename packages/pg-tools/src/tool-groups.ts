import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PgToolSwitches } from './context.js';
import { PgToolsError } from './errors.js';

/** A set of tools that configuration switches on or off together (the config file's `toolsets`). */
export type PgToolGroup = 'query' | 'schema' | 'explain' | 'connections' | 'dba' | 'semantic' | 'monitoring';

/** Every group, in the order the docs list them. */
export const PG_TOOL_GROUP_NAMES: readonly PgToolGroup[] = Object.freeze([
  'query',
  'schema',
  'explain',
  'connections',
  'dba',
  'semantic',
  'monitoring',
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
  list_probes: 'monitoring',
  describe_probe: 'monitoring',
  query_metrics: 'monitoring',
  list_connections: 'monitoring',
  query_datastore: 'monitoring',
  get_alert_history: 'monitoring',
  get_alert_rules: 'monitoring',
  get_metric_baselines: 'monitoring',
  get_blackouts: 'monitoring',
  get_timeline_events: 'monitoring',
});

/** The URIs of the resources pg-tools registers. */
export const PG_RESOURCE_URIS: readonly string[] = Object.freeze([
  'pg://connection_info',
  'pg://system_info',
]);

/** The names of the prompts pg-tools registers. */
export const PG_PROMPT_NAMES: readonly string[] = Object.freeze([
  'design-schema',
  'diagnose-query-issue',
  'explore-database',
  'setup-semantic-search',
]);

function checkSwitchNames(
  kind: string,
  switches: Readonly<Record<string, boolean>> | undefined,
  known: readonly string[],
): void {
  const unknown = Object.keys(switches ?? {}).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new PgToolsError(
      'INVALID_OPTIONS',
      `Unknown ${kind} ${unknown.map((n) => `"${n}"`).join(', ')} in switches.${kind}s; the ${kind}s are ${[...known].sort().join(', ')}.`,
    );
  }
}

/**
 * The registry as registration sees it: tools of disabled groups and items switched off by name are
 * left out, so `tools/list` (and the resource and prompt lists) shrink and their names cannot be
 * used. A tool switched on by name is kept even when its group is off.
 */
export function groupedRegistry<S>(
  registry: McpRegistry<S>,
  disabled: readonly PgToolGroup[],
  switches: PgToolSwitches = {},
): McpRegistry<S> {
  checkSwitchNames('tool', switches.tools, Object.keys(PG_TOOL_GROUPS));
  checkSwitchNames('resource', switches.resources, PG_RESOURCE_URIS);
  checkSwitchNames('prompt', switches.prompts, PG_PROMPT_NAMES);
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
      if (switches.tools?.[spec.name] ?? !off.has(group)) registry.addTool(spec);
    },
    addResource(spec) {
      if (!PG_RESOURCE_URIS.includes(spec.uri)) {
        throw new PgToolsError(
          'INVALID_OPTIONS',
          `pg-tools: resource "${spec.uri}" is not in PG_RESOURCE_URIS.`,
        );
      }
      if (switches.resources?.[spec.uri] ?? true) registry.addResource(spec);
    },
    addPrompt(spec) {
      if (!PG_PROMPT_NAMES.includes(spec.name)) {
        throw new PgToolsError(
          'INVALID_OPTIONS',
          `pg-tools: prompt "${spec.name}" is not in PG_PROMPT_NAMES.`,
        );
      }
      if (switches.prompts?.[spec.name] ?? true) registry.addPrompt(spec);
    },
  };
}
