import type { Lease } from '@pgmcp/pool-manager';
import type { ExplainOutput, PlanNode } from '../tools/plan-findings.js';
import { quoteIdent } from './catalog.js';
import { candidateSql, type IndexCandidate } from './index-candidates.js';

/** A statement to plan: the caller's query, or one from the workload. */
export interface PlannedStatement {
  label: string;
  sql: string;
  /** It has $n parameters (pg_stat_statements text): plan it generically. */
  generic: boolean;
  /** Total execution time in pg_stat_statements, to weigh workload statements. */
  totalTimeMs?: number;
  calls?: number;
}

/** A hypothetical index as hypopg reports it. */
export interface HypotheticalIndex {
  oid: string;
  name: string;
  sizeBytes: number | null;
}

const PREPARED = 'pgmcp_recommend_indexes';

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodes(child);
}

/** Whether a plan uses an index of this name anywhere. */
export function planUsesIndex(plan: ExplainOutput, indexName: string): boolean {
  for (const node of nodes(plan.Plan)) if (node['Index Name'] === indexName) return true;
  return false;
}

/**
 * Plans statements inside the caller's read-only transaction, with or without hypothetical
 * indexes (hypopg). Everything it creates lives only in this backend: prepared statements are
 * deallocated after each use, and `reset()` drops every hypothetical index — they are not
 * transactional, so the caller's ROLLBACK alone would leave them behind.
 */
export class WhatIfPlanner {
  #savepoint = 0;

  constructor(
    private readonly client: Lease['client'],
    private readonly major: number,
    private readonly hypopgSchema: string | null,
  ) {}

  /** Runs `work` in a savepoint, so a failure leaves the transaction usable. */
  async #isolated<T>(work: () => Promise<T>, onFailure?: () => Promise<void>): Promise<T> {
    const name = `pgmcp_sp_${++this.#savepoint}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await onFailure?.();
      throw error;
    }
  }

  /** The planner's plan of a statement (never executed). */
  async explain(statement: PlannedStatement): Promise<ExplainOutput> {
    const options = 'VERBOSE, FORMAT JSON';
    if (!statement.generic) {
      return this.#isolated(async () =>
        this.#first(await this.client.query(`EXPLAIN (${options}) ${statement.sql}`)),
      );
    }
    if (this.major >= 16) {
      return this.#isolated(async () =>
        this.#first(await this.client.query(`EXPLAIN (GENERIC_PLAN, ${options}) ${statement.sql}`)),
      );
    }
    // Before 16: a prepared statement planned generically, whatever values EXECUTE passes.
    return this.#isolated(
      async () => {
        // Inside the savepoint: its rollback would undo a SET LOCAL made once for all.
        await this.client.query('SET LOCAL plan_cache_mode = force_generic_plan');
        await this.client.query(`PREPARE ${PREPARED} AS ${statement.sql}`);
        const { rows } = await this.client.query<{ n: number }>(
          'SELECT coalesce(cardinality(parameter_types), 0) AS n FROM pg_catalog.pg_prepared_statements WHERE name = $1',
          [PREPARED],
        );
        const n = rows[0]?.n ?? 0;
        const args = n > 0 ? `(${Array.from({ length: n }, () => 'NULL').join(', ')})` : '';
        const plan = this.#first(await this.client.query(`EXPLAIN (${options}) EXECUTE ${PREPARED}${args}`));
        await this.client.query(`DEALLOCATE ${PREPARED}`);
        return plan;
      },
      async () => {
        // PREPARE survives the savepoint's rollback.
        await this.client
          .query(`SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE name = '${PREPARED}'`)
          .then(async ({ rowCount }) => {
            if (rowCount) await this.client.query(`DEALLOCATE ${PREPARED}`);
          });
      },
    );
  }

  #first(result: { rows: Record<string, unknown>[] }): ExplainOutput {
    const value = result.rows[0]?.['QUERY PLAN'];
    const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as ExplainOutput[];
    if (!parsed[0]) throw new Error('PostgreSQL returned no plan.');
    return parsed[0];
  }

  /** Creates a hypothetical index (visible to this backend's planner only). */
  async createHypothetical(candidate: IndexCandidate): Promise<HypotheticalIndex> {
    const schema = quoteIdent(this.hypopgSchema ?? 'public');
    return this.#isolated(async () => {
      const { rows } = await this.client.query<{ oid: string; name: string; bytes: string | null }>(
        `SELECT h.indexrelid::text AS oid, h.indexname AS name, ${schema}.hypopg_relation_size(h.indexrelid)::text AS bytes
         FROM ${schema}.hypopg_create_index($1) h`,
        [candidateSql(candidate, false)],
      );
      const row = rows[0];
      if (!row) throw new Error('hypopg created no index.');
      return { oid: row.oid, name: row.name, sizeBytes: row.bytes === null ? null : Number(row.bytes) };
    });
  }

  /** Drops one hypothetical index. */
  async dropHypothetical(index: HypotheticalIndex): Promise<void> {
    await this.client.query(
      `SELECT ${quoteIdent(this.hypopgSchema ?? 'public')}.hypopg_drop_index($1::oid)`,
      [index.oid],
    );
  }

  /** Drops every hypothetical index of this backend. */
  async reset(): Promise<void> {
    if (this.hypopgSchema) await this.client.query(`SELECT ${quoteIdent(this.hypopgSchema)}.hypopg_reset()`);
  }
}
