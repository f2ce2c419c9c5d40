export {
  createMemoryConnectionStore,
  type ConnectionAccess,
  type CurrentConnection,
  type CurrentConnectionStore,
  type PgToolsLimits,
  type PgToolsOptions,
  type PgToolsState,
  type PgToolSwitches,
  type SecurityEvent,
  type WriteConfirmation,
} from './context.js';
export {
  BoundedQuery,
  type BoundedQueryOutcome,
  type BoundedQueryPlan,
  type TransactionMode,
} from './executor/bounded-query.js';
export { ResultTooLargeError } from './executor/result-too-large.js';
export {
  runStatement,
  type ResultColumn,
  type RunStatementOptions,
  type StatementResult,
  type TypeNameCache,
} from './executor/run-statement.js';
export { PG_TOOLS_INSTRUCTIONS, registerPgTools, type PgToolsHandle } from './register.js';
export { compileCustomItems, type BuiltInNames, type CompiledCustomItems } from './custom/compile.js';
export type { RegisteredItem } from './custom/register-custom.js';
export {
  CUSTOM_PARAMETER_TYPES,
  type CustomItems,
  type CustomParameter,
  type CustomParameterType,
  type CustomPromptDefinition,
  type CustomResourceDefinition,
  type CustomToolDefinition,
} from './custom/types.js';
export { DATASTORE_CONNECTION, type MonitoringBackend } from './monitoring/monitoring-backend.js';
export { parseTimeArg } from './monitoring/time-range.js';
export {
  collectionStatus,
  findProbe,
  monitoredConnections,
  probeMetrics,
  probeRequirementFields,
  probeRequirements,
  readMetrics,
  STATEMENTS_PROBE,
  timeRange,
  topStatements,
  type ConnectionCollection,
  type MetricsReading,
  type MetricsRequest,
  type ProbeProblem,
  type TopStatement,
} from './monitoring/metrics-read.js';
export {
  PG_PROMPT_NAMES,
  PG_RESOURCE_URIS,
  PG_TOOL_GROUP_NAMES,
  PG_TOOL_GROUPS,
  type PgToolGroup,
} from './tool-groups.js';
export { PgToolsError, type PgToolsErrorCode } from './errors.js';
export type { PgToolsEmbedder } from './dba/semantic/embedder.js';
export type { HealthFinding, Severity } from './dba/health/health-check.js';
export { HEALTH_CHECK_NAMES } from './dba/analyze-db-health.js';
export { TOP_QUERY_ORDERS, type TopQuery, type TopQueryOrder } from './dba/top-queries.js';
export type { IndexRecommendation } from './dba/recommend-indexes.js';
export {
  analyzeStatement,
  checkStatement,
  checkWhereExpression,
  DENY_CATEGORIES,
  DENY_LIST,
  loadGuard,
  MAX_NESTING_UNITS,
  MAX_STATEMENT_CHARS,
  MAX_STATEMENT_TOKENS,
  parenthesizeWhereExpression,
  type AnalyzeResult,
  type CheckStatementOptions,
  type DenyCategory,
  type DenyCategoryInfo,
  type DenyListEntry,
  type GuardAllowed,
  type GuardCode,
  type GuardFinding,
  type GuardFindingCode,
  type GuardParseError,
  type GuardParseErrorCode,
  type GuardRefusal,
  type GuardVerdict,
  type StatementAccess,
  type StatementAnalysis,
  type StatementKind,
} from './guard/index.js';
