import { PG_PROMPT_NAMES, PG_RESOURCE_URIS, PG_TOOL_GROUPS } from '@pgmcp/pg-tools';
import { z } from 'zod';

const GroupSwitch = z.boolean().optional();

/** Switches by name; names are checked against the built-ins and custom items by {@link checkToolsetNames}. */
function NameSwitches() {
  return z.record(z.string(), z.boolean()).default({});
}

function unknownSwitches(
  ctx: z.RefinementCtx,
  kind: 'tool' | 'resource' | 'prompt',
  switches: Record<string, boolean>,
  builtIn: readonly string[],
  custom: readonly string[],
): void {
  for (const name of Object.keys(switches)) {
    if (builtIn.includes(name) || custom.includes(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['toolsets', `${kind}s`, name],
      message: `unknown ${kind} "${name}"; the built-in ${kind}s are ${[...builtIn].sort().join(', ')}${custom.length > 0 ? `; the custom ones ${[...custom].sort().join(', ')}` : ''}`,
    });
  }
}

/** Refuses a `toolsets` switch that names neither a built-in nor a custom item of its kind. */
export function checkToolsetNames(
  config: {
    toolsets: {
      tools: Record<string, boolean>;
      resources: Record<string, boolean>;
      prompts: Record<string, boolean>;
    };
    tools: readonly { name: string }[];
    resources: readonly { uri: string }[];
    prompts: readonly { name: string }[];
  },
  ctx: z.RefinementCtx,
): void {
  const { toolsets } = config;
  unknownSwitches(
    ctx,
    'tool',
    toolsets.tools,
    Object.keys(PG_TOOL_GROUPS),
    config.tools.map((t) => t.name),
  );
  unknownSwitches(
    ctx,
    'resource',
    toolsets.resources,
    PG_RESOURCE_URIS,
    config.resources.map((r) => r.uri),
  );
  unknownSwitches(
    ctx,
    'prompt',
    toolsets.prompts,
    PG_PROMPT_NAMES,
    config.prompts.map((p) => p.name),
  );
}

/**
 * `toolsets:` — built-in tool groups switched on or off (all on by default), so a deployment can
 * offer, say, only schema browsing and `tools/list` stays small; single tools, resources and
 * prompts switched by name over their group (`tools: { count_rows: true }` with `groups.query: false`).
 */
export const ToolsetsConfigSchema = z.strictObject({
  groups: z
    .strictObject({
      /** query_database, count_rows, test_query */
      query: GroupSwitch,
      /** get_schema_info */
      schema: GroupSwitch,
      /** execute_explain */
      explain: GroupSwitch,
      /** list/select_database_connection, read_resource */
      connections: GroupSwitch,
      /** get_top_queries, analyze_db_health, recommend_indexes, get_active_queries, get_locks */
      dba: GroupSwitch,
      /** generate_embedding, similarity_search */
      semantic: GroupSwitch,
      /** list_probes, describe_probe, query_metrics, list_connections, query_datastore, get_alert_history, get_alert_rules, get_metric_baselines, get_blackouts, get_timeline_events */
      monitoring: GroupSwitch,
    })
    .prefault({}),
  /** Tools on (true) or off (false) by name, over their group. */
  tools: NameSwitches(),
  /** Resources on or off by URI, e.g. `"pg://system_info": false`. */
  resources: NameSwitches(),
  /** Prompts on or off by name. */
  prompts: NameSwitches(),
});
export type ToolsetsConfig = z.infer<typeof ToolsetsConfigSchema>;

/**
 * `embeddings:` — the provider behind generate_embedding and similarity_search. Without a key or
 * URL of its own it uses the LLM provider's (OPENAI_API_KEY and PGMCP_OPENAI_BASE_URL, OLLAMA_HOST).
 */
export const EmbeddingsConfigSchema = z.strictObject({
  provider: z.enum(['openai', 'ollama']).optional(),
  model: z.string().min(1).optional(),
  base_url: z.string().optional(),
  api_key: z.string().min(1).optional(),
  api_key_file: z.string().optional(),
  /** Ask the model for vectors of this size where it can shorten them (OpenAI text-embedding-3). */
  dimensions: z.number().int().positive().optional(),
});
export type EmbeddingsConfig = z.infer<typeof EmbeddingsConfigSchema>;
