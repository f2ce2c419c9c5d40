/**
 * bench/dba: how long the DBA tools take on the demo database.
 *
 * Seeds the demo database (packages/demo-data) in a throwaway embedded PostgreSQL with
 * pg_stat_statements preloaded, runs a small workload so the statistics are not empty, then calls
 * analyze_db_health (all checks, then each check alone), get_top_queries, get_active_queries and
 * recommend_indexes through pg-tools' registry — the same handler path as an MCP call, without
 * HTTP — and prints median / p95 / max per tool.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source dba/run.ts [--rounds 20]
 *
 * Set BENCH_DATABASE_URL to a database that already holds the demo (the workload still runs), or
 * PGMCP_TEST_PG_BIN to a bin directory (e.g. /usr/lib/postgresql/15/bin) for another major.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createMcpRegistry, type McpContext } from '@pgmcp/mcp-core';
import { isDemoSeeded, seedDemoDatabase } from '@pgmcp/demo-data';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import {
  createMemoryConnectionStore,
  HEALTH_CHECK_NAMES,
  loadGuard,
  type PgToolsState,
  registerPgTools,
} from '@pgmcp/pg-tools';
import { createPoolManager } from '@pgmcp/pool-manager';
import pg from 'pg';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } });
const ROUNDS = Number(args.rounds);

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  let url = process.env.BENCH_DATABASE_URL;
  let cleanup = async () => undefined as unknown;
  if (!url) {
    const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-dba-'));
    const server = await startLocalPostgres({
      dataDir: path.join(root, 'data'),
      binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
      ephemeral: true,
      settings: { shared_preload_libraries: 'pg_stat_statements' },
    });
    cleanup = async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    };
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE demo');
    await admin.end();
    url = server.url('demo');
    log(`PostgreSQL ${server.version}`);
  }
  try {
    if (!(await isDemoSeeded(url))) {
      const { durationMs } = await seedDemoDatabase(url);
      log(`demo seeded in ${Math.round(durationMs)} ms`);
    }
    const worker = new pg.Client({ connectionString: url });
    await worker.connect();
    await worker.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    // Where the server has hypopg (Debian's postgresql-15-hypopg), index advice is checked with it.
    await worker.query(
      "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') THEN CREATE EXTENSION IF NOT EXISTS hypopg; END IF; END $$",
    );
    // A little workload so the statistics and the index advice have something to say.
    for (let i = 0; i < 20; i++) {
      await worker.query('SELECT count(*) FROM sales.orders WHERE customer_id = $1', [i + 1]);
      await worker.query('SELECT status, count(*) FROM support.tickets GROUP BY status');
      // order_items has no index on product_id: the kind of statement index advice is for.
      await worker.query('SELECT sum(quantity) FROM sales.order_items WHERE product_id = $1', [i + 1]);
    }
    await worker.end();

    await loadGuard();
    const pools = createPoolManager({ connections: [{ name: 'demo', url }] });
    const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp-bench', version: '0' } });
    registerPgTools(registry, { pools, sessions: createMemoryConnectionStore() });
    const context: McpContext<PgToolsState> = {
      principal: { id: 'bench', name: 'bench', kind: 'local' },
      sessionKey: 'bench',
      state: {},
      signal: new AbortController().signal,
    };
    const time = async (name: string, toolArgs: Record<string, unknown>, rounds = ROUNDS) => {
      const times: number[] = [];
      let last: unknown;
      for (let i = 0; i < rounds + 1; i++) {
        const started = performance.now();
        last = await registry.callTool(name, toolArgs, context);
        // The first call warms the pool and the guard; it is not counted.
        if (i > 0) times.push(performance.now() - started);
      }
      const result = last as { isError?: boolean; structuredContent?: Record<string, unknown> };
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result)}`);
      return { times, result: result.structuredContent ?? {} };
    };

    const all = await time('analyze_db_health', {});
    const counts = all.result.counts as Record<string, number>;
    console.log(
      `analyze_db_health, all ${HEALTH_CHECK_NAMES.length} checks (${ROUNDS} rounds): ${summary(all.times)}`,
    );
    console.log(
      `  findings on the demo: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info; skipped: ${(all.result.skipped as unknown[]).length}`,
    );
    for (const check of HEALTH_CHECK_NAMES) {
      const one = await time('analyze_db_health', { checks: [check] }, Math.max(5, Math.round(ROUNDS / 2)));
      console.log(`  ${check.padEnd(18)} ${summary(one.times)}`);
    }
    console.log(`get_top_queries: ${summary((await time('get_top_queries', {})).times)}`);
    console.log(`get_active_queries: ${summary((await time('get_active_queries', {})).times)}`);
    console.log(`get_locks: ${summary((await time('get_locks', {})).times)}`);
    const advice = await time('recommend_indexes', {}, Math.max(3, Math.round(ROUNDS / 4)));
    console.log(
      `recommend_indexes (workload, ${advice.result.method}): ${summary(advice.times)}; ${(advice.result.recommendations as unknown[]).length} recommendations`,
    );
    await pools.close();
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
