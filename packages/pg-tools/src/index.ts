export {
  createMemoryConnectionStore,
  type ConnectionAccess,
  type CurrentConnection,
  type CurrentConnectionStore,
  type PgToolsLimits,
  type PgToolsOptions,
  type PgToolsState,
  type SecurityEvent,
} from './context.js';
export {
  BoundedQuery,
  type BoundedQueryOutcome,
  type BoundedQueryPlan,
  type TransactionMode,
} from './executor/bounded-query.js';
export {
  runStatement,
  type ResultColumn,
  type RunStatementOptions,
  type StatementResult,
  type TypeNameCache,
} from './executor/run-statement.js';
export { PG_TOOLS_INSTRUCTIONS, registerPgTools } from './register.js';
