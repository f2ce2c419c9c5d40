import { type McpContext, type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { describeFailure } from '../describe-error.js';
import { targetArgs } from '../tools/common.js';
import { isPgError, withCatalog } from './catalog.js';
import type { HealthCheck, HealthFinding, Severity } from './health/health-check.js';
import { duplicateIndexes, indexBloat, invalidIndexes, unusedIndexes } from './health/index-checks.js';
import {
  cacheHitRatio,
  connectionUsage,
  replication,
  sequenceLimits,
  wraparound,
} from './health/server-checks.js';
import {
  analyzeStaleness,
  tableBloat,
  unvalidatedConstraints,
  vacuumStaleness,
} from './health/table-checks.js';

/** Every check of analyze_db_health, in the order they run and report. */
const HEALTH_CHECKS: readonly HealthCheck[] = [
  invalidIndexes,
  duplicateIndexes,
  unusedIndexes,
  indexBloat,
  tableBloat,
  vacuumStaleness,
  analyzeStaleness,
  wraparound,
  sequenceLimits,
  connectionUsage,
  cacheHitRatio,
  replication,
  unvalidatedConstraints,
];

/** Names the `checks` argument of analyze_db_health accepts. */
export const HEALTH_CHECK_NAMES = HEALTH_CHECKS.map((c) => c.name) as [string, ...string[]];
const CHECK_NAMES = HEALTH_CHECK_NAMES;
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** A check that could not finish (timeout, missing privilege), reported beside the findings. */
interface SkippedCheck {
  check: string;
  reason: string;
}

function renderFinding(f: HealthFinding): string {
  const evidence = Object.entries(f.evidence)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return [
    `[${f.severity.toUpperCase()}] ${f.check}: ${f.message}`,
    `  evidence: ${evidence}`,
    `  fix: ${f.fix_sql.replace(/\n/g, '\n       ')}`,
  ].join('\n');
}

/** Registers `analyze_db_health`. */
export function registerAnalyzeDbHealth<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'analyze_db_health',
    title: 'Check database health',
    description: `Run the checks a DBA runs and report problems with severity, the object, the evidence numbers and the SQL that would fix each (pgmcp never runs it). Checks: ${HEALTH_CHECKS.map((c) => `${c.name} (${c.title})`).join('; ')}.

Use it for "is the database healthy?" or before maintenance. Per-table checks cover the connected database; wraparound, connections and replication cover the server. Each check runs under the statement timeout; one that cannot finish is reported as skipped. Pick some with checks.

Example: {} or {"checks": ["duplicate_indexes", "invalid_indexes", "sequences"]}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      checks: z
        .array(z.enum(CHECK_NAMES))
        .min(1)
        .optional()
        .describe(`Checks to run (default all): ${CHECK_NAMES.join(', ')}.`),
      min_severity: z
        .enum(['info', 'warning', 'critical'])
        .default('info')
        .describe('Leave out findings below this severity (default info: everything).'),
      ...targetArgs,
    }),
    handler: async (args, context: McpContext<S>) => {
      const target = await resolveTarget(runtime, context, args);
      const wanted = new Set(args.checks ?? CHECK_NAMES);
      const checks = HEALTH_CHECKS.filter((c) => wanted.has(c.name));
      const started = performance.now();
      const { findings, skipped } = await withCatalog(
        runtime,
        context,
        { ...target, writes: false },
        async (session) => {
          const findings: HealthFinding[] = [];
          const skipped: SkippedCheck[] = [];
          for (const check of checks) {
            if (context.signal.aborted) throw new ToolError('The request was cancelled.');
            try {
              findings.push(...(await check.run(session)));
            } catch (error) {
              // One slow or forbidden check should not hide the others' findings.
              if (!isPgError(error)) throw error;
              skipped.push({
                check: check.name,
                reason: describeFailure(error, undefined, target.info.statementTimeoutMs).message,
              });
            }
          }
          return { findings, skipped };
        },
      );
      const floor = SEVERITY_ORDER[args.min_severity];
      const shown = findings
        .filter((f) => SEVERITY_ORDER[f.severity] <= floor)
        .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      const counts = { critical: 0, warning: 0, info: 0 };
      for (const f of shown) counts[f.severity]++;
      const durationMs = Math.round(performance.now() - started);
      const header =
        shown.length === 0
          ? `No problems found by ${checks.length} checks (${checks.map((c) => c.name).join(', ')}).`
          : `${shown.length} findings from ${checks.length} checks: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info. The fix SQL is for a DBA to review and run; pgmcp ran none of it.`;
      const text = [
        header,
        ...shown.map(renderFinding),
        ...skipped.map((s) => `[SKIPPED] ${s.check}: ${s.reason}`),
      ].join('\n\n');
      return {
        content: [{ type: 'text', text }],
        structuredContent: {
          findings: shown,
          counts,
          checks_run: checks.map((c) => c.name),
          skipped,
          duration_ms: durationMs,
        },
      };
    },
  });
}
