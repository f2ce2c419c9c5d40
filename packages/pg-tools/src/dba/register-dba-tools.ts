import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PgToolsRuntime, PgToolsState } from '../context.js';
import { registerActivityTools } from './activity.js';
import { registerAnalyzeDbHealth } from './analyze-db-health.js';
import { registerRecommendIndexes } from './recommend-indexes.js';
import { registerGenerateEmbedding } from './semantic/generate-embedding.js';
import { registerSimilaritySearch } from './semantic/similarity-search.js';
import { registerTopQueries } from './top-queries.js';

/** Registers the DBA toolkit (group `dba`) and the semantic tools (group `semantic`). */
export function registerDbaTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registerTopQueries(registry, runtime);
  registerAnalyzeDbHealth(registry, runtime);
  registerRecommendIndexes(registry, runtime);
  registerActivityTools(registry, runtime);
  registerGenerateEmbedding(registry, runtime);
  registerSimilaritySearch(registry, runtime);
}
