/** One node of PostgreSQL's EXPLAIN (FORMAT JSON) output. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Join Type'?: string;
  Strategy?: string;
  'Startup Cost'?: number;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Plan Width'?: number;
  'Actual Startup Time'?: number;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  'Index Cond'?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  'Sort Key'?: string[];
  'Sort Method'?: string;
  'Sort Space Used'?: number;
  'Sort Space Type'?: string;
  'Hash Batches'?: number;
  'Original Hash Batches'?: number;
  'Peak Memory Usage'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Temp Read Blocks'?: number;
  'Temp Written Blocks'?: number;
  'Workers Planned'?: number;
  'Workers Launched'?: number;
  Plans?: PlanNode[];
}

/** The top-level element of EXPLAIN (FORMAT JSON). */
export interface ExplainOutput {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

/** Rows below which scans and estimates are not worth a remark. */
const BIG_TABLE_ROWS = 10_000;
const MISESTIMATE_FACTOR = 10;

function relation(node: PlanNode): string {
  const name = node['Relation Name'] ? `${node.Schema ? `${node.Schema}.` : ''}${node['Relation Name']}` : '';
  return name || node.Alias || node['Node Type'];
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

/** Short remarks on a plan: what is slow or risky and what to try. */
export function planFindings(output: ExplainOutput, analyzed: boolean): string[] {
  const findings: string[] = [];
  for (const node of walk(output.Plan)) {
    const loops = node['Actual Loops'] ?? 1;
    const actualRows = node['Actual Rows'] !== undefined ? node['Actual Rows'] * loops : undefined;
    const planRows = node['Plan Rows'] ?? 0;
    if (node['Node Type'] === 'Seq Scan') {
      const removed = (node['Rows Removed by Filter'] ?? 0) * loops;
      const read = (actualRows ?? planRows) + removed;
      if (node.Filter && read >= BIG_TABLE_ROWS) {
        const kept = actualRows ?? planRows;
        findings.push(
          `Sequential scan on ${relation(node)} reads ~${fmt(read)} rows to keep ${fmt(kept)} (Filter: ${node.Filter}). ` +
            (kept / Math.max(read, 1) < 0.1
              ? 'An index on the filtered column(s) would likely help.'
              : 'Most rows match, so a scan is reasonable.'),
        );
      } else if (!node.Filter && read >= 100_000) {
        findings.push(`Sequential scan reads all ~${fmt(read)} rows of ${relation(node)}.`);
      }
    }
    if (node['Sort Space Type'] === 'Disk') {
      findings.push(
        `Sort on ${(node['Sort Key'] ?? []).join(', ') || 'its input'} spilled to disk (${fmt(node['Sort Space Used'] ?? 0)} kB, ${node['Sort Method'] ?? 'external sort'}): raise work_mem for this query, sort fewer rows, or use an index that provides the order.`,
      );
    }
    if ((node['Hash Batches'] ?? 1) > 1) {
      findings.push(
        `Hash used ${node['Hash Batches']} batches (spilled to disk; planned ${node['Original Hash Batches'] ?? 1}): raise work_mem or reduce the hashed input.`,
      );
    }
    if (analyzed && actualRows !== undefined && node['Actual Loops'] !== 0) {
      const perLoop = node['Actual Rows'] ?? 0;
      const high = Math.max(perLoop, planRows);
      const low = Math.max(1, Math.min(perLoop, planRows));
      if (high >= 100 && high / low >= MISESTIMATE_FACTOR) {
        findings.push(
          `Row estimate off by ${fmt(high / low)}x on ${node['Node Type']}${node['Relation Name'] ? ` on ${relation(node)}` : ''} (planned ${fmt(planRows)}, actual ${fmt(perLoop)} per loop): run ANALYZE on the table, or add extended statistics for correlated columns.`,
        );
      }
    }
    if (node['Node Type'] === 'Nested Loop' && analyzed) {
      const inner = node.Plans?.[1];
      const innerLoops = inner?.['Actual Loops'] ?? 0;
      if (
        inner &&
        innerLoops >= 1000 &&
        (inner['Node Type'] === 'Seq Scan' || inner['Node Type'] === 'Materialize')
      ) {
        findings.push(
          `Nested Loop repeats a ${inner['Node Type']} of ${relation(inner)} ${fmt(innerLoops)} times: an index on the join column would turn it into index lookups.`,
        );
      }
    }
    if (
      (node['Temp Written Blocks'] ?? 0) > 0 &&
      node['Sort Space Type'] !== 'Disk' &&
      (node['Hash Batches'] ?? 1) <= 1
    ) {
      findings.push(
        `${node['Node Type']} wrote ${fmt(node['Temp Written Blocks'] ?? 0)} temporary blocks (8 kB each) to disk.`,
      );
    }
  }
  return findings;
}

function nodeLabel(node: PlanNode): string {
  const parts = [node['Node Type']];
  if (node.Strategy && node['Node Type'] === 'Aggregate')
    parts[0] = `${node.Strategy === 'Plain' ? '' : `${node.Strategy} `}Aggregate`;
  if (node['Join Type'] && node['Join Type'] !== 'Inner') parts.push(`(${node['Join Type']})`);
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (node['Relation Name'])
    parts.push(
      `on ${relation(node)}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`,
    );
  return parts.join(' ');
}

/** A compact text form of the plan tree, one node per line with its details indented. */
export function renderPlan(output: ExplainOutput): string {
  const lines: string[] = [];
  const visit = (node: PlanNode, depth: number) => {
    const indent = '  '.repeat(depth);
    const estimate = `cost=${node['Startup Cost']?.toFixed(2)}..${node['Total Cost']?.toFixed(2)} rows=${node['Plan Rows']} width=${node['Plan Width']}`;
    const actual =
      node['Actual Total Time'] !== undefined
        ? node['Actual Loops'] === 0
          ? ' (never executed)'
          : ` (actual time=${node['Actual Startup Time']?.toFixed(3)}..${node['Actual Total Time'].toFixed(3)} rows=${node['Actual Rows']} loops=${node['Actual Loops']})`
        : '';
    lines.push(`${indent}${depth > 0 ? '-> ' : ''}${nodeLabel(node)}  (${estimate})${actual}`);
    const detail = (label: string, value: string | number | undefined) => {
      if (value !== undefined && value !== '') lines.push(`${indent}     ${label}: ${value}`);
    };
    detail('Index Cond', node['Index Cond']);
    detail('Hash Cond', node['Hash Cond']);
    detail('Merge Cond', node['Merge Cond']);
    detail('Join Filter', node['Join Filter']);
    detail('Filter', node.Filter);
    if (node['Rows Removed by Filter']) detail('Rows Removed by Filter', node['Rows Removed by Filter']);
    if (node['Sort Key']) detail('Sort Key', node['Sort Key'].join(', '));
    if (node['Sort Method'])
      detail(
        'Sort Method',
        `${node['Sort Method']}  ${node['Sort Space Type'] ?? ''}: ${node['Sort Space Used'] ?? '?'}kB`,
      );
    if (node['Hash Batches'] !== undefined)
      detail(
        'Buckets/Batches',
        `batches=${node['Hash Batches']} memory=${node['Peak Memory Usage'] ?? '?'}kB`,
      );
    const hit = node['Shared Hit Blocks'];
    const read = node['Shared Read Blocks'];
    if (hit || read) detail('Buffers', `shared hit=${hit ?? 0} read=${read ?? 0}`);
    if (node['Workers Planned'])
      detail('Workers', `planned=${node['Workers Planned']} launched=${node['Workers Launched'] ?? '?'}`);
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(output.Plan, 0);
  if (output['Planning Time'] !== undefined)
    lines.push(`Planning Time: ${output['Planning Time'].toFixed(3)} ms`);
  if (output['Execution Time'] !== undefined)
    lines.push(`Execution Time: ${output['Execution Time'].toFixed(3)} ms`);
  return lines.join('\n');
}
