/** Why the guard refused a statement (or could not analyse it). */
export type GuardCode =
  | 'SYNTAX_ERROR'
  | 'EMPTY_STATEMENT'
  | 'MULTIPLE_STATEMENTS'
  | 'STATEMENT_TOO_LONG'
  | 'STATEMENT_TOO_COMPLEX'
  | 'PARSER_FAILURE'
  | 'WRITE_NOT_ALLOWED'
  | 'STATEMENT_NOT_ALLOWED'
  | 'EXPLAIN_ANALYZE_OF_WRITE'
  | 'DENIED_FUNCTION'
  | 'DENIED_RELATION'
  | 'DATA_MODIFYING_CTE'
  | 'SELECT_INTO'
  | 'LOCKING_CLAUSE'
  | 'SYSTEM_CATALOG_WRITE'
  | 'AMBIGUOUS_STRING_LITERAL'
  | 'OTHER_SESSIONS_HIDDEN'
  | 'SUBQUERY_NOT_ALLOWED'
  | 'NOT_AN_EXPRESSION';

/** The codes a statement can fail to parse with. */
export type GuardParseErrorCode = Extract<
  GuardCode,
  | 'SYNTAX_ERROR'
  | 'EMPTY_STATEMENT'
  | 'MULTIPLE_STATEMENTS'
  | 'STATEMENT_TOO_LONG'
  | 'STATEMENT_TOO_COMPLEX'
  | 'PARSER_FAILURE'
>;

/** The codes of constructs found inside a parsed statement. */
export type GuardFindingCode = Extract<
  GuardCode,
  | 'DENIED_FUNCTION'
  | 'DENIED_RELATION'
  | 'DATA_MODIFYING_CTE'
  | 'SELECT_INTO'
  | 'LOCKING_CLAUSE'
  | 'SYSTEM_CATALOG_WRITE'
  | 'AMBIGUOUS_STRING_LITERAL'
>;

/** Coarse statement kind, as `test_query` reports it. */
export type StatementKind =
  | 'select'
  | 'values'
  | 'table'
  | 'show'
  | 'explain'
  | 'insert'
  | 'update'
  | 'delete'
  | 'merge'
  | 'ddl'
  | 'maintenance'
  | 'transaction'
  | 'session'
  | 'copy'
  | 'call'
  | 'do'
  | 'privileges'
  | 'utility';

/**
 * Which connections may run a statement kind: `read` on every connection, `write` only on
 * write-enabled ones, `never` through pgmcp at all.
 */
export type StatementAccess = 'read' | 'write' | 'never';

/** A construct inside a statement that the policy looks at. */
export interface GuardFinding {
  /** What was found. */
  readonly code: GuardFindingCode;
  /** The construct as the user wrote it, e.g. `pg_read_file()`, `FOR UPDATE`, `WITH … INSERT`. */
  readonly construct: string;
  /** A sentence for the model: what it is and what to do instead. */
  readonly message: string;
  /** 1-based character position in the statement, when the parser knows it. */
  readonly location?: number;
  /** Whether the construct writes data or changes server/session state when executed. */
  readonly writes: boolean;
  /** `always`: refused on every connection; `read-only`: refused only on read-only connections. */
  readonly refusedOn: 'always' | 'read-only';
}

/** A successfully parsed single statement, independent of any policy. */
export interface StatementAnalysis {
  readonly kind: StatementKind;
  /** The parser's node type, e.g. `SelectStmt`, `TransactionStmt`. */
  readonly statementType: string;
  /** The SQL command in words, e.g. `SELECT`, `CREATE INDEX`, `COMMIT`, `SET ROLE`. */
  readonly command: string;
  /** Which connections may run this kind of statement (before looking at findings). */
  readonly access: StatementAccess;
  /** For `access: 'never'`: why pgmcp never runs it, phrased to follow `command`. */
  readonly reason?: string;
  /** Whether executing it would write data or change state (findings included). */
  readonly writes: boolean;
  /** For EXPLAIN: whether ANALYZE executes the explained statement. */
  readonly explainAnalyze?: boolean;
  /** For EXPLAIN: the analysis of the explained statement. */
  readonly explained?: StatementAnalysis;
  /** Constructs the policy looks at, in the order they appear (EXPLAIN: the explained statement's too). */
  readonly findings: readonly GuardFinding[];
  /**
   * The first construct that reads other sessions' statement text (`pg_stat_activity.query`,
   * `SELECT *` from it, `pg_stat_get_activity()`), refused with `hideOtherSessions`.
   */
  readonly readsOtherSessions?: {
    readonly construct: string;
    readonly message: string;
    readonly location?: number;
  };
}

/** Why a statement could not be analysed. */
export interface GuardParseError {
  readonly kind: 'error';
  readonly code: GuardParseErrorCode;
  readonly message: string;
  /** 1-based character position, as psql reports it. */
  readonly position?: number;
}

/** What {@link analyzeStatement} returns: an analysis, or why there is none (`kind: 'error'`). */
export type AnalyzeResult = StatementAnalysis | GuardParseError;

/** Options of {@link checkStatement}. */
export interface CheckStatementOptions {
  /** The connection's `allow_writes`: DML and ordinary DDL are allowed when true. */
  readonly allowWrites: boolean;
  /**
   * Refuse reading other sessions' statement text (`OTHER_SESSIONS_HIDDEN`): set it for callers
   * who are not administrators when the privacy option is on (default false here).
   */
  readonly hideOtherSessions?: boolean;
}

/** A statement the guard lets through, with its analysis. */
export interface GuardAllowed {
  readonly ok: true;
  readonly analysis: StatementAnalysis;
}

/** A statement the guard refuses; `message` is written for the model (shown as an isError result). */
export interface GuardRefusal {
  readonly ok: false;
  readonly code: GuardCode;
  /** The construct that was refused, e.g. `pg_read_file()`, `COMMIT`, `FOR UPDATE`. */
  readonly construct: string;
  readonly message: string;
  /** 1-based character position in the checked text, when known. */
  readonly position?: number;
}

/** The guard's decision. */
export type GuardVerdict = GuardAllowed | GuardRefusal;
