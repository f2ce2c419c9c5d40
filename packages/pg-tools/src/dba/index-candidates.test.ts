import { describe, expect, it } from 'vitest';
import type { PlanNode } from '../tools/plan-findings.js';
import { candidateSql, columnUses, indexCandidates } from './index-candidates.js';

describe('columnUses', () => {
  it('classifies equality and range comparisons of the alias’s columns', () => {
    expect(
      columnUses(
        "((o.customer_id = 42) AND (o.placed_at >= '2024-01-01'::timestamp with time zone))",
        'o',
        'filter',
      ),
    ).toEqual([
      { column: 'customer_id', use: 'eq' },
      { column: 'placed_at', use: 'range' },
    ]);
  });

  it('handles casts, ANY, reversed operands, quoted names and ignores literals and functions', () => {
    expect(columnUses("((o.status)::text = ANY ('{open,paid}'::text[]))", 'o', 'filter')).toEqual([
      { column: 'status', use: 'eq' },
    ]);
    expect(columnUses('(42 = o."Customer")', 'o', 'filter')).toEqual([{ column: 'Customer', use: 'eq' }]);
    expect(columnUses("(o.note = 'p.x = 1')", 'p', 'filter')).toEqual([]);
    expect(columnUses('(lower(o.email) = $1)', 'o', 'filter')).toEqual([]);
    expect(columnUses('(o.a <> 1)', 'o', 'filter')).toEqual([]);
  });

  it('marks join conditions as join keys of the alias only', () => {
    expect(columnUses('(o.customer_id = c.id)', 'c', 'join')).toEqual([{ column: 'id', use: 'join' }]);
  });
});

describe('indexCandidates', () => {
  const scan = (filter: string): PlanNode => ({
    'Node Type': 'Seq Scan',
    'Relation Name': 'orders',
    Schema: 'shop',
    Alias: 'o',
    'Plan Rows': 10,
    Filter: filter,
  });

  it('proposes the composite (equalities, then one range) and each column alone', () => {
    const candidates = indexCandidates(
      scan("((o.placed_at > now()) AND (o.customer_id = 1) AND (o.status = 'open'::text))"),
      () => 100_000,
    );
    expect(candidates.map((c) => c.columns)).toEqual([
      ['customer_id', 'status', 'placed_at'],
      ['customer_id'],
      ['status'],
      ['placed_at'],
    ]);
    expect(candidates[0]).toMatchObject({ table_rows: 100_000, scan_rows: 10 });
    expect(candidateSql(candidates[0]!)).toBe(
      'CREATE INDEX CONCURRENTLY ON "shop"."orders" ("customer_id", "status", "placed_at")',
    );
  });

  it('proposes join keys of the scanned side of a hash join', () => {
    const plan: PlanNode = {
      'Node Type': 'Hash Join',
      'Hash Cond': '(o.customer_id = c.id)',
      Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Schema: 'shop', Alias: 'o' },
        {
          'Node Type': 'Hash',
          Plans: [{ ...scan("(c.city = 'Oslo'::text)"), 'Relation Name': 'customers', Alias: 'c' }],
        },
      ],
    };
    const columns = indexCandidates(plan, () => null).map((c) => `${c.table}(${c.columns.join(',')})`);
    expect(columns).toEqual(['orders(customer_id)', 'customers(city)', 'customers(id)']);
  });
});
