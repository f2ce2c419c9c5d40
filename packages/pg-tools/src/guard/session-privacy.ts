/**
 * Whether a statement reads the text of other sessions' statements. Users who share a
 * connection's database role see each other's statements, literals included, in
 * `pg_stat_activity.query` (and the functions behind it). With the privacy option on, only
 * administrators may; everyone else can still read the other columns. See README.md § Privacy.
 *
 * The rules are conservative where the tree cannot tell which relation a name belongs to: once
 * a statement names pg_stat_activity, any column called `query` counts, in any clause (a WHERE
 * on it leaks the text one comparison at a time).
 */
import type { GuardFinding } from './types.js';
import { isObject, stringValue, type TreeObject, unwrap, type VisitedNode, walkTree } from './walk.js';

/** Relations whose `query` column shows other sessions' statements. */
const ACTIVITY_RELATIONS = new Set(['pg_stat_activity']);
/** Functions that return other sessions' statement text. */
const ACTIVITY_FUNCTIONS = new Set(['pg_stat_get_activity', 'pg_stat_get_backend_activity']);

const INSTEAD =
  'An administrator can see them. Select the other columns instead, e.g. SELECT pid, usename, application_name, state, wait_event_type, wait_event, query_start, backend_type FROM pg_stat_activity.';

/** What {@link findOtherSessionsRead} reports: a finding ready for the refusal. */
export type OtherSessionsRead = Pick<GuardFinding, 'construct' | 'message' | 'location'>;

function finding(construct: string, what: string, location: number | undefined): OtherSessionsRead {
  return {
    construct,
    message: `${what} shows the statements other sessions run (with their literals), which only administrators may read here. ${INSTEAD}`,
    location,
  };
}

/** RangeVars in a FROM list, through joins but not into subqueries or functions. */
function fromRelations(items: unknown, out: TreeObject[] = []): TreeObject[] {
  for (const item of Array.isArray(items) ? items : [items]) {
    const node = unwrap(item);
    if (!node) continue;
    if (node[0] === 'RangeVar') out.push(node[1]);
    else if (node[0] === 'JoinExpr') fromRelations([node[1].larg, node[1].rarg], out);
  }
  return out;
}

function isActivity(relation: TreeObject): boolean {
  return typeof relation.relname === 'string' && ACTIVITY_RELATIONS.has(relation.relname.toLowerCase());
}

function aliasOf(relation: TreeObject): string {
  const alias = relation.alias;
  return isObject(alias) && typeof alias.aliasname === 'string' ? alias.aliasname : String(relation.relname);
}

function isBareStar(value: unknown): boolean {
  const node = unwrap(value);
  if (!node || node[0] !== 'ResTarget') return false;
  const ref = unwrap(node[1].val);
  const fields = ref?.[0] === 'ColumnRef' && Array.isArray(ref[1].fields) ? ref[1].fields : [];
  return fields.length === 1 && unwrap(fields[0])?.[0] === 'A_Star';
}

/**
 * Finds the first construct that reads other sessions' statements: `pg_stat_activity.query` (by
 * name, `*`, `a.*`, or a whole-row reference such as `row_to_json(a)`), a join on it, or a call
 * of `pg_stat_get_activity()`. `visit` sees every node of the tree during the guard's own walk
 * (it only notes names); `finish` walks the tree again only when pg_stat_activity was named.
 * `toPosition` maps the parser's byte offsets to character positions.
 */
export function createOtherSessionsScan(toPosition: (byteOffset: number | undefined) => number | undefined): {
  visit: (node: VisitedNode) => void;
  finish: (root: TreeObject) => OtherSessionsRead | undefined;
} {
  const names = new Set<string>();
  let functionCall: OtherSessionsRead | undefined;
  const visit = ({ type, fields, location }: VisitedNode) => {
    if (type === 'RangeVar' || (fields.relname !== undefined && fields.inh !== undefined)) {
      if (isActivity(fields)) {
        names.add(aliasOf(fields));
        names.add(String(fields.relname));
      }
    }
    if (!functionCall && Array.isArray(fields.funcname)) {
      const name = stringValue(fields.funcname.at(-1))?.toLowerCase();
      if (name && ACTIVITY_FUNCTIONS.has(name)) {
        functionCall = finding(`${name}()`, `${name}()`, toPosition(location));
      }
    }
  };
  const finish = (root: TreeObject) => {
    if (functionCall) return functionCall;
    if (names.size === 0) return undefined;
    return readsQuery(root, names, toPosition);
  };
  return { visit, finish };
}

/** The first read of the query column (or of the whole row) of the relations called `names`. */
function readsQuery(
  root: TreeObject,
  names: ReadonlySet<string>,
  toPosition: (byteOffset: number | undefined) => number | undefined,
): OtherSessionsRead | undefined {
  let found: OtherSessionsRead | undefined;
  walkTree(root, ({ type, fields, location }) => {
    if (found) return;
    const at = () => toPosition(location);
    if (type === 'ColumnRef' && Array.isArray(fields.fields)) {
      const parts = fields.fields;
      const last = unwrap(parts.at(-1));
      const lastName = stringValue(parts.at(-1));
      const qualifier = parts.length >= 2 ? stringValue(parts.at(-2)) : undefined;
      const text = parts.map((part) => stringValue(part) ?? '*').join('.');
      if (lastName?.toLowerCase() === 'query') {
        found = finding(text, `${text} (the query column of pg_stat_activity)`, at());
      } else if (lastName !== undefined && names.has(lastName)) {
        found = finding(text, `${text}, a whole-row reference to pg_stat_activity,`, at());
      } else if (last?.[0] === 'A_Star' && qualifier !== undefined && names.has(qualifier)) {
        found = finding(text, `${text} (which includes the query column of pg_stat_activity)`, at());
      }
      return;
    }
    if (type === 'A_Indirection' && Array.isArray(fields.indirection)) {
      if (fields.indirection.some((part) => stringValue(part)?.toLowerCase() === 'query')) {
        found = finding('(…).query', '(…).query', at());
      }
      return;
    }
    if (Array.isArray(fields.usingClause)) {
      if (fields.usingClause.some((part) => stringValue(part)?.toLowerCase() === 'query')) {
        found = finding('USING (query)', 'A join USING (query)', at());
        return;
      }
    }
    if (fields.isNatural === true && fromRelations([fields.larg, fields.rarg]).some(isActivity)) {
      found = finding('NATURAL JOIN', 'A NATURAL JOIN with pg_stat_activity (it joins on query)', at());
      return;
    }
    // SELECT * / TABLE / RETURNING * over a FROM list that holds pg_stat_activity itself.
    if (Array.isArray(fields.fromClause) && fromRelations(fields.fromClause).some(isActivity)) {
      const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
      const targets = [...list(fields.targetList), ...list(fields.returningList)];
      if (targets.some(isBareStar)) {
        found = finding('*', 'SELECT * from pg_stat_activity (which includes its query column)', at());
      }
    }
  });
  return found;
}
