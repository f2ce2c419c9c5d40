/** One node of a plan tree as the plan view shows it. */
export interface PlanTreeNode {
  id: string;
  /** `Seq Scan on sales.orders`, `Hash Join (Inner)`… */
  label: string;
  startupCost?: number;
  totalCost?: number;
  planRows?: number;
  /** Actual rows over all loops, when the plan was analyzed. */
  actualRows?: number;
  loops?: number;
  /** Inclusive time in ms over all loops, when analyzed. */
  timeMs?: number;
  /** Filter, index condition, sort key… */
  details: string[];
  /** The explain tool's findings that are about this node. */
  findings: string[];
  children: PlanTreeNode[];
}

type RawNode = Record<string, unknown> & { Plans?: unknown[] };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const isRecord = (v: unknown): v is RawNode => typeof v === 'object' && v !== null && !Array.isArray(v);

function relationOf(node: RawNode): string | undefined {
  const name = str(node['Relation Name']);
  if (!name) return undefined;
  const schema = str(node.Schema);
  return schema ? `${schema}.${name}` : name;
}

function labelOf(node: RawNode): string {
  const type = str(node['Node Type']) ?? 'Node';
  const parts = [str(node.Strategy) && type === 'Aggregate' ? `${str(node.Strategy)} ${type}` : type];
  if (str(node['Join Type']) && type.includes('Join')) parts[0] = `${parts[0]} (${str(node['Join Type'])})`;
  const relation = relationOf(node);
  const index = str(node['Index Name']);
  if (index) parts.push(`using ${index}`);
  if (relation)
    parts.push(
      `on ${relation}${str(node.Alias) && str(node.Alias) !== str(node['Relation Name']) ? ` ${str(node.Alias)}` : ''}`,
    );
  return parts.join(' ');
}

const DETAIL_KEYS = [
  'Filter',
  'Index Cond',
  'Hash Cond',
  'Merge Cond',
  'Join Filter',
  'Recheck Cond',
] as const;

function detailsOf(node: RawNode): string[] {
  const details: string[] = DETAIL_KEYS.flatMap((key) =>
    str(node[key]) ? [`${key}: ${str(node[key])}`] : [],
  );
  const sortKey = node['Sort Key'];
  if (Array.isArray(sortKey)) details.push(`Sort Key: ${sortKey.join(', ')}`);
  const removed = num(node['Rows Removed by Filter']);
  if (removed) details.push(`Rows Removed by Filter: ${removed.toLocaleString('en-US')}`);
  const method = str(node['Sort Method']);
  if (method)
    details.push(
      `Sort Method: ${method} (${num(node['Sort Space Used']) ?? '?'} kB, ${str(node['Sort Space Type']) ?? ''})`,
    );
  return details;
}

/** A finding belongs to a node when it names the node's type and (if any) its relation. */
function findingsFor(node: RawNode, findings: readonly string[]): string[] {
  const type = str(node['Node Type']) ?? '';
  const relation = relationOf(node);
  const matchesType = (f: string) =>
    f.includes(type) ||
    (type === 'Seq Scan' && /sequential scan/i.test(f)) ||
    (type === 'Hash' && /^Hash used/.test(f));
  return findings.filter(
    (f) => matchesType(f) && (!relation || f.includes(relation) || f.includes(String(node['Relation Name']))),
  );
}

/**
 * The explain tool's JSON plan (`{Plan, Execution Time…}` or PostgreSQL's `[{Plan}]`) as a tree,
 * with each finding attached to the first node it is about; the rest stay at the root.
 */
export function buildPlanTree(
  plan: unknown,
  findings: readonly string[] = [],
): { root: PlanTreeNode; unplaced: string[] } | undefined {
  const top: unknown = Array.isArray(plan) ? (plan as unknown[])[0] : plan;
  if (!isRecord(top) || !isRecord(top.Plan)) return undefined;
  const placed = new Set<string>();
  let counter = 0;
  const visit = (node: RawNode): PlanTreeNode => {
    const loops = num(node['Actual Loops']);
    const perLoopRows = num(node['Actual Rows']);
    const perLoopTime = num(node['Actual Total Time']);
    const own = findingsFor(node, findings).filter((f) => !placed.has(f));
    own.forEach((f) => placed.add(f));
    const result: PlanTreeNode = {
      id: `n${counter++}`,
      label: labelOf(node),
      ...(num(node['Startup Cost']) !== undefined ? { startupCost: num(node['Startup Cost']) } : {}),
      ...(num(node['Total Cost']) !== undefined ? { totalCost: num(node['Total Cost']) } : {}),
      ...(num(node['Plan Rows']) !== undefined ? { planRows: num(node['Plan Rows']) } : {}),
      ...(perLoopRows !== undefined ? { actualRows: perLoopRows * (loops ?? 1) } : {}),
      ...(loops !== undefined ? { loops } : {}),
      ...(perLoopTime !== undefined ? { timeMs: perLoopTime * (loops ?? 1) } : {}),
      details: detailsOf(node),
      findings: own,
      children: [],
    };
    result.children = (node.Plans ?? []).filter(isRecord).map(visit);
    return result;
  };
  const root = visit(top.Plan);
  return { root, unplaced: findings.filter((f) => !placed.has(f)) };
}

/** How far the estimate was off (≥ 1), when both numbers are known. */
export function misestimate(node: PlanTreeNode): number | undefined {
  if (node.planRows === undefined || node.actualRows === undefined) return undefined;
  const perLoop = node.actualRows / Math.max(node.loops ?? 1, 1);
  return Math.max(perLoop, node.planRows, 1) / Math.max(1, Math.min(perLoop, node.planRows));
}
