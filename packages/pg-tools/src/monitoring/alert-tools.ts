import {
  type Alert,
  alertJson,
  type Alerter,
  blackoutJson,
  dimsLabel,
  type EffectiveRule,
  hourOfWeek,
  type MetricBaseline,
  ruleJson,
  TIMELINE_EVENT_TYPES,
} from '@pgmcp/alerter';
import { type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import type { PgToolsRuntime, PgToolsState } from '../context.js';
import { boundAnswer } from '../tools/common.js';
import { connectionOrFail, monitoredConnections, timeOrFail } from './metrics-tools.js';
import type { MonitoringBackend } from './monitoring-backend.js';

const connectionArg = z
  .string()
  .min(1)
  .optional()
  .describe('A monitored connection (see list_connections); default: the only one, or all you may use.');

const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** The connections a call covers: the named one (checked), or every monitored one the caller may use. */
function connectionsOf(runtime: PgToolsRuntime, state: PgToolsState, name: string | undefined): string[] {
  if (name !== undefined) return [connectionOrFail(runtime, state, name)];
  return monitoredConnections(runtime, state).map((c) => c.name);
}

function alertLine(a: Alert): string {
  const parts = [
    `#${a.id} [${a.severity}] ${a.status} ${a.ruleId} on ${a.connectionId}${dimsLabel(a.dims) ? ` (${dimsLabel(a.dims)})` : ''}: ${a.message}`,
    `fired ${a.firedAt.toISOString()}${a.reopenCount ? `, re-opened ${a.reopenCount}× (last ${a.lastFiredAt.toISOString()})` : ''}`,
  ];
  if (a.acknowledgedAt)
    parts.push(
      `acknowledged by ${a.acknowledgedBy ?? '?'} ${a.acknowledgedAt.toISOString()}${a.ackNote ? ` ("${a.ackNote}")` : ''}`,
    );
  if (a.clearedAt) parts.push(`cleared ${a.clearedAt.toISOString()}`);
  return parts.join('; ');
}

function ruleLine(r: EffectiveRule): string {
  const condition =
    r.kind === 'anomaly'
      ? `${r.probe}.${r.metric} ${r.operator} ${r.anomalyMethod === 'stddev' ? `mean + ${num(r.threshold)}·stddev` : `${num(r.threshold)}× mean`} of the hour of week${r.minValue === null ? '' : ` (and ≥ ${num(r.minValue)})`}`
      : `${r.probe}.${r.metric}${r.windowMode ? ` (${r.windowMode} over ${r.windowS} s)` : ''} ${r.operator} ${num(r.threshold)}`;
  const clear = r.clearThreshold === null ? '' : `, clears at ${num(r.clearThreshold)}`;
  const overridden = r.overridden.length ? ` [overridden here: ${r.overridden.join(', ')}]` : '';
  return `${r.id} (${r.category}, ${r.severity}${r.enabled ? '' : ', disabled'}): ${condition} for ${r.durationS} s${clear}${overridden} — ${r.name}`;
}

function blackoutLine(b: ReturnType<typeof blackoutJson>): string {
  const when = b.cron
    ? `every "${b.cron}" (${b.time_zone}) for ${b.duration_s} s`
    : `${b.starts_at} → ${b.ends_at}`;
  return `#${b.id} ${b.active ? 'ACTIVE ' : ''}${b.connection_id ?? 'all connections'}: ${when}${b.reason ? ` — ${b.reason}` : ''}${b.ended_at ? ` (ended ${b.ended_at})` : ''}`;
}

function baselineGroups(list: readonly MetricBaseline[], hour: number) {
  const groups = new Map<
    string,
    { probe: string; metric: string; dims: MetricBaseline['dims']; hours: number; now?: MetricBaseline }
  >();
  for (const b of list) {
    const key = `${b.probe}\u0000${b.metric}\u0000${JSON.stringify(b.dims)}`;
    const group = groups.get(key) ?? { probe: b.probe, metric: b.metric, dims: b.dims, hours: 0 };
    group.hours++;
    if (b.hourOfWeek === hour) group.now = b;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Registers the read-only alert tools (acknowledging is a person's action in the web, CLI or REST). */
export function registerAlertTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  backend: MonitoringBackend,
  alerter: Alerter,
): void {
  const now = backend.now ?? (() => new Date());

  registry.addTool({
    name: 'get_alert_history',
    title: 'Alert history',
    description: `List alerts of monitored connections: which rule fired, on which object, the value and threshold, when it fired, who acknowledged it (and their note) and when it cleared. Active alerts come first.

Use it for "what alerted last night?" and line the times up with get_timeline_events (what changed just before) and query_metrics (the metric around that time). Example: {"connection_id": "shop", "status": "active"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      connection_id: connectionArg,
      status: z
        .enum(['active', 'cleared', 'acknowledged', 'all'])
        .default('all')
        .describe(
          'active (firing or acknowledged), cleared, acknowledged (open and acknowledged), or all (default).',
        ),
      rule_id: z.string().min(1).optional().describe('Only this rule (see get_alert_rules).'),
      metric_name: z.string().min(1).optional().describe('Only alerts on this metric.'),
      time_start: z
        .string()
        .default('7d')
        .describe(
          'Alerts that fired since: a span back from now (24h, 7d) or ISO 8601 (default 7d); open alerts always show.',
        ),
      limit: z.number().int().min(1, 'limit must be 1–100').max(100, 'limit must be 1–100').default(50),
      offset: z.number().int().min(0).default(0),
    }),
    handler: async (args, context) => {
      const connectionIds = connectionsOf(runtime, context.state, args.connection_id);
      const since = timeOrFail('time_start', args.time_start, now());
      const alerts = await alerter.listAlerts({
        connectionIds,
        status: args.status,
        ...(args.rule_id ? { ruleId: args.rule_id } : {}),
        ...(args.metric_name ? { metric: args.metric_name } : {}),
        since,
        limit: args.limit,
        offset: args.offset,
      });
      const text =
        alerts.length === 0
          ? `No ${args.status === 'all' ? '' : `${args.status} `}alerts since ${since.toISOString()} on ${connectionIds.join(', ') || 'no connection you may use'}.`
          : [
              `${alerts.length} alert(s)${alerts.length === args.limit ? ` (more with offset ${args.offset + args.limit})` : ''}:`,
              ...alerts.map(alertLine),
            ].join('\n');
      return boundAnswer(
        runtime,
        { content: [{ type: 'text', text }], structuredContent: { alerts: alerts.map(alertJson) } },
        'Ask for fewer alerts (limit) or filter by status, rule_id or connection_id.',
      );
    },
  });

  registry.addTool({
    name: 'get_alert_rules',
    title: 'Alert rules',
    description: `List the alert rules: what each watches (probe and metric, or an anomaly over the learned baseline), the threshold, how long it must hold, when it clears (hysteresis), severity and whether it is enabled. With connection_id, that connection's overrides are applied and named.

Example: {"connection_id": "shop", "enabled_only": true}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      connection_id: z
        .string()
        .min(1)
        .optional()
        .describe("Apply this connection's overrides (default: the rules as defined)."),
      category: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Only this category, e.g. connections, sessions, locks, replication, maintenance, capacity, performance, errors, availability, anomaly.',
        ),
      enabled_only: z.boolean().default(false),
    }),
    handler: async (args, context) => {
      const connectionId =
        args.connection_id === undefined
          ? undefined
          : connectionOrFail(runtime, context.state, args.connection_id);
      const rules = await alerter.listRules({
        ...(connectionId ? { connectionId } : {}),
        ...(args.category ? { category: args.category } : {}),
        enabledOnly: args.enabled_only,
      });
      const text =
        rules.length === 0
          ? `No rules${args.category ? ` in category "${args.category}"` : ''}.`
          : [
              `${rules.length} rule(s)${connectionId ? ` for ${connectionId}` : ''}:`,
              ...rules.map(ruleLine),
            ].join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { rules: rules.map(ruleJson) } };
    },
  });

  registry.addTool({
    name: 'get_metric_baselines',
    title: 'Learned metric baselines',
    description: `Show the baselines the anomaly rules learned from history: per metric and object, the mean, standard deviation and number of hours behind it for each hour of the week (UTC). The text shows the current hour of week; structuredContent has every hour.

Example: {"connection_id": "shop", "metric_name": "xact_commit"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      connection_id: connectionArg,
      metric_name: z.string().min(1).optional().describe('Only this metric, e.g. xact_commit.'),
    }),
    handler: async (args, context) => {
      const connectionId = connectionOrFail(runtime, context.state, args.connection_id);
      const list = await alerter.listBaselines({
        connectionId,
        ...(args.metric_name ? { metric: args.metric_name } : {}),
      });
      const hour = hourOfWeek(now());
      const groups = baselineGroups(list, hour);
      const text =
        groups.length === 0
          ? `No baselines learned for ${connectionId}${args.metric_name ? ` and ${args.metric_name}` : ''} yet: they come from hourly rollups of the metrics anomaly rules watch (see get_alert_rules category anomaly), relearned every hour.`
          : [
              `Baselines of ${connectionId} (hour of week now: ${hour}, 0 = Sunday 00:00 UTC):`,
              ...groups.map(
                (g) =>
                  `${g.probe}.${g.metric}${dimsLabel(g.dims) ? ` (${dimsLabel(g.dims)})` : ''}: ${g.hours} hour(s) of week learned; now ${g.now ? `mean ${num(g.now.mean)}, stddev ${num(g.now.stddev)}, n ${g.now.n}` : 'not learned'}`,
              ),
            ].join('\n');
      return boundAnswer(
        runtime,
        {
          content: [{ type: 'text', text }],
          structuredContent: {
            connection_id: connectionId,
            hour_of_week_now: hour,
            baselines: list.map((b) => ({
              probe: b.probe,
              metric: b.metric,
              dims: b.dims,
              hour_of_week: b.hourOfWeek,
              mean: b.mean,
              stddev: b.stddev,
              n: b.n,
              updated_at: iso(b.updatedAt),
            })),
          },
        },
        'Name one metric_name.',
      );
    },
  });

  registry.addTool({
    name: 'get_blackouts',
    title: 'Alert blackouts',
    description: `List blackouts: periods when alert rules do not fire — one-off (start and end) or scheduled (cron expression, duration and time zone), for one connection or all. Says which are in force now.

Example: {"active_only": true}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      connection_id: connectionArg,
      active_only: z.boolean().default(false).describe('Only blackouts in force now.'),
      include_schedules: z
        .boolean()
        .default(true)
        .describe('Include scheduled (cron) blackouts (default true).'),
    }),
    handler: async (args, context) => {
      const allowed = new Set(connectionsOf(runtime, context.state, args.connection_id));
      const at = now();
      const all = await alerter.listBlackouts({
        ...(args.connection_id ? { connectionId: args.connection_id } : {}),
        includeSchedules: args.include_schedules,
      });
      const active = new Set(
        (
          await alerter.listBlackouts({
            ...(args.connection_id ? { connectionId: args.connection_id } : {}),
            activeOnly: true,
          })
        ).map((b) => b.id),
      );
      const blackouts = all
        .filter((b) => b.connectionId === null || allowed.has(b.connectionId))
        .filter((b) => !args.active_only || active.has(b.id))
        .map((b) => blackoutJson(b, active.has(b.id)));
      const text =
        blackouts.length === 0
          ? `No ${args.active_only ? 'active ' : ''}blackouts (at ${at.toISOString()}).`
          : [`${blackouts.length} blackout(s):`, ...blackouts.map(blackoutLine)].join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { blackouts } };
    },
  });

  registry.addTool({
    name: 'get_timeline_events',
    title: 'Connection timeline',
    description: `List what happened on a monitored connection, newest first: alerts fired, acknowledged and cleared, blackouts started and ended, settings and pg_hba.conf changes, extensions installed or removed, server restarts. Line these up with a metric spike from query_metrics.

Example: {"connection_id": "shop", "start_time": "24h", "event_types": ["setting_changed", "server_restarted"]}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      connection_id: connectionArg,
      start_time: z
        .string()
        .default('24h')
        .describe('A span back from now (1h, 24h, 7d) or ISO 8601 (default 24h).'),
      end_time: z.string().default('now').describe('"now" (default), a span back from now, or ISO 8601.'),
      event_types: z
        .array(z.enum(TIMELINE_EVENT_TYPES))
        .min(1)
        .optional()
        .describe(`Only these: ${TIMELINE_EVENT_TYPES.join(', ')}.`),
      limit: z.number().int().min(1, 'limit must be 1–500').max(500, 'limit must be 1–500').default(100),
    }),
    handler: async (args, context) => {
      const connectionId = connectionOrFail(runtime, context.state, args.connection_id);
      const at = now();
      const start = timeOrFail('start_time', args.start_time, at);
      const end = timeOrFail('end_time', args.end_time, at);
      if (start >= end)
        throw new ToolError(
          `start_time (${start.toISOString()}) must be before end_time (${end.toISOString()}).`,
        );
      const events = await alerter.listTimeline({
        connectionId,
        start,
        end,
        ...(args.event_types ? { types: args.event_types } : {}),
        limit: args.limit,
      });
      const text =
        events.length === 0
          ? `No events on ${connectionId} from ${start.toISOString()} to ${end.toISOString()}.`
          : [
              `${events.length} event(s) on ${connectionId}, newest first:`,
              ...events.map((e) => `${e.at.toISOString()} ${e.type}: ${e.title}`),
            ].join('\n');
      return boundAnswer(
        runtime,
        {
          content: [{ type: 'text', text }],
          structuredContent: {
            connection_id: connectionId,
            events: events.map((e) => ({
              id: e.id,
              at: iso(e.at),
              type: e.type,
              title: e.title,
              details: e.details,
              alert_id: e.alertId,
            })),
          },
        },
        'Ask for a shorter range, fewer event_types or a lower limit.',
      );
    },
  });
}
