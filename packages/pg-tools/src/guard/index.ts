export { analyzeStatement } from './analyze.js';
export { checkStatement } from './check.js';
export {
  DENY_CATEGORIES,
  DENY_LIST,
  type DenyCategory,
  type DenyCategoryInfo,
  type DenyListEntry,
} from './deny-list.js';
export { loadParser as loadGuard } from './parser.js';
export { MAX_NESTING_UNITS, MAX_STATEMENT_CHARS, MAX_STATEMENT_TOKENS } from './pre-scan.js';
export type {
  AnalyzeResult,
  CheckStatementOptions,
  GuardAllowed,
  GuardCode,
  GuardFinding,
  GuardFindingCode,
  GuardParseError,
  GuardParseErrorCode,
  GuardRefusal,
  GuardVerdict,
  StatementAccess,
  StatementAnalysis,
  StatementKind,
} from './types.js';
export { checkWhereExpression, parenthesizeWhereExpression } from './where-expression.js';
