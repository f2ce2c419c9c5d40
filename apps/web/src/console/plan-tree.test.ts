import { describe, expect, it } from 'vitest';
import { buildPlanTree, misestimate } from './plan-tree.js';

const plan = {
  Plan: {
    'Node Type': 'Hash Join',
    'Join Type': 'Inner',
    'Startup Cost': 1.5,
    'Total Cost': 120.25,
    'Plan Rows': 100,
    'Actual Rows': 98,
    'Actual Loops': 1,
    'Actual Total Time': 4.2,
    'Hash Cond': '(o.customer_id = c.id)',
    Plans: [
      {
        'Node Type': 'Seq Scan',
        'Relation Name': 'orders',
        Schema: 'sales',
        Alias: 'o',
        'Total Cost': 80,
        'Plan Rows': 10,
        'Actual Rows': 5000,
        'Actual Loops': 2,
        'Actual Total Time': 1.5,
        Filter: "(status = 'open')",
        'Rows Removed by Filter': 20000,
      },
      {
        'Node Type': 'Hash',
        Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'customers', Schema: 'sales' }],
      },
    ],
  },
  'Execution Time': 4.5,
};

describe('buildPlanTree', () => {
  const findings = [
    "Sequential scan on sales.orders reads ~30,000 rows to keep 10,000 (Filter: (status = 'open')).",
    'Something general about the plan.',
  ];
  const tree = buildPlanTree(plan, findings)!;

  it('builds nodes with labels, costs, rows over all loops and time', () => {
    expect(tree.root.label).toBe('Hash Join (Inner)');
    expect(tree.root.totalCost).toBe(120.25);
    expect(tree.root.details).toContain('Hash Cond: (o.customer_id = c.id)');
    const scan = tree.root.children[0]!;
    expect(scan.label).toBe('Seq Scan on sales.orders o');
    expect(scan.actualRows).toBe(10000);
    expect(scan.timeMs).toBe(3);
    expect(scan.details).toContain('Rows Removed by Filter: 20,000');
    expect(tree.root.children[1]!.children[0]!.label).toBe('Seq Scan on sales.customers');
  });
  it('puts a finding on the node it names and keeps the rest at the root', () => {
    expect(tree.root.children[0]!.findings).toEqual([findings[0]]);
    expect(tree.root.children[1]!.children[0]!.findings).toEqual([]);
    expect(tree.unplaced).toEqual([findings[1]]);
  });
  it('measures the misestimate per loop', () => {
    expect(misestimate(tree.root.children[0]!)).toBe(500);
    expect(misestimate(tree.root.children[1]!)).toBeUndefined();
  });
  it('reads PostgreSQL array form and refuses other shapes', () => {
    expect(buildPlanTree([plan])?.root.label).toBe('Hash Join (Inner)');
    expect(buildPlanTree({ nope: 1 })).toBeUndefined();
  });
});
