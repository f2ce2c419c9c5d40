/**
 * Which statements run where: one rule per parser node type. Reads run on every connection;
 * DML and ordinary DDL only on write-enabled ones; statements that touch the session, the server,
 * other servers, privileges or run uninspectable code never run through pgmcp. Node types not
 * listed here (future grammar) are refused. See README.md § Policy.
 */
import type { StatementAccess, StatementKind } from './types.js';
import type { TreeObject } from './walk.js';

/** A statement's classification before its contents are examined. */
export interface StatementRule {
  readonly kind: StatementKind;
  /** The command in words, e.g. `CREATE INDEX`, `SET ROLE`. */
  readonly command: string;
  readonly access: StatementAccess;
  /** For `never`: why, phrased to follow the command ("COMMIT is transaction control: …"). */
  readonly reason?: string;
}

const REASONS = {
  transaction:
    'is transaction control: pgmcp runs every statement in a transaction of its own and ends it itself. Send each statement as a separate call, without BEGIN/COMMIT/ROLLBACK.',
  session:
    'changes the state of the pooled database session, which outlives this call. Read settings with SHOW or current_setting(); send queries directly instead of preparing them or opening cursors (pgmcp pages results with limit/offset).',
  code: 'installs or runs code that the safety checks cannot inspect. Express the work as a single SQL statement instead.',
  server:
    'reads or writes files on the database server or changes its configuration, which pgmcp never does. Query tables instead, and ask a database administrator for server changes.',
  remote: 'connects the database to other servers, which pgmcp never does.',
  privileges:
    'changes roles, ownership, privileges or row-level security, which is left to a database administrator.',
  database: 'creates, changes or drops whole databases, which pgmcp never does.',
  unknown: 'is not a statement kind pgmcp knows, so it is refused.',
} as const;

type Reason = keyof typeof REASONS;

const read = (kind: StatementKind, command: string): StatementRule => ({ kind, command, access: 'read' });
const write = (kind: StatementKind, command: string): StatementRule => ({ kind, command, access: 'write' });
const never = (kind: StatementKind, command: string, reason: Reason): StatementRule => ({
  kind,
  command,
  access: 'never',
  reason: REASONS[reason],
});

/** Object types that ordinary DDL on a write-enabled connection may create, alter, rename or drop. */
const DDL_OBJECTS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_SCHEMA',
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
  'OBJECT_COLUMN',
  'OBJECT_ATTRIBUTE',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_DOMCONSTRAINT',
  'OBJECT_TRIGGER',
  'OBJECT_RULE',
  'OBJECT_STATISTIC_EXT',
  'OBJECT_COLLATION',
  'OBJECT_FUNCTION',
  'OBJECT_PROCEDURE',
  'OBJECT_ROUTINE',
  'OBJECT_AGGREGATE',
]);

const OBJECT_REASONS: Readonly<Record<string, Reason>> = {
  OBJECT_FDW: 'remote',
  OBJECT_FOREIGN_SERVER: 'remote',
  OBJECT_FOREIGN_TABLE: 'remote',
  OBJECT_USER_MAPPING: 'remote',
  OBJECT_PUBLICATION: 'remote',
  OBJECT_PUBLICATION_NAMESPACE: 'remote',
  OBJECT_PUBLICATION_REL: 'remote',
  OBJECT_SUBSCRIPTION: 'remote',
  OBJECT_ROLE: 'privileges',
  OBJECT_POLICY: 'privileges',
  OBJECT_DEFACL: 'privileges',
  OBJECT_PARAMETER_ACL: 'privileges',
  OBJECT_DATABASE: 'database',
  OBJECT_TABLESPACE: 'server',
};

const OBJECT_WORDS: Readonly<Record<string, string>> = {
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_FOREIGN_SERVER: 'SERVER',
  OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_TABCONSTRAINT: 'CONSTRAINT',
  OBJECT_DOMCONSTRAINT: 'CONSTRAINT',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
  OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
  OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
  OBJECT_OPCLASS: 'OPERATOR CLASS',
  OBJECT_OPFAMILY: 'OPERATOR FAMILY',
  OBJECT_LARGEOBJECT: 'LARGE OBJECT',
  OBJECT_DEFACL: 'DEFAULT PRIVILEGES',
  OBJECT_PARAMETER_ACL: 'PARAMETER',
};

function objectWord(objectType: unknown): string {
  if (typeof objectType !== 'string') return 'OBJECT';
  return OBJECT_WORDS[objectType] ?? objectType.replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

/** DDL on an object type: ordinary objects need a write-enabled connection, others never run. */
function ddl(command: string, objectType: unknown): StatementRule {
  if (typeof objectType === 'string' && DDL_OBJECTS.has(objectType)) return write('ddl', command);
  return never('ddl', command, (typeof objectType === 'string' && OBJECT_REASONS[objectType]) || 'code');
}

const TRANSACTION_COMMANDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

function setCommand(fields: TreeObject): string {
  const name = typeof fields.name === 'string' ? fields.name : '';
  switch (fields.kind) {
    case 'VAR_RESET_ALL':
      return 'RESET ALL';
    case 'VAR_RESET':
      return `RESET ${name}`;
    case 'VAR_SET_MULTI':
      return `SET ${name}`;
    default:
      if (name === 'role') return 'SET ROLE';
      if (name === 'session_authorization') return 'SET SESSION AUTHORIZATION';
      return fields.is_local === true ? `SET LOCAL ${name}` : `SET ${name}`;
  }
}

const DENIED_ALTER_TABLE: Readonly<Record<string, [string, Reason]>> = {
  AT_ChangeOwner: ['OWNER TO', 'privileges'],
  AT_EnableRowSecurity: ['ENABLE ROW LEVEL SECURITY', 'privileges'],
  AT_DisableRowSecurity: ['DISABLE ROW LEVEL SECURITY', 'privileges'],
  AT_ForceRowSecurity: ['FORCE ROW LEVEL SECURITY', 'privileges'],
  AT_NoForceRowSecurity: ['NO FORCE ROW LEVEL SECURITY', 'privileges'],
  AT_GenericOptions: ['OPTIONS', 'remote'],
  AT_AlterColumnGenericOptions: ['OPTIONS', 'remote'],
};

function alterTable(fields: TreeObject): StatementRule {
  const command = `ALTER ${objectWord(fields.objtype)}`;
  if (fields.objtype === 'OBJECT_FOREIGN_TABLE') return never('ddl', command, 'remote');
  for (const cmd of Array.isArray(fields.cmds) ? fields.cmds : []) {
    const subtype = (cmd as { AlterTableCmd?: { subtype?: string } }).AlterTableCmd?.subtype;
    const denied = subtype === undefined ? undefined : DENIED_ALTER_TABLE[subtype];
    if (denied) return never('ddl', `${command} … ${denied[0]}`, denied[1]);
  }
  return write('ddl', command);
}

function defineCommand(fields: TreeObject): StatementRule {
  const command = `CREATE ${objectWord(fields.kind)}`;
  return fields.kind === 'OBJECT_COLLATION' ? write('ddl', command) : never('ddl', command, 'code');
}

function copyCommand(fields: TreeObject): StatementRule {
  const direction = fields.is_from === true ? 'FROM' : 'TO';
  if (fields.is_program === true) return never('copy', `COPY … ${direction} PROGRAM`, 'server');
  if (typeof fields.filename === 'string')
    return never('copy', `COPY … ${direction} '${fields.filename}'`, 'server');
  return {
    kind: 'copy',
    command: `COPY … ${direction} ${fields.is_from === true ? 'STDIN' : 'STDOUT'}`,
    access: 'never',
    reason:
      fields.is_from === true
        ? 'streams data over the COPY protocol, which pgmcp does not speak. Use INSERT … VALUES on a write-enabled connection.'
        : 'streams data over the COPY protocol, which pgmcp does not speak. Run the SELECT itself; pgmcp pages results with limit/offset.',
  };
}

const RULES: Readonly<Record<string, (fields: TreeObject) => StatementRule>> = {
  // Reads. SelectStmt's command (SELECT / VALUES / TABLE / SELECT INTO) is refined by the analyser.
  SelectStmt: () => read('select', 'SELECT'),
  VariableShowStmt: (f) => read('show', typeof f.name === 'string' ? `SHOW ${f.name}` : 'SHOW'),
  ExplainStmt: () => read('explain', 'EXPLAIN'),

  // DML.
  InsertStmt: () => write('insert', 'INSERT'),
  UpdateStmt: () => write('update', 'UPDATE'),
  DeleteStmt: () => write('delete', 'DELETE'),
  MergeStmt: () => write('merge', 'MERGE'),

  // Ordinary DDL.
  CreateStmt: () => write('ddl', 'CREATE TABLE'),
  CreateTableAsStmt: (f) =>
    write('ddl', f.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS'),
  ViewStmt: () => write('ddl', 'CREATE VIEW'),
  IndexStmt: () => write('ddl', 'CREATE INDEX'),
  AlterTableStmt: alterTable,
  RenameStmt: (f) => ddl(`ALTER ${objectWord(f.renameType)} … RENAME`, f.renameType),
  AlterObjectSchemaStmt: (f) => ddl(`ALTER ${objectWord(f.objectType)} … SET SCHEMA`, f.objectType),
  DropStmt: (f) => ddl(`DROP ${objectWord(f.removeType)}`, f.removeType),
  TruncateStmt: () => write('ddl', 'TRUNCATE'),
  CommentStmt: (f) => write('ddl', `COMMENT ON ${objectWord(f.objtype)}`),
  CreateSchemaStmt: () => write('ddl', 'CREATE SCHEMA'),
  CreateSeqStmt: () => write('ddl', 'CREATE SEQUENCE'),
  AlterSeqStmt: () => write('ddl', 'ALTER SEQUENCE'),
  CreateEnumStmt: () => write('ddl', 'CREATE TYPE … AS ENUM'),
  AlterEnumStmt: () => write('ddl', 'ALTER TYPE'),
  CompositeTypeStmt: () => write('ddl', 'CREATE TYPE'),
  CreateRangeStmt: () => write('ddl', 'CREATE TYPE … AS RANGE'),
  CreateDomainStmt: () => write('ddl', 'CREATE DOMAIN'),
  AlterDomainStmt: () => write('ddl', 'ALTER DOMAIN'),
  CreateTrigStmt: () => write('ddl', 'CREATE TRIGGER'),
  CreateStatsStmt: () => write('ddl', 'CREATE STATISTICS'),
  AlterStatsStmt: () => write('ddl', 'ALTER STATISTICS'),
  DefineStmt: defineCommand,

  // Maintenance and other writes.
  VacuumStmt: (f) => write('maintenance', f.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE'),
  ClusterStmt: () => write('maintenance', 'CLUSTER'),
  ReindexStmt: () => write('maintenance', 'REINDEX'),
  RefreshMatViewStmt: () => write('maintenance', 'REFRESH MATERIALIZED VIEW'),
  LockStmt: () => write('utility', 'LOCK'),
  ConstraintsSetStmt: () => write('utility', 'SET CONSTRAINTS'),
  CallStmt: () => write('call', 'CALL'),
  NotifyStmt: () => write('utility', 'NOTIFY'),

  // Transaction control and session state.
  TransactionStmt: (f) =>
    never('transaction', TRANSACTION_COMMANDS[String(f.kind)] ?? 'transaction control', 'transaction'),
  VariableSetStmt: (f) => never('session', setCommand(f), 'session'),
  DiscardStmt: () => never('session', 'DISCARD', 'session'),
  PrepareStmt: () => never('session', 'PREPARE', 'session'),
  ExecuteStmt: () => never('session', 'EXECUTE', 'session'),
  DeallocateStmt: () => never('session', 'DEALLOCATE', 'session'),
  DeclareCursorStmt: () => never('session', 'DECLARE CURSOR', 'session'),
  FetchStmt: (f) => never('session', f.ismove === true ? 'MOVE' : 'FETCH', 'session'),
  ClosePortalStmt: () => never('session', 'CLOSE', 'session'),
  ListenStmt: () => never('session', 'LISTEN', 'session'),
  UnlistenStmt: () => never('session', 'UNLISTEN', 'session'),

  // Code the guard cannot inspect.
  DoStmt: () => never('do', 'DO', 'code'),
  LoadStmt: () => never('utility', 'LOAD', 'code'),
  CreateFunctionStmt: (f) =>
    never('ddl', f.is_procedure === true ? 'CREATE PROCEDURE' : 'CREATE FUNCTION', 'code'),
  AlterFunctionStmt: () => never('ddl', 'ALTER FUNCTION', 'code'),
  CreateExtensionStmt: () => never('ddl', 'CREATE EXTENSION', 'code'),
  AlterExtensionStmt: () => never('ddl', 'ALTER EXTENSION', 'code'),
  AlterExtensionContentsStmt: () => never('ddl', 'ALTER EXTENSION', 'code'),
  CreatePLangStmt: () => never('ddl', 'CREATE LANGUAGE', 'code'),
  CreateEventTrigStmt: () => never('ddl', 'CREATE EVENT TRIGGER', 'code'),
  AlterEventTrigStmt: () => never('ddl', 'ALTER EVENT TRIGGER', 'code'),
  RuleStmt: () => never('ddl', 'CREATE RULE', 'code'),
  CreateAmStmt: () => never('ddl', 'CREATE ACCESS METHOD', 'code'),
  CreateCastStmt: () => never('ddl', 'CREATE CAST', 'code'),
  CreateTransformStmt: () => never('ddl', 'CREATE TRANSFORM', 'code'),
  CreateConversionStmt: () => never('ddl', 'CREATE CONVERSION', 'code'),
  CreateOpClassStmt: () => never('ddl', 'CREATE OPERATOR CLASS', 'code'),
  CreateOpFamilyStmt: () => never('ddl', 'CREATE OPERATOR FAMILY', 'code'),
  AlterOpFamilyStmt: () => never('ddl', 'ALTER OPERATOR FAMILY', 'code'),
  AlterOperatorStmt: () => never('ddl', 'ALTER OPERATOR', 'code'),
  AlterTypeStmt: () => never('ddl', 'ALTER TYPE … SET', 'code'),
  AlterObjectDependsStmt: () => never('ddl', 'ALTER … DEPENDS ON EXTENSION', 'code'),
  AlterCollationStmt: () => never('ddl', 'ALTER COLLATION', 'code'),
  AlterTSDictionaryStmt: () => never('ddl', 'ALTER TEXT SEARCH DICTIONARY', 'code'),
  AlterTSConfigurationStmt: () => never('ddl', 'ALTER TEXT SEARCH CONFIGURATION', 'code'),

  // The server itself.
  CopyStmt: copyCommand,
  AlterSystemStmt: () => never('utility', 'ALTER SYSTEM', 'server'),
  CheckPointStmt: () => never('maintenance', 'CHECKPOINT', 'server'),
  CreateTableSpaceStmt: () => never('ddl', 'CREATE TABLESPACE', 'server'),
  DropTableSpaceStmt: () => never('ddl', 'DROP TABLESPACE', 'server'),
  AlterTableSpaceOptionsStmt: () => never('ddl', 'ALTER TABLESPACE', 'server'),
  AlterTableMoveAllStmt: () => never('ddl', 'ALTER … ALL IN TABLESPACE', 'server'),

  // Other servers.
  CreateFdwStmt: () => never('ddl', 'CREATE FOREIGN DATA WRAPPER', 'remote'),
  AlterFdwStmt: () => never('ddl', 'ALTER FOREIGN DATA WRAPPER', 'remote'),
  CreateForeignServerStmt: () => never('ddl', 'CREATE SERVER', 'remote'),
  AlterForeignServerStmt: () => never('ddl', 'ALTER SERVER', 'remote'),
  CreateForeignTableStmt: () => never('ddl', 'CREATE FOREIGN TABLE', 'remote'),
  CreateUserMappingStmt: () => never('ddl', 'CREATE USER MAPPING', 'remote'),
  AlterUserMappingStmt: () => never('ddl', 'ALTER USER MAPPING', 'remote'),
  DropUserMappingStmt: () => never('ddl', 'DROP USER MAPPING', 'remote'),
  ImportForeignSchemaStmt: () => never('ddl', 'IMPORT FOREIGN SCHEMA', 'remote'),
  CreatePublicationStmt: () => never('ddl', 'CREATE PUBLICATION', 'remote'),
  AlterPublicationStmt: () => never('ddl', 'ALTER PUBLICATION', 'remote'),
  CreateSubscriptionStmt: () => never('ddl', 'CREATE SUBSCRIPTION', 'remote'),
  AlterSubscriptionStmt: () => never('ddl', 'ALTER SUBSCRIPTION', 'remote'),
  DropSubscriptionStmt: () => never('ddl', 'DROP SUBSCRIPTION', 'remote'),

  // Privileges.
  CreateRoleStmt: () => never('privileges', 'CREATE ROLE', 'privileges'),
  AlterRoleStmt: () => never('privileges', 'ALTER ROLE', 'privileges'),
  AlterRoleSetStmt: () => never('privileges', 'ALTER ROLE … SET', 'privileges'),
  DropRoleStmt: () => never('privileges', 'DROP ROLE', 'privileges'),
  GrantStmt: (f) => never('privileges', f.is_grant === true ? 'GRANT' : 'REVOKE', 'privileges'),
  GrantRoleStmt: (f) => never('privileges', f.is_grant === true ? 'GRANT' : 'REVOKE', 'privileges'),
  AlterDefaultPrivilegesStmt: () => never('privileges', 'ALTER DEFAULT PRIVILEGES', 'privileges'),
  AlterOwnerStmt: (f) => never('privileges', `ALTER ${objectWord(f.objectType)} … OWNER TO`, 'privileges'),
  ReassignOwnedStmt: () => never('privileges', 'REASSIGN OWNED', 'privileges'),
  DropOwnedStmt: () => never('privileges', 'DROP OWNED', 'privileges'),
  CreatePolicyStmt: () => never('privileges', 'CREATE POLICY', 'privileges'),
  AlterPolicyStmt: () => never('privileges', 'ALTER POLICY', 'privileges'),
  SecLabelStmt: () => never('privileges', 'SECURITY LABEL', 'privileges'),

  // Whole databases.
  CreatedbStmt: () => never('ddl', 'CREATE DATABASE', 'database'),
  AlterDatabaseStmt: () => never('ddl', 'ALTER DATABASE', 'database'),
  AlterDatabaseSetStmt: () => never('ddl', 'ALTER DATABASE … SET', 'database'),
  AlterDatabaseRefreshCollStmt: () => never('ddl', 'ALTER DATABASE … REFRESH COLLATION VERSION', 'database'),
  DropdbStmt: () => never('ddl', 'DROP DATABASE', 'database'),
};

/** The rule for one parsed statement; unknown node types are refused. */
export function classifyStatement(type: string, fields: TreeObject): StatementRule {
  const rule = RULES[type];
  return rule ? rule(fields) : never('utility', type.replace(/Stmt$/, ''), 'unknown');
}

/** Whether a DML target (a RangeVar) is a system catalog or view, e.g. pg_settings or pg_catalog.pg_authid. */
export function isSystemRelation(relation: unknown): boolean {
  if (typeof relation !== 'object' || relation === null) return false;
  const { schemaname, relname } = relation as { schemaname?: unknown; relname?: unknown };
  if (typeof schemaname === 'string') {
    return ['pg_catalog', 'information_schema', 'pg_toast'].includes(schemaname.toLowerCase());
  }
  // Unqualified pg_* names resolve to pg_catalog first (it is searched before the search_path).
  return typeof relname === 'string' && relname.toLowerCase().startsWith('pg_');
}
