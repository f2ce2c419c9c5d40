import type { CreateAlertRule, UpdateAlertRule } from '@pgmcp/api-contract';
import type { AlertRule, RuleInput, RuleOverride } from '@pgmcp/alerter';

// REST bodies in the alerter's terms; the records' JSON comes from the alerter itself.
export { alertJson, blackoutJson, ruleJson, timelineJson } from '@pgmcp/alerter';

const RULE_FIELDS: Record<string, keyof AlertRule> = {
  id: 'id',
  name: 'name',
  category: 'category',
  description: 'description',
  kind: 'kind',
  probe: 'probe',
  metric: 'metric',
  dims_filter: 'dimsFilter',
  operator: 'operator',
  threshold: 'threshold',
  clear_threshold: 'clearThreshold',
  duration_s: 'durationS',
  window_s: 'windowS',
  window_mode: 'windowMode',
  anomaly_method: 'anomalyMethod',
  min_samples: 'minSamples',
  min_value: 'minValue',
  severity: 'severity',
  enabled: 'enabled',
};

/** A REST rule body in the alerter's terms (it checks the meaning and names the field it refuses). */
export function ruleInput(body: CreateAlertRule | UpdateAlertRule): RuleInput {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [RULE_FIELDS[field] ?? field, value]),
  );
}

/** A REST override body in the alerter's terms; absent fields are null (follow the rule). */
export function overrideInput(body: {
  threshold?: number | null | undefined;
  clear_threshold?: number | null | undefined;
  duration_s?: number | null | undefined;
  enabled?: boolean | null | undefined;
  severity?: string | null | undefined;
}): Partial<Record<keyof RuleOverride, unknown>> {
  return {
    threshold: body.threshold ?? null,
    clearThreshold: body.clear_threshold ?? null,
    durationS: body.duration_s ?? null,
    enabled: body.enabled ?? null,
    severity: body.severity ?? null,
  };
}
