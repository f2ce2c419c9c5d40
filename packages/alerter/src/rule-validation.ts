import type { ProbeDefinition } from '@pgmcp/collector';
import { DIMENSIONS, type SampleDims } from '@pgmcp/datastore';
import { COLLECTOR_PROBE, DERIVED_METRICS, UNREACHABLE_METRIC } from './derived.js';
import { invalid } from './errors.js';
import {
  ANOMALY_METHODS,
  type AlertRule,
  OPERATORS,
  RULE_KINDS,
  type RuleOverride,
  SEVERITIES,
  WINDOW_MODES,
} from './types.js';

/** A rule as callers give it (REST, CLI, config): checked field by field. */
export type RuleInput = Partial<Record<keyof AlertRule, unknown>>;

const ID = /^[a-z][a-z0-9_]{0,62}$/;

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

function numberField(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(field, `must be a number; got ${describe(value)}.`);
  return value;
}

function optionalNumber(field: string, value: unknown): number | null {
  return value === undefined || value === null ? null : numberField(field, value);
}

function seconds(field: string, value: unknown): number {
  const n = numberField(field, value);
  if (!Number.isInteger(n) || n < 0 || n > 30 * 86_400)
    throw invalid(field, `must be whole seconds from 0 to ${30 * 86_400}; got ${describe(value)}.`);
  return n;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw invalid(field, `must be one of ${allowed.join(', ')}; got ${describe(value)}.`);
  return value as T;
}

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw invalid(field, `must be a non-empty text of at most ${max} characters.`);
  return value.trim();
}

function dimsFilter(value: unknown): SampleDims {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('dims_filter', 'must be an object of dimension names to values.');
  const out: SampleDims = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(DIMENSIONS as readonly string[]).includes(key))
      throw invalid(
        'dims_filter',
        `unknown dimension "${key}"; the dimensions are ${DIMENSIONS.join(', ')}.`,
      );
    if (typeof v !== 'string') throw invalid('dims_filter', `${key} must be a text.`);
    out[key as keyof SampleDims] = v;
  }
  return out;
}

/** The metrics a rule may name on `probe`: its columns and derived metrics. */
export function metricsOf(probes: readonly ProbeDefinition[], probe: string): string[] | undefined {
  if (probe === COLLECTOR_PROBE) return [UNREACHABLE_METRIC];
  const definition = probes.find((p) => p.name === probe);
  if (!definition) return undefined;
  return [
    ...definition.columns.filter((c) => c.unit !== 'text').map((c) => c.name),
    ...DERIVED_METRICS.filter((d) => d.probe === probe).map((d) => d.name),
  ];
}

function checkProbeMetric(probes: readonly ProbeDefinition[], probe: string, metric: string): void {
  const metrics = metricsOf(probes, probe);
  if (!metrics)
    throw invalid(
      'probe',
      `unknown probe "${probe}"; the probes are ${[COLLECTOR_PROBE, ...probes.map((p) => p.name)].join(', ')}.`,
    );
  if (!metrics.includes(metric))
    throw invalid(
      'metric',
      `"${metric}" is not a numeric metric of ${probe}; its metrics are ${metrics.join(', ')}.`,
    );
}

function checkClear(rule: AlertRule): void {
  if (rule.clearThreshold === null || rule.kind === 'anomaly') return;
  const upward = rule.operator === '>' || rule.operator === '>=';
  if (upward ? rule.clearThreshold > rule.threshold : rule.clearThreshold < rule.threshold)
    throw invalid(
      'clear_threshold',
      `must be on the good side of the threshold (${upward ? 'at most' : 'at least'} ${rule.threshold} for "${rule.operator}").`,
    );
}

/** Checks a whole rule (a new one, or an existing one with changes applied); errors name the field. */
export function parseRule(input: RuleInput, probes: readonly ProbeDefinition[]): AlertRule {
  const id = text('id', input.id, 63);
  if (!ID.test(id)) throw invalid('id', 'must be lower-case letters, digits and _, starting with a letter.');
  const kind = oneOf('kind', input.kind ?? 'threshold', RULE_KINDS);
  const rule: AlertRule = {
    id,
    name: text('name', input.name, 200),
    category: text('category', input.category ?? 'custom', 60),
    description: typeof input.description === 'string' ? input.description : '',
    kind,
    probe: text('probe', input.probe, 100),
    metric: text('metric', input.metric, 100),
    dimsFilter: dimsFilter(input.dimsFilter),
    operator: oneOf('operator', input.operator ?? '>', OPERATORS),
    threshold: numberField('threshold', input.threshold),
    clearThreshold: optionalNumber('clear_threshold', input.clearThreshold),
    durationS: seconds('duration_s', input.durationS ?? 0),
    severity: oneOf('severity', input.severity ?? 'warning', SEVERITIES),
    enabled: input.enabled === undefined ? true : boolField('enabled', input.enabled),
    windowS:
      input.windowS === undefined || input.windowS === null ? null : seconds('window_s', input.windowS),
    windowMode:
      input.windowMode === undefined || input.windowMode === null
        ? null
        : oneOf('window_mode', input.windowMode, WINDOW_MODES),
    anomalyMethod:
      kind === 'anomaly' ? oneOf('anomaly_method', input.anomalyMethod ?? 'ratio', ANOMALY_METHODS) : null,
    minSamples: kind === 'anomaly' ? seconds('min_samples', input.minSamples ?? 3) : null,
    minValue: optionalNumber('min_value', input.minValue),
    builtin: input.builtin === true,
  };
  checkProbeMetric(probes, rule.probe, rule.metric);
  if ((rule.windowS === null) !== (rule.windowMode === null))
    throw invalid('window_s', 'window_s and window_mode go together (avg or change over window_s seconds).');
  if (kind === 'anomaly' && (rule.windowMode !== null || DERIVED_METRICS.some((d) => d.name === rule.metric)))
    throw invalid(
      'metric',
      'anomaly rules compare a stored metric of the latest snapshot with its baseline: no window, no derived metric.',
    );
  if (kind === 'anomaly' && rule.threshold <= 0)
    throw invalid('threshold', 'an anomaly factor or number of deviations must be above 0.');
  checkClear(rule);
  return rule;
}

function boolField(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(field, `must be true or false; got ${describe(value)}.`);
  return value;
}

/** Checks a per-connection override. */
export function parseOverride(input: Partial<Record<keyof RuleOverride, unknown>>): RuleOverride {
  const out: RuleOverride = {};
  if (input.threshold !== undefined) out.threshold = optionalNumber('threshold', input.threshold);
  if (input.clearThreshold !== undefined)
    out.clearThreshold = optionalNumber('clear_threshold', input.clearThreshold);
  if (input.durationS !== undefined)
    out.durationS = input.durationS === null ? null : seconds('duration_s', input.durationS);
  if (input.enabled !== undefined)
    out.enabled = input.enabled === null ? null : boolField('enabled', input.enabled);
  if (input.severity !== undefined)
    out.severity = input.severity === null ? null : oneOf('severity', input.severity, SEVERITIES);
  return out;
}
