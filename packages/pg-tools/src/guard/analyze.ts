import { DENY_CATEGORIES, findDenied, type DenyListEntry } from './deny-list.js';
import { createPositionMapper, parseWithRecovery, type RawStatement } from './parser.js';
import { preScan } from './pre-scan.js';
import { createOtherSessionsScan } from './session-privacy.js';
import { classifyStatement, isSystemRelation } from './statement-policy.js';
import { findAmbiguousStringLiteral } from './string-literals.js';
import type { AnalyzeResult, GuardFinding, StatementAnalysis } from './types.js';
import { isObject, stringValue, unwrap, type TreeObject, type VisitedNode, walkTree } from './walk.js';

/** Maps the parser's byte offsets to 1-based character positions of the text the user sent. */
export type PositionMapper = (byteOffset: number | undefined) => number | undefined;

const DML_TYPES: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

const LOCK_STRENGTHS: Readonly<Record<string, string>> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

function deniedFinding(
  entry: DenyListEntry,
  name: string,
  construct: string,
  location: number | undefined,
  attributeNotation: boolean,
): GuardFinding {
  const info = DENY_CATEGORIES[entry.category];
  const where = info.refusedOn === 'always' ? 'through pgmcp' : 'on a read-only connection';
  const subject = entry.object === 'function' ? `${name}()` : name;
  const call = attributeNotation
    ? `${construct} is attribute notation for calling ${subject}. ${subject} `
    : `${subject} `;
  const column = attributeNotation ? ` If ${name} is a column, select it without the qualifier.` : '';
  return {
    code: entry.object === 'function' ? 'DENIED_FUNCTION' : 'DENIED_RELATION',
    construct,
    message: `${call}${info.does}, so it is not allowed ${where}. ${info.instead}${column}`,
    location,
    writes: info.writes,
    refusedOn: info.refusedOn,
  };
}

function argumentCount(args: unknown): number {
  return Array.isArray(args) ? args.length : 0;
}

/**
 * Every construct of the tree below `root` that the policy looks at. `root` itself may be a DML
 * statement (the statement being analysed); DML anywhere else is a data-modifying CTE.
 */
export function collectFindings(
  rootType: string,
  root: TreeObject,
  toPosition: PositionMapper,
  /** Also sees every node, in the same walk (one pass over the tree serves several checks). */
  alsoVisit?: (node: VisitedNode) => void,
): GuardFinding[] {
  const findings: GuardFinding[] = [];
  walkTree(root, (node) => {
    alsoVisit?.(node);
    const { type: wrappedType, fields, location: byteOffset } = node;
    const type = fields === root ? rootType : wrappedType;
    // Positions cost a scan of the text when it is not ASCII: compute them for findings only.
    const at = () => toPosition(byteOffset);
    // FuncCall (wrapped, or CallStmt.funccall), CreateTrigStmt's EXECUTE FUNCTION, CREATE FUNCTION.
    if (Array.isArray(fields.funcname)) {
      const name = stringValue(fields.funcname.at(-1));
      const entry = name && findDenied('function', name, argumentCount(fields.args));
      if (name && entry) findings.push(deniedFinding(entry, name, `${name}()`, at(), false));
    }
    // x.f and (expr).f call f(x) when x has no column f: attribute notation.
    if (type === 'ColumnRef' && Array.isArray(fields.fields) && fields.fields.length >= 2) {
      const name = stringValue(fields.fields.at(-1));
      const entry = name && findDenied('function', name, 1);
      if (name && entry) {
        const construct = fields.fields.map((part) => stringValue(part) ?? '*').join('.');
        findings.push(deniedFinding(entry, name, construct, at(), true));
      }
    }
    if (type === 'A_Indirection' && Array.isArray(fields.indirection)) {
      for (const part of fields.indirection) {
        const name = stringValue(part);
        const entry = name && findDenied('function', name, 1);
        if (name && entry) findings.push(deniedFinding(entry, name, `(…).${name}`, at(), true));
      }
    }
    if (typeof fields.relname === 'string') {
      const entry = findDenied('relation', fields.relname);
      if (entry) findings.push(deniedFinding(entry, fields.relname, fields.relname, at(), false));
    }
    const dml = type === undefined ? undefined : DML_TYPES[type];
    if (dml && fields !== root) {
      findings.push({
        code: 'DATA_MODIFYING_CTE',
        construct: `WITH … ${dml}`,
        message: `A ${dml} inside WITH is a data-modifying common table expression: it writes even inside a SELECT, so it is not allowed on a read-only connection. Run the query without the ${dml} part.`,
        location: at(),
        writes: true,
        refusedOn: 'read-only',
      });
    }
    if (dml && isSystemRelation(fields.relation)) {
      const relation = fields.relation as { schemaname?: string; relname?: string };
      const name = [relation.schemaname, relation.relname].filter(Boolean).join('.');
      findings.push({
        code: 'SYSTEM_CATALOG_WRITE',
        construct: `${dml} ${name}`,
        message: `${dml} on ${name} writes to a system catalog or view (UPDATE pg_settings, for one, is SET in disguise), which pgmcp never does. Write to ordinary tables only.`,
        location: at(),
        writes: true,
        refusedOn: 'always',
      });
    }
    if (isObject(fields.intoClause)) {
      const rel = fields.intoClause.rel as { location?: number } | undefined;
      findings.push({
        code: 'SELECT_INTO',
        construct: 'SELECT … INTO',
        message:
          'SELECT … INTO creates a table, so it is not allowed on a read-only connection. Remove the INTO clause to return the rows instead.',
        location: toPosition(rel?.location ?? byteOffset),
        writes: true,
        refusedOn: 'read-only',
      });
    }
    if (type === 'LockingClause') {
      const construct = LOCK_STRENGTHS[String(fields.strength)] ?? 'FOR UPDATE';
      findings.push({
        code: 'LOCKING_CLAUSE',
        construct,
        message: `${construct} locks the rows it reads (it writes to them), so it is not allowed on a read-only connection. Remove the ${construct} clause; the plain SELECT returns the same rows.`,
        location: at(),
        writes: true,
        refusedOn: 'read-only',
      });
    }
  });
  // Source order; constructs the parser gives no position (FOR UPDATE) go last.
  const order = (finding: GuardFinding) => finding.location ?? Number.MAX_SAFE_INTEGER;
  return findings.sort((a, b) => order(a) - order(b));
}

function explainAnalyzeOption(options: unknown): boolean {
  for (const option of Array.isArray(options) ? options : []) {
    const node = unwrap(option);
    if (!node || node[0] !== 'DefElem' || node[1].defname !== 'analyze') continue;
    const arg = unwrap(node[1].arg);
    if (!arg) return true;
    // ANALYZE off / false / 0 / no: like PostgreSQL's defGetBoolean; anything else counts as on.
    if (arg[0] === 'Integer') return arg[1].ival !== undefined && arg[1].ival !== 0;
    if (arg[0] === 'Boolean') return arg[1].boolval === true;
    const text = typeof arg[1].sval === 'string' ? arg[1].sval.toLowerCase() : '';
    return !['false', 'off', 'no', 'f', 'n', '0'].includes(text);
  }
  return false;
}

function selectCommand(fields: TreeObject): Pick<StatementAnalysis, 'kind' | 'command'> {
  if (fields.intoClause) return { kind: 'select', command: 'SELECT INTO' };
  if (Array.isArray(fields.valuesLists)) return { kind: 'values', command: 'VALUES' };
  // TABLE t is SELECT * FROM t with a star that has no position in the text.
  const target: unknown =
    Array.isArray(fields.targetList) && fields.targetList.length === 1 ? fields.targetList[0] : undefined;
  const star = unwrap(unwrap(target)?.[1].val);
  if (star?.[0] === 'ColumnRef' && star[1].location === -1) return { kind: 'table', command: 'TABLE' };
  return { kind: 'select', command: 'SELECT' };
}

/** Analyses one parsed statement (EXPLAIN: with the explained statement inside). */
export function analyzeNode(type: string, fields: TreeObject, toPosition: PositionMapper): StatementAnalysis {
  const rule = classifyStatement(type, fields);
  if (type === 'ExplainStmt') {
    const inner = unwrap(fields.query);
    if (inner) {
      const explained = analyzeNode(inner[0], inner[1], toPosition);
      const explainAnalyze = explainAnalyzeOption(fields.options);
      return {
        kind: 'explain',
        statementType: type,
        command: explainAnalyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN',
        access: explained.access,
        // Without ANALYZE nothing is executed.
        writes: explainAnalyze && explained.writes,
        explainAnalyze,
        explained,
        findings: explained.findings,
        ...(explained.readsOtherSessions ? { readsOtherSessions: explained.readsOtherSessions } : {}),
      };
    }
  }
  const otherSessions = createOtherSessionsScan(toPosition);
  const findings = collectFindings(type, fields, toPosition, otherSessions.visit);
  const readsOtherSessions = otherSessions.finish(fields);
  const refined = type === 'SelectStmt' ? selectCommand(fields) : { kind: rule.kind, command: rule.command };
  return {
    ...refined,
    statementType: type,
    access: rule.access,
    ...(rule.reason === undefined ? {} : { reason: rule.reason }),
    writes: rule.access !== 'read' || findings.some((finding) => finding.writes),
    findings,
    ...(readsOtherSessions ? { readsOtherSessions } : {}),
  };
}

function characterPosition(sql: string, index: number): number {
  let chars = 0;
  for (let i = 0; i < index; i++) {
    const code = sql.charCodeAt(i);
    // Count a surrogate pair once, like PostgreSQL counts code points.
    if (code < 0xdc00 || code > 0xdfff) chars++;
  }
  return chars + 1;
}

/** The analysis of a single statement that parsed; the ambiguous-literal check included. */
export function analyzeSingle(sql: string, statement: RawStatement): StatementAnalysis {
  const analysis = analyzeNode(statement.type, statement.fields, createPositionMapper(sql));
  const literal = findAmbiguousStringLiteral(sql);
  if (literal === undefined) return analysis;
  const finding: GuardFinding = {
    code: 'AMBIGUOUS_STRING_LITERAL',
    construct: sql.slice(literal, literal + 40),
    message: `This string literal has a backslash before a quote, so where it ends depends on the server's standard_conforming_strings setting. Write it as an escape string (E'…', with \\\\ for a backslash and \\' for a quote) or double the quote ('').`,
    location: characterPosition(sql, literal),
    writes: false,
    refusedOn: 'always',
  };
  return { ...analysis, findings: [...analysis.findings, finding] };
}

/**
 * Parses `sql` with the real PostgreSQL parser and describes it, independent of any policy:
 * its kind, whether it would write, and the constructs the policy looks at. Returns a
 * `kind: 'error'` result for syntax errors, empty input and multiple statements.
 *
 * @example
 *   const result = await analyzeStatement('SELECT * FROM orders FOR UPDATE');
 *   if (result.kind !== 'error') console.log(result.writes, result.findings[0]?.construct); // true 'FOR UPDATE'
 */
export async function analyzeStatement(sql: string): Promise<AnalyzeResult> {
  const refused = preScan(sql);
  if (refused) return refused;
  const parsed = await parseWithRecovery(sql);
  if ('kind' in parsed) return parsed;
  const [first, second] = parsed.statements;
  if (second) {
    return {
      kind: 'error',
      code: 'MULTIPLE_STATEMENTS',
      message: `The query contains ${parsed.statements.length} statements; pgmcp runs exactly one statement per call. Send them one at a time (a trailing semicolon is fine).`,
      position: createPositionMapper(sql)(second.byteOffset),
    };
  }
  return analyzeSingle(sql, first!);
}
