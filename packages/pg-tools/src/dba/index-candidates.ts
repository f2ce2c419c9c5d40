import type { PlanNode } from '../tools/plan-findings.js';
import { quoteIdent } from './catalog.js';

/** A b-tree index worth evaluating. */
export interface IndexCandidate {
  schema: string;
  table: string;
  columns: string[];
  /** Why it was proposed, e.g. "filter customer_id = …, created_at > …". */
  reason: string;
  /** Rows the planner expects in the table. */
  table_rows: number | null;
  /** Rows the planner expects the scan to keep (for the heuristic's selectivity). */
  scan_rows: number | null;
}

/** How a column is used by a condition. */
type Use = 'eq' | 'range' | 'join' | 'sort';

interface ColumnUse {
  column: string;
  use: Use;
}

interface ScanSite {
  schema: string;
  table: string;
  alias: string;
  nodeType: string;
  rows: number | null;
  uses: ColumnUse[];
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const SCANS = new Set(['Seq Scan', 'Bitmap Heap Scan', 'Index Scan', 'Index Only Scan']);

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}

/** Removes string literals so their contents never look like column references. */
function stripLiterals(expression: string): string {
  return expression.replace(/'(?:[^']|'')*'/g, "''");
}

/** Columns of `alias` an expression uses, with the operator they are compared by. */
export function columnUses(expression: string, alias: string, context: 'filter' | 'join'): ColumnUse[] {
  const text = stripLiterals(expression);
  const aliasPattern = /^[a-z_][a-z0-9_$]*$/.test(alias) ? alias : quoteIdent(alias);
  const escaped = aliasPattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const reference = new RegExp(String.raw`(^|[^\w."$])${escaped}\.(${IDENT})(?!\s*\()`, 'g');
  const uses: ColumnUse[] = [];
  for (const match of text.matchAll(reference)) {
    const column = unquote(match[2] ?? '');
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    const end = start + match[0].length - (match[1]?.length ?? 0);
    // Look at the operator beside the reference (casts such as ::text between are skipped).
    const after = text.slice(end).replace(/^(\)?::[\w ]+(\[\])?)+/, '');
    const before = text.slice(0, start).replace(/\(+$/, '');
    let use: Use;
    if (context === 'join') use = 'join';
    else if (/^\s*(=|= ANY)\s/.test(after) || /[^<>!]=\s*$/.test(before) || /^\s*IS NULL/.test(after))
      use = 'eq';
    else if (/^\s*(<=|>=|<|>)\s/.test(after) || /(<=|>=|<|>)\s*$/.test(before)) use = 'range';
    else continue;
    uses.push({ column, use });
  }
  return uses;
}

function* walk(node: PlanNode, ancestors: PlanNode[] = []): Generator<[PlanNode, PlanNode[]]> {
  yield [node, ancestors];
  for (const child of node.Plans ?? []) yield* walk(child, [...ancestors, node]);
}

/** The scans of a plan with the columns their filters, joins and sorts use. */
export function scanSites(plan: PlanNode): ScanSite[] {
  const sites: ScanSite[] = [];
  for (const [node, ancestors] of walk(plan)) {
    if (!SCANS.has(node['Node Type']) || !node['Relation Name'] || !node.Schema) continue;
    const alias = node.Alias ?? node['Relation Name'];
    const uses: ColumnUse[] = [];
    if (node.Filter) uses.push(...columnUses(node.Filter, alias, 'filter'));
    for (const parent of ancestors) {
      for (const condition of [parent['Hash Cond'], parent['Merge Cond'], parent['Join Filter']]) {
        if (condition) uses.push(...columnUses(condition, alias, 'join'));
      }
      for (const key of parent['Sort Key'] ?? []) {
        const match = new RegExp(
          String.raw`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\.(${IDENT})(\s|$)`,
        ).exec(key);
        if (match?.[1]) uses.push({ column: unquote(match[1]), use: 'sort' });
      }
    }
    if (uses.length > 0) {
      sites.push({
        schema: node.Schema,
        table: node['Relation Name'],
        alias,
        nodeType: node['Node Type'],
        rows: node['Plan Rows'] ?? null,
        uses,
      });
    }
  }
  return sites;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * B-tree candidates for the scans of a plan that read more than an index would: equality columns
 * first, then one range column (the classic composite), each column alone, and join keys (for
 * nested-loop lookups). Sites that already use an index are skipped unless they still filter.
 */
export function indexCandidates(
  plan: PlanNode,
  tableRows: (schema: string, table: string) => number | null,
): IndexCandidate[] {
  const candidates = new Map<string, IndexCandidate>();
  const add = (site: ScanSite, columns: string[], reason: string) => {
    if (columns.length === 0) return;
    const key = `${site.schema}.${site.table}(${columns.join(',')})`;
    if (candidates.has(key)) return;
    candidates.set(key, {
      schema: site.schema,
      table: site.table,
      columns,
      reason,
      table_rows: tableRows(site.schema, site.table),
      scan_rows: site.rows,
    });
  };
  for (const site of scanSites(plan)) {
    const eq = unique(site.uses.filter((u) => u.use === 'eq').map((u) => u.column));
    const range = unique(site.uses.filter((u) => u.use === 'range').map((u) => u.column)).filter(
      (c) => !eq.includes(c),
    );
    const join = unique(site.uses.filter((u) => u.use === 'join').map((u) => u.column));
    const sort = unique(site.uses.filter((u) => u.use === 'sort').map((u) => u.column));
    const filterText = [...eq.map((c) => `${c} = …`), ...range.map((c) => `${c} range`)].join(', ');
    if (eq.length + range.length > 0) {
      add(
        site,
        [...eq, ...range.slice(0, 1)],
        `${site.nodeType} on ${site.schema}.${site.table} filters on ${filterText}`,
      );
      if (range.length === 0 && sort.length > 0) {
        add(
          site,
          [...eq, ...sort.filter((c) => !eq.includes(c)).slice(0, 1)],
          `filters on ${filterText} and sorts on ${sort[0]}`,
        );
      }
      for (const column of [...eq, ...range]) {
        add(site, [column], `${site.nodeType} on ${site.schema}.${site.table} filters on ${column}`);
      }
    }
    for (const column of join) add(site, [column], `join key of ${site.schema}.${site.table}`);
  }
  return [...candidates.values()];
}

/** `CREATE INDEX` for a candidate (CONCURRENTLY, as a DBA would run it on a live table). */
export function candidateSql(
  candidate: Pick<IndexCandidate, 'schema' | 'table' | 'columns'>,
  concurrently = true,
): string {
  return `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ON ${quoteIdent(candidate.schema)}.${quoteIdent(candidate.table)} (${candidate.columns.map(quoteIdent).join(', ')})`;
}
