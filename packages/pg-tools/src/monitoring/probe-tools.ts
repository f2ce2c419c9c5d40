import { type McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import type { PgToolsState } from '../context.js';
import { findProbe, probeRequirementFields, probeRequirements } from './metrics-read.js';
import { asToolError } from './metrics-tools.js';
import type { MonitoringBackend } from './monitoring-backend.js';

/** Registers `list_probes` and `describe_probe`. */
export function registerProbeTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  backend: MonitoringBackend,
): void {
  registry.addTool({
    name: 'list_probes',
    title: 'List monitoring probes',
    description: `List the monitoring probes whose metrics are collected over time into the datastore: name, interval and what each measures.

Use it to find which probe answers a question about history ("transactions per second last night" → database_stats, "slowest queries this week" → statements), then describe_probe for its metrics and query_metrics for the data.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({}),
    handler: () => {
      const probes = backend.probes.map((p) => ({
        name: p.name,
        interval_s: p.intervalS,
        description: p.description,
        requires: probeRequirements(p) || null,
        metrics: p.columns.map((c) => c.name),
      }));
      const text = [
        `${probes.length} probes (name, interval, what it measures):`,
        ...probes.map(
          (p) =>
            `${p.name} (${p.interval_s} s): ${p.description}${p.requires ? ` Needs ${p.requires}.` : ''}`,
        ),
      ].join('\n');
      return Promise.resolve({ content: [{ type: 'text', text }], structuredContent: { probes } });
    },
  });

  registry.addTool({
    name: 'describe_probe',
    title: 'Describe a monitoring probe',
    description: `Describe one monitoring probe: its metrics with units and kind (counters are stored as per-second rates), its dimensions (database_name, schema_name, table_name, object_name), interval, timeout, and which PostgreSQL versions or extensions it needs.

Example: {"probe_name": "database_stats"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({ probe_name: z.string().min(1).describe('A probe name from list_probes.') }),
    handler: async (args) => {
      const probe = await asToolError(async () => findProbe(backend.probes, args.probe_name));
      const structured = {
        name: probe.name,
        description: probe.description,
        interval_s: probe.intervalS,
        timeout_ms: probe.timeoutMs,
        dimensions: [...probe.dims],
        ...probeRequirementFields(probe),
        metrics: probe.columns.map((c) => ({
          name: c.name,
          unit: c.unit,
          kind: c.kind,
          description: c.description,
        })),
      };
      const text = [
        `${probe.name}: ${probe.description}`,
        `every ${probe.intervalS} s, timeout ${probe.timeoutMs} ms; dimensions: ${probe.dims.join(', ') || 'none'}${probeRequirements(probe) ? `; needs ${probeRequirements(probe)}` : ''}`,
        probe.extension ? `to enable: ${probe.extension.howToEnable}` : '',
        'metric\tunit\tkind\tdescription',
        ...probe.columns.map((c) => `${c.name}\t${c.unit}\t${c.kind}\t${c.description}`),
      ].filter(Boolean);
      return { content: [{ type: 'text', text: text.join('\n') }], structuredContent: structured };
    },
  });
}
